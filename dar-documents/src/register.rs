//! The register extract: every holder of every class on a date, the printable register
//! the law asks a cooperative to keep.

use dar_core::documents::{RegisterExtract, RegisterSection};

use crate::error::DocumentError;
use crate::fonts::Face;
use crate::labels::{Labels, labels};
use crate::layout::{Column, Pages, Table};
use crate::parts::{self, FOOTER_SIZE};
use crate::pdf::{self, Meta};

const TABLE_SIZE: f32 = 7.5;

/// Renders the register as of a date: one section per class, then a summary.
pub fn register_extract(extract: &RegisterExtract) -> Result<Vec<u8>, DocumentError> {
    let fonts = crate::fonts::fonts()?;
    let l = labels(extract.language);
    let mut pages = parts::new_pages(fonts);
    let (left, width) = (pages.left(), pages.width());

    parts::cooperative(&mut pages, l, &extract.cooperative, left, width);
    pages.gap(6.0);
    let y = pages.y();
    pages.rule(left, left + width, y, 0.8, 0.2);
    pages.gap(12.0);
    pages.paragraph(Face::Bold, 16.0, l.extract_title);
    pages.gap(6.0);
    parts::key_values(
        &mut pages,
        9.5,
        &[
            (l.as_of, l.date(extract.as_of)),
            (l.generated_on, l.date(extract.generated_on)),
        ],
    );
    pages.gap(4.0);
    parts::ledger_point(&mut pages, l, &extract.ledger);
    pages.gap(6.0);
    pages.paragraph(Face::Regular, 8.5, l.authoritative);
    pages.gap(10.0);

    for section in &extract.sections {
        class_section(&mut pages, l, section);
        pages.gap(12.0);
    }
    summary(&mut pages, l, extract);

    let footer_left = format!(
        "{} – {} – {} {}",
        extract.cooperative.legal_name.trim(),
        l.extract_title,
        l.as_of,
        l.date(extract.as_of)
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
            title: l.extract_title,
            subject: &extract.cooperative.legal_name,
            created: extract.generated_on,
        },
    )
}

fn class_section(pages: &mut Pages<'_>, l: &Labels, section: &RegisterSection) {
    let class = &section.class;
    let title = format!("{} {}", l.class, parts::class_title(class));
    // The heading, its terms and the table's first rows belong on the same page.
    pages.ensure(90.0);
    pages.paragraph(Face::Bold, 11.5, &title);
    let terms = format!(
        "{}: {} · {}: {} · {}: {} · {}: {}",
        l.nominal_value,
        l.money(class.nominal_value),
        l.votes_per_share,
        l.count(class.votes_per_share),
        l.dividend_rights,
        l.yes_no(class.dividend_rights),
        l.transfer,
        l.transfer_rule(class.transfer_rule),
    );
    pages.paragraph(Face::Regular, 8.5, &terms);
    pages.gap(4.0);

    if section.lines.is_empty() {
        pages.paragraph(Face::Regular, 9.0, l.empty_class);
        return;
    }
    let w = pages.width();
    let fractions = [0.075, 0.2, 0.23, 0.145, 0.08, 0.135, 0.135];
    pages.begin_table(Table {
        columns: vec![
            Column::text(l.register_number_short, w * fractions[0]),
            Column::text(l.name, w * fractions[1]),
            Column::text(l.address, w * fractions[2]),
            Column::text(l.enterprise_number_short, w * fractions[3]),
            Column::figure(l.shares, w * fractions[4]),
            Column::figure(l.subscribed, w * fractions[5]),
            Column::figure(l.paid_up, w * fractions[6]),
        ],
        size: TABLE_SIZE,
        continued: Some(format!("{title} ({})", l.continued)),
    });
    for line in &section.lines {
        let holder = &line.holder;
        pages.row(
            &[
                holder.register_number.to_string(),
                holder.name.clone(),
                l.address(&holder.address),
                holder.enterprise_number.clone().unwrap_or_default(),
                l.count(line.quantity),
                l.money(line.subscribed),
                l.money(line.paid_up),
            ],
            Face::Regular,
        );
    }
    let totals = &section.totals;
    pages.row(
        &[
            l.total.to_string(),
            format!("{}: {}", l.holders, l.count(totals.holders)),
            String::new(),
            String::new(),
            l.count(totals.quantity),
            l.money(totals.subscribed),
            l.money(totals.paid_up),
        ],
        Face::Bold,
    );
    pages.end_table();
}

fn summary(pages: &mut Pages<'_>, l: &Labels, extract: &RegisterExtract) {
    pages.ensure(80.0);
    pages.paragraph(Face::Bold, 11.5, l.summary);
    pages.gap(4.0);
    let w = pages.width();
    let fractions = [0.31, 0.11, 0.12, 0.16, 0.15, 0.15];
    pages.begin_table(Table {
        columns: vec![
            Column::text(l.class, w * fractions[0]),
            Column::figure(l.holders, w * fractions[1]),
            Column::figure(l.shares, w * fractions[2]),
            Column::figure(l.nominal_value, w * fractions[3]),
            Column::figure(l.subscribed, w * fractions[4]),
            Column::figure(l.paid_up, w * fractions[5]),
        ],
        size: 8.5,
        continued: Some(format!("{} ({})", l.summary, l.continued)),
    });
    let mut shares = 0i128;
    let mut subscribed = 0i128;
    let mut paid_up = 0i128;
    for section in &extract.sections {
        let t = &section.totals;
        shares += i128::from(t.quantity);
        subscribed += i128::from(t.subscribed.cents());
        paid_up += i128::from(t.paid_up.cents());
        pages.row(
            &[
                parts::class_title(&section.class),
                l.count(t.holders),
                l.count(t.quantity),
                l.money(section.class.nominal_value),
                l.money(t.subscribed),
                l.money(t.paid_up),
            ],
            Face::Regular,
        );
    }
    pages.row(
        &[
            l.capital.to_string(),
            String::new(),
            l.count(shares),
            String::new(),
            l.cents(subscribed, false),
            l.cents(paid_up, false),
        ],
        Face::Bold,
    );
    pages.end_table();
}
