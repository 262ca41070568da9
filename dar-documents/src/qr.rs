//! The verification URL as a QR code drawn with vector rectangles, so it stays sharp at
//! any zoom and costs no image.
//!
//! qrcode builds the symbol, but its mask choice scores each of the eight masks through
//! boxed closures and took more time than the rest of a certificate together. The same
//! ISO 18004 penalty rules are applied here on a plain grid, with qrcode's exact
//! arithmetic, so the chosen mask and so the symbol are identical to
//! `QrCode::with_error_correction_level`.

use qrcode::bits::encode_auto;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::ec::construct_codewords;
use qrcode::{Color, EcLevel, Version};

use std::collections::BTreeMap;
use std::fmt::Write;

use printpdf::{DictItem, ExternalStream, ExternalXObject, XObject, XObjectId};

use crate::layout::Pages;

/// The light border the standard asks for around the symbol, in modules.
const QUIET_ZONE: usize = 4;
const XOBJECT_ID: &str = "DARQR";

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A QR code reduced to its dark horizontal runs: (row, first column, length) in modules.
pub(crate) struct Qr {
    modules: usize,
    runs: Vec<(usize, usize, usize)>,
}

impl Qr {
    /// `None` when the text is too long for any QR code; the URL is still printed.
    pub(crate) fn new(text: &str) -> Option<Qr> {
        // M survives a crease or a stain on a printed page; L only as a fallback so a
        // very long URL still gets a code.
        let (dark, modules) =
            symbol(text.as_bytes(), EcLevel::M).or_else(|| symbol(text.as_bytes(), EcLevel::L))?;
        Some(Qr {
            modules,
            runs: runs(&dark, modules),
        })
    }

    /// The code as a Form XObject in module units, quiet zone included: integer
    /// coordinates keep the stream to a few bytes per run and all runs are filled as one
    /// path, where page-level rectangles cost a formatted float per coordinate.
    pub(crate) fn xobject(&self) -> XObject {
        let side = self.modules + 2 * QUIET_ZONE;
        let mut content = String::with_capacity(self.runs.len() * 12 + 16);
        content.push_str("0 g\n");
        for &(row, col, len) in &self.runs {
            // PDF's y axis points up; row 0 is the top of the symbol.
            let y = side - QUIET_ZONE - row - 1;
            let x = col + QUIET_ZONE;
            // Writing to a String cannot fail.
            let _ = writeln!(content, "{x} {y} {len} 1 re");
        }
        content.push_str("f\n");
        let side = side as i64;
        let dict = BTreeMap::from([
            ("Type".to_string(), DictItem::Name(b"XObject".to_vec())),
            ("Subtype".to_string(), DictItem::Name(b"Form".to_vec())),
            (
                "BBox".to_string(),
                DictItem::Array(vec![
                    DictItem::Int(0),
                    DictItem::Int(0),
                    DictItem::Int(side),
                    DictItem::Int(side),
                ]),
            ),
        ]);
        XObject::External(ExternalXObject {
            stream: ExternalStream {
                dict,
                content: content.into_bytes(),
                compress: true,
            },
            width: None,
            height: None,
            dpi: None,
        })
    }

    /// Places the code, quiet zone included, in a `size`-point square at (x, top).
    pub(crate) fn draw(&self, pages: &mut Pages<'_>, x: f32, top: f32, size: f32) {
        let side = (self.modules + 2 * QUIET_ZONE) as f32;
        pages.form(XObjectId(XOBJECT_ID.to_string()), x, top, size, size / side);
    }

    pub(crate) fn id(&self) -> XObjectId {
        XObjectId(XOBJECT_ID.to_string())
    }
}

/// The modules (true = dark, row by row) and the width of the symbol.
fn symbol(data: &[u8], level: EcLevel) -> Option<(Vec<bool>, usize)> {
    let bits = encode_auto(data, level).ok()?;
    let version = bits.version();
    if !matches!(version, Version::Normal(_)) {
        return None;
    }
    let (data, ec) = construct_codewords(&bits.into_bytes(), version, level).ok()?;
    let mut canvas = Canvas::new(version, level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let mut best: Option<(u32, Vec<bool>)> = None;
    for mask in MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(mask);
        let dark: Vec<bool> = masked
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let width = (dark.len() as f64).sqrt() as usize;
        let score = penalty(&dark, width);
        // Strictly lower only: on a tie the earlier mask wins, as in qrcode.
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, dark));
        }
    }
    let (_, dark) = best?;
    let width = (dark.len() as f64).sqrt() as usize;
    (width * width == dark.len() && width > 0).then_some((dark, width))
}

/// qrcode's penalty: runs of five or more, 2x2 blocks, finder look-alikes and the
/// dark/light balance (the constant it subtracts for the real finders is left out, it
/// does not change which mask is lowest).
fn penalty(dark: &[bool], w: usize) -> u32 {
    if w == 0 || dark.len() != w * w {
        return u32::MAX;
    }
    let columns: Vec<bool> = (0..w * w).map(|k| dark[(k % w) * w + k / w]).collect();
    let mut score = 0u32;
    for grid in [dark, &columns[..]] {
        for line in grid.chunks_exact(w) {
            score += line_penalty(line);
        }
    }
    for (upper, lower) in dark.chunks_exact(w).zip(dark.chunks_exact(w).skip(1)) {
        for (a, b) in upper.windows(2).zip(lower.windows(2)) {
            if a[0] == a[1] && a[0] == b[0] && a[0] == b[1] {
                score += 3;
            }
        }
    }
    let dark_count = dark.iter().filter(|d| **d).count();
    let ratio = dark_count * 200 / dark.len();
    score + ratio.abs_diff(100) as u32
}

/// Runs and finder look-alikes along one row or column.
fn line_penalty(line: &[bool]) -> u32 {
    const FINDER: [bool; 7] = [true, false, true, true, true, false, true];
    let mut score = 0u32;
    for run in line.chunk_by(|a, b| a == b) {
        if run.len() >= 5 {
            score += run.len() as u32 - 2;
        }
    }
    let w = line.len();
    for (j, window) in line.windows(7).enumerate() {
        if window != FINDER {
            continue;
        }
        // Outside the symbol counts as light, as in qrcode.
        let before = line[j.saturating_sub(4)..j].iter().any(|d| *d);
        let after = line[(j + 7).min(w)..(j + 11).min(w)].iter().any(|d| *d);
        if !before || !after {
            score += 40;
        }
    }
    score
}

fn runs(dark: &[bool], width: usize) -> Vec<(usize, usize, usize)> {
    let mut runs = Vec::new();
    for (row, line) in dark.chunks(width).enumerate() {
        let mut start = None;
        for (col, &d) in line.iter().chain(std::iter::once(&false)).enumerate() {
            match (d, start) {
                (true, None) => start = Some(col),
                (false, Some(s)) => {
                    runs.push((row, s, col - s));
                    start = None;
                }
                _ => {}
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::QrCode;

    #[test]
    fn symbol_is_the_one_qrcode_builds() {
        for url in [
            "https://dar.example/verify/0192f0c4-7d1a-7000-8000-000000000017",
            "https://dar.example.be/verify/0192f0c4-7d1a-7000-8000-00000000a017",
            "https://x.be/v/1",
            "HTTPS://DAR.EXAMPLE/VERIFY/ABC",
            &format!("https://dar.example/verify/{}", "ab".repeat(120)),
        ] {
            let code = QrCode::with_error_correction_level(url, EcLevel::M).expect("encodes");
            let expected: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
            let (dark, width) = symbol(url.as_bytes(), EcLevel::M).expect("encodes");
            assert_eq!(width, code.width(), "{url}");
            assert!(dark == expected, "{url}: a different mask was chosen");
        }
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let url = "https://dar.example/verify/0192f0c4-7d1a-7000-8000-000000000017";
        let qr = Qr::new(url).expect("encodes");
        let (dark, _) = symbol(url.as_bytes(), EcLevel::M).expect("encodes");
        let covered: usize = qr.runs.iter().map(|r| r.2).sum();
        assert_eq!(covered, dark.iter().filter(|d| **d).count());
        assert!(qr.runs.len() < covered, "runs are merged");
    }

    #[test]
    fn text_too_long_for_a_qr_code_gives_none() {
        assert!(Qr::new(&"x".repeat(5000)).is_none());
        assert!(Qr::new("").is_some());
    }
}
