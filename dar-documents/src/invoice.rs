//! An invoice or credit note of the coordinator as PDF, in the cooperative's language, with
//! an EPC QR code a banking app pays the invoice with.

use dar_core::billing::{DocumentKind, InvoiceContent, Party, VatRate, epc};
use dar_core::identifiers::{EnterpriseNumber, Iban};
use dar_core::types::Language;

use crate::error::DocumentError;
use crate::fonts::{Face, fonts};
use crate::labels::{Labels, labels};
use crate::layout::{Align, Column, Pages, Table};
use crate::parts::{self, FOOTER_SIZE};
use crate::pdf::{self, Meta};
use crate::qr::Qr;

const QR_SIZE: f32 = 96.0;

/// The words of an invoice, per language.
struct Words {
    invoice: &'static str,
    credit_note: &'static str,
    number: &'static str,
    issue_date: &'static str,
    due_date: &'static str,
    corrects: &'static str,
    to: &'static str,
    enterprise_number: &'static str,
    vat_number: &'static str,
    description: &'static str,
    quantity: &'static str,
    unit_price: &'static str,
    vat: &'static str,
    net: &'static str,
    total_net: &'static str,
    vat_at: &'static str,
    on: &'static str,
    exempt: &'static str,
    total: &'static str,
    total_credit: &'static str,
    pay_to: &'static str,
    reference: &'static str,
    scan: &'static str,
    reason: &'static str,
    nothing_to_pay: &'static str,
}

const NL: Words = Words {
    invoice: "Factuur",
    credit_note: "Creditnota",
    number: "Nummer",
    issue_date: "Factuurdatum",
    due_date: "Vervaldatum",
    corrects: "Corrigeert factuur",
    to: "Aan",
    enterprise_number: "Ondernemingsnummer",
    vat_number: "Btw-nummer",
    description: "Omschrijving",
    quantity: "Aantal",
    unit_price: "Eenheidsprijs",
    vat: "Btw",
    net: "Bedrag excl. btw",
    total_net: "Totaal excl. btw",
    vat_at: "Btw",
    on: "over",
    exempt: "vrijgesteld",
    total: "Te betalen",
    total_credit: "Totaal gecrediteerd",
    pay_to: "Te betalen op rekening",
    reference: "met de gestructureerde mededeling",
    scan: "Scan de code met uw bankapp om te betalen.",
    reason: "Reden",
    nothing_to_pay: "Deze creditnota wordt verrekend met de factuur die ze corrigeert.",
};

const FR: Words = Words {
    invoice: "Facture",
    credit_note: "Note de crédit",
    number: "Numéro",
    issue_date: "Date de facture",
    due_date: "Échéance",
    corrects: "Corrige la facture",
    to: "À",
    enterprise_number: "Numéro d'entreprise",
    vat_number: "Numéro de TVA",
    description: "Description",
    quantity: "Quantité",
    unit_price: "Prix unitaire",
    vat: "TVA",
    net: "Montant HTVA",
    total_net: "Total HTVA",
    vat_at: "TVA",
    on: "sur",
    exempt: "exonéré",
    total: "À payer",
    total_credit: "Total crédité",
    pay_to: "À payer sur le compte",
    reference: "avec la communication structurée",
    scan: "Scannez le code avec votre application bancaire pour payer.",
    reason: "Motif",
    nothing_to_pay: "Cette note de crédit est imputée sur la facture qu'elle corrige.",
};

const EN: Words = Words {
    invoice: "Invoice",
    credit_note: "Credit note",
    number: "Number",
    issue_date: "Invoice date",
    due_date: "Due date",
    corrects: "Corrects invoice",
    to: "To",
    enterprise_number: "Enterprise number",
    vat_number: "VAT number",
    description: "Description",
    quantity: "Quantity",
    unit_price: "Unit price",
    vat: "VAT",
    net: "Amount excl. VAT",
    total_net: "Total excl. VAT",
    vat_at: "VAT",
    on: "on",
    exempt: "exempt",
    total: "To pay",
    total_credit: "Total credited",
    pay_to: "To be paid to account",
    reference: "with the structured communication",
    scan: "Scan the code with your banking app to pay.",
    reason: "Reason",
    nothing_to_pay: "This credit note is set off against the invoice it corrects.",
};

fn words(lang: Language) -> &'static Words {
    match lang {
        Language::Nl => &NL,
        Language::Fr => &FR,
        Language::En => &EN,
    }
}

fn rate(w: &Words, rate: VatRate) -> String {
    match rate {
        VatRate::Exempt => w.exempt.to_string(),
        r => format!("{} %", r.percent()),
    }
}

/// A quantity with the language's decimal mark ("0,5" in Dutch and French).
fn quantity(lang: Language, q: rust_decimal::Decimal) -> String {
    let text = q.to_string();
    match lang {
        Language::En => text,
        Language::Nl | Language::Fr => text.replace('.', ","),
    }
}

fn enterprise(number: &str) -> String {
    EnterpriseNumber::parse(number)
        .map(|n| n.formatted())
        .unwrap_or_else(|_| number.to_string())
}

fn party_block(pages: &mut Pages<'_>, w: &Words, p: &Party, size: f32) {
    let (left, width) = (pages.left(), pages.width());
    pages.paragraph_in(left, width, Face::Bold, size + 2.0, &p.name, Align::Left);
    let lines = [
        p.street.clone(),
        format!("{} {}", p.postal_code, p.city),
        format!(
            "{} {}",
            w.enterprise_number,
            enterprise(&p.enterprise_number)
        ),
    ];
    for line in lines {
        pages.paragraph_in(left, width, Face::Regular, size, &line, Align::Left);
    }
    if let Some(vat) = &p.vat_number {
        let line = format!("{} {vat}", w.vat_number);
        pages.paragraph_in(left, width, Face::Regular, size, &line, Align::Left);
    }
}

/// Renders an issued invoice or credit note.
pub fn invoice(doc: &InvoiceContent) -> Result<Vec<u8>, DocumentError> {
    let fonts = fonts()?;
    let l: &Labels = labels(doc.language);
    let w = words(doc.language);
    let mut pages = parts::new_pages(fonts);
    let (left, width) = (pages.left(), pages.width());

    // The seller heads the document, with where it is paid.
    party_block(&mut pages, w, &doc.seller, 9.0);
    if let Some(iban) = &doc.seller.iban {
        let iban = Iban::parse(iban)
            .map(|i| i.formatted())
            .unwrap_or_else(|_| iban.clone());
        let bank = match &doc.seller.bic {
            Some(bic) => format!("IBAN {iban} · BIC {bic}"),
            None => format!("IBAN {iban}"),
        };
        pages.paragraph_in(left, width, Face::Regular, 9.0, &bank, Align::Left);
    }
    if let Some(email) = &doc.seller.email {
        pages.paragraph_in(left, width, Face::Regular, 9.0, email, Align::Left);
    }
    pages.gap(6.0);
    let y = pages.y();
    pages.rule(left, left + width, y, 0.8, 0.2);
    pages.gap(14.0);

    let title = match doc.kind {
        DocumentKind::Invoice => w.invoice,
        DocumentKind::CreditNote => w.credit_note,
    };
    pages.paragraph(Face::Bold, 17.0, &format!("{title} {}", doc.number));
    pages.gap(6.0);
    let mut facts = vec![
        (w.number, doc.number.clone()),
        (w.issue_date, l.date(doc.issue_date)),
    ];
    if let Some(due) = doc.due_date {
        facts.push((w.due_date, l.date(due)));
    }
    if let Some((number, date)) = &doc.corrects {
        facts.push((w.corrects, format!("{number} ({})", l.date(*date))));
    }
    if let Some(note) = &doc.note {
        facts.push((w.reason, note.clone()));
    }
    parts::key_values(&mut pages, 10.0, &facts);
    pages.gap(12.0);

    pages.paragraph(Face::Regular, 9.0, w.to);
    pages.gap(2.0);
    party_block(&mut pages, w, &doc.buyer, 10.0);
    pages.gap(14.0);

    let fractions = [0.46, 0.1, 0.16, 0.1, 0.18];
    pages.begin_table(Table {
        columns: vec![
            Column::text(w.description, width * fractions[0]),
            Column::figure(w.quantity, width * fractions[1]),
            Column::figure(w.unit_price, width * fractions[2]),
            Column::figure(w.vat, width * fractions[3]),
            Column::figure(w.net, width * fractions[4]),
        ],
        size: 9.0,
        continued: Some(format!("{title} {}", doc.number)),
    });
    for (line, amounts) in doc.lines.iter().zip(&doc.totals.lines) {
        pages.row(
            &[
                line.description.clone(),
                quantity(doc.language, line.quantity.get()),
                l.money(line.unit_price),
                rate(w, line.vat),
                l.money(amounts.net),
            ],
            Face::Regular,
        );
    }
    pages.end_table();
    pages.gap(8.0);

    let mut totals = vec![(w.total_net.to_string(), l.money(doc.totals.net))];
    for subtotal in &doc.totals.breakdown {
        totals.push((
            format!(
                "{} {} {} {}",
                w.vat_at,
                rate(w, subtotal.rate),
                w.on,
                l.money(subtotal.taxable)
            ),
            l.money(subtotal.tax),
        ));
    }
    let grand = match doc.kind {
        DocumentKind::Invoice => w.total,
        DocumentKind::CreditNote => w.total_credit,
    };
    let size = 10.0;
    let label_x = left + width * 0.45;
    let label_width = width * 0.35;
    let value_x = left + width * 0.8;
    let value_width = width * 0.2;
    let last = totals.len();
    totals.push((grand.to_string(), l.money(doc.totals.gross)));
    for (i, (label, value)) in totals.iter().enumerate() {
        let face = if i == last { Face::Bold } else { Face::Regular };
        pages.ensure(Pages::line_height(size));
        let top = pages.y();
        pages.paragraph_in(label_x, label_width, face, size, label, Align::Left);
        let after_label = pages.y();
        pages.set_y(top);
        pages.paragraph_in(value_x, value_width, face, size, value, Align::Right);
        pages.set_y(pages.y().max(after_label));
    }
    pages.gap(18.0);

    let mut qr = None;
    match (&doc.payment_reference, &doc.seller.iban) {
        (Some(reference), Some(iban)) if doc.kind == DocumentKind::Invoice => {
            let iban_text = Iban::parse(iban)
                .map(|i| i.formatted())
                .unwrap_or_else(|_| iban.clone());
            let due = doc.due_date.map(|d| l.date(d)).unwrap_or_default();
            let payable = format!(
                "{} {iban_text} {} {reference} ({} {due}).",
                w.pay_to,
                w.reference,
                w.due_date.to_lowercase()
            );
            pages.ensure(QR_SIZE + 10.0);
            let top = pages.y();
            let payload = Iban::parse(iban).ok().and_then(|iban| {
                epc::payload(
                    &doc.seller.name,
                    &iban,
                    doc.seller.bic.as_deref(),
                    doc.totals.gross,
                    reference,
                )
                .ok()
            });
            let text_x = match payload.as_deref().and_then(Qr::new) {
                Some(code) => {
                    code.draw(&mut pages, left, top, QR_SIZE);
                    qr = Some(code);
                    left + QR_SIZE + 10.0
                }
                None => left,
            };
            pages.set_y(top + 14.0);
            let text_width = left + width - text_x;
            pages.paragraph_in(text_x, text_width, Face::Bold, 10.5, &payable, Align::Left);
            if qr.is_some() {
                pages.gap(4.0);
                pages.paragraph_in(text_x, text_width, Face::Regular, 9.0, w.scan, Align::Left);
                pages.set_y(pages.y().max(top + QR_SIZE));
            }
        }
        _ if doc.kind == DocumentKind::CreditNote => {
            pages.paragraph(Face::Regular, 9.5, w.nothing_to_pay);
        }
        _ => {}
    }
    if let Some(footer) = &doc.seller.footer {
        pages.gap(14.0);
        pages.paragraph(Face::Regular, 8.5, footer);
    }

    let footer_left = format!("{} – {title} {}", doc.seller.name, doc.number);
    let rendered = pages.finish(
        |page, total| (footer_left.clone(), l.page(page, total)),
        FOOTER_SIZE,
    );
    let xobjects: Vec<_> = qr.iter().map(|q| (q.id(), q.xobject())).collect();
    pdf::finish(
        fonts,
        rendered,
        xobjects,
        &Meta {
            title,
            subject: &format!("{title} {} – {}", doc.number, doc.buyer.name),
            created: doc.issue_date,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use dar_core::billing::amounts::{Line, Quantity, totals};
    use dar_core::money::Money;

    fn party(name: &str) -> Party {
        Party {
            name: name.into(),
            street: "Korenmarkt 1".into(),
            postal_code: "9000".into(),
            city: "Gent".into(),
            country: "BE".into(),
            enterprise_number: "0403019261".into(),
            vat_number: Some("BE0403019261".into()),
            peppol_id: None,
            email: Some("facturen@netwerk.test".into()),
            iban: Some("BE68539007547034".into()),
            bic: Some("GKCCBEBB".into()),
            footer: Some("Vragen? facturen@netwerk.test".into()),
        }
    }

    fn content(lang: Language, kind: DocumentKind) -> InvoiceContent {
        let lines = vec![Line {
            description: "Jaarbijdrage DAR 2027: 0 tot 100 actieve aandeelhouders".into(),
            quantity: Quantity::ONE,
            unit_price: Money::parse("150.00").unwrap(),
            vat: VatRate::Standard,
        }];
        let totals = totals(&lines).unwrap();
        InvoiceContent {
            kind,
            number: "F2027-00001".into(),
            issue_date: chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(),
            due_date: (kind == DocumentKind::Invoice)
                .then(|| chrono::NaiveDate::from_ymd_opt(2027, 2, 4).unwrap()),
            corrects: (kind == DocumentKind::CreditNote).then(|| {
                (
                    "F2026-00009".into(),
                    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                )
            }),
            language: lang,
            seller: party("Netwerk Coöperaties vzw"),
            buyer: party("Coöperatie Zon cv"),
            lines,
            totals,
            payment_reference: (kind == DocumentKind::Invoice)
                .then(|| dar_core::identifiers::StructuredCommunication::from_base(2_027_000_001)),
            note: None,
        }
    }

    #[test]
    fn every_language_and_kind_renders_the_same_bytes_twice() {
        for lang in Language::ALL {
            for kind in [DocumentKind::Invoice, DocumentKind::CreditNote] {
                let doc = content(*lang, kind);
                let first = invoice(&doc).unwrap();
                assert!(first.starts_with(b"%PDF-"));
                assert_eq!(first, invoice(&doc).unwrap(), "{lang:?} {kind:?}");
            }
        }
    }
}
