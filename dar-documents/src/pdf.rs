//! Turning laid-out pages into bytes that are the same every time.
//!
//! printpdf's own `save` writes a random /ID and compresses at the slowest level, so the
//! document is serialized to lopdf here and finished by hand: stable font and image ids,
//! a fast Flate level, and an /ID derived from what the pages show.

use std::io::Write;

use chrono::{Datelike, NaiveDate};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Object, StringFormat};
use printpdf::{
    Date, DateTime, Offset, PdfDocument, PdfPage, PdfSaveOptions, Time, XObject, XObjectId,
    font::PdfFont,
};
use sha2::{Digest, Sha256};

use crate::error::DocumentError;
use crate::fonts::{Face, Fonts};

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
    let mut doc = PdfDocument::new(meta.title);
    let stamp = pdf_date(meta.created);
    doc.metadata.info.creation_date = stamp;
    doc.metadata.info.modification_date = stamp;
    doc.metadata.info.metadata_date = stamp;
    doc.metadata.info.subject = meta.subject.to_string();
    doc.metadata.info.creator = "DAR".to_string();
    doc.metadata.info.producer = "DAR".to_string();
    for face in [Face::Regular, Face::Bold] {
        doc.resources.fonts.map.insert(
            face.id(),
            PdfFont::new(fonts.metrics(face).parsed().clone()),
        );
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
