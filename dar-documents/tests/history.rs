//! One holder's history.

mod common;

use common::fixtures;
use common::{page_texts, path_str, tool_ok, write_pdf};
use dar_core::documents::HistoryLine;
use dar_core::types::Language;
use dar_documents::holder_history;

#[test]
fn history_shows_lines_and_closing_balance() {
    let pdf = holder_history(&fixtures::history(Language::Nl)).expect("history renders");
    let path = write_pdf("history-nl", &pdf);
    tool_ok("qpdf", &["--check", path_str(&path)]);
    let text = page_texts(&path).concat();
    for needle in [
        "Historiek van de aandeelhouder",
        fixtures::HOLDER_NAME,
        "Uitgifte",
        "Volstorting",
        "Overdracht",
        "(afgestaan)",
        "(verkregen)",
        "Terugneming",
        "Tegenboeking",
        "4712 Jan Peeters",
        "Uittreding op",
        "eigen verzoek",
        "reverses #19",
        "+40",
        "-10",
        "+2.500,00 EUR",
        "-1.250,00 EUR",
        "-625,00 EUR",
        "600,00 EUR",
        "Bezit op 23 november 2026",
        "4.125,00 EUR",
        "Pagina 1 van 1",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
    // The closing holdings table: 33 shares of class B.
    assert!(
        text.lines()
            .any(|l| l.contains("B – Gewone aandelen") && l.contains("33")),
        "{text}"
    );
}

#[test]
fn long_history_repeats_the_header_on_every_page() {
    let mut history = fixtures::history(Language::En);
    let template = history.lines[0].clone();
    history.lines = (0..1500)
        .map(|i| HistoryLine {
            seq: 10_000 + i,
            balance: i + 1,
            quantity: 1,
            note: (i % 5 == 0)
                .then(|| "A rather long note that has to wrap inside its cell ".repeat(3)),
            ..template.clone()
        })
        .collect();
    let pdf = holder_history(&history).expect("renders");
    let path = write_pdf("history-long", &pdf);
    let pages = page_texts(&path);
    assert!(pages.len() > 10, "{} pages", pages.len());
    let total = pages.len();
    let mut seqs = 0;
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {total}", i + 1)));
        let here = page
            .split_whitespace()
            .filter(|t| t.len() == 5 && t.starts_with('1') && t.bytes().all(|b| b.is_ascii_digit()))
            .count();
        if here > 0 {
            assert!(
                page.contains("Movement") && page.contains("Balance"),
                "page {} lacks the header",
                i + 1
            );
        }
        seqs += here;
    }
    assert_eq!(seqs, 1500, "every line exactly once");
}

#[test]
fn empty_history_renders() {
    let mut history = fixtures::history(Language::Fr);
    history.lines.clear();
    history.closing.clear();
    let path = write_pdf("history-empty", &holder_history(&history).expect("renders"));
    let text = page_texts(&path).concat();
    assert!(text.contains("Aucune écriture."), "{text}");
    assert!(
        text.contains("ce titulaire ne détient aucune part"),
        "{text}"
    );
}
