//! Content shared by the tests and the throughput example: a cooperative and holders
//! with names that exercise the fonts, and generated logo/signature images.

#![allow(dead_code)]

use chrono::NaiveDate;
use dar_core::documents::{
    CERTIFICATE_LAYOUT, CertificateContent, ClassTerms, ClassTotals, Cooperative, Counterparty,
    HistoryLine, Holder, HolderHistory, HoldingLine, LedgerPoint, MovementKind, PostalAddress,
    RegisterExtract, RegisterLine, RegisterSection, Signatory,
};
use dar_core::money::Money;
use dar_core::types::{Language, TransferRule};

pub const HOLDER_NAME: &str = "Coöperatie Ünïcode Łódź Françoise";
pub const COOP_NAME: &str = "Energiecoöperatie Zoë & Šárka Œuvre";
pub const LEDGER_HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
pub const VERIFY_URL: &str = "https://dar.example.be/verify/0192f0c4-7d1a-7000-8000-00000000a017";

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn money(cents: i64) -> Money {
    Money::from_cents(cents).expect("valid amount")
}

pub fn cooperative() -> Cooperative {
    Cooperative {
        legal_name: COOP_NAME.to_string(),
        legal_form: "CV".to_string(),
        enterprise_number: "0403.019.261".to_string(),
        seat: PostalAddress {
            street: Some("Rue de la Loi 16".to_string()),
            postal_code: Some("1000".to_string()),
            city: Some("Bruxelles".to_string()),
            country: "BE".to_string(),
        },
    }
}

pub fn class_a() -> ClassTerms {
    ClassTerms {
        code: "A".to_string(),
        name: "Oprichtersaandelen".to_string(),
        nominal_value: money(25_000),
        votes_per_share: 1,
        dividend_rights: true,
        transfer_rule: TransferRule::Approval,
    }
}

pub fn class_b() -> ClassTerms {
    ClassTerms {
        code: "B".to_string(),
        name: "Gewone aandelen".to_string(),
        nominal_value: money(12_500),
        votes_per_share: 1,
        dividend_rights: false,
        transfer_rule: TransferRule::Free,
    }
}

pub fn legal_holder() -> Holder {
    Holder {
        register_number: 4711,
        name: HOLDER_NAME.to_string(),
        enterprise_number: Some("0876.543.210".to_string()),
        address: PostalAddress {
            street: Some("Ulica Piotrkowska 104".to_string()),
            postal_code: Some("90-006".to_string()),
            city: Some("Łódź".to_string()),
            country: "PL".to_string(),
        },
    }
}

pub fn certificate(language: Language) -> CertificateContent {
    CertificateContent {
        layout: CERTIFICATE_LAYOUT,
        language,
        certificate_id: "0192f0c4-7d1a-7000-8000-00000000a017".to_string(),
        number: 17,
        as_of: date(2026, 11, 23),
        issued_on: date(2026, 11, 24),
        ledger: LedgerPoint {
            seq: 1234,
            hash: LEDGER_HASH.to_string(),
        },
        verify_url: VERIFY_URL.to_string(),
        cooperative: cooperative(),
        logo_image: None,
        signatory: Some(Signatory {
            name: "Anaïs Vandenbroucke".to_string(),
            title: Some("Voorzitter van de raad van bestuur".to_string()),
            signature_image: None,
        }),
        holder: legal_holder(),
        holdings: vec![
            HoldingLine {
                class: class_a(),
                quantity: 5,
                subscribed: money(125_000),
                paid_up: money(125_000),
            },
            HoldingLine {
                class: class_b(),
                quantity: 1234,
                subscribed: money(15_425_000),
                paid_up: money(7_712_500),
            },
        ],
    }
}

/// A register of `per_class` holders in each of two classes; every seventh name is very
/// long so that rows wrap to several lines.
pub fn register(language: Language, per_class: usize) -> RegisterExtract {
    let sections = [(class_a(), 100_000i64), (class_b(), 200_000i64)]
        .into_iter()
        .map(|(class, base)| {
            let lines: Vec<RegisterLine> = (0..per_class)
                .map(|i| {
                    let quantity = (i % 40 + 1) as i64;
                    let subscribed = class.nominal_value.cents() * quantity;
                    RegisterLine {
                        holder: Holder {
                            register_number: base + i as i64 + 1,
                            name: holder_name(i),
                            enterprise_number: (i % 3 == 0).then(|| "0876.543.210".to_string()),
                            address: PostalAddress {
                                street: Some(if i % 11 == 0 {
                                    "Boulevard du Souverain / Vorstlaan, résidence « Les Jardins \
                                     de la Woluwe », bloc C, appartement 12 bis"
                                        .to_string()
                                } else {
                                    format!("Kerkstraat {}", i + 1)
                                }),
                                postal_code: Some("9000".to_string()),
                                city: Some("Gent".to_string()),
                                country: "BE".to_string(),
                            },
                        },
                        quantity,
                        subscribed: money(subscribed),
                        paid_up: money(subscribed / 2),
                    }
                })
                .collect();
            let totals = ClassTotals {
                holders: lines.len() as i64,
                quantity: lines.iter().map(|l| l.quantity).sum(),
                subscribed: money(lines.iter().map(|l| l.subscribed.cents()).sum()),
                paid_up: money(lines.iter().map(|l| l.paid_up.cents()).sum()),
            };
            RegisterSection {
                class,
                lines,
                totals,
            }
        })
        .collect();
    RegisterExtract {
        language,
        as_of: date(2026, 11, 23),
        generated_on: date(2026, 11, 24),
        ledger: LedgerPoint {
            seq: 98_765,
            hash: LEDGER_HASH.to_string(),
        },
        cooperative: cooperative(),
        sections,
    }
}

pub fn holder_name(i: usize) -> String {
    if i.is_multiple_of(7) {
        format!(
            "{HOLDER_NAME} en Zonen Internationale Holding voor Hernieuwbare Energie en \
             Duurzame Ontwikkeling in Vlaanderen, Wallonië en Brussel nummer {i}"
        )
    } else {
        format!("Françoise Dupont-{i}")
    }
}

pub fn history(language: Language) -> HolderHistory {
    let line = |seq, kind, quantity, paid_cents, balance| HistoryLine {
        seq,
        effective_date: date(2025, 3, 1 + (seq % 27) as u32),
        kind,
        class_code: "B".to_string(),
        quantity,
        paid_cents,
        repaid: None,
        counterparty: None,
        note: None,
        balance,
    };
    let mut lines = vec![
        line(11, MovementKind::Issue, 40, 250_000, 40),
        line(12, MovementKind::Payment, 0, 250_000, 40),
        HistoryLine {
            counterparty: Some(Counterparty::Named("4712 Jan Peeters".to_string())),
            ..line(15, MovementKind::TransferOut, -10, -125_000, 30)
        },
        HistoryLine {
            repaid: Some(money(60_000)),
            note: Some("Uittreding op eigen verzoek".to_string()),
            ..line(19, MovementKind::Redemption, -5, -62_500, 25)
        },
        HistoryLine {
            note: Some("reverses #19".to_string()),
            ..line(20, MovementKind::Reversal, 5, 62_500, 30)
        },
    ];
    lines.push(HistoryLine {
        counterparty: Some(Counterparty::Named("4713 Marie Dubois".to_string())),
        ..line(22, MovementKind::TransferIn, 3, 37_500, 33)
    });
    HolderHistory {
        language,
        as_of: date(2026, 11, 23),
        generated_on: date(2026, 11, 24),
        ledger: LedgerPoint {
            seq: 1234,
            hash: LEDGER_HASH.to_string(),
        },
        cooperative: cooperative(),
        holder: legal_holder(),
        lines,
        closing: vec![HoldingLine {
            class: class_b(),
            quantity: 33,
            subscribed: money(412_500),
            paid_up: money(412_500),
        }],
    }
}

/// A logo as logos are: a few flat colours on a transparent background, larger than the
/// stored size so that it is reduced.
pub fn logo_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(900, 450, |x, y| {
        let (dx, dy) = (x as f32 - 225.0, y as f32 - 225.0);
        let r = (dx * dx + dy * dy).sqrt();
        if r < 180.0 {
            image::Rgba([20, 110, 60, 255])
        } else if x > 480 && (y / 60) % 2 == 0 && y < 400 {
            image::Rgba([230, 160, 20, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    encode(
        image::DynamicImage::ImageRgba8(img),
        image::ImageFormat::Png,
    )
}

/// A grey "signature" as JPEG.
pub fn signature_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(480, 160, |x, y| {
        let ink = ((x as f32 / 25.0).sin() * 40.0 + 80.0 - y as f32).abs() < 4.0;
        let v = if ink { 20 } else { 250 };
        image::Rgb([v, v, v])
    });
    encode(
        image::DynamicImage::ImageRgb8(img),
        image::ImageFormat::Jpeg,
    )
}

pub fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encodes");
    out.into_inner()
}
