//! The share certificate, checked through the tools a reader would use.

mod common;

use common::fixtures::{self, COOP_NAME, HOLDER_NAME, LEDGER_HASH, VERIFY_URL};
use common::{path_str, text, tool_ok, write_pdf};
use dar_core::documents::{CertificateContent, HoldingLine};
use dar_core::money::Money;
use dar_core::types::Language;
use dar_documents::{DocumentError, Image, Images, certificate};

fn render(content: &CertificateContent) -> Vec<u8> {
    certificate(content, &Images::default()).expect("certificate renders")
}

fn with_images() -> (CertificateContent, Images) {
    let logo = Image::decode(&fixtures::logo_png()).expect("logo accepted");
    let signature = Image::decode(&fixtures::signature_jpeg()).expect("signature accepted");
    let mut content = fixtures::certificate(Language::Nl);
    content.logo_image = Some(logo.sha256().to_string());
    if let Some(s) = content.signatory.as_mut() {
        s.signature_image = Some(signature.sha256().to_string());
    }
    let mut images = Images::default();
    images.insert(logo);
    images.insert(signature);
    (content, images)
}

struct Expected {
    language: Language,
    title: &'static str,
    number: &'static str,
    as_of: &'static str,
    shares: &'static str,
    amount: &'static str,
    total: &'static str,
}

#[test]
fn certificate_shows_the_record_in_each_language() {
    let cases = [
        Expected {
            language: Language::Nl,
            title: "Bewijs van inschrijving in het aandelenregister",
            number: "Nr. 17",
            as_of: "23 november 2026",
            shares: "1.234",
            amount: "154.250,00 EUR",
            total: "155.500,00 EUR",
        },
        Expected {
            language: Language::Fr,
            title: "Certificat d'inscription au registre des parts",
            number: "N° 17",
            as_of: "23 novembre 2026",
            shares: "1 234",
            amount: "154 250,00 EUR",
            total: "155 500,00 EUR",
        },
        Expected {
            language: Language::En,
            title: "Certificate of registration in the share register",
            number: "No. 17",
            as_of: "23 November 2026",
            shares: "1,234",
            amount: "EUR 154,250.00",
            total: "EUR 155,500.00",
        },
    ];
    for case in cases {
        let pdf = render(&fixtures::certificate(case.language));
        let path = write_pdf(&format!("certificate-{}", case.language), &pdf);
        let text = text(&path);
        for needle in [
            HOLDER_NAME,
            COOP_NAME,
            "4711",
            "0876.543.210",
            case.title,
            case.number,
            case.as_of,
            case.shares,
            case.amount,
            case.total,
            VERIFY_URL,
            LEDGER_HASH,
            "1–1234",
            "9f86d081884c7d65…",
            "Anaïs Vandenbroucke",
        ] {
            assert!(
                text.contains(needle),
                "{}: {needle:?} missing from\n{text}",
                case.language
            );
        }
        assert_eq!(text.matches('\u{c}').count(), 1, "one page");
    }
}

#[test]
fn certificate_passes_qpdf_and_embeds_subset_fonts() {
    let path = write_pdf(
        "certificate-check",
        &render(&fixtures::certificate(Language::Fr)),
    );
    let check = tool_ok("qpdf", &["--check", path_str(&path)]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let fonts = tool_ok("pdffonts", &[path_str(&path)]);
    for name in ["DARREG+NotoSans-Regular", "DARBLD+NotoSans-Bold"] {
        let line = fonts
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} not in\n{fonts}"));
        let columns: Vec<&str> = line.split_whitespace().collect();
        // name, type (2 words), encoding, emb, sub, uni, object id
        assert_eq!(&columns[4..7], ["yes", "yes", "yes"], "{line}");
    }
}

#[test]
fn certificate_renders_to_a_page_with_ink() {
    let (content, images) = with_images();
    let path = write_pdf(
        "certificate-render",
        &certificate(&content, &images).expect("renders"),
    );
    let prefix = path.with_extension("");
    tool_ok(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path_str(&path),
            path_str(&prefix),
        ],
    );
    let pgm = std::fs::read(prefix.with_extension("pgm")).expect("pdftoppm wrote a PGM");
    let pixels = pgm_pixels(&pgm);
    // A4 at 50 dpi.
    assert!(pixels.len() > 400 * 550, "{} pixels", pixels.len());
    let dark = pixels.iter().filter(|p| **p < 100).count();
    assert!(
        dark > pixels.len() / 100,
        "only {dark} dark pixels of {}",
        pixels.len()
    );
}

/// The pixel bytes of a binary PGM (P5) with 8-bit samples.
fn pgm_pixels(pgm: &[u8]) -> &[u8] {
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 && i < pgm.len() {
        while i < pgm.len() && pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < pgm.len() && !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    assert_eq!(&pgm[..2], b"P5", "not a binary PGM");
    &pgm[i + 1..]
}

#[test]
fn same_record_gives_the_same_bytes() {
    let (content, images) = with_images();
    let first = certificate(&content, &images).expect("renders");
    let second = certificate(&content.clone(), &images.clone()).expect("renders");
    assert!(first == second, "two renders of one record differ");

    let mut other = content.clone();
    other.holdings[1].quantity += 1;
    let changed = certificate(&other, &images).expect("renders");
    assert!(changed != first, "a different holding gave the same bytes");

    let trailer_id = |pdf: &[u8]| {
        let text = String::from_utf8_lossy(pdf).into_owned();
        let at = text.rfind("/ID").expect("trailer has an /ID");
        text[at..at + 80].to_string()
    };
    assert_ne!(trailer_id(&first), trailer_id(&changed));
}

#[test]
fn certificate_with_logo_and_signature_places_both() {
    let (content, images) = with_images();
    let pdf = certificate(&content, &images).expect("renders");
    let path = write_pdf("certificate-images", &pdf);
    let list = tool_ok("pdfimages", &["-list", path_str(&path)]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{list}");
    let raw = String::from_utf8_lossy(&pdf);
    for sha in [
        content.logo_image.as_deref(),
        content
            .signatory
            .as_ref()
            .and_then(|s| s.signature_image.as_deref()),
    ] {
        let sha = sha.expect("image set");
        assert!(
            raw.contains(&format!("/Im{}", &sha[..16])),
            "image {sha} not referenced"
        );
    }
    tool_ok("qpdf", &["--check", path_str(&path)]);
}

#[test]
fn missing_image_is_an_error() {
    let (content, mut images) = with_images();
    let logo = content.logo_image.clone().expect("logo set");
    let err = certificate(&content, &Images::default()).expect_err("no images supplied");
    assert_eq!(err, DocumentError::MissingImage(logo));

    let signature = content
        .signatory
        .as_ref()
        .and_then(|s| s.signature_image.clone())
        .expect("signature set");
    let only_logo = images
        .get(content.logo_image.as_deref().unwrap_or_default())
        .cloned();
    images = Images::default();
    if let Some(logo) = only_logo {
        images.insert(logo);
    }
    let err = certificate(&content, &images).expect_err("signature missing");
    assert_eq!(err, DocumentError::MissingImage(signature));
}

#[test]
fn other_layout_versions_are_refused() {
    let mut content = fixtures::certificate(Language::En);
    content.layout += 1;
    let err = certificate(&content, &Images::default()).expect_err("unknown layout");
    assert_eq!(err, DocumentError::UnsupportedLayout(content.layout));
}

#[test]
fn no_holdings_says_so() {
    let mut content = fixtures::certificate(Language::Nl);
    content.holdings.clear();
    let path = write_pdf("certificate-empty", &render(&content));
    let text = text(&path);
    assert!(
        text.contains("Op 23 november 2026 houdt deze aandeelhouder geen aandelen."),
        "{text}"
    );
    assert!(
        !text.contains("Volgestort"),
        "no holdings table expected:\n{text}"
    );
}

#[test]
fn odd_content_still_renders() {
    let mut content = fixtures::certificate(Language::Fr);
    content.holder.name = String::new();
    content.cooperative.legal_name = "Ž".repeat(300);
    content.holder.address.street = Some("Long street name ".repeat(20));
    content.holder.enterprise_number = None;
    content.verify_url = "https://dar.example/".to_string() + &"v".repeat(3000);
    content.signatory = None;
    let line = HoldingLine {
        class: fixtures::class_a(),
        quantity: i64::MAX,
        subscribed: Money::MAX,
        paid_up: Money::MAX,
    };
    content.holdings = vec![line.clone(), line];
    content.holdings[0].class.name = "Classe\tavec\nretours\u{7} et 中文 🙂".to_string();
    content.holdings[0].class.nominal_value = Money::MAX;
    let path = write_pdf("certificate-odd", &render(&content));
    tool_ok("qpdf", &["--check", path_str(&path)]);
    let text = text(&path);
    assert!(text.contains("100 000 000 000,00 EUR"), "{text}");
    assert!(
        text.contains("200 000 000 000,00 EUR"),
        "total of two maximal amounts:\n{text}"
    );
}
