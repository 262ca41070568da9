//! The two embedded Noto Sans faces, measured with their own glyph advances so that what
//! is laid out is exactly what a viewer draws.

use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont, PdfFontHandle};

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

pub(crate) struct Fonts {
    regular: Metrics,
    bold: Metrics,
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// The process-wide fonts, parsed on first use: parsing takes milliseconds, far more
/// than rendering a certificate.
pub(crate) fn fonts() -> Result<&'static Fonts, DocumentError> {
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                regular: Metrics::load(REGULAR_TTF, "NotoSans-Regular")?,
                bold: Metrics::load(BOLD_TTF, "NotoSans-Bold")?,
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
