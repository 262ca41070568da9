//! Invoices and credit notes as Peppol BIS Billing 3.0 documents (UBL 2.1, EN 16931): the
//! structured e-invoice Belgian B2B invoices must be since 1 January 2026.
//!
//! Written by hand rather than through an XML library: the document is small, its element
//! order is fixed by the UBL schema, and every text goes through [`escape`]. The tests check
//! the output against the UBL 2.1 schema and the official CEN and Peppol rules.

use std::fmt::Write;

use dar_core::billing::amounts::Line;
use dar_core::billing::{DocumentKind, InvoiceContent, Party, VatRate};
use dar_core::money::Money;
use dar_core::types::Language;

const CUSTOMIZATION: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PROFILE: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// Escapes text for XML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Builds the document element by element, indented.
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn open(&mut self, tag: &str) {
        self.indent();
        let _ = writeln!(self.out, "<{tag}>");
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn text(&mut self, tag: &str, text: &str) {
        self.indent();
        let _ = writeln!(self.out, "<{tag}>{}</{tag}>", escape(text));
    }

    fn with_attr(&mut self, tag: &str, attr: &str, value: &str, text: &str) {
        self.indent();
        let _ = writeln!(
            self.out,
            "<{tag} {attr}=\"{}\">{}</{tag}>",
            escape(value),
            escape(text)
        );
    }

    fn amount(&mut self, tag: &str, amount: Money) {
        self.with_attr(tag, "currencyID", "EUR", &amount.to_string());
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

fn exemption_reason(lang: Language) -> &'static str {
    match lang {
        Language::Nl => "Vrijgesteld van btw",
        Language::Fr => "Exonéré de TVA",
        Language::En => "Exempt from VAT",
    }
}

fn tax_category(xml: &mut Xml, tag: &str, rate: VatRate, lang: Language, with_reason: bool) {
    xml.open(tag);
    xml.text("cbc:ID", rate.category());
    xml.text("cbc:Percent", &rate.percent().to_string());
    if with_reason && rate == VatRate::Exempt {
        xml.text("cbc:TaxExemptionReason", exemption_reason(lang));
    }
    xml.open("cac:TaxScheme");
    xml.text("cbc:ID", "VAT");
    xml.close("cac:TaxScheme");
    xml.close(tag);
}

fn party(xml: &mut Xml, role: &str, p: &Party) {
    xml.open(role);
    xml.open("cac:Party");
    let (scheme, endpoint) = p.endpoint();
    xml.with_attr("cbc:EndpointID", "schemeID", &scheme, &endpoint);
    xml.open("cac:PartyName");
    xml.text("cbc:Name", &p.name);
    xml.close("cac:PartyName");
    xml.open("cac:PostalAddress");
    xml.text("cbc:StreetName", &p.street);
    xml.text("cbc:CityName", &p.city);
    xml.text("cbc:PostalZone", &p.postal_code);
    xml.open("cac:Country");
    xml.text("cbc:IdentificationCode", &p.country);
    xml.close("cac:Country");
    xml.close("cac:PostalAddress");
    if let Some(vat) = &p.vat_number {
        xml.open("cac:PartyTaxScheme");
        xml.text("cbc:CompanyID", vat);
        xml.open("cac:TaxScheme");
        xml.text("cbc:ID", "VAT");
        xml.close("cac:TaxScheme");
        xml.close("cac:PartyTaxScheme");
    }
    xml.open("cac:PartyLegalEntity");
    xml.text("cbc:RegistrationName", &p.name);
    xml.with_attr("cbc:CompanyID", "schemeID", "0208", &p.enterprise_number);
    xml.close("cac:PartyLegalEntity");
    if let Some(email) = &p.email {
        xml.open("cac:Contact");
        xml.text("cbc:ElectronicMail", email);
        xml.close("cac:Contact");
    }
    xml.close("cac:Party");
    xml.close(role);
}

fn payment_terms(lang: Language, due: chrono::NaiveDate, reference: &str) -> String {
    let due = due.format("%d/%m/%Y");
    match lang {
        Language::Nl => format!("Te betalen uiterlijk op {due} met de mededeling {reference}"),
        Language::Fr => format!("À payer au plus tard le {due} avec la communication {reference}"),
        Language::En => format!("To be paid by {due} with the reference {reference}"),
    }
}

fn line(xml: &mut Xml, kind: DocumentKind, index: usize, l: &Line, net: Money, lang: Language) {
    let (tag, quantity) = match kind {
        DocumentKind::Invoice => ("cac:InvoiceLine", "cbc:InvoicedQuantity"),
        DocumentKind::CreditNote => ("cac:CreditNoteLine", "cbc:CreditedQuantity"),
    };
    xml.open(tag);
    xml.text("cbc:ID", &(index + 1).to_string());
    xml.with_attr(quantity, "unitCode", "C62", &l.quantity.get().to_string());
    xml.amount("cbc:LineExtensionAmount", net);
    xml.open("cac:Item");
    xml.text("cbc:Name", &l.description);
    tax_category(xml, "cac:ClassifiedTaxCategory", l.vat, lang, false);
    xml.close("cac:Item");
    xml.open("cac:Price");
    xml.amount("cbc:PriceAmount", l.unit_price);
    xml.close("cac:Price");
    xml.close(tag);
}

/// The document as UBL 2.1 XML.
pub fn ubl(doc: &InvoiceContent) -> String {
    let (root, namespace) = match doc.kind {
        DocumentKind::Invoice => (
            "Invoice",
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
        ),
        DocumentKind::CreditNote => (
            "CreditNote",
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
        ),
    };
    let mut xml = Xml {
        out: String::with_capacity(8 * 1024),
        depth: 1,
    };
    xml.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml.out,
        "<{root} xmlns=\"{namespace}\" \
         xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
         xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">"
    );
    xml.text("cbc:CustomizationID", CUSTOMIZATION);
    xml.text("cbc:ProfileID", PROFILE);
    xml.text("cbc:ID", &doc.number);
    xml.text("cbc:IssueDate", &doc.issue_date.to_string());
    match doc.kind {
        DocumentKind::Invoice => {
            if let Some(due) = doc.due_date {
                xml.text("cbc:DueDate", &due.to_string());
            }
            xml.text("cbc:InvoiceTypeCode", doc.kind.type_code());
        }
        DocumentKind::CreditNote => xml.text("cbc:CreditNoteTypeCode", doc.kind.type_code()),
    }
    if let Some(note) = &doc.note {
        xml.text("cbc:Note", note);
    }
    xml.text("cbc:DocumentCurrencyCode", "EUR");
    // Peppol asks for a buyer reference or an order: the cooperative's enterprise number
    // is the reference both sides know.
    xml.text("cbc:BuyerReference", &doc.buyer.enterprise_number);
    if let Some((number, date)) = &doc.corrects {
        xml.open("cac:BillingReference");
        xml.open("cac:InvoiceDocumentReference");
        xml.text("cbc:ID", number);
        xml.text("cbc:IssueDate", &date.to_string());
        xml.close("cac:InvoiceDocumentReference");
        xml.close("cac:BillingReference");
    }
    party(&mut xml, "cac:AccountingSupplierParty", &doc.seller);
    party(&mut xml, "cac:AccountingCustomerParty", &doc.buyer);
    if let (Some(reference), Some(iban)) = (&doc.payment_reference, &doc.seller.iban) {
        // With its +++ delimiters, as Belgian banks print it (`as_ref` is the bare digits).
        let reference = reference.to_string();
        xml.open("cac:PaymentMeans");
        xml.with_attr("cbc:PaymentMeansCode", "name", "Credit transfer", "30");
        xml.text("cbc:PaymentID", &reference);
        xml.open("cac:PayeeFinancialAccount");
        xml.text("cbc:ID", iban);
        xml.text("cbc:Name", &doc.seller.name);
        if let Some(bic) = &doc.seller.bic {
            xml.open("cac:FinancialInstitutionBranch");
            xml.text("cbc:ID", bic);
            xml.close("cac:FinancialInstitutionBranch");
        }
        xml.close("cac:PayeeFinancialAccount");
        xml.close("cac:PaymentMeans");
        if let Some(due) = doc.due_date {
            xml.open("cac:PaymentTerms");
            xml.text("cbc:Note", &payment_terms(doc.language, due, &reference));
            xml.close("cac:PaymentTerms");
        }
    }
    xml.open("cac:TaxTotal");
    xml.amount("cbc:TaxAmount", doc.totals.vat);
    for subtotal in &doc.totals.breakdown {
        xml.open("cac:TaxSubtotal");
        xml.amount("cbc:TaxableAmount", subtotal.taxable);
        xml.amount("cbc:TaxAmount", subtotal.tax);
        tax_category(
            &mut xml,
            "cac:TaxCategory",
            subtotal.rate,
            doc.language,
            true,
        );
        xml.close("cac:TaxSubtotal");
    }
    xml.close("cac:TaxTotal");
    xml.open("cac:LegalMonetaryTotal");
    xml.amount("cbc:LineExtensionAmount", doc.totals.net);
    xml.amount("cbc:TaxExclusiveAmount", doc.totals.net);
    xml.amount("cbc:TaxInclusiveAmount", doc.totals.gross);
    xml.amount("cbc:PayableAmount", doc.totals.gross);
    xml.close("cac:LegalMonetaryTotal");
    for (i, (l, amounts)) in doc.lines.iter().zip(&doc.totals.lines).enumerate() {
        line(&mut xml, doc.kind, i, l, amounts.net, doc.language);
    }
    let _ = writeln!(xml.out, "</{root}>");
    xml.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("A & B <c> \"d\" 'e'"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }
}
