//! The shareholder's side and certificates: the holder's own page with their contact
//! details, the current certificate they may ask for, and the minimised register of their
//! class; the administrator's certificates of one holder, and certificate batches with
//! their progress.

use chrono::NaiveDate;
use dar_core::types::Language;
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, count, date, language_name, t};
use crate::layout::{Frame, page};
use crate::pages::{
    CertificateLine, EntryLine, HoldingLine, Section, Tools, cooperative_nav, entries_section,
    holdings_section, register_number_heading,
};

/// Path of the script that follows a batch's progress; the version lets browsers cache it
/// for good.
pub const SCRIPT_PATH: &str = "/assets/dar-1.js";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolderText {
    MyDetails,
    EditDetails,
    DetailsIntro,
    Phone,
    Street,
    PostalCode,
    City,
    Country,
    CountryHint,
    Iban,
    IbanHint,
    Language,
    LanguageHint,
    Save,
    DetailsSaved,
    BackToMyPage,
    BadEmail,
    BadPhone,
    BadStreet,
    BadPostalCode,
    BadCity,
    BadCountry,
    BadIban,
    Refused,
    AskCertificate,
    AskCertificateHint,
    CertificateIssued,
    CertificateStillCurrent,
    ClassRegisters,
    ClassRegisterOf,
    ClassRegisterIntro,
    You,
    Certificates,
    IssueCertificate,
    IssueCertificateHint,
    BadDate,
    FutureDate,
    HoldersMayAsk,
    HoldersMayAskHint,
    SettingSaved,
    Batch,
    StartBatch,
    BatchIntro,
    WhichHolders,
    AllActive,
    SomeHolders,
    RegisterNumbers,
    RegisterNumbersHint,
    BadRegisterNumbers,
    UnknownRegisterNumber,
    LatestCertificates,
    RecentBatches,
    NoBatches,
    BatchTitle,
    Progress,
    Queued,
    Running,
    Done,
    Failed,
    ShowProgress,
    DownloadZip,
    Holder,
    Of,
    Started,
    NoneForHolder,
}

impl Localized for HolderText {
    fn text(self, lang: Language) -> &'static str {
        use HolderText::*;
        use dar_core::types::Language::{En, Fr, Nl};
        match (self, lang) {
            (MyDetails, Nl) => "Mijn gegevens",
            (MyDetails, Fr) => "Mes coordonnées",
            (MyDetails, En) => "My details",
            (EditDetails, Nl) => "Mijn gegevens wijzigen",
            (EditDetails, Fr) => "Modifier mes coordonnées",
            (EditDetails, En) => "Change my details",
            (DetailsIntro, Nl) => {
                "De coöperatie gebruikt deze gegevens om u te bereiken en uw dividend te betalen. Een wijziging geldt vanaf vandaag; de vorige gegevens blijven in het register bewaard."
            }
            (DetailsIntro, Fr) => {
                "La coopérative utilise ces coordonnées pour vous joindre et payer votre dividende. Une modification vaut à partir d'aujourd'hui ; les anciennes coordonnées restent conservées dans le registre."
            }
            (DetailsIntro, En) => {
                "The cooperative uses these details to reach you and to pay your dividend. A change holds from today; the previous details stay on record in the register."
            }
            (Phone, Nl) => "Telefoon",
            (Phone, Fr) => "Téléphone",
            (Phone, En) => "Phone",
            (Street, Nl) => "Straat en nummer",
            (Street, Fr) => "Rue et numéro",
            (Street, En) => "Street and number",
            (PostalCode, Nl) => "Postcode",
            (PostalCode, Fr) => "Code postal",
            (PostalCode, En) => "Postal code",
            (City, Nl) => "Gemeente",
            (City, Fr) => "Commune",
            (City, En) => "Municipality",
            (Country, Nl) => "Land",
            (Country, Fr) => "Pays",
            (Country, En) => "Country",
            (CountryHint, Nl) => "De landcode in twee letters, bv. BE, NL, FR",
            (CountryHint, Fr) => "Le code du pays en deux lettres, p. ex. BE, FR, NL",
            (CountryHint, En) => "The two-letter country code, e.g. BE, NL, FR",
            (Iban, Nl) => "Rekeningnummer (IBAN)",
            (Iban, Fr) => "Numéro de compte (IBAN)",
            (Iban, En) => "Bank account (IBAN)",
            (IbanHint, Nl) => "Bijvoorbeeld BE68 5390 0754 7034",
            (IbanHint, Fr) => "Par exemple BE68 5390 0754 7034",
            (IbanHint, En) => "For example BE68 5390 0754 7034",
            (Language, Nl) => "Taal van uw documenten en e-mails",
            (Language, Fr) => "Langue de vos documents et e-mails",
            (Language, En) => "Language of your documents and e-mails",
            (LanguageHint, Nl) => "Uw aandelencertificaten worden in deze taal opgesteld.",
            (LanguageHint, Fr) => "Vos certificats de parts sont établis dans cette langue.",
            (LanguageHint, En) => "Your share certificates are drawn up in this language.",
            (Save, Nl) => "Opslaan",
            (Save, Fr) => "Enregistrer",
            (Save, En) => "Save",
            (DetailsSaved, Nl) => "Uw gegevens zijn opgeslagen.",
            (DetailsSaved, Fr) => "Vos coordonnées ont été enregistrées.",
            (DetailsSaved, En) => "Your details were saved.",
            (BackToMyPage, Nl) => "Terug naar mijn aandelen",
            (BackToMyPage, Fr) => "Retour à mes parts",
            (BackToMyPage, En) => "Back to my shares",
            (BadEmail, Nl) => "Dit is geen e-mailadres; schrijf het zoals naam@voorbeeld.be.",
            (BadEmail, Fr) => "Ce n'est pas une adresse e-mail ; écrivez-la comme nom@exemple.be.",
            (BadEmail, En) => "This is not an e-mail address; write it like name@example.be.",
            (BadPhone, Nl) => "Een telefoonnummer telt hoogstens 40 tekens.",
            (BadPhone, Fr) => "Un numéro de téléphone compte au plus 40 caractères.",
            (BadPhone, En) => "A phone number has at most 40 characters.",
            (BadStreet, Nl) => "Straat en nummer tellen hoogstens 200 tekens.",
            (BadStreet, Fr) => "La rue et le numéro comptent au plus 200 caractères.",
            (BadStreet, En) => "Street and number have at most 200 characters.",
            (BadPostalCode, Nl) => {
                "Deze postcode bestaat niet in dit land (in België: vier cijfers, bv. 9000)."
            }
            (BadPostalCode, Fr) => {
                "Ce code postal n'existe pas dans ce pays (en Belgique : quatre chiffres, p. ex. 1000)."
            }
            (BadPostalCode, En) => {
                "This postal code does not exist in this country (in Belgium: four digits, e.g. 9000)."
            }
            (BadCity, Nl) => "Een gemeente telt hoogstens 100 tekens.",
            (BadCity, Fr) => "Une commune compte au plus 100 caractères.",
            (BadCity, En) => "A municipality has at most 100 characters.",
            (BadCountry, Nl) => "Geef een landcode van twee letters, bv. BE.",
            (BadCountry, Fr) => "Indiquez un code de pays de deux lettres, p. ex. BE.",
            (BadCountry, En) => "Give a two-letter country code, e.g. BE.",
            (BadIban, Nl) => {
                "Dit is geen geldig IBAN-rekeningnummer; controleer het op uw bankkaart of uittreksel."
            }
            (BadIban, Fr) => {
                "Ce n'est pas un numéro IBAN valable ; vérifiez-le sur votre carte ou votre extrait bancaire."
            }
            (BadIban, En) => "This is not a valid IBAN; check it on your bank card or statement.",
            (Refused, Nl) => "Deze waarde kan het register niet aannemen.",
            (Refused, Fr) => "Le registre ne peut pas accepter cette valeur.",
            (Refused, En) => "The register cannot accept this value.",
            (AskCertificate, Nl) => "Een actueel certificaat aanvragen",
            (AskCertificate, Fr) => "Demander un certificat à jour",
            (AskCertificate, En) => "Ask for a current certificate",
            (AskCertificateHint, Nl) => {
                "Een certificaat met uw aandelen van vandaag, meteen klaar om te downloaden."
            }
            (AskCertificateHint, Fr) => {
                "Un certificat avec vos parts d'aujourd'hui, prêt à télécharger aussitôt."
            }
            (AskCertificateHint, En) => {
                "A share certificate with your holdings of today, ready to download at once."
            }
            (CertificateIssued, Nl) => "Uw nieuwe certificaat staat bovenaan de lijst.",
            (CertificateIssued, Fr) => "Votre nouveau certificat est en tête de la liste.",
            (CertificateIssued, En) => "Your new certificate is at the top of the list.",
            (CertificateStillCurrent, Nl) => {
                "Uw certificaat bovenaan de lijst toont het register van vandaag al; er was geen nieuw nodig."
            }
            (CertificateStillCurrent, Fr) => {
                "Votre certificat en tête de liste montre déjà le registre d'aujourd'hui ; aucun nouveau n'était nécessaire."
            }
            (CertificateStillCurrent, En) => {
                "Your certificate at the top of the list already shows today's register; no new one was needed."
            }
            (ClassRegisters, Nl) => "Register van mijn soort(en) aandelen",
            (ClassRegisters, Fr) => "Registre de ma (mes) catégorie(s) de parts",
            (ClassRegisters, En) => "Register of my class(es) of shares",
            (ClassRegisterOf, Nl) => "Register van de aandelen",
            (ClassRegisterOf, Fr) => "Registre des parts",
            (ClassRegisterOf, En) => "Register of the shares",
            (ClassRegisterIntro, Nl) => {
                "Als houder van deze soort aandelen mag u het register ervan inzien: naam, gemeente en aantal aandelen van elke houder (art. 5:25 en 6:25 WVV), niets meer."
            }
            (ClassRegisterIntro, Fr) => {
                "En tant que titulaire de cette catégorie, vous pouvez consulter son registre : nom, commune et nombre de parts de chaque titulaire (art. 5:25 et 6:25 CSA), rien de plus."
            }
            (ClassRegisterIntro, En) => {
                "As a holder of this class you may consult its register: each holder's name, municipality and number of shares (art. 5:25 and 6:25 BCCA), nothing more."
            }
            (You, Nl) => "(u)",
            (You, Fr) => "(vous)",
            (You, En) => "(you)",
            (Certificates, Nl) => "Aandelencertificaten",
            (Certificates, Fr) => "Certificats de parts",
            (Certificates, En) => "Share certificates",
            (IssueCertificate, Nl) => "Certificaat uitreiken",
            (IssueCertificate, Fr) => "Établir un certificat",
            (IssueCertificate, En) => "Issue a certificate",
            (IssueCertificateHint, Nl) => {
                "De datum waarop het certificaat de aandelen toont, bv. 31/12/2025"
            }
            (IssueCertificateHint, Fr) => {
                "La date à laquelle le certificat montre les parts, p. ex. 31/12/2025"
            }
            (IssueCertificateHint, En) => {
                "The date the certificate shows the holdings for, e.g. 31/12/2025"
            }
            (BadDate, Nl) => "Schrijf de datum als dag/maand/jaar, bv. 31/12/2025.",
            (BadDate, Fr) => "Écrivez la date comme jour/mois/année, p. ex. 31/12/2025.",
            (BadDate, En) => "Write the date as day/month/year, e.g. 31/12/2025.",
            (FutureDate, Nl) => "Deze datum ligt in de toekomst.",
            (FutureDate, Fr) => "Cette date est dans le futur.",
            (FutureDate, En) => "This date lies in the future.",
            (HoldersMayAsk, Nl) => "Aandeelhouders mogen zelf een actueel certificaat aanvragen",
            (HoldersMayAsk, Fr) => {
                "Les actionnaires peuvent demander eux-mêmes un certificat à jour"
            }
            (HoldersMayAsk, En) => "Shareholders may ask for a current certificate themselves",
            (HoldersMayAskHint, Nl) => {
                "Dan verschijnt op hun eigen pagina een knop die meteen een certificaat met hun aandelen van vandaag uitreikt."
            }
            (HoldersMayAskHint, Fr) => {
                "Un bouton sur leur propre page établit alors aussitôt un certificat avec leurs parts d'aujourd'hui."
            }
            (HoldersMayAskHint, En) => {
                "A button on their own page then issues a certificate with their holdings of today at once."
            }
            (SettingSaved, Nl) => "De instelling is opgeslagen.",
            (SettingSaved, Fr) => "Le réglage a été enregistré.",
            (SettingSaved, En) => "The setting was saved.",
            (Batch, Nl) => "Certificaten voor meerdere aandeelhouders",
            (Batch, Fr) => "Certificats pour plusieurs actionnaires",
            (Batch, En) => "Certificates for several shareholders",
            (StartBatch, Nl) => "Certificaten uitreiken",
            (StartBatch, Fr) => "Établir les certificats",
            (StartBatch, En) => "Issue the certificates",
            (BatchIntro, Nl) => {
                "Elk certificaat vervangt het vorige van die aandeelhouder. U volgt de voortgang en downloadt daarna alle certificaten in één ZIP-bestand."
            }
            (BatchIntro, Fr) => {
                "Chaque certificat remplace le précédent de cet actionnaire. Vous suivez l'avancement puis téléchargez tous les certificats en un fichier ZIP."
            }
            (BatchIntro, En) => {
                "Each certificate replaces that shareholder's previous one. Follow the progress, then download every certificate in one ZIP file."
            }
            (WhichHolders, Nl) => "Voor wie",
            (WhichHolders, Fr) => "Pour qui",
            (WhichHolders, En) => "For whom",
            (AllActive, Nl) => "Alle actieve aandeelhouders",
            (AllActive, Fr) => "Tous les actionnaires actifs",
            (AllActive, En) => "Every active shareholder",
            (SomeHolders, Nl) => "Alleen de registernummers hieronder",
            (SomeHolders, Fr) => "Seulement les numéros de registre ci-dessous",
            (SomeHolders, En) => "Only the register numbers below",
            (RegisterNumbers, Nl) => "Registernummers",
            (RegisterNumbers, Fr) => "Numéros de registre",
            (RegisterNumbers, En) => "Register numbers",
            (RegisterNumbersHint, Nl) => {
                "Gescheiden door komma's, met reeksen zoals 10-20; bv. 1, 4, 10-20"
            }
            (RegisterNumbersHint, Fr) => {
                "Séparés par des virgules, avec des plages comme 10-20 ; p. ex. 1, 4, 10-20"
            }
            (RegisterNumbersHint, En) => {
                "Separated by commas, with ranges like 10-20; e.g. 1, 4, 10-20"
            }
            (BadRegisterNumbers, Nl) => {
                "Geef registernummers zoals 1, 4, 10-20 (hoogstens 10.000)."
            }
            (BadRegisterNumbers, Fr) => {
                "Indiquez des numéros de registre comme 1, 4, 10-20 (10.000 au plus)."
            }
            (BadRegisterNumbers, En) => "Give register numbers like 1, 4, 10-20 (at most 10,000).",
            (UnknownRegisterNumber, Nl) => "Het register heeft geen aandeelhouder met dit nummer:",
            (UnknownRegisterNumber, Fr) => "Le registre n'a pas d'actionnaire avec ce numéro :",
            (UnknownRegisterNumber, En) => "The register has no shareholder with this number:",
            (LatestCertificates, Nl) => "Laatst uitgereikte certificaten",
            (LatestCertificates, Fr) => "Derniers certificats établis",
            (LatestCertificates, En) => "Latest certificates",
            (RecentBatches, Nl) => "Recente reeksen",
            (RecentBatches, Fr) => "Séries récentes",
            (RecentBatches, En) => "Recent batches",
            (NoBatches, Nl) => "Nog geen reeksen.",
            (NoBatches, Fr) => "Pas encore de séries.",
            (NoBatches, En) => "No batches yet.",
            (BatchTitle, Nl) => "Reeks certificaten",
            (BatchTitle, Fr) => "Série de certificats",
            (BatchTitle, En) => "Certificate batch",
            (Progress, Nl) => "Voortgang",
            (Progress, Fr) => "Avancement",
            (Progress, En) => "Progress",
            (Queued, Nl) => "Wacht op zijn beurt",
            (Queued, Fr) => "En attente",
            (Queued, En) => "Waiting its turn",
            (Running, Nl) => "Bezig",
            (Running, Fr) => "En cours",
            (Running, En) => "Running",
            (Done, Nl) => "Klaar",
            (Done, Fr) => "Terminé",
            (Done, En) => "Done",
            (Failed, Nl) => "Mislukt; vraag een nieuwe reeks aan",
            (Failed, Fr) => "Échec ; demandez une nouvelle série",
            (Failed, En) => "Failed; ask for a new batch",
            (ShowProgress, Nl) => "Voortgang bijwerken",
            (ShowProgress, Fr) => "Actualiser l'avancement",
            (ShowProgress, En) => "Update the progress",
            (DownloadZip, Nl) => "Alle certificaten downloaden (ZIP)",
            (DownloadZip, Fr) => "Télécharger tous les certificats (ZIP)",
            (DownloadZip, En) => "Download every certificate (ZIP)",
            (Holder, Nl) => "Aandeelhouder",
            (Holder, Fr) => "Actionnaire",
            (Holder, En) => "Shareholder",
            (Of, Nl) => "van",
            (Of, Fr) => "sur",
            (Of, En) => "of",
            (Started, Nl) => "Aangevraagd",
            (Started, Fr) => "Demandée",
            (Started, En) => "Requested",
            (NoneForHolder, Nl) => "Er is nog geen certificaat voor deze aandeelhouder uitgereikt.",
            (NoneForHolder, Fr) => "Aucun certificat n'a encore été délivré à cet actionnaire.",
            (NoneForHolder, En) => "No certificate has been issued to this shareholder yet.",
        }
    }
}

fn h(lang: Language, text: HolderText) -> &'static str {
    t(lang, text)
}

/// What became of a holder's request for a current certificate, shown after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    Issued,
    StillCurrent,
}

pub struct MyPage {
    pub cooperative: String,
    pub slug: String,
    pub name: String,
    pub register_number: i64,
    pub as_of: NaiveDate,
    /// The date typed could not be read: today is shown, and the field says why.
    pub as_of_refused: bool,
    pub holdings: Vec<HoldingLine>,
    pub movements: Vec<EntryLine>,
    pub certificates: Vec<CertificateLine>,
    /// Codes of the classes the holder holds today: the registers they may consult.
    pub classes: Vec<String>,
    /// Whether the cooperative lets the holder ask for a current certificate.
    pub may_ask: bool,
    pub asked: Option<Asked>,
}

/// A shareholder's own page: what they hold on a date, their certificates (and asking for a
/// current one), their details, the register of their class, their movements (the other
/// party of a transfer withheld). Laid out for a phone first.
pub fn my_page(frame: &Frame, csrf: &str, m: &MyPage, own_path: &str) -> String {
    let lang = frame.lang;
    let base = format!("/c/{}/me", m.slug);
    page(
        frame,
        html! {
            p.context { (m.cooperative) }
            h1 { (m.name) " " span.number { "(" (m.register_number) ")" } }
            nav.sections aria-label=(t(lang, Text::CooperativeSections)) {
                ul {
                    li { a href="#holdings" { (t(lang, Text::MyHoldings)) } }
                    li { a href="#certificates" { (t(lang, Text::MyCertificates)) } }
                    li { a href=(format!("{base}/contact")) { (h(lang, HolderText::MyDetails)) } }
                    @if !m.classes.is_empty() {
                        li { a href="#class-registers" { (h(lang, HolderText::ClassRegisters)) } }
                    }
                }
            }
            (holdings_section(lang, Text::MyHoldings, own_path, m.as_of, m.as_of_refused, &m.holdings))
            section aria-labelledby="certificates" {
                h2 #certificates { (t(lang, Text::MyCertificates)) }
                @if let Some(asked) = m.asked {
                    p.status.ok role="status" {
                        (h(lang, match asked {
                            Asked::Issued => HolderText::CertificateIssued,
                            Asked::StillCurrent => HolderText::CertificateStillCurrent,
                        }))
                    }
                }
                (certificate_list(lang, &m.certificates, t(lang, Text::NoCertificates)))
                @if m.may_ask {
                    form.ask method="post" action=(format!("{base}/certificates")) {
                        input type="hidden" name="csrf" value=(csrf);
                        p.hint #ask-hint { (h(lang, HolderText::AskCertificateHint)) }
                        button type="submit" aria-describedby="ask-hint" { (h(lang, HolderText::AskCertificate)) }
                    }
                }
            }
            @if !m.classes.is_empty() {
                section aria-labelledby="class-registers" {
                    h2 #class-registers { (h(lang, HolderText::ClassRegisters)) }
                    ul.documents {
                        @for code in &m.classes {
                            li { a href=(format!("{base}/classes/{code}")) {
                                (h(lang, HolderText::ClassRegisterOf)) " " (code)
                            } }
                        }
                    }
                }
            }
            (entries_section(lang, "movements", Text::MyMovements, &m.movements))
        },
    )
}

/// Certificates newest first, each a download; `none` says there are none yet.
fn certificate_list(lang: Language, certificates: &[CertificateLine], none: &str) -> Markup {
    html! {
        @if certificates.is_empty() {
            p { (none) }
        } @else {
            ul.documents {
                @for c in certificates {
                    li {
                        a href=(c.pdf) download {
                            (t(lang, Text::CertificateNumber)) " " (c.number)
                        }
                        " · " (t(lang, Text::AsOf)) " " (date(c.as_of))
                        " · " (t(lang, Text::IssuedOn)) " " (date(c.issued_on))
                        " · " (t(lang, if c.current { Text::Current } else { Text::Superseded }))
                    }
                }
            }
        }
    }
}

/// The contact form's values as shown (and as typed, when refused).
#[derive(Clone, Debug, Default)]
pub struct ContactValues {
    pub email: String,
    pub phone: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub iban: String,
    pub language: String,
}

pub struct ContactForm<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub csrf: &'a str,
    pub values: &'a ContactValues,
    pub errors: &'a FieldErrors,
    pub saved: bool,
}

/// The message for a contact field the register refused, by the field's name in the form.
pub fn contact_problem(field: &str) -> HolderText {
    match field {
        "email" => HolderText::BadEmail,
        "phone" => HolderText::BadPhone,
        "street" => HolderText::BadStreet,
        "postal_code" => HolderText::BadPostalCode,
        "city" => HolderText::BadCity,
        "country" => HolderText::BadCountry,
        "iban" => HolderText::BadIban,
        _ => HolderText::Refused,
    }
}

/// The holder's own contact details: e-mail, phone, address, IBAN and language.
pub fn contact_form(frame: &Frame, f: &ContactForm) -> String {
    let lang = frame.lang;
    let v = f.values;
    let labels = [
        ("email", t(lang, Text::Email)),
        ("phone", h(lang, HolderText::Phone)),
        ("street", h(lang, HolderText::Street)),
        ("postal_code", h(lang, HolderText::PostalCode)),
        ("city", h(lang, HolderText::City)),
        ("country", h(lang, HolderText::Country)),
        ("iban", h(lang, HolderText::Iban)),
        ("language", h(lang, HolderText::Language)),
    ];
    let label = |name: &str| labels.iter().find(|(n, _)| *n == name).map_or("", |l| l.1);
    let languages = Language::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), language_name(*l).to_string()))
        .collect();
    let me = format!("/c/{}/me", f.slug);
    page(
        frame,
        html! {
            p.context { (f.cooperative) }
            h1 { (h(lang, HolderText::EditDetails)) }
            p { (h(lang, HolderText::DetailsIntro)) }
            @if f.saved {
                p.status.ok role="status" { (h(lang, HolderText::DetailsSaved)) }
            }
            (error_summary(t(lang, Text::FormProblems), f.errors, &labels))
            form method="post" action=(format!("{me}/contact") ) novalidate {
                input type="hidden" name="csrf" value=(f.csrf);
                div.form-grid {
                    (field(&Field::new("email", label("email"), &v.email, Control::Email).error_from(f.errors)))
                    (field(&Field::new("phone", label("phone"), &v.phone, Control::Tel).error_from(f.errors)))
                    (field(&Field::new("street", label("street"), &v.street, Control::Text).error_from(f.errors)))
                    (field(&Field::new("postal_code", label("postal_code"), &v.postal_code, Control::Text).error_from(f.errors)))
                    (field(&Field::new("city", label("city"), &v.city, Control::Text).error_from(f.errors)))
                    (field(&Field::new("country", label("country"), &v.country, Control::Text)
                        .hint(h(lang, HolderText::CountryHint)).error_from(f.errors)))
                    (field(&Field::new("iban", label("iban"), &v.iban, Control::Text)
                        .hint(h(lang, HolderText::IbanHint)).error_from(f.errors)))
                    (field(&Field::new("language", label("language"), &v.language, Control::Select { options: languages })
                        .hint(h(lang, HolderText::LanguageHint)).error_from(f.errors)))
                }
                div.actions {
                    button type="submit" { (h(lang, HolderText::Save)) }
                    a href=(me) { (h(lang, HolderText::BackToMyPage)) }
                }
            }
        },
    )
}

/// One holder in a class's minimised register.
pub struct ClassRegisterLine {
    pub register_number: i64,
    pub name: String,
    pub municipality: Option<String>,
    pub shares: i64,
    pub own: bool,
}

pub struct ClassRegister {
    pub cooperative: String,
    pub slug: String,
    pub class: String,
    pub as_of: NaiveDate,
    pub lines: Vec<ClassRegisterLine>,
    pub next: Option<String>,
}

/// The register of one class as its holders may consult it: name, municipality, holding.
pub fn class_register(frame: &Frame, r: &ClassRegister) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (r.cooperative) }
            h1 { (h(lang, HolderText::ClassRegisterOf)) " " (r.class) }
            p { (h(lang, HolderText::ClassRegisterIntro)) }
            p { (t(lang, Text::RegisterAsOf)) " " (date(r.as_of)) }
            @if r.lines.is_empty() {
                p { (t(lang, Text::NoHoldings)) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(h(lang, HolderText::ClassRegisterOf)) {
                    table {
                        thead { tr {
                            th scope="col" class="num" { (register_number_heading(lang)) }
                            th scope="col" { (t(lang, Text::Name)) }
                            th scope="col" { (t(lang, Text::Municipality)) }
                            th scope="col" class="num" { (t(lang, Text::Shares)) }
                        } }
                        tbody {
                            @for l in &r.lines {
                                tr {
                                    td.num { (l.register_number) }
                                    td { (l.name) @if l.own { " " strong { (h(lang, HolderText::You)) } } }
                                    td { (l.municipality.as_deref().unwrap_or("")) }
                                    td.num { (count(lang, l.shares)) }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = &r.next {
                    p { a rel="next" href=(next) { (t(lang, Text::NextPage)) } }
                }
            }
            p { a href=(format!("/c/{}/me", r.slug)) { (h(lang, HolderText::BackToMyPage)) } }
        },
    )
}

/// A holder's certificates on the administrator's page of that holder, with the form to
/// issue one (for whoever may write the register).
pub struct HolderCertificates<'a> {
    pub certificates: &'a [CertificateLine],
    /// The form's target and the session's CSRF token, when the user may issue.
    pub issue: Option<(&'a str, &'a str)>,
    pub as_of: &'a str,
    pub errors: &'a FieldErrors,
}

pub fn holder_certificates(lang: Language, c: &HolderCertificates) -> Markup {
    html! {
        section aria-labelledby="certificates" {
            h2 #certificates { (h(lang, HolderText::Certificates)) }
            (certificate_list(lang, c.certificates, h(lang, HolderText::NoneForHolder)))
            @if let Some((action, csrf)) = c.issue {
                form.issue-certificate method="post" action=(action) novalidate {
                    input type="hidden" name="csrf" value=(csrf);
                    (field(&Field::new("as_of", t(lang, Text::AsOf), c.as_of, Control::Date)
                        .hint(h(lang, HolderText::IssueCertificateHint)).error_from(c.errors)))
                    button type="submit" { (h(lang, HolderText::IssueCertificate)) }
                }
            }
        }
    }
}

/// The administrator's issue form sent back with its refused date, above the holder's
/// certificates, with the way back to the holder's page.
pub fn issue_refused(
    lang: Language,
    holder_path: &str,
    errors: &FieldErrors,
    section: Markup,
) -> Markup {
    html! {
        h1 { (h(lang, HolderText::IssueCertificate)) }
        (error_summary(t(lang, Text::FormProblems), errors, &[("as_of", t(lang, Text::AsOf))]))
        (section)
        p { a href=(holder_path) { (t(lang, Text::BackHome)) } }
    }
}

/// A certificate in the cooperative's list.
pub struct IssuedLine {
    pub number: i64,
    pub holder: String,
    pub holder_href: String,
    pub as_of: NaiveDate,
    pub issued_on: NaiveDate,
    pub pdf: String,
}

/// A batch in the list of recent ones.
pub struct BatchLine {
    pub href: String,
    pub created_on: NaiveDate,
    pub as_of: Option<NaiveDate>,
    pub status: BatchStatus,
    pub done: i64,
    pub total: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl BatchStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "queued" => BatchStatus::Queued,
            "running" => BatchStatus::Running,
            "done" => BatchStatus::Done,
            _ => BatchStatus::Failed,
        }
    }

    fn text(self) -> HolderText {
        match self {
            BatchStatus::Queued => HolderText::Queued,
            BatchStatus::Running => HolderText::Running,
            BatchStatus::Done => HolderText::Done,
            BatchStatus::Failed => HolderText::Failed,
        }
    }

    pub fn finished(self) -> bool {
        matches!(self, BatchStatus::Done | BatchStatus::Failed)
    }
}

/// The batch form's values as typed.
#[derive(Clone, Debug, Default)]
pub struct BatchValues {
    /// `all` or `some`.
    pub scope: String,
    pub numbers: String,
    pub as_of: String,
}

pub struct CertificatesPage<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub csrf: &'a str,
    /// Whether the user may issue and change the setting (an administrator).
    pub may_write: bool,
    pub holders_may_ask: bool,
    pub setting_saved: bool,
    pub batch: &'a BatchValues,
    pub errors: &'a FieldErrors,
    pub batches: &'a [BatchLine],
    pub latest: &'a [IssuedLine],
    pub next: Option<&'a str>,
    pub tools: Tools,
}

/// The cooperative's certificates: the holders' self-service setting, a batch for many
/// holders, recent batches, and the latest certificates.
pub fn certificates_page(frame: &Frame, p: &CertificatesPage) -> String {
    let lang = frame.lang;
    let base = format!("/c/{}", p.slug);
    let labels = [
        ("scope", h(lang, HolderText::WhichHolders)),
        ("numbers", h(lang, HolderText::RegisterNumbers)),
        ("as_of", t(lang, Text::AsOf)),
    ];
    let scope = if p.batch.scope == "some" {
        "some"
    } else {
        "all"
    };
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, p.slug, p.tools, Section::Certificates))
            h1 { (h(lang, HolderText::Certificates)) }
            @if p.may_write {
                form.setting method="post" action=(format!("{base}/certificate-settings")) {
                    input type="hidden" name="csrf" value=(p.csrf);
                    @if p.setting_saved {
                        p.status.ok role="status" { (h(lang, HolderText::SettingSaved)) }
                    }
                    div.check {
                        input #holders_may_ask type="checkbox" name="holders_may_ask" value="yes"
                            checked[p.holders_may_ask] aria-describedby="holders_may_ask-hint";
                        label for="holders_may_ask" { (h(lang, HolderText::HoldersMayAsk)) }
                    }
                    span.hint #holders_may_ask-hint { (h(lang, HolderText::HoldersMayAskHint)) }
                    button.secondary type="submit" { (h(lang, HolderText::Save)) }
                }
                section aria-labelledby="batch" {
                    h2 #batch { (h(lang, HolderText::Batch)) }
                    p { (h(lang, HolderText::BatchIntro)) }
                    (error_summary(t(lang, Text::FormProblems), p.errors, &labels))
                    form method="post" action=(format!("{base}/certificate-batches")) novalidate {
                        input type="hidden" name="csrf" value=(p.csrf);
                        fieldset #scope {
                            legend { (h(lang, HolderText::WhichHolders)) }
                            div.check {
                                input #scope-all type="radio" name="scope" value="all" checked[scope == "all"];
                                label for="scope-all" { (h(lang, HolderText::AllActive)) }
                            }
                            div.check {
                                input #scope-some type="radio" name="scope" value="some" checked[scope == "some"];
                                label for="scope-some" { (h(lang, HolderText::SomeHolders)) }
                            }
                        }
                        div.form-grid {
                            (field(&Field::new("numbers", h(lang, HolderText::RegisterNumbers), &p.batch.numbers, Control::Text)
                                .hint(h(lang, HolderText::RegisterNumbersHint)).error_from(p.errors)))
                            (field(&Field::new("as_of", t(lang, Text::AsOf), &p.batch.as_of, Control::Date)
                                .hint(h(lang, HolderText::IssueCertificateHint)).error_from(p.errors)))
                        }
                        button type="submit" { (h(lang, HolderText::StartBatch)) }
                    }
                }
            }
            section aria-labelledby="batches" {
                h2 #batches { (h(lang, HolderText::RecentBatches)) }
                @if p.batches.is_empty() {
                    p { (h(lang, HolderText::NoBatches)) }
                } @else {
                    ul.documents {
                        @for b in p.batches {
                            li {
                                a href=(b.href) { (h(lang, HolderText::Started)) " " (date(b.created_on)) }
                                @if let Some(as_of) = b.as_of { " · " (t(lang, Text::AsOf)) " " (date(as_of)) }
                                " · " (h(lang, b.status.text()))
                                " · " (count(lang, b.done)) " " (h(lang, HolderText::Of)) " " (count(lang, b.total))
                            }
                        }
                    }
                }
            }
            section aria-labelledby="latest" {
                h2 #latest { (h(lang, HolderText::LatestCertificates)) }
                @if p.latest.is_empty() {
                    p { (t(lang, Text::NoCertificates)) }
                } @else {
                    div.scroll tabindex="0" role="region" aria-label=(h(lang, HolderText::LatestCertificates)) {
                        table {
                            thead { tr {
                                th scope="col" class="num" { (t(lang, Text::EntryNumber)) }
                                th scope="col" { (h(lang, HolderText::Holder)) }
                                th scope="col" { (t(lang, Text::AsOf)) }
                                th scope="col" { (t(lang, Text::IssuedOn)) }
                                th scope="col" { "PDF" }
                            } }
                            tbody {
                                @for c in p.latest {
                                    tr {
                                        td.num { (c.number) }
                                        td { a href=(c.holder_href) { (c.holder) } }
                                        td.nowrap { (date(c.as_of)) }
                                        td.nowrap { (date(c.issued_on)) }
                                        td { a href=(c.pdf) download {
                                            (t(lang, Text::CertificateNumber)) " " (c.number)
                                        } }
                                    }
                                }
                            }
                        }
                    }
                    @if let Some(next) = p.next {
                        p { a rel="next" href=(next) { (t(lang, Text::NextPage)) } }
                    }
                }
            }
        },
    )
}

pub struct BatchPage<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub created_on: NaiveDate,
    pub as_of: Option<NaiveDate>,
    pub status: BatchStatus,
    pub done: i64,
    pub total: i64,
    /// This page, to look again without script.
    pub here: &'a str,
    /// The batch's status as JSON, which the script follows.
    pub status_url: &'a str,
    pub zip: &'a str,
    pub tools: Tools,
}

/// The progress of a batch: a progress bar and its numbers, a link to look again (the
/// script updates the bar by itself), and the ZIP once it is done.
pub fn batch_page(frame: &Frame, b: &BatchPage) -> String {
    let lang = frame.lang;
    let states = [
        BatchStatus::Queued,
        BatchStatus::Running,
        BatchStatus::Done,
        BatchStatus::Failed,
    ];
    page(
        frame,
        html! {
            p.context { (b.cooperative) }
            (cooperative_nav(lang, b.slug, b.tools, Section::Certificates))
            h1 { (h(lang, HolderText::BatchTitle)) }
            p {
                (h(lang, HolderText::Started)) " " (date(b.created_on))
                @if let Some(as_of) = b.as_of { " · " (t(lang, Text::AsOf)) " " (date(as_of)) }
            }
            div.batch #batch data-status-url=(b.status_url) {
                label for="batch-progress" { (h(lang, HolderText::Progress)) }
                progress #batch-progress max=(b.total.max(1)) value=(b.done) {
                    (count(lang, b.done)) " / " (count(lang, b.total))
                }
                p #batch-status role="status" aria-live="polite" {
                    span.state {
                        @for state in states {
                            span data-state=(status_key(state)) hidden[state != b.status] { (h(lang, state.text())) }
                        }
                    }
                    ": "
                    span.done { (count(lang, b.done)) } " " (h(lang, HolderText::Of)) " "
                    span.total { (count(lang, b.total)) }
                }
                p.refresh hidden[b.status.finished()] {
                    a href=(b.here) { (h(lang, HolderText::ShowProgress)) }
                }
                p.zip hidden[b.status != BatchStatus::Done] {
                    a.button href=(b.zip) download { (h(lang, HolderText::DownloadZip)) }
                }
            }
            p { a href=(format!("/c/{}/certificates", b.slug)) { (h(lang, HolderText::Certificates)) } }
            script src=(SCRIPT_PATH) defer {}
        },
    )
}

fn status_key(s: BatchStatus) -> &'static str {
    match s {
        BatchStatus::Queued => "queued",
        BatchStatus::Running => "running",
        BatchStatus::Done => "done",
        BatchStatus::Failed => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contact_field_has_its_own_message_in_every_language() {
        for field in [
            "email",
            "phone",
            "street",
            "postal_code",
            "city",
            "country",
            "iban",
        ] {
            assert_ne!(contact_problem(field), HolderText::Refused, "{field}");
            for lang in Language::ALL {
                assert!(!t(*lang, contact_problem(field)).is_empty());
            }
        }
        assert_eq!(contact_problem("last_name"), HolderText::Refused);
    }
}
