//! Uploaded logos and signatures: what is accepted and what is refused.

mod common;

use common::fixtures;
use dar_documents::{DocumentError, Image, Images};

fn refused(bytes: &[u8]) -> String {
    match Image::decode(bytes) {
        Err(DocumentError::Image(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn png_and_jpeg_are_accepted_and_keyed_by_the_upload_hash() {
    let png = fixtures::logo_png();
    let image = Image::decode(&png).expect("PNG accepted");
    assert_eq!(image.sha256().len(), 64);
    assert!(
        image
            .sha256()
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    let jpeg = Image::decode(&fixtures::signature_jpeg()).expect("JPEG accepted");
    assert_ne!(image.sha256(), jpeg.sha256());

    let mut images = Images::default();
    images.insert(image.clone());
    assert!(images.get(image.sha256()).is_some());
    assert!(images.get(jpeg.sha256()).is_none());
}

#[test]
fn other_formats_are_refused() {
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    assert!(refused(gif).contains("only PNG and JPEG"));
    assert!(refused(b"%PDF-1.7 not an image").contains("only PNG and JPEG"));
    let bmp_header = b"BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00";
    assert!(refused(bmp_header).contains("only PNG and JPEG"));
}

#[test]
fn empty_truncated_and_oversized_uploads_are_refused() {
    assert!(refused(b"").contains("empty"));
    let png = fixtures::logo_png();
    assert!(refused(&png[..40]).contains("could not be read"));

    let mut big = png.clone();
    big.resize(2 * 1024 * 1024 + 1, 0);
    assert!(refused(&big).contains("2 MiB"));

    let wide = fixtures::encode(
        image::DynamicImage::ImageLuma8(image::GrayImage::new(2001, 10)),
        image::ImageFormat::Png,
    );
    assert!(refused(&wide).contains("2000"), "{}", refused(&wide));
}

#[test]
fn largest_accepted_image_is_reduced() {
    let max = fixtures::encode(
        image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(2000, 1000, |x, _| {
            image::Rgb([(x % 256) as u8, 0, 0])
        })),
        image::ImageFormat::Png,
    );
    let image = Image::decode(&max).expect("2000 px is allowed");
    assert!(format!("{image:?}").contains("width: 600"), "{image:?}");
    assert!(format!("{image:?}").contains("height: 300"), "{image:?}");
}
