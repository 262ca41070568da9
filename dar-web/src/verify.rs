//! The public check of a certificate (the link and QR code printed on it): whether DAR
//! issued it and whether it is still current. No personal data.

use chrono::NaiveDate;
use dar_core::types::Language;
use maud::html;

use crate::i18n::{Localized, date, t};
use crate::layout::{Frame, page};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyText {
    Genuine,
    Superseded,
    Unknown,
    Unchanged,
    Changed,
    SupersededBody,
    UnknownBody,
    Cooperative,
    Number,
    AsOf,
    IssuedOn,
    SupersededBy,
    Authority,
}

impl Localized for VerifyText {
    fn text(self, lang: Language) -> &'static str {
        use Language::{En, Fr, Nl};
        use VerifyText::*;
        match (self, lang) {
            (Genuine, Nl) => "Echt bewijs van deelneming",
            (Genuine, Fr) => "Certificat authentique",
            (Genuine, En) => "Genuine certificate",
            (Superseded, Nl) => "Vervangen bewijs van deelneming",
            (Superseded, Fr) => "Certificat remplacé",
            (Superseded, En) => "Superseded certificate",
            (Unknown, Nl) => "Onbekend bewijs van deelneming",
            (Unknown, Fr) => "Certificat inconnu",
            (Unknown, En) => "Unknown certificate",
            (Unchanged, Nl) => "Het register toont nog altijd de aandelen die dit bewijs vermeldt.",
            (Unchanged, Fr) => "Le registre montre toujours les parts que ce certificat indique.",
            (Unchanged, En) => "The register still shows the holdings this certificate states.",
            (Changed, Nl) => "Het register is gewijzigd sinds dit bewijs uitgereikt werd.",
            (Changed, Fr) => "Le registre a changé depuis la délivrance de ce certificat.",
            (Changed, En) => "The register has changed since this certificate was issued.",
            (SupersededBody, Nl) => "Een nieuwer bewijs verving dit; vraag de houder het huidige.",
            (SupersededBody, Fr) => {
                "Un certificat plus récent a remplacé celui-ci ; demandez au titulaire le certificat actuel."
            }
            (SupersededBody, En) => {
                "A newer certificate replaced this one; ask the holder for the current one."
            }
            (UnknownBody, Nl) => "DAR reikte geen bewijs uit met deze code.",
            (UnknownBody, Fr) => "DAR n'a délivré aucun certificat portant cet identifiant.",
            (UnknownBody, En) => "DAR did not issue a certificate with this identifier.",
            (Cooperative, Nl) => "Coöperatie",
            (Cooperative, Fr) => "Coopérative",
            (Cooperative, En) => "Cooperative",
            (Number, Nl) => "Nummer",
            (Number, Fr) => "Numéro",
            (Number, En) => "Number",
            (AsOf, Nl) => "Toestand op",
            (AsOf, Fr) => "Situation au",
            (AsOf, En) => "As of",
            (IssuedOn, Nl) => "Uitgereikt op",
            (IssuedOn, Fr) => "Délivré le",
            (IssuedOn, En) => "Issued on",
            (SupersededBy, Nl) => "Vervangen door nummer",
            (SupersededBy, Fr) => "Remplacé par le numéro",
            (SupersededBy, En) => "Superseded by number",
            (Authority, Nl) => {
                "Het aandelenregister van de coöperatie is bepalend; deze pagina zegt enkel of DAR het bewijs uitreikte."
            }
            (Authority, Fr) => {
                "Le registre des parts de la coopérative fait foi ; cette page dit seulement si DAR a délivré le certificat."
            }
            (Authority, En) => {
                "The cooperative's share register is authoritative; this page only says whether DAR issued the certificate."
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Genuine,
    Superseded,
    Unknown,
}

/// What the check found.
pub struct Check {
    pub status: Status,
    pub cooperative: Option<String>,
    pub number: Option<i64>,
    pub as_of: Option<NaiveDate>,
    pub issued_on: Option<NaiveDate>,
    pub holdings_unchanged: Option<bool>,
    pub superseded_by: Option<i64>,
}

/// The title of the check's page.
pub fn title(lang: Language, status: Status) -> &'static str {
    t(
        lang,
        match status {
            Status::Genuine => VerifyText::Genuine,
            Status::Superseded => VerifyText::Superseded,
            Status::Unknown => VerifyText::Unknown,
        },
    )
}

pub fn verify_page(frame: &Frame, c: &Check) -> String {
    use VerifyText::*;
    let lang = frame.lang;
    let detail = match c.status {
        Status::Genuine if c.holdings_unchanged == Some(true) => Unchanged,
        Status::Genuine => Changed,
        Status::Superseded => SupersededBody,
        Status::Unknown => UnknownBody,
    };
    let class = match c.status {
        Status::Genuine => "status ok",
        _ => "status alarm",
    };
    page(
        frame,
        html! {
            section.narrow.verification {
                h1 { (title(lang, c.status)) }
                p class=(class) { (t(lang, detail)) }
                @if let Some(name) = &c.cooperative {
                dl.facts {
                    dt { (t(lang, Cooperative)) } dd { (name) }
                    @if let Some(n) = c.number {
                        dt { (t(lang, Number)) } dd { (n) }
                    }
                    @if let Some(d) = c.as_of {
                        dt { (t(lang, AsOf)) } dd { (date(d)) }
                    }
                    @if let Some(d) = c.issued_on {
                        dt { (t(lang, IssuedOn)) } dd { (date(d)) }
                    }
                    @if let Some(n) = c.superseded_by {
                        dt { (t(lang, SupersededBy)) } dd { (n) }
                    }
                }
                }
                p { small { (t(lang, Authority)) } }
            }
        },
    )
}
