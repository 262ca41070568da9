//! The fixed wording of the documents in Dutch, French and English, and how each
//! language writes dates, amounts and counts.

use chrono::{Datelike, NaiveDate};
use dar_core::documents::{MovementKind, PostalAddress};
use dar_core::money::Money;
use dar_core::types::{Language, TransferRule};

/// Every fixed text a document prints; one static instance per language.
pub(crate) struct Labels {
    pub language: Language,
    pub certificate_title: &'static str,
    pub extract_title: &'static str,
    pub history_title: &'static str,
    pub number_prefix: &'static str,
    pub enterprise_number: &'static str,
    pub enterprise_number_short: &'static str,
    pub seat: &'static str,
    pub as_of: &'static str,
    pub issued_on: &'static str,
    pub generated_on: &'static str,
    pub holder: &'static str,
    pub name: &'static str,
    pub register_number: &'static str,
    pub register_number_short: &'static str,
    pub address: &'static str,
    pub class: &'static str,
    pub shares: &'static str,
    pub nominal_value: &'static str,
    pub subscribed: &'static str,
    pub paid_up: &'static str,
    pub votes_per_share: &'static str,
    pub dividend_rights: &'static str,
    pub transfer: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub total: &'static str,
    pub holders: &'static str,
    pub continued: &'static str,
    pub summary: &'static str,
    pub capital: &'static str,
    pub empty_class: &'static str,
    pub date: &'static str,
    pub seq: &'static str,
    pub movement: &'static str,
    pub shares_change: &'static str,
    pub paid_change: &'static str,
    pub repaid: &'static str,
    pub counterparty: &'static str,
    /// The counterparty of a transfer when the reader may not know who it is.
    pub another_shareholder: &'static str,
    pub note: &'static str,
    pub balance: &'static str,
    pub no_entries: &'static str,
    pub certificate_id: &'static str,
    pub ledger_hash: &'static str,
    pub authoritative: &'static str,
    pub verify: &'static str,
}

static NL: Labels = Labels {
    language: Language::Nl,
    certificate_title: "Bewijs van inschrijving in het aandelenregister",
    extract_title: "Uittreksel uit het aandelenregister",
    history_title: "Historiek van de aandeelhouder",
    number_prefix: "Nr.",
    enterprise_number: "Ondernemingsnummer",
    enterprise_number_short: "Ondernemingsnr.",
    seat: "Zetel",
    as_of: "Toestand op",
    issued_on: "Uitgereikt op",
    generated_on: "Opgemaakt op",
    holder: "Aandeelhouder",
    name: "Naam",
    register_number: "Registernummer",
    register_number_short: "Reg.nr.",
    address: "Adres",
    class: "Klasse",
    shares: "Aandelen",
    nominal_value: "Nominale waarde",
    subscribed: "Geplaatst",
    paid_up: "Volgestort",
    votes_per_share: "Stemmen per aandeel",
    dividend_rights: "Dividendrecht",
    transfer: "Overdraagbaarheid",
    yes: "ja",
    no: "nee",
    total: "Totaal",
    holders: "Aandeelhouders",
    continued: "vervolg",
    summary: "Overzicht per klasse",
    capital: "Totaal kapitaal",
    empty_class: "Niemand houdt aandelen van deze klasse.",
    date: "Datum",
    seq: "Volgnr.",
    movement: "Verrichting",
    shares_change: "Aandelen +/-",
    paid_change: "Volgestort +/-",
    repaid: "Terugbetaald",
    counterparty: "Tegenpartij",
    another_shareholder: "andere aandeelhouder",
    note: "Opmerking",
    balance: "Saldo",
    no_entries: "Geen boekingen.",
    certificate_id: "Bewijs-ID",
    ledger_hash: "Hash van de laatste boeking",
    authoritative: "Enkel het aandelenregister zelf heeft bewijskracht; dit document is slechts \
                    een bewijs van de inschrijving erin.",
    verify: "Controleer de echtheid van dit bewijs op",
};

static FR: Labels = Labels {
    language: Language::Fr,
    certificate_title: "Certificat d'inscription au registre des parts",
    extract_title: "Extrait du registre des parts",
    history_title: "Historique du titulaire",
    number_prefix: "N°",
    enterprise_number: "Numéro d'entreprise",
    enterprise_number_short: "N° d'entreprise",
    seat: "Siège",
    as_of: "Situation au",
    issued_on: "Délivré le",
    generated_on: "Établi le",
    holder: "Titulaire",
    name: "Nom",
    register_number: "Numéro de registre",
    register_number_short: "N° reg.",
    address: "Adresse",
    class: "Classe",
    shares: "Parts",
    nominal_value: "Valeur nominale",
    subscribed: "Souscrit",
    paid_up: "Libéré",
    votes_per_share: "Voix par part",
    dividend_rights: "Droit au dividende",
    transfer: "Cessibilité",
    yes: "oui",
    no: "non",
    total: "Total",
    holders: "Titulaires",
    continued: "suite",
    summary: "Récapitulatif par classe",
    capital: "Capital total",
    empty_class: "Personne ne détient de parts de cette classe.",
    date: "Date",
    seq: "N° d'ordre",
    movement: "Opération",
    shares_change: "Parts +/-",
    paid_change: "Libéré +/-",
    repaid: "Remboursé",
    counterparty: "Contrepartie",
    another_shareholder: "autre actionnaire",
    note: "Remarque",
    balance: "Solde",
    no_entries: "Aucune écriture.",
    certificate_id: "ID du certificat",
    ledger_hash: "Empreinte de la dernière écriture",
    authoritative: "Seul le registre des parts lui-même fait foi ; le présent document ne \
                    constitue qu'une preuve de l'inscription qui y figure.",
    verify: "Vérifiez l'authenticité de ce certificat sur",
};

static EN: Labels = Labels {
    language: Language::En,
    certificate_title: "Certificate of registration in the share register",
    extract_title: "Extract from the share register",
    history_title: "Shareholder history",
    number_prefix: "No.",
    enterprise_number: "Enterprise number",
    enterprise_number_short: "Enterprise no.",
    seat: "Registered office",
    as_of: "As of",
    issued_on: "Issued on",
    generated_on: "Generated on",
    holder: "Shareholder",
    name: "Name",
    register_number: "Register number",
    register_number_short: "Reg. no.",
    address: "Address",
    class: "Class",
    shares: "Shares",
    nominal_value: "Nominal value",
    subscribed: "Subscribed",
    paid_up: "Paid up",
    votes_per_share: "Votes per share",
    dividend_rights: "Dividend rights",
    transfer: "Transferability",
    yes: "yes",
    no: "no",
    total: "Total",
    holders: "Holders",
    continued: "continued",
    summary: "Summary by class",
    capital: "Total capital",
    empty_class: "Nobody holds shares of this class.",
    date: "Date",
    seq: "Seq.",
    movement: "Movement",
    shares_change: "Shares +/-",
    paid_change: "Paid up +/-",
    repaid: "Repaid",
    counterparty: "Counterparty",
    another_shareholder: "another shareholder",
    note: "Note",
    balance: "Balance",
    no_entries: "No entries.",
    certificate_id: "Certificate ID",
    ledger_hash: "Hash of the last entry",
    authoritative: "The share register itself is authoritative; this document is only evidence \
                    of the registration in it.",
    verify: "Verify this certificate at",
};

pub(crate) fn labels(language: Language) -> &'static Labels {
    match language {
        Language::Nl => &NL,
        Language::Fr => &FR,
        Language::En => &EN,
    }
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Labels {
    /// "23 november 2026", "1er novembre 2026", "23 November 2026".
    pub(crate) fn date(&self, date: NaiveDate) -> String {
        let months = match self.language {
            Language::Nl => &MONTHS_NL,
            Language::Fr => &MONTHS_FR,
            Language::En => &MONTHS_EN,
        };
        let month = months[date.month0() as usize % 12];
        let day = date.day();
        if self.language == Language::Fr && day == 1 {
            format!("1er {month} {}", date.year())
        } else {
            format!("{day} {month} {}", date.year())
        }
    }

    fn thousands(&self) -> char {
        match self.language {
            Language::Nl => '.',
            Language::Fr => ' ',
            Language::En => ',',
        }
    }

    /// A count of shares or holders with the language's digit grouping.
    pub(crate) fn count(&self, n: impl Into<i128>) -> String {
        let n: i128 = n.into();
        let digits = group(n.unsigned_abs(), self.thousands());
        if n < 0 { format!("-{digits}") } else { digits }
    }

    /// A signed change, always with its sign so that additions stand out.
    pub(crate) fn count_change(&self, n: i64) -> String {
        if n > 0 {
            format!("+{}", self.count(n))
        } else {
            self.count(n)
        }
    }

    pub(crate) fn money(&self, amount: Money) -> String {
        self.cents(i128::from(amount.cents()), false)
    }

    pub(crate) fn cents_change(&self, cents: i64) -> String {
        self.cents(i128::from(cents), true)
    }

    /// nl "1.250,00 EUR", fr "1 250,00 EUR", en "EUR 1,250.00"; i128 so that sums and
    /// signed changes never overflow on the way.
    pub(crate) fn cents(&self, cents: i128, signed: bool) -> String {
        let sign = if cents < 0 {
            "-"
        } else if signed && cents > 0 {
            "+"
        } else {
            ""
        };
        let abs = cents.unsigned_abs();
        let whole = group(abs / 100, self.thousands());
        let frac = abs % 100;
        match self.language {
            Language::Nl | Language::Fr => format!("{sign}{whole},{frac:02} EUR"),
            Language::En => format!("{sign}EUR {whole}.{frac:02}"),
        }
    }

    pub(crate) fn yes_no(&self, yes: bool) -> &'static str {
        if yes { self.yes } else { self.no }
    }

    pub(crate) fn transfer_rule(&self, rule: TransferRule) -> &'static str {
        match (self.language, rule) {
            (Language::Nl, TransferRule::Free) => "Vrij overdraagbaar",
            (Language::Nl, TransferRule::Approval) => {
                "Overdraagbaar mits goedkeuring van het bestuursorgaan"
            }
            (Language::Nl, TransferRule::NotTransferable) => "Niet overdraagbaar",
            (Language::Fr, TransferRule::Free) => "Librement cessible",
            (Language::Fr, TransferRule::Approval) => {
                "Cessible moyennant l'agrément de l'organe d'administration"
            }
            (Language::Fr, TransferRule::NotTransferable) => "Incessible",
            (Language::En, TransferRule::Free) => "Freely transferable",
            (Language::En, TransferRule::Approval) => "Transferable subject to board approval",
            (Language::En, TransferRule::NotTransferable) => "Not transferable",
        }
    }

    pub(crate) fn movement(&self, kind: MovementKind) -> &'static str {
        match (self.language, kind) {
            (Language::Nl, MovementKind::Issue) => "Uitgifte",
            (Language::Nl, MovementKind::TransferIn) => "Overdracht (verkregen)",
            (Language::Nl, MovementKind::TransferOut) => "Overdracht (afgestaan)",
            (Language::Nl, MovementKind::Redemption) => "Terugneming",
            (Language::Nl, MovementKind::Payment) => "Volstorting",
            (Language::Nl, MovementKind::Reversal) => "Tegenboeking",
            (Language::Fr, MovementKind::Issue) => "Émission",
            (Language::Fr, MovementKind::TransferIn) => "Cession (reçue)",
            (Language::Fr, MovementKind::TransferOut) => "Cession (cédée)",
            (Language::Fr, MovementKind::Redemption) => "Remboursement",
            (Language::Fr, MovementKind::Payment) => "Libération",
            (Language::Fr, MovementKind::Reversal) => "Contre-passation",
            (Language::En, MovementKind::Issue) => "Issue",
            (Language::En, MovementKind::TransferIn) => "Transfer in",
            (Language::En, MovementKind::TransferOut) => "Transfer out",
            (Language::En, MovementKind::Redemption) => "Redemption",
            (Language::En, MovementKind::Payment) => "Payment",
            (Language::En, MovementKind::Reversal) => "Reversal",
        }
    }

    pub(crate) fn number(&self, number: i64) -> String {
        format!("{} {number}", self.number_prefix)
    }

    pub(crate) fn page(&self, page: usize, of: usize) -> String {
        match self.language {
            Language::Nl => format!("Pagina {page} van {of}"),
            Language::Fr => format!("Page {page} sur {of}"),
            Language::En => format!("Page {page} of {of}"),
        }
    }

    pub(crate) fn no_shares(&self, date: NaiveDate) -> String {
        let date = self.date(date);
        match self.language {
            Language::Nl => format!("Op {date} houdt deze aandeelhouder geen aandelen."),
            Language::Fr => format!("Au {date}, ce titulaire ne détient aucune part."),
            Language::En => format!("On {date} this shareholder holds no shares."),
        }
    }

    /// The ledger point in words; `hash_start` is the hash's first characters.
    pub(crate) fn ledger_point(&self, seq: i64, hash_start: &str) -> String {
        match self.language {
            Language::Nl => format!(
                "Dit document geeft de registerboekingen 1–{seq} weer, laatste hash {hash_start}…"
            ),
            Language::Fr => format!(
                "Ce document reflète les écritures 1–{seq} du registre, dernière empreinte \
                 {hash_start}…"
            ),
            Language::En => {
                format!("This document reflects ledger entries 1–{seq}, head hash {hash_start}…")
            }
        }
    }

    pub(crate) fn closing(&self, date: NaiveDate) -> String {
        let date = self.date(date);
        match self.language {
            Language::Nl => format!("Bezit op {date}"),
            Language::Fr => format!("Situation au {date}"),
            Language::En => format!("Holdings as of {date}"),
        }
    }

    /// "street, postal city, country", leaving out what the register does not have.
    pub(crate) fn address(&self, address: &PostalAddress) -> String {
        let street = address.street.as_deref().map(str::trim).unwrap_or("");
        let place = [address.postal_code.as_deref(), address.city.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        [street, place.as_str(), address.country.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn group(n: u128, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn dates_are_written_out_per_language() {
        let d = day(2026, 11, 23);
        assert_eq!(labels(Language::Nl).date(d), "23 november 2026");
        assert_eq!(labels(Language::Fr).date(d), "23 novembre 2026");
        assert_eq!(labels(Language::En).date(d), "23 November 2026");
        assert_eq!(labels(Language::Fr).date(day(2026, 8, 1)), "1er août 2026");
    }

    #[test]
    fn money_is_grouped_per_language() {
        let m = Money::from_cents(125_000).expect("valid");
        assert_eq!(labels(Language::Nl).money(m), "1.250,00 EUR");
        assert_eq!(labels(Language::Fr).money(m), "1 250,00 EUR");
        assert_eq!(labels(Language::En).money(m), "EUR 1,250.00");
        assert_eq!(
            labels(Language::Nl).money(Money::MAX),
            "100.000.000.000,00 EUR"
        );
        assert_eq!(labels(Language::Nl).money(Money::ZERO), "0,00 EUR");
        assert_eq!(labels(Language::En).cents_change(-5), "-EUR 0.05");
        assert_eq!(
            labels(Language::Nl).cents_change(i64::MIN),
            "-92.233.720.368.547.758,08 EUR"
        );
    }

    #[test]
    fn counts_are_grouped_and_signed() {
        assert_eq!(labels(Language::Nl).count(1_234_567), "1.234.567");
        assert_eq!(labels(Language::En).count(999), "999");
        assert_eq!(labels(Language::Fr).count_change(1000), "+1 000");
        assert_eq!(labels(Language::Fr).count_change(-1000), "-1 000");
        assert_eq!(
            labels(Language::Fr).count_change(i64::MIN),
            "-9 223 372 036 854 775 808"
        );
    }

    #[test]
    fn address_leaves_out_missing_parts() {
        let a = PostalAddress {
            street: Some("Kerkstraat 1".into()),
            postal_code: Some("9000".into()),
            city: Some("Gent".into()),
            country: "BE".into(),
        };
        assert_eq!(
            labels(Language::Nl).address(&a),
            "Kerkstraat 1, 9000 Gent, BE"
        );
        let b = PostalAddress {
            country: "BE".into(),
            ..Default::default()
        };
        assert_eq!(labels(Language::Nl).address(&b), "BE");
    }
}
