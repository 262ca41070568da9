//! Blocks that more than one document prints: the cooperative's header, the holder, a
//! holdings table and the ledger point.

use dar_core::documents::{ClassTerms, Cooperative, Holder, HoldingLine, LedgerPoint};

use crate::fonts::Face;
use crate::labels::Labels;
use crate::layout::{Align, Column, Pages, Table};

pub(crate) const MARGIN: f32 = 42.5;
pub(crate) const FOOTER_SIZE: f32 = 7.5;
/// Where content ends: above the footer line.
pub(crate) const CONTENT_BOTTOM: f32 = crate::layout::PAGE_HEIGHT - MARGIN - 14.0;

pub(crate) fn new_pages(fonts: &crate::fonts::Fonts) -> Pages<'_> {
    Pages::new(
        fonts,
        MARGIN,
        crate::layout::PAGE_WIDTH - MARGIN,
        MARGIN,
        CONTENT_BOTTOM,
    )
}

/// The legal name followed by the legal form, unless the name already ends with it (many
/// cooperatives register their name as "… cv").
fn name_with_form(name: &str, form: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let ends_with_form = !form.is_empty()
        && words.last().is_some_and(|last| {
            last.trim_matches(|c: char| c == '.')
                .eq_ignore_ascii_case(form.trim_matches('.'))
        });
    if form.is_empty() || ends_with_form {
        name.to_string()
    } else {
        format!("{name} {form}")
    }
}

/// The cooperative as it heads every document, in a column starting at `x`.
pub(crate) fn cooperative(
    pages: &mut Pages<'_>,
    labels: &Labels,
    coop: &Cooperative,
    x: f32,
    width: f32,
) {
    let name = name_with_form(coop.legal_name.trim(), coop.legal_form.trim());
    pages.paragraph_in(x, width, Face::Bold, 13.0, &name, Align::Left);
    pages.gap(1.0);
    let number = format!("{} {}", labels.enterprise_number, coop.enterprise_number);
    pages.paragraph_in(x, width, Face::Regular, 9.0, &number, Align::Left);
    let seat = format!("{}: {}", labels.seat, labels.address(&coop.seat));
    pages.paragraph_in(x, width, Face::Regular, 9.0, &seat, Align::Left);
}

/// Label/value lines with the values aligned in a second column.
pub(crate) fn key_values(pages: &mut Pages<'_>, size: f32, rows: &[(&str, String)]) {
    let fonts = pages.fonts();
    let key_width = rows
        .iter()
        .map(|(k, _)| fonts.width(Face::Regular, size, k))
        .fold(0.0f32, f32::max)
        + 10.0;
    let key_width = key_width.min(pages.width() * 0.4);
    let x = pages.left();
    let value_width = pages.width() - key_width;
    let lh = Pages::line_height(size);
    for (key, value) in rows {
        pages.ensure(lh);
        let top = pages.y();
        pages.text(x, top, Face::Regular, size, key);
        pages.paragraph_in(
            x + key_width,
            value_width,
            Face::Bold,
            size,
            value,
            Align::Left,
        );
        if pages.y() < top + lh {
            pages.set_y(top + lh);
        }
    }
}

pub(crate) fn holder(pages: &mut Pages<'_>, labels: &Labels, holder: &Holder) {
    let mut rows = vec![
        (labels.name, holder.name.clone()),
        (labels.register_number, holder.register_number.to_string()),
    ];
    if let Some(number) = &holder.enterprise_number {
        rows.push((labels.enterprise_number, number.clone()));
    }
    rows.push((labels.address, labels.address(&holder.address)));
    key_values(pages, 10.0, &rows);
}

pub(crate) fn class_title(class: &ClassTerms) -> String {
    let code = class.code.trim();
    let name = class.name.trim();
    match (code.is_empty(), name.is_empty()) {
        (false, false) => format!("{code} – {name}"),
        (false, true) => code.to_string(),
        _ => name.to_string(),
    }
}

/// What a holder holds per class, with a totals row when there is more than one class.
pub(crate) fn holdings(pages: &mut Pages<'_>, labels: &Labels, lines: &[HoldingLine]) {
    let fractions = [0.20, 0.09, 0.12, 0.15, 0.15, 0.09, 0.20];
    let width = pages.width();
    let w = |i: usize| fractions[i] * width;
    pages.begin_table(Table {
        columns: vec![
            Column::text(labels.class, w(0)),
            Column::figure(labels.shares, w(1)),
            Column::figure(labels.nominal_value, w(2)),
            Column::figure(labels.subscribed, w(3)),
            Column::figure(labels.paid_up, w(4)),
            Column::figure(labels.votes_per_share, w(5)),
            Column::text(labels.transfer, w(6)),
        ],
        size: 8.5,
        continued: None,
    });
    let mut shares = 0i128;
    let mut subscribed = 0i128;
    let mut paid_up = 0i128;
    for line in lines {
        shares += i128::from(line.quantity);
        subscribed += i128::from(line.subscribed.cents());
        paid_up += i128::from(line.paid_up.cents());
        pages.row(
            &[
                class_title(&line.class),
                labels.count(line.quantity),
                labels.money(line.class.nominal_value),
                labels.money(line.subscribed),
                labels.money(line.paid_up),
                labels.count(line.class.votes_per_share),
                labels.transfer_rule(line.class.transfer_rule).to_string(),
            ],
            Face::Regular,
        );
    }
    if lines.len() > 1 {
        pages.row(
            &[
                labels.total.to_string(),
                labels.count(shares),
                String::new(),
                labels.cents(subscribed, false),
                labels.cents(paid_up, false),
                String::new(),
                String::new(),
            ],
            Face::Bold,
        );
    }
    pages.end_table();
}

/// The ledger point in words, and the full head hash on its own line in a small size so
/// it can be copied out of the PDF whole.
pub(crate) fn ledger_point(pages: &mut Pages<'_>, labels: &Labels, ledger: &LedgerPoint) {
    let start: String = ledger.hash.chars().take(16).collect();
    pages.paragraph(Face::Regular, 8.5, &labels.ledger_point(ledger.seq, &start));
    pages.paragraph(
        Face::Regular,
        6.5,
        &format!("{}: {}", labels.ledger_hash, ledger.hash),
    );
}

#[cfg(test)]
mod tests {
    use super::name_with_form;

    #[test]
    fn the_legal_form_is_added_once() {
        assert_eq!(name_with_form("Energie Ünie", "cv"), "Energie Ünie cv");
        assert_eq!(name_with_form("Energie Ünie cv", "cv"), "Energie Ünie cv");
        assert_eq!(
            name_with_form("Énergie Commune SC", "sc"),
            "Énergie Commune SC"
        );
        assert_eq!(name_with_form("Energie Ünie", ""), "Energie Ünie");
    }
}
