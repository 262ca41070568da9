//! Logos and signatures: checked and reduced once when uploaded, then placed in any
//! number of documents without decoding or compressing them again.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Write};
use std::sync::Arc;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use printpdf::{DictItem, ExternalStream, ExternalXObject, XObject, XObjectId};
use sha2::{Digest, Sha256};

use crate::error::DocumentError;

pub(crate) const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
pub(crate) const MAX_UPLOAD_SIDE: u32 = 2000;
/// A logo or signature is at most a few centimetres wide; 600 px is over 300 dpi there.
pub(crate) const MAX_STORED_SIDE: u32 = 600;

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];

/// A decoded, validated PNG or JPEG, ready to place. Cloning shares the pixels.
#[derive(Clone)]
pub struct Image {
    inner: Arc<Inner>,
}

struct Inner {
    sha256: String,
    width: u32,
    height: u32,
    grey: bool,
    /// Zlib-compressed 8-bit pixels, exactly as the PDF image stream carries them.
    deflated: Vec<u8>,
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Image")
            .field("sha256", &self.inner.sha256)
            .field("width", &self.inner.width)
            .field("height", &self.inner.height)
            .finish()
    }
}

impl Image {
    /// Validates an upload (PNG or JPEG only, at most 2 MiB, at most 2000x2000 px, not
    /// empty) and downscales it so the longer side is at most 600 px.
    ///
    /// Transparency is flattened onto white, the paper colour, so the PDF needs no soft
    /// mask; an image that is grey throughout is kept as one channel.
    pub fn decode(bytes: &[u8]) -> Result<Image, DocumentError> {
        let refuse = |reason: String| DocumentError::Image(reason);
        if bytes.is_empty() {
            return Err(refuse("the file is empty".into()));
        }
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(refuse(format!(
                "the file is {} bytes; at most 2 MiB ({MAX_UPLOAD_BYTES} bytes) is accepted",
                bytes.len()
            )));
        }
        let format = if bytes.starts_with(PNG_MAGIC) {
            ImageFormat::Png
        } else if bytes.starts_with(JPEG_MAGIC) {
            ImageFormat::Jpeg
        } else {
            return Err(refuse("only PNG and JPEG images are accepted".into()));
        };
        let reader = || {
            let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
            let mut limits = Limits::default();
            limits.max_image_width = Some(MAX_UPLOAD_SIDE);
            limits.max_image_height = Some(MAX_UPLOAD_SIDE);
            limits.max_alloc = Some(64 * 1024 * 1024);
            reader.limits(limits);
            reader
        };
        let unreadable = |e: image::ImageError| match e {
            image::ImageError::Limits(_) => refuse(format!(
                "the image is larger than {MAX_UPLOAD_SIDE}x{MAX_UPLOAD_SIDE} pixels"
            )),
            other => refuse(format!("the image could not be read: {other}")),
        };
        // The header first, so an oversized image is refused before its pixels are
        // allocated.
        let (width, height) = reader().into_dimensions().map_err(unreadable)?;
        if width == 0 || height == 0 {
            return Err(refuse("the image has no pixels".into()));
        }
        if width > MAX_UPLOAD_SIDE || height > MAX_UPLOAD_SIDE {
            return Err(refuse(format!(
                "the image is {width}x{height} pixels; at most {MAX_UPLOAD_SIDE}x{MAX_UPLOAD_SIDE} is accepted"
            )));
        }
        let mut decoder = reader().into_decoder().map_err(unreadable)?;
        let orientation = decoder.orientation().map_err(unreadable)?;
        let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
        // A phone photo of a signature is often stored sideways with an EXIF turn.
        image.apply_orientation(orientation);

        let (w, h) = (image.width(), image.height());
        let longer = w.max(h);
        if longer > MAX_STORED_SIDE {
            let scale = MAX_STORED_SIDE as f64 / longer as f64;
            let nw = ((w as f64 * scale).round() as u32).clamp(1, MAX_STORED_SIDE);
            let nh = ((h as f64 * scale).round() as u32).clamp(1, MAX_STORED_SIDE);
            image = image.resize_exact(nw, nh, FilterType::Triangle);
        }

        let rgba = image.to_rgba8();
        let (width, height) = rgba.dimensions();
        let mut rgb = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
        let mut grey = true;
        for px in rgba.pixels() {
            let [r, g, b, a] = px.0;
            let over_white = |c: u8| -> u8 {
                let a = u16::from(a);
                ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8
            };
            let (r, g, b) = (over_white(r), over_white(g), over_white(b));
            grey &= r == g && g == b;
            rgb.extend_from_slice(&[r, g, b]);
        }
        let pixels = if grey {
            rgb.chunks_exact(3).map(|p| p[0]).collect()
        } else {
            rgb
        };
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder
            .write_all(&pixels)
            .map_err(|e| refuse(format!("the image could not be stored: {e}")))?;
        let deflated = encoder
            .finish()
            .map_err(|e| refuse(format!("the image could not be stored: {e}")))?;

        Ok(Image {
            inner: Arc::new(Inner {
                sha256: hex::encode(Sha256::digest(bytes)),
                width,
                height,
                grey,
                deflated,
            }),
        })
    }

    /// Lowercase hex SHA-256 of the bytes as uploaded: the name records refer to it by.
    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// Width over height, for fitting the image into a box.
    pub(crate) fn aspect(&self) -> f32 {
        self.inner.width as f32 / self.inner.height.max(1) as f32
    }

    /// Resource name, derived from the content so documents stay reproducible.
    pub(crate) fn xobject_id(&self) -> XObjectId {
        let short = self.inner.sha256.get(..16).unwrap_or(&self.inner.sha256);
        XObjectId(format!("Im{short}"))
    }

    /// The PDF image stream; already compressed, so finishing leaves it alone.
    pub(crate) fn xobject(&self) -> XObject {
        let inner = &self.inner;
        let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
        let dict = BTreeMap::from([
            ("Type".to_string(), name("XObject")),
            ("Subtype".to_string(), name("Image")),
            ("Width".to_string(), DictItem::Int(i64::from(inner.width))),
            ("Height".to_string(), DictItem::Int(i64::from(inner.height))),
            (
                "ColorSpace".to_string(),
                name(if inner.grey {
                    "DeviceGray"
                } else {
                    "DeviceRGB"
                }),
            ),
            ("BitsPerComponent".to_string(), DictItem::Int(8)),
            ("Filter".to_string(), name("FlateDecode")),
        ]);
        XObject::External(ExternalXObject {
            stream: ExternalStream {
                dict,
                content: inner.deflated.clone(),
                compress: false,
            },
            width: None,
            height: None,
            dpi: None,
        })
    }
}

/// The images a document may use, by the SHA-256 of their upload.
#[derive(Default, Clone, Debug)]
pub struct Images {
    by_sha256: BTreeMap<String, Image>,
}

impl Images {
    pub fn insert(&mut self, image: Image) {
        self.by_sha256.insert(image.sha256().to_string(), image);
    }

    pub fn get(&self, sha256: &str) -> Option<&Image> {
        self.by_sha256.get(sha256)
    }
}
