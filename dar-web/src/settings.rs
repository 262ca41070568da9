//! The cooperative's settings, for its administrators: the cooperative's data, closing a
//! period, whether the helpdesk may write, and what the cooperative's documents carry
//! (signatory, logo, signature).

use chrono::NaiveDate;
use dar_core::types::{Language, VotingRule};
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, date, language_name, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, Tools, cooperative_nav};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsText {
    Title,
    DataTitle,
    LegalName,
    LegalForm,
    LegalFormHint,
    Street,
    PostalCode,
    City,
    Country,
    CountryHint,
    DefaultLanguage,
    DefaultLanguageHint,
    Voting,
    OneMemberOneVote,
    PerShare,
    HelpdeskMayWrite,
    HelpdeskMayWriteHint,
    Save,
    ChangesSaved,
    PeriodTitle,
    PeriodWarning,
    LockedUntil,
    LockedUntilHint,
    ClosedUpTo,
    NotClosed,
    Confirm,
    ClosePeriod,
    PeriodClosed,
    DocumentsTitle,
    DocumentsIntro,
    SignatoryName,
    SignatoryTitle,
    SignatoryTitleHint,
    LogoTitle,
    SignatureTitle,
    ImageFile,
    ImageHint,
    Upload,
    ImageSet,
    NoImage,
    ImageSaved,
    // Problems, each shown next to its field.
    NameProblem,
    LegalFormProblem,
    StreetProblem,
    PostalCodeProblem,
    CityProblem,
    CountryProblem,
    ChoiceProblem,
    DateProblem,
    FutureProblem,
    ReopenProblem,
    ConfirmProblem,
    SignatoryNameProblem,
    SignatoryTitleProblem,
    TitleWithoutNameProblem,
    ImageTypeProblem,
    ImageSizeProblem,
    ImageUnreadableProblem,
    ImageMissingProblem,
}

impl Localized for SettingsText {
    fn text(self, lang: Language) -> &'static str {
        use Language::{En, Fr, Nl};
        use SettingsText::*;
        match (self, lang) {
            (Title, Nl) => "Instellingen",
            (Title, Fr) => "Paramètres",
            (Title, En) => "Settings",
            (DataTitle, Nl) => "Gegevens van de coöperatie",
            (DataTitle, Fr) => "Données de la coopérative",
            (DataTitle, En) => "The cooperative's data",
            (LegalName, Nl) => "Naam",
            (LegalName, Fr) => "Dénomination",
            (LegalName, En) => "Legal name",
            (LegalForm, Nl) => "Rechtsvorm",
            (LegalForm, Fr) => "Forme juridique",
            (LegalForm, En) => "Legal form",
            (LegalFormHint, Nl) => "Bijvoorbeeld cv.",
            (LegalFormHint, Fr) => "Par exemple sc.",
            (LegalFormHint, En) => "For example cv.",
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
            (CountryHint, Nl) => "Landcode met twee letters, zoals BE.",
            (CountryHint, Fr) => "Code pays en deux lettres, comme BE.",
            (CountryHint, En) => "Two-letter country code, such as BE.",
            (DefaultLanguage, Nl) => "Taal van de coöperatie",
            (DefaultLanguage, Fr) => "Langue de la coopérative",
            (DefaultLanguage, En) => "The cooperative's language",
            (DefaultLanguageHint, Nl) => "Voor documenten als niemand een andere taal kiest.",
            (DefaultLanguageHint, Fr) => {
                "Pour les documents quand personne ne choisit une autre langue."
            }
            (DefaultLanguageHint, En) => "For documents when nobody chooses another language.",
            (Voting, Nl) => "Stemrecht",
            (Voting, Fr) => "Droit de vote",
            (Voting, En) => "Voting rule",
            (OneMemberOneVote, Nl) => "één vennoot, één stem",
            (OneMemberOneVote, Fr) => "un associé, une voix",
            (OneMemberOneVote, En) => "one member, one vote",
            (PerShare, Nl) => "één stem per aandeel",
            (PerShare, Fr) => "une voix par part",
            (PerShare, En) => "one vote per share",
            (HelpdeskMayWrite, Nl) => "De helpdesk mag wijzigen tijdens een ondersteuningssessie",
            (HelpdeskMayWrite, Fr) => "Le helpdesk peut modifier pendant une session d'assistance",
            (HelpdeskMayWrite, En) => "The helpdesk may make changes during a support session",
            (HelpdeskMayWriteHint, Nl) => {
                "Zonder dit vinkje leest de helpdesk enkel. Geldt voor sessies die daarna geopend worden."
            }
            (HelpdeskMayWriteHint, Fr) => {
                "Sans cette case, le helpdesk ne fait que lire. Vaut pour les sessions ouvertes ensuite."
            }
            (HelpdeskMayWriteHint, En) => {
                "Unticked, the helpdesk only reads. Applies to sessions opened afterwards."
            }
            (Save, Nl) => "Opslaan",
            (Save, Fr) => "Enregistrer",
            (Save, En) => "Save",
            (ChangesSaved, Nl) => "De wijzigingen zijn opgeslagen.",
            (ChangesSaved, Fr) => "Les modifications sont enregistrées.",
            (ChangesSaved, En) => "The changes are saved.",
            (PeriodTitle, Nl) => "Een periode afsluiten",
            (PeriodTitle, Fr) => "Clôturer une période",
            (PeriodTitle, En) => "Close a period",
            (PeriodWarning, Nl) => {
                "Let op: na het afsluiten weigert het register elke boeking op of vóór die datum, ook een correctie. Een afgesloten periode kan niet heropend worden."
            }
            (PeriodWarning, Fr) => {
                "Attention : après la clôture, le registre refuse toute écriture à cette date ou avant, même une correction. Une période clôturée ne peut pas être rouverte."
            }
            (PeriodWarning, En) => {
                "Careful: once closed, the register refuses every entry dated on or before that date, corrections included. A closed period cannot be reopened."
            }
            (LockedUntil, Nl) => "Afsluiten tot en met",
            (LockedUntil, Fr) => "Clôturer jusqu'au",
            (LockedUntil, En) => "Close up to and including",
            (LockedUntilHint, Nl) => "Een datum zoals 31/12/2025, niet later dan vandaag.",
            (LockedUntilHint, Fr) => "Une date comme 31/12/2025, au plus tard aujourd'hui.",
            (LockedUntilHint, En) => "A date such as 31/12/2025, today at the latest.",
            (ClosedUpTo, Nl) => "Het register is afgesloten tot en met",
            (ClosedUpTo, Fr) => "Le registre est clôturé jusqu'au",
            (ClosedUpTo, En) => "The register is closed up to and including",
            (NotClosed, Nl) => "Er is nog geen periode afgesloten.",
            (NotClosed, Fr) => "Aucune période n'est encore clôturée.",
            (NotClosed, En) => "No period has been closed yet.",
            (Confirm, Nl) => {
                "Ik begrijp dat boekingen op of vóór deze datum daarna geweigerd worden"
            }
            (Confirm, Fr) => {
                "Je comprends que les écritures à cette date ou avant seront ensuite refusées"
            }
            (Confirm, En) => {
                "I understand that entries on or before this date are refused afterwards"
            }
            (ClosePeriod, Nl) => "Periode afsluiten",
            (ClosePeriod, Fr) => "Clôturer la période",
            (ClosePeriod, En) => "Close the period",
            (PeriodClosed, Nl) => "De periode is afgesloten.",
            (PeriodClosed, Fr) => "La période est clôturée.",
            (PeriodClosed, En) => "The period is closed.",
            (DocumentsTitle, Nl) => "Documenten",
            (DocumentsTitle, Fr) => "Documents",
            (DocumentsTitle, En) => "Documents",
            (DocumentsIntro, Nl) => {
                "Wat de bewijzen van deelneming dragen. Bewijzen die al uitgereikt zijn, blijven zoals ze waren."
            }
            (DocumentsIntro, Fr) => {
                "Ce que portent les certificats. Les certificats déjà délivrés restent tels quels."
            }
            (DocumentsIntro, En) => {
                "What the certificates carry. Certificates issued before keep what they were issued with."
            }
            (SignatoryName, Nl) => "Naam van wie ondertekent",
            (SignatoryName, Fr) => "Nom du signataire",
            (SignatoryName, En) => "Signatory's name",
            (SignatoryTitle, Nl) => "Hoedanigheid van wie ondertekent",
            (SignatoryTitle, Fr) => "Qualité du signataire",
            (SignatoryTitle, En) => "Signatory's title",
            (SignatoryTitleHint, Nl) => "Bijvoorbeeld voorzitter van de raad van bestuur.",
            (SignatoryTitleHint, Fr) => "Par exemple président du conseil d'administration.",
            (SignatoryTitleHint, En) => "For example chair of the board.",
            (LogoTitle, Nl) => "Logo",
            (LogoTitle, Fr) => "Logo",
            (LogoTitle, En) => "Logo",
            (SignatureTitle, Nl) => "Handtekening",
            (SignatureTitle, Fr) => "Signature",
            (SignatureTitle, En) => "Signature",
            (ImageFile, Nl) => "Afbeelding",
            (ImageFile, Fr) => "Image",
            (ImageFile, En) => "Image",
            (ImageHint, Nl) => "PNG of JPEG, hoogstens 2 MB.",
            (ImageHint, Fr) => "PNG ou JPEG, 2 Mo au plus.",
            (ImageHint, En) => "PNG or JPEG, 2 MB at most.",
            (Upload, Nl) => "Opladen",
            (Upload, Fr) => "Téléverser",
            (Upload, En) => "Upload",
            (ImageSet, Nl) => "Huidige afbeelding:",
            (ImageSet, Fr) => "Image actuelle :",
            (ImageSet, En) => "Current image:",
            (NoImage, Nl) => "Nog geen afbeelding.",
            (NoImage, Fr) => "Pas encore d'image.",
            (NoImage, En) => "No image yet.",
            (ImageSaved, Nl) => "De afbeelding is opgeladen; nieuwe bewijzen dragen ze.",
            (ImageSaved, Fr) => "L'image est téléversée ; les nouveaux certificats la portent.",
            (ImageSaved, En) => "The image is uploaded; new certificates carry it.",
            (NameProblem, Nl) => "Geef een naam van 1 tot 200 tekens.",
            (NameProblem, Fr) => "Indiquez une dénomination de 1 à 200 caractères.",
            (NameProblem, En) => "Give a name of 1 to 200 characters.",
            (LegalFormProblem, Nl) => "Geef een rechtsvorm van 1 tot 40 tekens.",
            (LegalFormProblem, Fr) => "Indiquez une forme juridique de 1 à 40 caractères.",
            (LegalFormProblem, En) => "Give a legal form of 1 to 40 characters.",
            (StreetProblem, Nl) => "Hoogstens 200 tekens.",
            (StreetProblem, Fr) => "200 caractères au plus.",
            (StreetProblem, En) => "200 characters at most.",
            (PostalCodeProblem, Nl) => "Dit is geen postcode van het gekozen land.",
            (PostalCodeProblem, Fr) => "Ce n'est pas un code postal du pays choisi.",
            (PostalCodeProblem, En) => "This is not a postal code of the chosen country.",
            (CityProblem, Nl) => "Hoogstens 100 tekens.",
            (CityProblem, Fr) => "100 caractères au plus.",
            (CityProblem, En) => "100 characters at most.",
            (CountryProblem, Nl) => "Geef een landcode met twee letters, zoals BE.",
            (CountryProblem, Fr) => "Indiquez un code pays en deux lettres, comme BE.",
            (CountryProblem, En) => "Give a two-letter country code, such as BE.",
            (ChoiceProblem, Nl) => "Kies een van de mogelijkheden.",
            (ChoiceProblem, Fr) => "Choisissez une des possibilités.",
            (ChoiceProblem, En) => "Choose one of the options.",
            (DateProblem, Nl) => "Typ een datum zoals 31/12/2025.",
            (DateProblem, Fr) => "Tapez une date comme 31/12/2025.",
            (DateProblem, En) => "Type a date such as 31/12/2025.",
            (FutureProblem, Nl) => "Een periode kan maar tot vandaag afgesloten worden.",
            (FutureProblem, Fr) => "Une période ne peut être clôturée que jusqu'à aujourd'hui.",
            (FutureProblem, En) => "A period can only be closed up to today.",
            (ReopenProblem, Nl) => {
                "Het register is al verder afgesloten; een afgesloten periode kan niet heropend worden."
            }
            (ReopenProblem, Fr) => {
                "Le registre est déjà clôturé plus loin ; une période clôturée ne peut pas être rouverte."
            }
            (ReopenProblem, En) => {
                "The register is already closed further; a closed period cannot be reopened."
            }
            (ConfirmProblem, Nl) => "Vink aan dat u begrijpt wat afsluiten betekent.",
            (ConfirmProblem, Fr) => "Cochez que vous comprenez ce que signifie la clôture.",
            (ConfirmProblem, En) => "Tick that you understand what closing means.",
            (SignatoryNameProblem, Nl) => "Hoogstens 200 tekens, met iets leesbaars.",
            (SignatoryNameProblem, Fr) => "200 caractères au plus, avec quelque chose de lisible.",
            (SignatoryNameProblem, En) => "200 characters at most, with something readable.",
            (SignatoryTitleProblem, Nl) => "Hoogstens 200 tekens.",
            (SignatoryTitleProblem, Fr) => "200 caractères au plus.",
            (SignatoryTitleProblem, En) => "200 characters at most.",
            (TitleWithoutNameProblem, Nl) => "Geef ook de naam van wie ondertekent.",
            (TitleWithoutNameProblem, Fr) => "Indiquez aussi le nom du signataire.",
            (TitleWithoutNameProblem, En) => "Give the signatory's name with their title.",
            (ImageTypeProblem, Nl) => "Kies een PNG- of JPEG-afbeelding.",
            (ImageTypeProblem, Fr) => "Choisissez une image PNG ou JPEG.",
            (ImageTypeProblem, En) => "Choose a PNG or JPEG image.",
            (ImageSizeProblem, Nl) => "De afbeelding is groter dan 2 MB.",
            (ImageSizeProblem, Fr) => "L'image dépasse 2 Mo.",
            (ImageSizeProblem, En) => "The image is larger than 2 MB.",
            (ImageUnreadableProblem, Nl) => "Dit bestand kon niet als afbeelding gelezen worden.",
            (ImageUnreadableProblem, Fr) => "Ce fichier n'a pas pu être lu comme une image.",
            (ImageUnreadableProblem, En) => "This file could not be read as an image.",
            (ImageMissingProblem, Nl) => "Kies een bestand.",
            (ImageMissingProblem, Fr) => "Choisissez un fichier.",
            (ImageMissingProblem, En) => "Choose a file.",
        }
    }
}

/// The cooperative's data as the form shows it (as typed, after a refusal).
#[derive(Clone, Debug, Default)]
pub struct DataForm {
    pub legal_name: String,
    pub legal_form: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub default_language: String,
    pub voting_rule: String,
    pub helpdesk_may_write: bool,
}

#[derive(Clone, Debug, Default)]
pub struct DocumentsForm {
    pub signatory_name: String,
    pub signatory_title: String,
    /// The stored images' addresses, to show them.
    pub logo: Option<String>,
    pub signature: Option<String>,
}

/// Which form of the page was just saved, for the confirmation next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Data,
    Period,
    Documents,
    Logo,
    Signature,
}

impl Saved {
    pub fn as_str(self) -> &'static str {
        match self {
            Saved::Data => "data",
            Saved::Period => "period",
            Saved::Documents => "documents",
            Saved::Logo => "logo",
            Saved::Signature => "signature",
        }
    }

    pub fn parse(s: &str) -> Option<Saved> {
        [
            Saved::Data,
            Saved::Period,
            Saved::Documents,
            Saved::Logo,
            Saved::Signature,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

pub struct SettingsPage {
    pub cooperative: String,
    pub slug: String,
    pub tools: Tools,
    pub data: DataForm,
    pub locked_until: Option<NaiveDate>,
    /// The date typed in the period form.
    pub period: String,
    pub documents: DocumentsForm,
    /// The problems of the form that was sent, each under its field's name.
    pub errors: FieldErrors,
    pub saved: Option<Saved>,
}

fn saved_note(lang: Language, text: SettingsText) -> Markup {
    html! { p.status.ok role="status" { (t(lang, text)) } }
}

/// The settings page: four forms, each saved on its own, each refusal shown at its fields.
pub fn settings_page(frame: &Frame, csrf: &str, p: &SettingsPage) -> String {
    use SettingsText::*;
    let lang = frame.lang;
    let e = &p.errors;
    let base = format!("/c/{}/settings", p.slug);
    let labels = [
        ("legal_name", t(lang, LegalName)),
        ("legal_form", t(lang, LegalForm)),
        ("street", t(lang, Street)),
        ("postal_code", t(lang, PostalCode)),
        ("city", t(lang, City)),
        ("country", t(lang, Country)),
        ("default_language", t(lang, DefaultLanguage)),
        ("voting_rule", t(lang, Voting)),
        ("locked_until", t(lang, LockedUntil)),
        ("confirm", t(lang, Confirm)),
        ("signatory_name", t(lang, SignatoryName)),
        ("signatory_title", t(lang, SignatoryTitle)),
        ("logo", t(lang, LogoTitle)),
        ("signature", t(lang, SignatureTitle)),
    ];
    let label = |name: &str| {
        labels
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, l)| *l)
    };
    let languages: Vec<(String, String)> = Language::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), language_name(*l).to_string()))
        .collect();
    let rules: Vec<(String, String)> = VotingRule::ALL
        .iter()
        .map(|r| {
            let text = match r {
                dar_core::types::VotingRule::OneMemberOneVote => OneMemberOneVote,
                dar_core::types::VotingRule::PerShare => PerShare,
            };
            (r.as_str().to_string(), t(lang, text).to_string())
        })
        .collect();
    let d = &p.data;
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, &p.slug, p.tools, Section::Settings))
            h1 { (t(lang, Title)) }
            p.actions {
                a.button href=(format!("/c/{}/invoices", p.slug)) {
                    (t(lang, crate::billing::BillingText::YourInvoices))
                }
            }
            (error_summary(t(lang, Text::FormProblems), e, &labels))

            section aria-labelledby="data" {
                h2 #data { (t(lang, DataTitle)) }
                @if p.saved == Some(Saved::Data) { (saved_note(lang, ChangesSaved)) }
                form method="post" action=(base) novalidate {
                    input type="hidden" name="csrf" value=(csrf);
                    div.form-grid {
                        (field(&Field::new("legal_name", label("legal_name"), &d.legal_name, Control::Text).required().error_from(e)))
                        (field(&Field::new("legal_form", label("legal_form"), &d.legal_form, Control::Text).hint(t(lang, LegalFormHint)).required().error_from(e)))
                        (field(&Field::new("street", label("street"), &d.street, Control::Text).error_from(e)))
                        (field(&Field::new("postal_code", label("postal_code"), &d.postal_code, Control::Text).error_from(e)))
                        (field(&Field::new("city", label("city"), &d.city, Control::Text).error_from(e)))
                        (field(&Field::new("country", label("country"), &d.country, Control::Text).hint(t(lang, CountryHint)).error_from(e)))
                        (field(&Field::new("default_language", label("default_language"), &d.default_language,
                            Control::Select { options: languages }).hint(t(lang, DefaultLanguageHint)).error_from(e)))
                        (field(&Field::new("voting_rule", label("voting_rule"), &d.voting_rule,
                            Control::Select { options: rules }).error_from(e)))
                    }
                    div.check {
                        input #helpdesk_may_write type="checkbox" name="helpdesk_may_write" value="yes"
                            checked[d.helpdesk_may_write] aria-describedby="helpdesk_may_write-hint";
                        label for="helpdesk_may_write" { (t(lang, HelpdeskMayWrite)) }
                        span.hint #helpdesk_may_write-hint { (t(lang, HelpdeskMayWriteHint)) }
                    }
                    button type="submit" { (t(lang, Save)) }
                }
            }

            section aria-labelledby="period" {
                h2 #period { (t(lang, PeriodTitle)) }
                @if p.saved == Some(Saved::Period) { (saved_note(lang, PeriodClosed)) }
                @match p.locked_until {
                    Some(d) => { p.figure { (t(lang, ClosedUpTo)) " " strong { (date(d)) } } }
                    None => { p { (t(lang, NotClosed)) } }
                }
                p.status.alarm #period-warning { (t(lang, PeriodWarning)) }
                form method="post" action=(format!("{base}/period")) novalidate {
                    input type="hidden" name="csrf" value=(csrf);
                    (field(&Field::new("locked_until", label("locked_until"), &p.period, Control::Date)
                        .hint(t(lang, LockedUntilHint)).required().error_from(e)))
                    div.check.invalid[e.of("confirm").is_some()] {
                        @if let Some(problem) = e.of("confirm") {
                            span.field-error #confirm-error { (problem) }
                        }
                        input #confirm type="checkbox" name="confirm" value="yes" required
                            aria-invalid=[e.of("confirm").map(|_| "true")]
                            aria-describedby=(if e.of("confirm").is_some() { "period-warning confirm-error" } else { "period-warning" });
                        label for="confirm" { (label("confirm")) }
                    }
                    button type="submit" { (t(lang, ClosePeriod)) }
                }
            }

            section aria-labelledby="documents" {
                h2 #documents { (t(lang, DocumentsTitle)) }
                p { (t(lang, DocumentsIntro)) }
                @if p.saved == Some(Saved::Documents) { (saved_note(lang, ChangesSaved)) }
                form method="post" action=(format!("{base}/documents")) novalidate {
                    input type="hidden" name="csrf" value=(csrf);
                    div.form-grid {
                        (field(&Field::new("signatory_name", label("signatory_name"), &p.documents.signatory_name, Control::Text).error_from(e)))
                        (field(&Field::new("signatory_title", label("signatory_title"), &p.documents.signatory_title, Control::Text)
                            .hint(t(lang, SignatoryTitleHint)).error_from(e)))
                    }
                    button type="submit" { (t(lang, Save)) }
                }
                (image_form(lang, csrf, &base, "logo", LogoTitle, p.documents.logo.as_deref(), e, p.saved == Some(Saved::Logo)))
                (image_form(lang, csrf, &base, "signature", SignatureTitle, p.documents.signature.as_deref(), e, p.saved == Some(Saved::Signature)))
            }
        },
    )
}

/// The upload form of one image (`kind` is `logo` or `signature`), with the current one.
#[allow(clippy::too_many_arguments)]
fn image_form(
    lang: Language,
    csrf: &str,
    base: &str,
    kind: &str,
    title: SettingsText,
    current: Option<&str>,
    errors: &FieldErrors,
    saved: bool,
) -> Markup {
    use SettingsText::*;
    let error = errors.of(kind);
    let hint_id = format!("{kind}-hint");
    let error_id = format!("{kind}-error");
    let described = match error {
        Some(_) => format!("{hint_id} {error_id}"),
        None => hint_id.clone(),
    };
    html! {
        h3 id=(format!("{kind}-title")) { (t(lang, title)) }
        @if saved { (saved_note(lang, ImageSaved)) }
        @match current {
            Some(src) => {
                p.current-image { (t(lang, ImageSet)) " " img src=(src) alt=(t(lang, title)); }
            }
            None => { p { (t(lang, NoImage)) } }
        }
        form method="post" action=(format!("{base}/images")) enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="kind" value=(kind);
            div.field.invalid[error.is_some()] {
                label for=(kind) { (t(lang, ImageFile)) " (" (t(lang, title)) ")" }
                span.hint id=(hint_id) { (t(lang, ImageHint)) }
                @if let Some(error) = error {
                    span.field-error id=(error_id) { (error) }
                }
                input id=(kind) type="file" name="file" accept="image/png,image/jpeg" required
                    aria-describedby=(described) aria-invalid=[error.map(|_| "true")];
            }
            button type="submit" { (t(lang, Upload)) }
        }
    }
}
