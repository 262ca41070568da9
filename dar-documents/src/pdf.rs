//! Turning laid-out pages into bytes that are the same every time.
//!
//! printpdf's own `save` writes a random /ID and compresses at the slowest level, so the
//! document is serialized to lopdf here and finished by hand: stable font and image ids,
//! a fast Flate level, and an /ID derived from what the pages show.

use std::io::Write;

use chrono::{Datelike, NaiveDate};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Dictionary, Object, StringFormat};
use printpdf::{
    Date, DateTime, Offset, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, TextItem,
    Time, XObject, XObjectId, font::PdfFont,
};
use sha2::{Digest, Sha256};

use crate::error::DocumentError;
use crate::fonts::{Face, Fonts, Prepared};

/// Level 1 is several times faster than `best()` and only a few percent larger on this
/// kind of content (text operators and a font subset).
const STREAM_COMPRESSION: u32 = 1;

pub(crate) struct Meta<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    /// The date the content speaks of; never the clock, so the bytes are reproducible.
    pub created: NaiveDate,
}

pub(crate) fn finish(
    fonts: &Fonts,
    pages: Vec<PdfPage>,
    xobjects: Vec<(XObjectId, XObject)>,
    meta: &Meta<'_>,
) -> Result<Vec<u8>, DocumentError> {
    finish_with(fonts, pages, xobjects, meta, true)
}

/// `allow_prepared: false` forces the per-document subset for every face; the tests
/// compare the two paths on the same pages.
fn finish_with(
    fonts: &Fonts,
    pages: Vec<PdfPage>,
    xobjects: Vec<(XObjectId, XObject)>,
    meta: &Meta<'_>,
    allow_prepared: bool,
) -> Result<Vec<u8>, DocumentError> {
    let mut doc = PdfDocument::new(meta.title);
    let stamp = pdf_date(meta.created);
    doc.metadata.info.creation_date = stamp;
    doc.metadata.info.modification_date = stamp;
    doc.metadata.info.metadata_date = stamp;
    doc.metadata.info.subject = meta.subject.to_string();
    doc.metadata.info.creator = "DAR".to_string();
    doc.metadata.info.producer = "DAR".to_string();
    // Each face embeds the subset prepared once per process when everything drawn with
    // it is in that subset's repertoire, and is subset for this document otherwise.
    let mut prepared: Vec<&Prepared> = Vec::new();
    for face in [Face::Regular, Face::Bold] {
        let font = match fonts.prepared(face) {
            Some(p) if allow_prepared && face_text_is_covered(&pages, face, p) => {
                prepared.push(p);
                p.font().clone()
            }
            _ => PdfFont::new(fonts.metrics(face).parsed().clone()),
        };
        doc.resources.fonts.map.insert(face.id(), font);
    }
    for (id, xobject) in xobjects {
        doc.resources.xobjects.map.insert(id, xobject);
    }
    doc.pages = pages;

    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        image_optimization: None,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let mut lo = printpdf::serialize::to_lopdf_doc(&doc, &options, &mut warnings);

    // What the reader sees is in the uncompressed streams (page content names the fonts
    // and images it uses); hashing them gives an /ID that changes exactly when the
    // document does.
    let mut id_hash = Sha256::new();
    for p in &prepared {
        use_prepared_program(&mut lo, p);
        id_hash.update(p.digest);
    }
    // One encoder for all streams: setting one up costs about as much as compressing
    // a small stream.
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(STREAM_COMPRESSION));
    let failed = |e: std::io::Error| DocumentError::Pdf(e.to_string());
    for object in lo.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.has(b"Filter") {
            continue;
        }
        id_hash.update((stream.content.len() as u64).to_be_bytes());
        id_hash.update(&stream.content);
        encoder.write_all(&stream.content).map_err(failed)?;
        encoder.try_finish().map_err(failed)?;
        let compressed = encoder
            .reset(Vec::with_capacity(stream.content.len() / 2))
            .map_err(failed)?;
        stream
            .dict
            .set("Filter", Object::Name(b"FlateDecode".to_vec()));
        stream.set_content(compressed);
    }
    id_hash.update(meta.title.as_bytes());
    id_hash.update(meta.subject.as_bytes());
    let digest = id_hash.finalize();
    let id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));

    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| DocumentError::Pdf(e.to_string()))?;
    Ok(out)
}

/// Whether every character drawn with `face` is one the prepared subset draws exactly
/// as the full face. Anything this does not understand counts as not covered, so the
/// doubtful case takes the per-document subset, which handles everything.
fn face_text_is_covered(pages: &[PdfPage], face: Face, prepared: &Prepared) -> bool {
    let id = face.id();
    let covered = |text: &str| text.chars().all(|c| prepared.covers(c));
    for page in pages {
        let mut current = false;
        for op in &page.ops {
            match op {
                Op::SetFont { font, .. } => {
                    current = matches!(font, PdfFontHandle::External(f) if *f == id);
                }
                Op::ShowText { items } if current => {
                    for item in items {
                        match item {
                            TextItem::Text(text) if !covered(text) => return false,
                            TextItem::GlyphIds(_) => return false,
                            _ => {}
                        }
                    }
                }
                Op::MoveToNextLineShowText { text }
                | Op::SetSpacingMoveAndShowText { text, .. }
                    if current && !covered(text) =>
                {
                    return false;
                }
                _ => {}
            }
        }
    }
    true
}

/// printpdf embeds a prepared face as a whole font: untagged, and with the program
/// uncompressed. Both are put right here: the face gets its subset tag back (it is a
/// subset, and tools recognise one only by the tag), and the program stream gets the
/// bytes deflated once per process, so no document compresses a font.
fn use_prepared_program(lo: &mut lopdf::Document, prepared: &Prepared) {
    let mut programs = Vec::new();
    for object in lo.objects.values_mut() {
        match object {
            Object::Dictionary(dict) => retag(dict, prepared, &mut programs),
            Object::Stream(stream) => retag(&mut stream.dict, prepared, &mut programs),
            _ => {}
        }
    }
    for id in programs {
        if let Ok(Object::Stream(stream)) = lo.get_object_mut(id) {
            stream.set_content(prepared.compressed.clone());
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream
                .dict
                .set("Length1", Object::Integer(prepared.program_len as i64));
        }
    }
}

/// Renames the prepared face wherever it is named (font, descendant font, descriptor)
/// and collects the font program streams its descriptors point at.
fn retag(dict: &mut Dictionary, prepared: &Prepared, programs: &mut Vec<lopdf::ObjectId>) {
    let plain = prepared.plain_name.as_bytes();
    for key in [b"BaseFont".as_slice(), b"FontName".as_slice()] {
        if matches!(dict.get(key), Ok(Object::Name(n)) if n.as_slice() == plain) {
            dict.set(key, Object::Name(prepared.tagged_name.clone().into_bytes()));
            if key == b"FontName"
                && let Ok(Object::Reference(id)) = dict.get(b"FontFile2")
            {
                programs.push(*id);
            }
        }
    }
    for (_, value) in dict.iter_mut() {
        match value {
            Object::Dictionary(inner) => retag(inner, prepared, programs),
            Object::Array(items) => {
                for item in items {
                    if let Object::Dictionary(inner) = item {
                        retag(inner, prepared, programs);
                    }
                }
            }
            _ => {}
        }
    }
}

fn pdf_date(date: NaiveDate) -> DateTime {
    DateTime::new_in_offset(
        Date {
            year: date.year(),
            month: date.month() as u8,
            day: date.day() as u8,
        },
        Time {
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::fonts;
    use crate::layout::Pages;

    const LATIN: &str = "Françoise Dupont-Łukasiewicz – “Ærø” € 1 250,00 • Ĳssel…";
    const CYRILLIC: &str = "Анна Петрова";

    fn pages(regular: &str, bold: &str) -> Vec<PdfPage> {
        let fonts = fonts().expect("embedded fonts load");
        let mut pages = Pages::new(fonts, 40.0, 555.0, 40.0, 780.0);
        pages.paragraph(Face::Bold, 12.0, bold);
        pages.paragraph(Face::Regular, 10.0, regular);
        pages.paragraph(
            Face::Regular,
            10.0,
            "0123456789 ABCXYZ abcxyz ÀÉÎÕÜ àéîõü ŁłŐőŠšŽž",
        );
        pages.finish(|_, _| ("left".to_string(), "right".to_string()), 7.0)
    }

    fn render(regular: &str, bold: &str, allow_prepared: bool) -> Vec<u8> {
        let meta = Meta {
            title: "t",
            subject: "s",
            created: NaiveDate::from_ymd_opt(2026, 1, 2).expect("valid date"),
        };
        let fonts = fonts().expect("embedded fonts load");
        finish_with(
            fonts,
            pages(regular, bold),
            Vec::new(),
            &meta,
            allow_prepared,
        )
        .expect("renders")
    }

    fn run(program: &str, args: &[&str]) -> String {
        let out = std::process::Command::new(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("`{program}` needs poppler-utils: {e}"));
        assert!(out.status.success(), "{program} {args:?} failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A PDF on disk for the poppler tools, removed again when dropped.
    struct TempPdf(std::path::PathBuf);

    impl TempPdf {
        fn new(name: &str, pdf: &[u8]) -> TempPdf {
            let path = std::env::temp_dir()
                .join(format!("dar-documents-{name}-{}.pdf", std::process::id()));
            std::fs::write(&path, pdf).expect("write PDF");
            TempPdf(path)
        }

        fn path(&self) -> &str {
            self.0.to_str().expect("UTF-8 path")
        }
    }

    impl Drop for TempPdf {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// Whether the document embeds the prepared program of `face` (the cached bytes).
    fn embeds_prepared(pdf: &[u8], face: Face) -> bool {
        let prepared = fonts()
            .expect("embedded fonts load")
            .prepared(face)
            .expect("face prepared");
        pdf.windows(prepared.compressed.len())
            .any(|w| w == prepared.compressed.as_slice())
    }

    #[test]
    fn latin_text_uses_the_prepared_subsets() {
        let pdf = render(LATIN, LATIN, true);
        assert!(embeds_prepared(&pdf, Face::Regular));
        assert!(embeds_prepared(&pdf, Face::Bold));
        assert_eq!(pdf, render(LATIN, LATIN, true), "deterministic");
    }

    /// The prepared path must look and extract exactly like the per-document subset:
    /// same glyph positions (so the same /W widths) and the same text (so ToUnicode).
    #[test]
    fn prepared_and_per_document_subsets_agree() {
        let prepared = TempPdf::new("prepared", &render(LATIN, LATIN, true));
        let per_doc = TempPdf::new("per-document", &render(LATIN, LATIN, false));
        let bbox = |p: &TempPdf| {
            let s = run("pdftotext", &["-bbox", p.path(), "-"]);
            // The <title> and <meta> lines carry nothing the fonts decide.
            s.lines()
                .filter(|l| l.contains("<word"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let words = bbox(&prepared);
        assert!(
            words.iter().any(|w| w.contains("Dupont-Łukasiewicz")),
            "{words:?}"
        );
        assert_eq!(words, bbox(&per_doc));
        let fonts = |p: &TempPdf| {
            run("pdffonts", &[p.path()])
                .lines()
                .skip(2)
                .map(|l| l.split_whitespace().take(7).collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
        };
        let listed = fonts(&prepared);
        assert_eq!(listed, fonts(&per_doc));
        assert!(
            listed.contains(
                &"DARREG+NotoSans-Regular CID TrueType Identity-H yes yes yes".to_string()
            ),
            "{listed:?}"
        );
    }

    /// A name outside the repertoire takes the per-document subset for that face only,
    /// and still prints and extracts.
    #[test]
    fn text_outside_the_repertoire_falls_back() {
        let pdf = render(CYRILLIC, LATIN, true);
        assert!(!embeds_prepared(&pdf, Face::Regular));
        assert!(embeds_prepared(&pdf, Face::Bold));
        let path = TempPdf::new("cyrillic", &pdf);
        let text = run("pdftotext", &[path.path(), "-"]);
        assert!(text.contains(CYRILLIC), "{text}");
        assert!(text.contains("Dupont-Łukasiewicz"), "{text}");
        let fonts = run("pdffonts", &[path.path()]);
        for name in ["DARREG+NotoSans-Regular", "DARBLD+NotoSans-Bold"] {
            let line = fonts
                .lines()
                .find(|l| l.starts_with(name))
                .unwrap_or_else(|| panic!("{name} not in {fonts}"));
            let columns: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(&columns[4..7], ["yes", "yes", "yes"], "{line}");
        }
    }

    #[test]
    fn repertoire_covers_the_labels() {
        let fonts = fonts().expect("embedded fonts load");
        for face in [Face::Regular, Face::Bold] {
            let prepared = fonts.prepared(face).expect("face prepared");
            for c in include_str!("labels.rs")
                .chars()
                .filter(|c| !c.is_control())
            {
                assert!(prepared.covers(c), "{c:?} not covered");
            }
            assert!(!prepared.covers('Ж'));
        }
    }
}
