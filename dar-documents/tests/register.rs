//! The register extract: many holders over several pages.

mod common;

use std::collections::HashMap;

use common::fixtures;
use common::{page_texts, path_str, tool_ok, write_pdf};
use dar_core::types::Language;
use dar_documents::register_extract;

#[test]
fn long_register_paginates_without_splitting_rows() {
    let per_class = 300;
    let extract = fixtures::register(Language::Nl, per_class);
    let pdf = register_extract(&extract).expect("register renders");
    let path = write_pdf("register-nl", &pdf);
    tool_ok("qpdf", &["--check", path_str(&path)]);
    let pages = page_texts(&path);
    let total = pages.len();
    assert!(total >= 5, "only {total} pages");

    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        let footer = format!("Pagina {} van {total}", i + 1);
        assert!(
            page.contains(&footer),
            "page {} lacks {footer:?}:\n{page}",
            i + 1
        );
        let numbers: Vec<&str> = page
            .split_whitespace()
            .filter(|t| {
                t.len() == 6 && t.starts_with(['1', '2']) && t.bytes().all(|b| b.is_ascii_digit())
            })
            .collect();
        if !numbers.is_empty() {
            assert!(
                page.contains("Reg.nr."),
                "page {} has rows but no header:\n{page}",
                i + 1
            );
            assert!(
                page.contains("Volgestort"),
                "page {} header incomplete",
                i + 1
            );
        }
        for n in numbers {
            *seen.entry(n.to_string()).or_default() += 1;
        }
    }
    for (base, _) in [(100_000, 'A'), (200_000, 'B')] {
        for i in 1..=per_class as i64 {
            let n = (base + i).to_string();
            assert_eq!(seen.get(&n).copied().unwrap_or(0), 1, "register number {n}");
        }
    }
    assert_eq!(seen.len(), 2 * per_class, "unexpected six-digit tokens");

    let all = pages.concat();
    for needle in [
        "Uittreksel uit het aandelenregister",
        "Klasse A – Oprichtersaandelen",
        "Klasse B – Gewone aandelen",
        "(vervolg)",
        "Overzicht per klasse",
        "Totaal kapitaal",
        "Aandeelhouders: 300",
        "Overdraagbaarheid: Overdraagbaar mits",
        "Dividendrecht: ja",
        fixtures::LEDGER_HASH,
    ] {
        assert!(all.contains(needle), "{needle:?} missing");
    }
}

#[test]
fn page_numbers_are_translated() {
    for (language, word, of) in [
        (Language::Fr, "Page 1 sur", "Parts"),
        (Language::En, "Page 1 of", "Shares"),
    ] {
        let pdf = register_extract(&fixtures::register(language, 40)).expect("renders");
        let path = write_pdf(&format!("register-{language}"), &pdf);
        let pages = page_texts(&path);
        assert!(pages[0].contains(word), "{language}: {}", pages[0]);
        assert!(pages[0].contains(of), "{language}: {}", pages[0]);
    }
}

#[test]
fn empty_register_renders() {
    let mut extract = fixtures::register(Language::En, 0);
    extract.sections[0].lines.clear();
    let pdf = register_extract(&extract).expect("renders");
    let path = write_pdf("register-empty", &pdf);
    let text = page_texts(&path).concat();
    assert!(
        text.contains("Nobody holds shares of this class."),
        "{text}"
    );
    assert!(text.contains("Page 1 of 1"), "{text}");

    extract.sections.clear();
    register_extract(&extract).expect("no classes at all renders too");
}

#[test]
fn same_register_gives_the_same_bytes() {
    let extract = fixtures::register(Language::Fr, 50);
    let a = register_extract(&extract).expect("renders");
    let b = register_extract(&extract).expect("renders");
    assert!(a == b);
}
