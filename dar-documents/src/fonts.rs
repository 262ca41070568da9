//! The two embedded Noto Sans faces, measured with their own glyph advances so that what
//! is laid out is exactly what a viewer draws.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::OnceLock;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use printpdf::font::{FontEmbeddingMode, PdfFont, PrintpdfFontMeta};
use printpdf::{FontId, ParsedFont, PdfFontHandle};
use sha2::{Digest, Sha256};

use crate::error::DocumentError;

static REGULAR_TTF: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

/// Resource names double as the subset tag ("DARREG+NotoSans-Regular"), and PDF tools
/// only recognise a subset by exactly six uppercase letters, so these must stay so.
const REGULAR_ID: &str = "DARREG";
const BOLD_ID: &str = "DARBLD";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(crate) fn id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => REGULAR_ID,
                Face::Bold => BOLD_ID,
            }
            .to_string(),
        )
    }

    pub(crate) fn handle(self) -> PdfFontHandle {
        PdfFontHandle::External(self.id())
    }
}

/// One parsed face plus what measuring needs, precomputed for the Latin-1 range that
/// nearly all register text is in.
pub(crate) struct Metrics {
    parsed: ParsedFont,
    units_per_em: f32,
    /// Advance in em of U+0000..U+00FF; the rest is looked up on demand.
    latin1: [f32; 256],
    missing: f32,
}

impl Metrics {
    fn load(bytes: &[u8], name: &str) -> Result<Metrics, String> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("{name} does not parse"))?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em);
        if units_per_em <= 0.0 {
            return Err(format!("{name} has no units per em"));
        }
        let missing = f32::from(parsed.get_horizontal_advance(0)) / units_per_em;
        let mut latin1 = [missing; 256];
        for (code, slot) in latin1.iter_mut().enumerate() {
            if let Some(gid) = parsed.lookup_glyph_index(code as u32) {
                *slot = f32::from(parsed.get_horizontal_advance(gid)) / units_per_em;
            }
        }
        Ok(Metrics {
            parsed,
            units_per_em,
            latin1,
            missing,
        })
    }

    fn advance(&self, ch: char) -> f32 {
        let code = ch as u32;
        if code < 256 {
            return self.latin1[code as usize];
        }
        match self.parsed.lookup_glyph_index(code) {
            Some(gid) => f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em,
            None => self.missing,
        }
    }

    pub(crate) fn parsed(&self) -> &ParsedFont {
        &self.parsed
    }
}

/// The characters every process subsets the faces to once, up front.
///
/// Subsetting a face (allsorts, then re-parsing the subset for its widths) used to be a
/// quarter of the time of a certificate. Belgian registers are written in Dutch, French,
/// German and English with names from the same alphabets, so nearly every document
/// needs only: printable ASCII, Latin-1 Supplement, Latin Extended-A (Polish, Czech,
/// Hungarian, Turkish… names), the typographic punctuation people paste from word
/// processors, and whatever the fixed wording uses (see [`label_chars`]). A document
/// whose text for a face stays inside this set embeds the prepared subset; any other
/// (Cyrillic, Greek, CJK names…) falls back to subsetting per document, as before.
fn repertoire() -> BTreeSet<char> {
    let ranges = [
        0x20u32..=0x7E,  // printable ASCII
        0xA0..=0xFF,     // Latin-1 Supplement (incl. no-break space)
        0x100..=0x17F,   // Latin Extended-A
        0x2007..=0x200B, // figure, punctuation, thin, hair and zero-width spaces
        0x2010..=0x2027, // hyphens, dashes, quotes, bullets, ellipsis
        0x202F..=0x202F, // narrow no-break space (French digit grouping)
        0x2030..=0x203A, // per mille, primes, single guillemets
        0x2070..=0x2079, // superscript figures
        0x20AC..=0x20AC, // euro sign
        0x2122..=0x2122, // trade mark
        0x2212..=0x2212, // minus sign
    ];
    let mut chars: BTreeSet<char> = ranges
        .into_iter()
        .flatten()
        .filter_map(char::from_u32)
        .collect();
    chars.extend(label_chars());
    chars
}

/// Every character of the fixed wording: read from the source of the label tables
/// themselves, so a label edited later can never fall outside the prepared subset
/// (the comments come along too, which only adds a few glyphs).
fn label_chars() -> impl Iterator<Item = char> {
    include_str!("labels.rs")
        .chars()
        .filter(|c| !c.is_control())
}

/// A face subset once per process to [`repertoire`], ready to embed as is.
pub(crate) struct Prepared {
    /// The subset program, parsed, so that printpdf takes its glyph ids, /W widths and
    /// ToUnicode from it; marked "embed whole" so that printpdf does not subset it again.
    font: PdfFont,
    /// Characters whose glyph in the subset was checked to be the full face's glyph
    /// (same advance); only these take the prepared path.
    covered_latin: [bool; 0x180],
    covered_other: BTreeSet<char>,
    /// The face's PostScript name as printpdf writes it for a whole embed, and the
    /// subset-tagged name the finished document must show instead.
    pub(crate) plain_name: String,
    pub(crate) tagged_name: String,
    /// The subset program, deflated once (at the best level: it is paid once per
    /// process), and its inflated length for /Length1.
    pub(crate) compressed: Vec<u8>,
    pub(crate) program_len: usize,
    /// Stands for the font program in the document /ID, instead of hashing it each time.
    pub(crate) digest: [u8; 32],
}

impl Prepared {
    fn build(full: &ParsedFont, tag: &str) -> Result<Prepared, String> {
        let repertoire = repertoire();
        let mut usage: BTreeMap<u16, String> = BTreeMap::new();
        for &c in &repertoire {
            if let Some(gid) = full.lookup_glyph_index(c as u32) {
                usage.entry(gid).or_insert_with(|| c.to_string());
            }
        }
        let subset = printpdf::font::subset_font(full, &usage)?;
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&subset.bytes, 0, &mut warnings)
            .ok_or_else(|| format!("the {tag} subset does not parse"))?;
        // The subset has no name table and a reduced OS/2; the font descriptor must
        // describe the face exactly as the per-document subset does, which takes these
        // from the full face.
        let plain_name = full
            .font_name
            .clone()
            .ok_or_else(|| format!("the {tag} face has no name"))?;
        parsed.font_name = Some(plain_name.clone());
        parsed.pdf_font_metrics = full.pdf_font_metrics;
        parsed.font_metrics.cap_height = full.font_metrics.cap_height;

        let mut covered_latin = [false; 0x180];
        let mut covered_other = BTreeSet::new();
        for &c in &repertoire {
            let Some(gid) = full.lookup_glyph_index(c as u32) else {
                continue;
            };
            let Some(&(new_gid, _)) = subset.glyph_mapping.get(&gid) else {
                continue;
            };
            if parsed.lookup_glyph_index(c as u32) != Some(new_gid)
                || parsed.get_horizontal_advance(new_gid) != full.get_horizontal_advance(gid)
            {
                continue;
            }
            match covered_latin.get_mut(c as usize) {
                Some(slot) => *slot = true,
                None => {
                    covered_other.insert(c);
                }
            }
        }

        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        encoder
            .write_all(&subset.bytes)
            .map_err(|e| e.to_string())?;
        let compressed = encoder.finish().map_err(|e| e.to_string())?;
        let digest: [u8; 32] = Sha256::digest(&subset.bytes).into();

        let meta = PrintpdfFontMeta {
            embedding_mode: FontEmbeddingMode::Full,
            requires_subsetting: false,
            ..PrintpdfFontMeta::default()
        };
        Ok(Prepared {
            font: PdfFont::with_meta(parsed, meta),
            covered_latin,
            covered_other,
            tagged_name: format!("{tag}+{plain_name}"),
            plain_name,
            compressed,
            program_len: subset.bytes.len(),
            digest,
        })
    }

    /// Whether the prepared subset draws `c` exactly as the full face does.
    pub(crate) fn covers(&self, c: char) -> bool {
        match self.covered_latin.get(c as usize) {
            Some(&covered) => covered,
            None => self.covered_other.contains(&c),
        }
    }

    pub(crate) fn font(&self) -> &PdfFont {
        &self.font
    }
}

pub(crate) struct Fonts {
    regular: Metrics,
    bold: Metrics,
    /// `None` when preparing failed: then every document subsets per document, which
    /// is slower but otherwise the same.
    prepared_regular: Option<Prepared>,
    prepared_bold: Option<Prepared>,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// The process-wide fonts, parsed on first use: parsing takes milliseconds, far more
/// than rendering a certificate.
pub(crate) fn fonts() -> Result<&'static Fonts, DocumentError> {
    FONTS
        .get_or_init(|| {
            let regular = Metrics::load(REGULAR_TTF, "NotoSans-Regular")?;
            let bold = Metrics::load(BOLD_TTF, "NotoSans-Bold")?;
            Ok(Fonts {
                prepared_regular: Prepared::build(&regular.parsed, REGULAR_ID).ok(),
                prepared_bold: Prepared::build(&bold.parsed, BOLD_ID).ok(),
                regular,
                bold,
            })
        })
        .as_ref()
        .map_err(|e| DocumentError::Font(e.clone()))
}

impl Fonts {
    pub(crate) fn metrics(&self, face: Face) -> &Metrics {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The face subset once per process, if preparing it worked.
    pub(crate) fn prepared(&self, face: Face) -> Option<&Prepared> {
        match face {
            Face::Regular => self.prepared_regular.as_ref(),
            Face::Bold => self.prepared_bold.as_ref(),
        }
    }

    /// Width in points of `text` set at `size` points (no kerning: printpdf does not
    /// apply any either).
    pub(crate) fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let m = self.metrics(face);
        text.chars().map(|c| m.advance(c)).sum::<f32>() * size
    }

    /// Breaks `text` into lines no wider than `max`, at spaces where possible and inside
    /// a word only when the word alone is too wide (long URLs, hashes, names without
    /// spaces). Always returns at least one line.
    pub(crate) fn wrap(&self, face: Face, size: f32, text: &str, max: f32) -> Vec<String> {
        let m = self.metrics(face);
        let max_em = (max / size.max(0.1)).max(0.0);
        let space = m.advance(' ');
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_em = 0.0f32;
        for word in text.split_whitespace() {
            let word_em: f32 = word.chars().map(|c| m.advance(c)).sum();
            let sep = if line.is_empty() { 0.0 } else { space };
            if line_em + sep + word_em <= max_em {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_em += sep + word_em;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_em = 0.0;
            }
            if word_em <= max_em {
                line.push_str(word);
                line_em = word_em;
                continue;
            }
            for ch in word.chars() {
                let w = m.advance(ch);
                // A line always takes at least one character, or a column narrower
                // than one glyph would never finish.
                if line_em + w > max_em && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_em = 0.0;
                }
                line.push(ch);
                line_em += w;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The largest size not above `size` at which `text` fits in `max` on one line, but
    /// never below half of `size`: for figures, which must not be split across lines.
    pub(crate) fn fit_size(&self, face: Face, size: f32, text: &str, max: f32) -> f32 {
        let w = self.width(face, size, text);
        if w <= max || w <= 0.0 {
            size
        } else {
            (size * max / w).max(size * 0.5)
        }
    }
}

/// Control characters would be drawn as missing-glyph boxes and break line measuring;
/// a name with a stray tab or newline prints with a space instead.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_breaks_long_ones() {
        let f = fonts().expect("embedded fonts load");
        let lines = f.wrap(
            Face::Regular,
            10.0,
            "aaa bbb ccc",
            f.width(Face::Regular, 10.0, "aaa bbb") + 0.1,
        );
        assert_eq!(lines, vec!["aaa bbb", "ccc"]);
        let long = "x".repeat(300);
        let lines = f.wrap(Face::Regular, 10.0, &long, 50.0);
        assert!(lines.len() > 5);
        assert_eq!(lines.concat(), long);
        assert!(
            lines
                .iter()
                .all(|l| f.width(Face::Regular, 10.0, l) <= 50.0)
        );
    }

    #[test]
    fn wrap_of_nothing_is_one_empty_line() {
        let f = fonts().expect("embedded fonts load");
        assert_eq!(f.wrap(Face::Bold, 10.0, "", 100.0), vec![String::new()]);
        assert_eq!(f.wrap(Face::Bold, 10.0, "abc", 0.0).concat(), "abc");
    }

    #[test]
    fn non_latin1_text_is_measured() {
        let f = fonts().expect("embedded fonts load");
        assert!(f.width(Face::Regular, 10.0, "Łódź") > f.width(Face::Regular, 10.0, "Łód"));
    }
}
