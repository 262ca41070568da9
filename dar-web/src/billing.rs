//! The coordinator's billing pages (invoices, the yearly run with its preview, an invoice
//! with its payments and credit notes, usage) and a cooperative's own invoices. Counts and
//! amounts only: no shareholder's personal data appears here.

use chrono::NaiveDate;
use dar_core::types::Language;
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, date, money, t};
use crate::layout::{Frame, page};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillingText {
    Billing,
    Intro,
    All,
    Open,
    Overdue,
    YearlyRun,
    Usage,
    Number,
    Cooperative,
    IssueDate,
    DueDate,
    Total,
    Outstanding,
    Status,
    NoDocuments,
    Invoice,
    CreditNote,
    Issued,
    PartlyPaid,
    Paid,
    Credited,
    RunTitle,
    RunIntro,
    Year,
    Outcome,
    Reason,
    ActiveShareholders,
    WillInvoice,
    InvoicedAlready,
    NotYetBillable,
    NoProfile,
    Archived,
    RunNow,
    RunDone,
    RunFailed,
    Download,
    Pdf,
    Ubl,
    Lines,
    Description,
    Quantity,
    UnitPrice,
    Vat,
    Net,
    Payments,
    NoPayments,
    PaidOn,
    Amount,
    Method,
    RecordPayment,
    PaymentRecorded,
    CreditTitle,
    CreditIntro,
    CreditAll,
    CreditAmount,
    CreditAmountHint,
    CreditIssued,
    Corrects,
    CreditNotes,
    Problems,
    BadAmount,
    BadDate,
    Required,
    CreditTooMuch,
    Month,
    Entries,
    Certificates,
    NotOverYet,
    YourInvoices,
    YourInvoicesIntro,
    Communication,
    Statements,
    StatementsIntro,
    File,
    ReadStatement,
    StatementRead,
    Counterparty,
    OutcomePaid,
    OutcomePartlyPaid,
    OutcomeOverpaid,
    OutcomeUnknownReference,
    OutcomeNoReference,
    OutcomeNotACredit,
    OutcomeDuplicate,
    NotAStatement,
}

impl Localized for BillingText {
    fn text(self, lang: Language) -> &'static str {
        use BillingText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (Billing, Nl) => "Facturatie",
            (Billing, Fr) => "Facturation",
            (Billing, En) => "Billing",
            (Intro, Nl) => {
                "De facturen en creditnota's aan de coöperaties, met wat er nog te betalen is."
            }
            (Intro, Fr) => {
                "Les factures et notes de crédit des coopératives, avec ce qui reste à payer."
            }
            (Intro, En) => {
                "The invoices and credit notes of the cooperatives, with what is still to be paid."
            }
            (All, Nl) => "Alle",
            (All, Fr) => "Tous",
            (All, En) => "All",
            (Open, Nl) => "Openstaand",
            (Open, Fr) => "Ouvertes",
            (Open, En) => "Open",
            (Overdue, Nl) => "Vervallen",
            (Overdue, Fr) => "Échues",
            (Overdue, En) => "Overdue",
            (YearlyRun, Nl) => "Jaarlijkse facturatie",
            (YearlyRun, Fr) => "Facturation annuelle",
            (YearlyRun, En) => "Yearly billing",
            (Usage, Nl) => "Gebruik",
            (Usage, Fr) => "Utilisation",
            (Usage, En) => "Usage",
            (Number, Nl) => "Nummer",
            (Number, Fr) => "Numéro",
            (Number, En) => "Number",
            (Cooperative, Nl) => "Coöperatie",
            (Cooperative, Fr) => "Coopérative",
            (Cooperative, En) => "Cooperative",
            (IssueDate, Nl) => "Datum",
            (IssueDate, Fr) => "Date",
            (IssueDate, En) => "Date",
            (DueDate, Nl) => "Vervaldatum",
            (DueDate, Fr) => "Échéance",
            (DueDate, En) => "Due date",
            (Total, Nl) => "Totaal",
            (Total, Fr) => "Total",
            (Total, En) => "Total",
            (Outstanding, Nl) => "Nog te betalen",
            (Outstanding, Fr) => "Reste à payer",
            (Outstanding, En) => "Outstanding",
            (Status, Nl) => "Toestand",
            (Status, Fr) => "État",
            (Status, En) => "Status",
            (NoDocuments, Nl) => "Geen facturen.",
            (NoDocuments, Fr) => "Aucune facture.",
            (NoDocuments, En) => "No invoices.",
            (Invoice, Nl) => "Factuur",
            (Invoice, Fr) => "Facture",
            (Invoice, En) => "Invoice",
            (CreditNote, Nl) => "Creditnota",
            (CreditNote, Fr) => "Note de crédit",
            (CreditNote, En) => "Credit note",
            (Issued, Nl) => "Uitgereikt",
            (Issued, Fr) => "Émise",
            (Issued, En) => "Issued",
            (PartlyPaid, Nl) => "Deels betaald",
            (PartlyPaid, Fr) => "Payée en partie",
            (PartlyPaid, En) => "Partly paid",
            (Paid, Nl) => "Betaald",
            (Paid, Fr) => "Payée",
            (Paid, En) => "Paid",
            (Credited, Nl) => "Gecrediteerd",
            (Credited, Fr) => "Créditée",
            (Credited, En) => "Credited",
            (RunTitle, Nl) => "Jaarlijkse facturatie",
            (RunTitle, Fr) => "Facturation annuelle",
            (RunTitle, En) => "Yearly billing",
            (RunIntro, Nl) => {
                "Wat de facturatie van dit jaar zou doen, coöperatie per coöperatie, en waarom. Er wordt niets gefactureerd voor u bevestigt; nog eens factureren maakt niets nieuws."
            }
            (RunIntro, Fr) => {
                "Ce que la facturation de l'année ferait, coopérative par coopérative, et pourquoi. Rien n'est facturé avant votre confirmation ; relancer ne crée rien de nouveau."
            }
            (RunIntro, En) => {
                "What billing the year would do, cooperative by cooperative, and why. Nothing is invoiced until you confirm; running it again creates nothing new."
            }
            (Year, Nl) => "Jaar",
            (Year, Fr) => "Année",
            (Year, En) => "Year",
            (Outcome, Nl) => "Uitkomst",
            (Outcome, Fr) => "Résultat",
            (Outcome, En) => "Outcome",
            (Reason, Nl) => "Waarom",
            (Reason, Fr) => "Pourquoi",
            (Reason, En) => "Why",
            (ActiveShareholders, Nl) => "Actieve aandeelhouders",
            (ActiveShareholders, Fr) => "Actionnaires actifs",
            (ActiveShareholders, En) => "Active shareholders",
            (WillInvoice, Nl) => "Factuur",
            (WillInvoice, Fr) => "Facture",
            (WillInvoice, En) => "Invoice",
            (InvoicedAlready, Nl) => "Al gefactureerd",
            (InvoicedAlready, Fr) => "Déjà facturée",
            (InvoicedAlready, En) => "Invoiced already",
            (NotYetBillable, Nl) => "Nog niet te factureren",
            (NotYetBillable, Fr) => "Pas encore à facturer",
            (NotYetBillable, En) => "Not billable yet",
            (NoProfile, Nl) => "Geen facturatieprofiel",
            (NoProfile, Fr) => "Pas de profil de facturation",
            (NoProfile, En) => "No billing profile",
            (Archived, Nl) => "Gearchiveerd",
            (Archived, Fr) => "Archivée",
            (Archived, En) => "Archived",
            (RunNow, Nl) => "Factureer",
            (RunNow, Fr) => "Facturer",
            (RunNow, En) => "Invoice now",
            (RunDone, Nl) => "De facturatie is gedaan.",
            (RunDone, Fr) => "La facturation est faite.",
            (RunDone, En) => "Billing is done.",
            (RunFailed, Nl) => "Niet gefactureerd (er is niets voor uitgereikt):",
            (RunFailed, Fr) => "Non facturées (rien n'a été émis) :",
            (RunFailed, En) => "Not invoiced (nothing was issued for them):",
            (Download, Nl) => "Downloaden",
            (Download, Fr) => "Télécharger",
            (Download, En) => "Download",
            (Pdf, Nl) => "PDF",
            (Pdf, Fr) => "PDF",
            (Pdf, En) => "PDF",
            (Ubl, Nl) => "E-factuur (UBL)",
            (Ubl, Fr) => "Facture électronique (UBL)",
            (Ubl, En) => "E-invoice (UBL)",
            (Lines, Nl) => "Lijnen",
            (Lines, Fr) => "Lignes",
            (Lines, En) => "Lines",
            (Description, Nl) => "Omschrijving",
            (Description, Fr) => "Description",
            (Description, En) => "Description",
            (Quantity, Nl) => "Aantal",
            (Quantity, Fr) => "Quantité",
            (Quantity, En) => "Quantity",
            (UnitPrice, Nl) => "Eenheidsprijs",
            (UnitPrice, Fr) => "Prix unitaire",
            (UnitPrice, En) => "Unit price",
            (Vat, Nl) => "Btw",
            (Vat, Fr) => "TVA",
            (Vat, En) => "VAT",
            (Net, Nl) => "Excl. btw",
            (Net, Fr) => "HTVA",
            (Net, En) => "Excl. VAT",
            (Payments, Nl) => "Betalingen",
            (Payments, Fr) => "Paiements",
            (Payments, En) => "Payments",
            (NoPayments, Nl) => "Nog geen betalingen.",
            (NoPayments, Fr) => "Pas encore de paiement.",
            (NoPayments, En) => "No payments yet.",
            (PaidOn, Nl) => "Betaald op",
            (PaidOn, Fr) => "Payé le",
            (PaidOn, En) => "Paid on",
            (Amount, Nl) => "Bedrag",
            (Amount, Fr) => "Montant",
            (Amount, En) => "Amount",
            (Method, Nl) => "Hoe",
            (Method, Fr) => "Mode",
            (Method, En) => "How",
            (RecordPayment, Nl) => "Betaling boeken",
            (RecordPayment, Fr) => "Enregistrer un paiement",
            (RecordPayment, En) => "Record a payment",
            (PaymentRecorded, Nl) => "De betaling is geboekt.",
            (PaymentRecorded, Fr) => "Le paiement est enregistré.",
            (PaymentRecorded, En) => "The payment is recorded.",
            (CreditTitle, Nl) => "Crediteren",
            (CreditTitle, Fr) => "Créditer",
            (CreditTitle, En) => "Credit",
            (CreditIntro, Nl) => {
                "Een uitgereikte factuur verandert nooit: een creditnota corrigeert ze, helemaal of voor een bedrag."
            }
            (CreditIntro, Fr) => {
                "Une facture émise ne change jamais : une note de crédit la corrige, entièrement ou pour un montant."
            }
            (CreditIntro, En) => {
                "An issued invoice never changes: a credit note corrects it, in full or for an amount."
            }
            (CreditAll, Nl) => "Crediteer de hele factuur",
            (CreditAll, Fr) => "Créditer toute la facture",
            (CreditAll, En) => "Credit the whole invoice",
            (CreditAmount, Nl) => "Of een bedrag excl. btw",
            (CreditAmount, Fr) => "Ou un montant HTVA",
            (CreditAmount, En) => "Or an amount excl. VAT",
            (CreditAmountHint, Nl) => {
                "Leeg laten om de hele factuur te crediteren; de btw van de factuur komt erbij."
            }
            (CreditAmountHint, Fr) => {
                "Laisser vide pour créditer toute la facture ; la TVA de la facture s'y ajoute."
            }
            (CreditAmountHint, En) => {
                "Leave empty to credit the whole invoice; the invoice's VAT is added."
            }
            (CreditIssued, Nl) => "De creditnota is uitgereikt.",
            (CreditIssued, Fr) => "La note de crédit est émise.",
            (CreditIssued, En) => "The credit note is issued.",
            (Corrects, Nl) => "Corrigeert",
            (Corrects, Fr) => "Corrige",
            (Corrects, En) => "Corrects",
            (CreditNotes, Nl) => "Creditnota's",
            (CreditNotes, Fr) => "Notes de crédit",
            (CreditNotes, En) => "Credit notes",
            (Problems, Nl) => "Dit kon niet worden geboekt",
            (Problems, Fr) => "Ceci n'a pas pu être enregistré",
            (Problems, En) => "This could not be recorded",
            (BadAmount, Nl) => "Geef een bedrag boven nul, bijvoorbeeld 1.250,00.",
            (BadAmount, Fr) => "Indiquez un montant supérieur à zéro, par exemple 1.250,00.",
            (BadAmount, En) => "Give an amount above zero, for example 1,250.00.",
            (BadDate, Nl) => "Geef een datum zoals 31/12/2026, niet in de toekomst.",
            (BadDate, Fr) => "Indiquez une date comme 31/12/2026, pas dans le futur.",
            (BadDate, En) => "Give a date like 31/12/2026, not in the future.",
            (Required, Nl) => "Vul dit in.",
            (Required, Fr) => "Veuillez remplir ce champ.",
            (Required, En) => "Please fill this in.",
            (CreditTooMuch, Nl) => "Dat is meer dan wat er van de factuur overblijft.",
            (CreditTooMuch, Fr) => "C'est plus que ce qui reste de la facture.",
            (CreditTooMuch, En) => "That is more than is left of the invoice.",
            (Month, Nl) => "Maand",
            (Month, Fr) => "Mois",
            (Month, En) => "Month",
            (Entries, Nl) => "Boekingen",
            (Entries, Fr) => "Écritures",
            (Entries, En) => "Entries",
            (Certificates, Nl) => "Certificaten",
            (Certificates, Fr) => "Certificats",
            (Certificates, En) => "Certificates",
            (NotOverYet, Nl) => "(maand loopt nog)",
            (NotOverYet, Fr) => "(mois en cours)",
            (NotOverYet, En) => "(month not over)",
            (YourInvoices, Nl) => "Facturen van DAR",
            (YourInvoices, Fr) => "Factures de DAR",
            (YourInvoices, En) => "Invoices for DAR",
            (YourInvoicesIntro, Nl) => {
                "De facturen en creditnota's die de coördinator uw coöperatie stuurde voor het gebruik van DAR."
            }
            (YourInvoicesIntro, Fr) => {
                "Les factures et notes de crédit que le coordinateur a adressées à votre coopérative pour l'utilisation de DAR."
            }
            (YourInvoicesIntro, En) => {
                "The invoices and credit notes the coordinator sent your cooperative for its use of DAR."
            }
            (Statements, Nl) => "Bankafschriften",
            (Statements, Fr) => "Relevés bancaires",
            (Statements, En) => "Bank statements",
            (StatementsIntro, Nl) => {
                "Laad het CODA-bestand van de bank op. Betalingen met de gestructureerde mededeling van een factuur worden geboekt; wat niet overeenkomt, wordt opgelijst. Hetzelfde afschrift twee keer inlezen boekt niets dubbel."
            }
            (StatementsIntro, Fr) => {
                "Chargez le fichier CODA de la banque. Les paiements portant la communication structurée d'une facture sont enregistrés ; ce qui ne correspond pas est listé. Relire le même relevé n'enregistre rien deux fois."
            }
            (StatementsIntro, En) => {
                "Upload the bank's CODA file. Payments carrying an invoice's structured communication are recorded; what does not match is listed. Reading the same statement twice records nothing twice."
            }
            (File, Nl) => "CODA-bestand",
            (File, Fr) => "Fichier CODA",
            (File, En) => "CODA file",
            (ReadStatement, Nl) => "Inlezen",
            (ReadStatement, Fr) => "Lire",
            (ReadStatement, En) => "Read",
            (StatementRead, Nl) => "Het afschrift is ingelezen.",
            (StatementRead, Fr) => "Le relevé a été lu.",
            (StatementRead, En) => "The statement was read.",
            (Counterparty, Nl) => "Van",
            (Counterparty, Fr) => "De",
            (Counterparty, En) => "From",
            (OutcomePaid, Nl) => "Geboekt: betaald",
            (OutcomePaid, Fr) => "Enregistré : payée",
            (OutcomePaid, En) => "Recorded: paid",
            (OutcomePartlyPaid, Nl) => "Geboekt: deels betaald",
            (OutcomePartlyPaid, Fr) => "Enregistré : payée en partie",
            (OutcomePartlyPaid, En) => "Recorded: partly paid",
            (OutcomeOverpaid, Nl) => "Geboekt: te veel betaald",
            (OutcomeOverpaid, Fr) => "Enregistré : payée en trop",
            (OutcomeOverpaid, En) => "Recorded: overpaid",
            (OutcomeUnknownReference, Nl) => "Niet geboekt: onbekende mededeling",
            (OutcomeUnknownReference, Fr) => "Non enregistré : communication inconnue",
            (OutcomeUnknownReference, En) => "Not recorded: unknown reference",
            (OutcomeNoReference, Nl) => "Niet geboekt: geen gestructureerde mededeling",
            (OutcomeNoReference, Fr) => "Non enregistré : pas de communication structurée",
            (OutcomeNoReference, En) => "Not recorded: no structured communication",
            (OutcomeNotACredit, Nl) => "Niet geboekt: uitgaande betaling",
            (OutcomeNotACredit, Fr) => "Non enregistré : paiement sortant",
            (OutcomeNotACredit, En) => "Not recorded: money out",
            (OutcomeDuplicate, Nl) => "Niet geboekt: al eerder ingelezen",
            (OutcomeDuplicate, Fr) => "Non enregistré : déjà lu",
            (OutcomeDuplicate, En) => "Not recorded: read before",
            (NotAStatement, Nl) => "Dit bestand is geen CODA-afschrift dat DAR kan lezen",
            (NotAStatement, Fr) => "Ce fichier n'est pas un relevé CODA que DAR peut lire",
            (NotAStatement, En) => "This file is not a CODA statement DAR can read",
            (Communication, Nl) => "Mededeling",
            (Communication, Fr) => "Communication",
            (Communication, En) => "Reference",
        }
    }
}

/// One invoice or credit note in a list.
pub struct DocumentLine {
    pub id: String,
    pub credit_note: bool,
    pub number: String,
    pub cooperative: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub gross_cents: i64,
    pub outstanding_cents: i64,
    /// `issued`, `partly_paid`, `paid` or `credited`.
    pub status: String,
    pub overdue: bool,
}

fn status_text(status: &str) -> BillingText {
    match status {
        "partly_paid" => BillingText::PartlyPaid,
        "paid" => BillingText::Paid,
        "credited" => BillingText::Credited,
        _ => BillingText::Issued,
    }
}

/// Which invoices the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    All,
    Open,
    Overdue,
}

/// What the page just did, said above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Run,
    Payment,
    Credit,
}

fn done_text(d: Done) -> BillingText {
    match d {
        Done::Run => BillingText::RunDone,
        Done::Payment => BillingText::PaymentRecorded,
        Done::Credit => BillingText::CreditIssued,
    }
}

/// The table of documents; `link` makes a row's number a link to its page, `downloads`
/// the prefix of its PDF and UBL.
fn documents_table(
    lang: Language,
    lines: &[DocumentLine],
    link: Option<&str>,
    downloads: &str,
) -> Markup {
    html! {
        @if lines.is_empty() {
            p { (t(lang, BillingText::NoDocuments)) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(t(lang, BillingText::Billing)) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, BillingText::Number)) }
                        th scope="col" { (t(lang, BillingText::Cooperative)) }
                        th scope="col" { (t(lang, BillingText::IssueDate)) }
                        th scope="col" { (t(lang, BillingText::DueDate)) }
                        th scope="col" class="num" { (t(lang, BillingText::Total)) }
                        th scope="col" class="num" { (t(lang, BillingText::Outstanding)) }
                        th scope="col" { (t(lang, BillingText::Status)) }
                        th scope="col" { (t(lang, BillingText::Download)) }
                    } }
                    tbody {
                        @for l in lines {
                            tr {
                                td.nowrap {
                                    @if let Some(prefix) = link {
                                        a href=(format!("{prefix}/{}", l.id)) { (l.number) }
                                    } @else {
                                        (l.number)
                                    }
                                    @if l.credit_note { " (" (t(lang, BillingText::CreditNote)) ")" }
                                }
                                td { (l.cooperative) }
                                td.nowrap { (date(l.issue_date)) }
                                td.nowrap { @if let Some(d) = l.due_date { (date(d)) } }
                                td.num.nowrap { (money(lang, l.gross_cents)) }
                                td.num.nowrap { @if !l.credit_note { (money(lang, l.outstanding_cents)) } }
                                td {
                                    @if l.credit_note {
                                        (t(lang, BillingText::Issued))
                                    } @else {
                                        (t(lang, status_text(&l.status)))
                                        @if l.overdue { " · " strong { (t(lang, BillingText::Overdue)) } }
                                    }
                                }
                                td.nowrap {
                                    a href=(format!("{downloads}/{}/pdf", l.id)) download { (t(lang, BillingText::Pdf)) }
                                    " · "
                                    a href=(format!("{downloads}/{}/ubl", l.id)) download { "UBL" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn confirmation(lang: Language, done: Option<Done>) -> Markup {
    html! {
        @if let Some(d) = done {
            p.status.ok role="status" { (t(lang, done_text(d))) }
        }
    }
}

pub struct InvoicesPage {
    pub show: Show,
    pub lines: Vec<DocumentLine>,
    pub done: Option<Done>,
    pub year: i32,
}

/// The coordinator's invoices.
pub fn invoices(frame: &Frame, p: &InvoicesPage) -> String {
    let lang = frame.lang;
    let tab = |show: Show, href: &str, text: BillingText| {
        html! {
            @if p.show == show {
                strong aria-current="page" { (t(lang, text)) }
            } @else {
                a href=(href) { (t(lang, text)) }
            }
        }
    };
    page(
        frame,
        html! {
            (confirmation(lang, p.done))
            h1 { (t(lang, BillingText::Billing)) }
            p { (t(lang, BillingText::Intro)) }
            p.actions {
                a.button href=(format!("/billing/run?year={}", p.year)) { (t(lang, BillingText::YearlyRun)) }
                a.button href=(format!("/billing/usage?year={}", p.year)) { (t(lang, BillingText::Usage)) }
                a.button href="/billing/statements" { (t(lang, BillingText::Statements)) }
                a.button href="/billing/profiles" { (t(lang, crate::billing_setup::SetupText::Profiles)) }
                a.button href="/billing/plans" { (t(lang, crate::billing_setup::SetupText::Plans)) }
                a.button href="/billing/identity" { (t(lang, crate::billing_setup::SetupText::Identity)) }
            }
            nav aria-label=(t(lang, BillingText::Status)) {
                p {
                    (tab(Show::All, "/billing", BillingText::All)) " · "
                    (tab(Show::Open, "/billing?show=open", BillingText::Open)) " · "
                    (tab(Show::Overdue, "/billing?show=overdue", BillingText::Overdue))
                }
            }
            (documents_table(lang, &p.lines, Some("/billing/invoices"), "/invoices"))
        },
    )
}

/// One cooperative in the yearly run's preview.
pub struct PreviewLine {
    pub cooperative: String,
    /// `invoice`, `invoiced_already`, `not_yet_billable`, `no_profile`, `archived`.
    pub outcome: String,
    pub reason: String,
    pub active: Option<u32>,
    pub gross_cents: i64,
    pub invoice_id: Option<String>,
    pub invoice_number: Option<String>,
}

fn outcome_text(outcome: &str) -> BillingText {
    match outcome {
        "invoice" => BillingText::WillInvoice,
        "invoiced_already" => BillingText::InvoicedAlready,
        "not_yet_billable" => BillingText::NotYetBillable,
        "archived" => BillingText::Archived,
        _ => BillingText::NoProfile,
    }
}

pub struct RunPage<'a> {
    pub csrf: &'a str,
    pub year: i32,
    /// The years a run may be for: the current and the next.
    pub years: [i32; 2],
    pub lines: Vec<PreviewLine>,
    /// After a run: the cooperatives it could not invoice, with why.
    pub failed: Vec<(String, String)>,
    pub done: bool,
}

/// The yearly run: its preview, and the button that runs it.
pub fn run(frame: &Frame, p: &RunPage) -> String {
    let lang = frame.lang;
    let billable = p.lines.iter().filter(|l| l.outcome == "invoice").count();
    page(
        frame,
        html! {
            @if p.done { p.status.ok role="status" { (t(lang, BillingText::RunDone)) } }
            @if !p.failed.is_empty() {
                div.status.error role="alert" {
                    p { (t(lang, BillingText::RunFailed)) }
                    ul { @for (name, why) in &p.failed { li { (name) ": " (why) } } }
                }
            }
            p.context { a href="/billing" { (t(lang, BillingText::Billing)) } }
            h1 { (t(lang, BillingText::RunTitle)) " " (p.year) }
            p { (t(lang, BillingText::RunIntro)) }
            p {
                (t(lang, BillingText::Year)) ": "
                @for y in p.years {
                    @if y == p.year { strong { (y) } } @else { a href=(format!("/billing/run?year={y}")) { (y) } }
                    " "
                }
            }
            div.scroll tabindex="0" role="region" aria-label=(t(lang, BillingText::RunTitle)) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, BillingText::Cooperative)) }
                        th scope="col" { (t(lang, BillingText::Outcome)) }
                        th scope="col" class="num" { (t(lang, BillingText::ActiveShareholders)) }
                        th scope="col" class="num" { (t(lang, BillingText::Total)) }
                        th scope="col" { (t(lang, BillingText::Reason)) }
                    } }
                    tbody {
                        @for l in &p.lines {
                            tr {
                                td { (l.cooperative) }
                                td {
                                    (t(lang, outcome_text(&l.outcome)))
                                    @if let (Some(id), Some(number)) = (&l.invoice_id, &l.invoice_number) {
                                        " " a href=(format!("/billing/invoices/{id}")) { (number) }
                                    }
                                }
                                td.num { @if let Some(n) = l.active { (crate::i18n::count(lang, i64::from(n))) } }
                                td.num.nowrap { @if l.outcome == "invoice" { (money(lang, l.gross_cents)) } }
                                td { (l.reason) }
                            }
                        }
                    }
                }
            }
            @if billable > 0 {
                form method="post" action="/billing/run" {
                    input type="hidden" name="csrf" value=(p.csrf);
                    input type="hidden" name="year" value=(p.year);
                    button type="submit" { (t(lang, BillingText::RunNow)) " (" (billable) ")" }
                }
            }
        },
    )
}

/// One payment of an invoice.
pub struct PaymentLine {
    pub paid_on: NaiveDate,
    pub amount_cents: i64,
    pub method: String,
    pub payer: Option<String>,
}

/// One line of a document.
pub struct LineView {
    pub description: String,
    pub quantity: String,
    pub unit_price_cents: i64,
    pub vat_rate: String,
    pub net_cents: i64,
}

pub struct InvoicePage<'a> {
    pub csrf: &'a str,
    pub document: DocumentLine,
    pub communication: Option<String>,
    pub lines: Vec<LineView>,
    pub net_cents: i64,
    pub vat_cents: i64,
    pub payments: Vec<PaymentLine>,
    /// Credit notes of an invoice, or the invoice a credit note corrects: (id, number).
    pub related: Vec<(String, String)>,
    pub note: Option<String>,
    pub payment_values: [String; 2],
    pub credit_values: [String; 2],
    pub errors: &'a FieldErrors,
    pub done: Option<Done>,
}

/// An invoice or credit note with its lines, payments and credit notes; for an invoice,
/// the forms to record a payment and to credit it.
pub fn invoice(frame: &Frame, p: &InvoicePage) -> String {
    let lang = frame.lang;
    let d = &p.document;
    let kind = if d.credit_note {
        BillingText::CreditNote
    } else {
        BillingText::Invoice
    };
    let labels = [
        ("amount", t(lang, BillingText::Amount)),
        ("paid_on", t(lang, BillingText::PaidOn)),
        ("reason", t(lang, BillingText::Reason)),
        ("credit_amount", t(lang, BillingText::CreditAmount)),
    ];
    page(
        frame,
        html! {
            (confirmation(lang, p.done))
            @if !p.errors.is_empty() {
                (error_summary(t(lang, BillingText::Problems), p.errors, &labels))
            }
            p.context { a href="/billing" { (t(lang, BillingText::Billing)) } }
            h1 { (t(lang, kind)) " " (d.number) }
            dl.facts {
                dt { (t(lang, BillingText::Cooperative)) } dd { (d.cooperative) }
                dt { (t(lang, BillingText::IssueDate)) } dd { (date(d.issue_date)) }
                @if let Some(due) = d.due_date { dt { (t(lang, BillingText::DueDate)) } dd { (date(due)) } }
                @if let Some(c) = &p.communication { dt { (t(lang, BillingText::Communication)) } dd { (c) } }
                @if let Some(note) = &p.note { dt { (t(lang, BillingText::Reason)) } dd { (note) } }
                dt { (t(lang, BillingText::Total)) } dd { (money(lang, d.gross_cents)) }
                @if !d.credit_note {
                    dt { (t(lang, BillingText::Outstanding)) } dd { (money(lang, d.outstanding_cents)) }
                    dt { (t(lang, BillingText::Status)) } dd {
                        (t(lang, status_text(&d.status)))
                        @if d.overdue { " · " strong { (t(lang, BillingText::Overdue)) } }
                    }
                }
                @if !p.related.is_empty() {
                    dt { (t(lang, if d.credit_note { BillingText::Corrects } else { BillingText::CreditNotes })) }
                    dd { @for (id, number) in &p.related { a href=(format!("/billing/invoices/{id}")) { (number) } " " } }
                }
            }
            p.actions {
                a.button href=(format!("/invoices/{}/pdf", d.id)) download { (t(lang, BillingText::Pdf)) }
                a.button href=(format!("/invoices/{}/ubl", d.id)) download { (t(lang, BillingText::Ubl)) }
            }
            h2 { (t(lang, BillingText::Lines)) }
            div.scroll tabindex="0" role="region" aria-label=(t(lang, BillingText::Lines)) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, BillingText::Description)) }
                        th scope="col" class="num" { (t(lang, BillingText::Quantity)) }
                        th scope="col" class="num" { (t(lang, BillingText::UnitPrice)) }
                        th scope="col" class="num" { (t(lang, BillingText::Vat)) }
                        th scope="col" class="num" { (t(lang, BillingText::Net)) }
                    } }
                    tbody {
                        @for l in &p.lines {
                            tr {
                                td { (l.description) }
                                td.num { (l.quantity) }
                                td.num.nowrap { (money(lang, l.unit_price_cents)) }
                                td.num { (if l.vat_rate == "exempt" { "0 %".to_string() } else { format!("{} %", l.vat_rate) }) }
                                td.num.nowrap { (money(lang, l.net_cents)) }
                            }
                        }
                        tr {
                            th scope="row" colspan="4" { (t(lang, BillingText::Net)) }
                            td.num.nowrap { (money(lang, p.net_cents)) }
                        }
                        tr {
                            th scope="row" colspan="4" { (t(lang, BillingText::Vat)) }
                            td.num.nowrap { (money(lang, p.vat_cents)) }
                        }
                        tr {
                            th scope="row" colspan="4" { (t(lang, BillingText::Total)) }
                            td.num.nowrap { strong { (money(lang, d.gross_cents)) } }
                        }
                    }
                }
            }
            @if !d.credit_note {
                h2 { (t(lang, BillingText::Payments)) }
                @if p.payments.is_empty() {
                    p { (t(lang, BillingText::NoPayments)) }
                } @else {
                    div.scroll tabindex="0" role="region" aria-label=(t(lang, BillingText::Payments)) {
                        table {
                            thead { tr {
                                th scope="col" { (t(lang, BillingText::PaidOn)) }
                                th scope="col" class="num" { (t(lang, BillingText::Amount)) }
                                th scope="col" { (t(lang, BillingText::Method)) }
                            } }
                            tbody {
                                @for pay in &p.payments {
                                    tr {
                                        td.nowrap { (date(pay.paid_on)) }
                                        td.num.nowrap { (money(lang, pay.amount_cents)) }
                                        td { (pay.method) @if let Some(payer) = &pay.payer { " · " (payer) } }
                                    }
                                }
                            }
                        }
                    }
                }
                form method="post" action=(format!("/billing/invoices/{}/payments", d.id)) {
                    input type="hidden" name="csrf" value=(p.csrf);
                    h3 { (t(lang, BillingText::RecordPayment)) }
                    (field(&Field::new("amount", t(lang, BillingText::Amount), &p.payment_values[0], Control::Amount).required().error_from(p.errors)))
                    (field(&Field::new("paid_on", t(lang, BillingText::PaidOn), &p.payment_values[1], Control::Date).required().error_from(p.errors)))
                    button type="submit" { (t(lang, BillingText::RecordPayment)) }
                }
                @if d.status != "credited" {
                    form method="post" action=(format!("/billing/invoices/{}/credit-note", d.id)) {
                        input type="hidden" name="csrf" value=(p.csrf);
                        h3 { (t(lang, BillingText::CreditTitle)) }
                        p { (t(lang, BillingText::CreditIntro)) }
                        (field(&Field::new("reason", t(lang, BillingText::Reason), &p.credit_values[0], Control::Text).required().error_from(p.errors)))
                        (field(&Field::new("credit_amount", t(lang, BillingText::CreditAmount), &p.credit_values[1], Control::Amount)
                            .hint(t(lang, BillingText::CreditAmountHint)).error_from(p.errors)))
                        button type="submit" { (t(lang, BillingText::CreditTitle)) }
                    }
                }
            }
        },
    )
}

/// One cooperative's usage in one month.
pub struct UsageCell {
    pub active: Option<u32>,
    pub entries: i64,
    pub certificates: i64,
}

pub struct UsagePage {
    pub year: i32,
    /// (cooperative, twelve months).
    pub rows: Vec<(String, Vec<UsageCell>)>,
}

/// Usage per cooperative and month: counts only.
pub fn usage(frame: &Frame, p: &UsagePage) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { a href="/billing" { (t(lang, BillingText::Billing)) } }
            h1 { (t(lang, BillingText::Usage)) " " (p.year) }
            p {
                a href=(format!("/billing/usage?year={}", p.year - 1)) { (p.year - 1) } " · "
                a href=(format!("/billing/usage?year={}", p.year + 1)) { (p.year + 1) }
            }
            @for (name, months) in &p.rows {
                h2 { (name) }
                div.scroll tabindex="0" role="region" aria-label=(name) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, BillingText::Month)) }
                            th scope="col" class="num" { (t(lang, BillingText::ActiveShareholders)) }
                            th scope="col" class="num" { (t(lang, BillingText::Entries)) }
                            th scope="col" class="num" { (t(lang, BillingText::Certificates)) }
                        } }
                        tbody {
                            @for (i, m) in months.iter().enumerate() {
                                tr {
                                    td.nowrap { (format!("{:02}/{}", i + 1, p.year)) }
                                    td.num { @match m.active {
                                        Some(n) => (crate::i18n::count(lang, i64::from(n))),
                                        None => (t(lang, BillingText::NotOverYet)),
                                    } }
                                    td.num { (crate::i18n::count(lang, m.entries)) }
                                    td.num { (crate::i18n::count(lang, m.certificates)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub struct OwnInvoicesPage<'a> {
    pub cooperative: &'a str,
    pub lines: Vec<DocumentLine>,
}

/// A cooperative's own invoices, for its administrators.
pub fn own_invoices(frame: &Frame, p: &OwnInvoicesPage) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            h1 { (t(lang, BillingText::YourInvoices)) }
            p { (t(lang, BillingText::YourInvoicesIntro)) }
            (documents_table(lang, &p.lines, None, "/invoices"))
        },
    )
}

/// One movement of a statement that was read.
pub struct MovementLine {
    pub value_date: NaiveDate,
    pub amount_cents: i64,
    pub credit: bool,
    pub communication: Option<String>,
    pub counterparty: Option<String>,
    /// `paid`, `partly_paid`, `overpaid`, `unknown_reference`, `no_reference`,
    /// `not_a_credit`, `duplicate`.
    pub outcome: String,
    pub invoice: Option<(String, String)>,
}

fn movement_text(outcome: &str) -> BillingText {
    match outcome {
        "paid" => BillingText::OutcomePaid,
        "partly_paid" => BillingText::OutcomePartlyPaid,
        "overpaid" => BillingText::OutcomeOverpaid,
        "unknown_reference" => BillingText::OutcomeUnknownReference,
        "not_a_credit" => BillingText::OutcomeNotACredit,
        "duplicate" => BillingText::OutcomeDuplicate,
        _ => BillingText::OutcomeNoReference,
    }
}

pub struct StatementsPage<'a> {
    pub csrf: &'a str,
    /// Why the file was refused.
    pub problem: Option<String>,
    /// The movements of the statement just read.
    pub movements: Option<Vec<MovementLine>>,
}

/// Bank statements: the upload form and what the last one read did.
pub fn statements(frame: &Frame, p: &StatementsPage) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            @if p.movements.is_some() { p.status.ok role="status" { (t(lang, BillingText::StatementRead)) } }
            p.context { a href="/billing" { (t(lang, BillingText::Billing)) } }
            h1 { (t(lang, BillingText::Statements)) }
            p { (t(lang, BillingText::StatementsIntro)) }
            form method="post" action="/billing/statements" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(p.csrf);
                div.field.invalid[p.problem.is_some()] {
                    label for="file" { (t(lang, BillingText::File)) }
                    @if let Some(problem) = &p.problem {
                        span.field-error id="file-error" { (problem) }
                    }
                    input id="file" name="file" type="file" required
                        aria-describedby=[p.problem.as_ref().map(|_| "file-error")]
                        aria-invalid=[p.problem.as_ref().map(|_| "true")];
                }
                button type="submit" { (t(lang, BillingText::ReadStatement)) }
            }
            @if let Some(movements) = &p.movements {
                div.scroll tabindex="0" role="region" aria-label=(t(lang, BillingText::Statements)) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, BillingText::PaidOn)) }
                            th scope="col" class="num" { (t(lang, BillingText::Amount)) }
                            th scope="col" { (t(lang, BillingText::Communication)) }
                            th scope="col" { (t(lang, BillingText::Counterparty)) }
                            th scope="col" { (t(lang, BillingText::Outcome)) }
                        } }
                        tbody {
                            @for m in movements {
                                tr {
                                    td.nowrap { (date(m.value_date)) }
                                    td.num.nowrap { @if !m.credit { "-" } (money(lang, m.amount_cents)) }
                                    td { @if let Some(c) = &m.communication { (c) } }
                                    td { @if let Some(c) = &m.counterparty { (c) } }
                                    td {
                                        (t(lang, movement_text(&m.outcome)))
                                        @if let Some((id, number)) = &m.invoice {
                                            " " a href=(format!("/billing/invoices/{id}")) { (number) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
