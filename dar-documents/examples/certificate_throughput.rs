//! Renders N distinct certificates on one thread and reports certificates per second.
//!
//! cargo run --release -p dar-documents --example certificate_throughput -- 2000

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::time::Instant;

use dar_core::types::Language;
use dar_documents::{Image, Images, certificate};

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);

    let logo = match Image::decode(&fixtures::logo_png()) {
        Ok(image) => image,
        Err(e) => {
            eprintln!("logo refused: {e}");
            std::process::exit(1);
        }
    };
    let mut images = Images::default();
    let logo_sha = logo.sha256().to_string();
    images.insert(logo);

    let languages = [Language::Nl, Language::Fr, Language::En];
    let contents: Vec<_> = (0..count)
        .map(|i| {
            let mut c = fixtures::certificate(languages[i % 3]);
            c.number = i as i64 + 1;
            c.logo_image = Some(logo_sha.clone());
            c.holder.register_number = 10_000 + i as i64;
            c.holder.name = fixtures::holder_name(i);
            c.holdings[1].quantity = 1 + (i as i64 % 500);
            c
        })
        .collect();

    // The first render parses the fonts; keep it out of the measurement.
    if let Err(e) = certificate(&contents[0], &images) {
        eprintln!("render failed: {e}");
        std::process::exit(1);
    }

    let start = Instant::now();
    let mut bytes = 0usize;
    for content in &contents {
        match certificate(content, &images) {
            Ok(pdf) => bytes += pdf.len(),
            Err(e) => {
                eprintln!("render failed: {e}");
                std::process::exit(1);
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{count} certificates in {elapsed:.2} s: {:.0} certificates/s, average {:.1} KiB",
        count as f64 / elapsed,
        bytes as f64 / count as f64 / 1024.0
    );
}
