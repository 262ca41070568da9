//! One holder's history: every ledger line that touched them, and what they hold at the
//! end of it.

use dar_core::documents::{Counterparty, HolderHistory};

use crate::error::DocumentError;
use crate::fonts::Face;
use crate::labels::labels;
use crate::layout::{Column, Table};
use crate::parts::{self, FOOTER_SIZE};
use crate::pdf::{self, Meta};

/// The other side of a transfer: its name, or "another shareholder" when it is withheld.
fn counterparty(counterparty: &Option<Counterparty>, another_shareholder: &str) -> String {
    match counterparty {
        Some(Counterparty::Named(name)) => name.clone(),
        Some(Counterparty::Withheld) => another_shareholder.to_string(),
        None => String::new(),
    }
}

/// Renders one holder's ledger lines and their holdings at the end.
pub fn holder_history(history: &HolderHistory) -> Result<Vec<u8>, DocumentError> {
    let fonts = crate::fonts::fonts()?;
    let l = labels(history.language);
    let mut pages = parts::new_pages(fonts);
    let (left, width) = (pages.left(), pages.width());

    parts::cooperative(&mut pages, l, &history.cooperative, left, width);
    pages.gap(6.0);
    let y = pages.y();
    pages.rule(left, left + width, y, 0.8, 0.2);
    pages.gap(12.0);
    pages.paragraph(Face::Bold, 16.0, l.history_title);
    pages.gap(6.0);
    parts::key_values(
        &mut pages,
        9.5,
        &[
            (l.as_of, l.date(history.as_of)),
            (l.generated_on, l.date(history.generated_on)),
        ],
    );
    pages.gap(10.0);
    pages.paragraph(Face::Bold, 11.5, l.holder);
    pages.gap(3.0);
    parts::holder(&mut pages, l, &history.holder);
    pages.gap(6.0);
    parts::ledger_point(&mut pages, l, &history.ledger);
    pages.gap(10.0);

    if history.lines.is_empty() {
        pages.paragraph(Face::Regular, 9.0, l.no_entries);
    } else {
        // Wide enough for "another shareholder" on one line.
        let fractions = [0.105, 0.06, 0.11, 0.06, 0.08, 0.12, 0.11, 0.16, 0.115, 0.08];
        let w = |i: usize| fractions[i] * width;
        pages.begin_table(Table {
            columns: vec![
                Column::text(l.date, w(0)),
                Column::figure(l.seq, w(1)),
                Column::text(l.movement, w(2)),
                Column::text(l.class, w(3)),
                Column::figure(l.shares_change, w(4)),
                Column::figure(l.paid_change, w(5)),
                Column::figure(l.repaid, w(6)),
                Column::text(l.counterparty, w(7)),
                Column::text(l.note, w(8)),
                Column::figure(l.balance, w(9)),
            ],
            size: 7.0,
            continued: Some(format!("{} ({})", l.history_title, l.continued)),
        });
        for line in &history.lines {
            pages.row(
                &[
                    l.date(line.effective_date),
                    line.seq.to_string(),
                    l.movement(line.kind).to_string(),
                    line.class_code.clone(),
                    l.count_change(line.quantity),
                    l.cents_change(line.paid_cents),
                    line.repaid.map(|m| l.money(m)).unwrap_or_default(),
                    counterparty(&line.counterparty, l.another_shareholder),
                    line.note.clone().unwrap_or_default(),
                    l.count(line.balance),
                ],
                Face::Regular,
            );
        }
        pages.end_table();
    }
    pages.gap(12.0);

    pages.ensure(70.0);
    pages.paragraph(Face::Bold, 11.5, &l.closing(history.as_of));
    pages.gap(3.0);
    if history.closing.is_empty() {
        pages.paragraph(Face::Regular, 9.5, &l.no_shares(history.as_of));
    } else {
        parts::holdings(&mut pages, l, &history.closing);
    }

    let footer_left = format!(
        "{} – {} – {} ({})",
        history.cooperative.legal_name.trim(),
        l.history_title,
        history.holder.name.trim(),
        history.holder.register_number
    );
    let rendered = pages.finish(
        |page, total| (footer_left.clone(), l.page(page, total)),
        FOOTER_SIZE,
    );
    pdf::finish(
        fonts,
        rendered,
        Vec::new(),
        &Meta {
            title: l.history_title,
            subject: &history.holder.name,
            created: history.generated_on,
        },
    )
}
