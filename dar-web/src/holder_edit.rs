//! An administrator's change of a shareholder: the form with the current identity and
//! status, and, on the holder's page, the identity's versions and the portal accounts that
//! see this holder.

use chrono::{NaiveDate, NaiveDateTime};
use dar_core::types::{Language, ShareholderStatus};
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::holders::HolderText;
use crate::i18n::{Localized, Text, date, language_name, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, Tools, cooperative_nav, status_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditText {
    EditDetails,
    EditIntro,
    ValidFrom,
    ValidFromHint,
    ChangeOfStatus,
    ExitDate,
    ExitDateHint,
    ExitReason,
    Updated,
    StillHoldsShares,
    ExitDateRequired,
    BadValidFrom,
    BadExitDate,
    CannotBeEmptied,
    SameNumberElsewhere,
    Versions,
    VersionsIntro,
    VersionNumber,
    PortalAccess,
    PortalAccessIntro,
    NoPortalAccess,
    Since,
    BackToHolder,
}

impl Localized for EditText {
    fn text(self, lang: Language) -> &'static str {
        use EditText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (EditDetails, Nl) => "Gegevens wijzigen",
            (EditDetails, Fr) => "Modifier les données",
            (EditDetails, En) => "Change details",
            (EditIntro, Nl) => {
                "Een gewijzigde identiteit wordt een nieuwe versie; de vorige blijven bewaard."
            }
            (EditIntro, Fr) => {
                "Une identité modifiée devient une nouvelle version ; les précédentes sont conservées."
            }
            (EditIntro, En) => "A changed identity becomes a new version; earlier ones are kept.",
            (ValidFrom, Nl) => "Geldig vanaf",
            (ValidFrom, Fr) => "Valable à partir du",
            (ValidFrom, En) => "Valid from",
            (ValidFromHint, Nl) => "De datum waarop de wijziging ingaat, als dd/mm/jjjj.",
            (ValidFromHint, Fr) => "La date à laquelle la modification prend effet, jj/mm/aaaa.",
            (ValidFromHint, En) => "The date the change takes effect, as dd/mm/yyyy.",
            (ChangeOfStatus, Nl) => "Status en uittreding",
            (ChangeOfStatus, Fr) => "Statut et sortie",
            (ChangeOfStatus, En) => "Status and leaving",
            (ExitDate, Nl) => "Datum van uittreding",
            (ExitDate, Fr) => "Date de sortie",
            (ExitDate, En) => "Date of leaving",
            (ExitDateHint, Nl) => {
                "Nodig bij uitgetreden, uitgesloten of overleden, als dd/mm/jjjj."
            }
            (ExitDateHint, Fr) => "Requise si sorti, exclu ou décédé, jj/mm/aaaa.",
            (ExitDateHint, En) => "Needed when exited, excluded or deceased, as dd/mm/yyyy.",
            (ExitReason, Nl) => "Reden van uittreding",
            (ExitReason, Fr) => "Motif de la sortie",
            (ExitReason, En) => "Reason for leaving",
            (Updated, Nl) => "De gegevens van de aandeelhouder zijn gewijzigd.",
            (Updated, Fr) => "Les données de l'associé sont modifiées.",
            (Updated, En) => "The shareholder's details are changed.",
            (StillHoldsShares, Nl) => {
                "Deze aandeelhouder heeft nog aandelen: boek eerst een terugneming of overdracht."
            }
            (StillHoldsShares, Fr) => {
                "Cet associé détient encore des parts : enregistrez d'abord un remboursement ou une cession."
            }
            (StillHoldsShares, En) => {
                "This shareholder still holds shares: record a redemption or transfer first."
            }
            (ExitDateRequired, Nl) => "Geef de datum van uittreding.",
            (ExitDateRequired, Fr) => "Indiquez la date de sortie.",
            (ExitDateRequired, En) => "Give the date of leaving.",
            (BadValidFrom, Nl) => {
                "Kijk de datum na: als dd/mm/jjjj, niet in de toekomst en niet voor de toetreding."
            }
            (BadValidFrom, Fr) => {
                "Vérifiez la date : jj/mm/aaaa, pas dans le futur ni avant l'admission."
            }
            (BadValidFrom, En) => {
                "Check the date: dd/mm/yyyy, not in the future and not before the admission."
            }
            (BadExitDate, Nl) => {
                "Kijk de datum van uittreding na: als dd/mm/jjjj, niet in de toekomst en niet voor de toetreding."
            }
            (BadExitDate, Fr) => {
                "Vérifiez la date de sortie : jj/mm/aaaa, pas dans le futur ni avant l'admission."
            }
            (BadExitDate, En) => {
                "Check the date of leaving: dd/mm/yyyy, not in the future and not before the admission."
            }
            (CannotBeEmptied, Nl) => "Dit kan niet leeggemaakt worden; geef de juiste waarde.",
            (CannotBeEmptied, Fr) => "Ceci ne peut pas être vidé ; indiquez la bonne valeur.",
            (CannotBeEmptied, En) => "This cannot be emptied; give the right value.",
            (SameNumberElsewhere, Nl) => {
                "Een andere aandeelhouder van dit register heeft hetzelfde nummer."
            }
            (SameNumberElsewhere, Fr) => "Un autre associé de ce registre a le même numéro.",
            (SameNumberElsewhere, En) => {
                "Another shareholder of this register has the same number."
            }
            (Versions, Nl) => "Versies van de identiteit",
            (Versions, Fr) => "Versions de l'identité",
            (Versions, En) => "Versions of the identity",
            (VersionsIntro, Nl) => "Wie de aandeelhouder was, van de oudste versie tot nu.",
            (VersionsIntro, Fr) => "Qui était l'associé, de la plus ancienne version à ce jour.",
            (VersionsIntro, En) => "Who the shareholder was, from the oldest version to now.",
            (VersionNumber, Nl) => "Versie",
            (VersionNumber, Fr) => "Version",
            (VersionNumber, En) => "Version",
            (PortalAccess, Nl) => "Toegang tot het portaal",
            (PortalAccess, Fr) => "Accès au portail",
            (PortalAccess, En) => "Portal access",
            (PortalAccessIntro, Nl) => {
                "Deze accounts zien de gegevens en aandelen van deze aandeelhouder."
            }
            (PortalAccessIntro, Fr) => {
                "Ces comptes voient les données et les parts de cet associé."
            }
            (PortalAccessIntro, En) => "These accounts see this shareholder's details and shares.",
            (NoPortalAccess, Nl) => "Geen enkel account heeft toegang tot deze aandeelhouder.",
            (NoPortalAccess, Fr) => "Aucun compte n'a accès à cet associé.",
            (NoPortalAccess, En) => "No account has access to this shareholder.",
            (Since, Nl) => "Sinds",
            (Since, Fr) => "Depuis",
            (Since, En) => "Since",
            (BackToHolder, Nl) => "Terug naar de aandeelhouder",
            (BackToHolder, Fr) => "Retour à l'associé",
            (BackToHolder, En) => "Back to the shareholder",
        }
    }
}

/// The edit form's values as typed (or, first, as the register has them).
#[derive(Clone, Debug, Default)]
pub struct EditValues {
    pub first_name: String,
    pub last_name: String,
    pub legal_name: String,
    pub national_number: String,
    pub enterprise_number: String,
    pub birth_date: String,
    pub email: String,
    pub phone: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub iban: String,
    pub language: String,
    pub valid_from: String,
    pub status: String,
    pub exit_date: String,
    pub exit_reason: String,
}

/// The form's fields in order with their labels (the summary of problems uses them).
pub fn labels(lang: Language) -> Vec<(&'static str, &'static str)> {
    let h = |x: HolderText| t(lang, x);
    let e = |x: EditText| t(lang, x);
    vec![
        ("first_name", h(HolderText::FirstName)),
        ("last_name", h(HolderText::LastName)),
        ("legal_name", h(HolderText::LegalName)),
        ("national_number", t(lang, Text::NationalNumber)),
        ("enterprise_number", t(lang, Text::EnterpriseNumber)),
        ("birth_date", h(HolderText::BirthDate)),
        ("email", t(lang, Text::Email)),
        ("phone", h(HolderText::Phone)),
        ("street", h(HolderText::Street)),
        ("postal_code", h(HolderText::PostalCode)),
        ("city", h(HolderText::City)),
        ("country", h(HolderText::Country)),
        ("iban", h(HolderText::Iban)),
        ("language", h(HolderText::PreferredLanguage)),
        ("valid_from", e(EditText::ValidFrom)),
        ("status", t(lang, Text::Status)),
        ("exit_date", e(EditText::ExitDate)),
        ("exit_reason", e(EditText::ExitReason)),
    ]
}

pub struct EditHolder<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub holder_id: &'a str,
    pub name: &'a str,
    pub register_number: i64,
    pub legal: bool,
    /// The reader may see the national register number (and so change it).
    pub shows_national_number: bool,
    pub csrf: &'a str,
    pub values: &'a EditValues,
    pub errors: &'a FieldErrors,
    pub tools: Tools,
}

/// The form to change a shareholder's identity and status.
pub fn edit_holder<'v>(frame: &Frame, a: &'v EditHolder<'v>) -> String {
    let lang = frame.lang;
    let v = a.values;
    let labels = labels(lang);
    let label = |name: &str| {
        labels
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, l)| *l)
    };
    let h = |x: HolderText| t(lang, x);
    let e = |x: EditText| t(lang, x);
    let text = |name: &'static str, value: &'v str| {
        Field::new(name, label(name), value, Control::Text).error_from(a.errors)
    };
    let day = |name: &'static str, value: &'v str| {
        Field::new(name, label(name), value, Control::Date).error_from(a.errors)
    };
    let languages = Language::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), language_name(*l).to_string()))
        .collect();
    let statuses = [
        ShareholderStatus::Active,
        ShareholderStatus::Exited,
        ShareholderStatus::Excluded,
        ShareholderStatus::Deceased,
    ]
    .iter()
    .map(|s| (s.as_str().to_string(), t(lang, status_text(*s)).to_string()))
    .collect();
    let mut identity = Vec::new();
    if a.legal {
        identity.push(text("legal_name", &v.legal_name).required());
        identity.push(
            text("enterprise_number", &v.enterprise_number)
                .hint(h(HolderText::EnterpriseNumberHint)),
        );
    } else {
        identity.push(text("first_name", &v.first_name));
        identity.push(text("last_name", &v.last_name).required());
        if a.shows_national_number {
            identity.push(
                text("national_number", &v.national_number).hint(h(HolderText::NationalNumberHint)),
            );
        }
        identity.push(
            day("birth_date", &v.birth_date).hint(t(lang, crate::entries::EntryText::DateHint)),
        );
    }
    identity.extend([
        Field::new("email", label("email"), &v.email, Control::Email).error_from(a.errors),
        Field::new("phone", label("phone"), &v.phone, Control::Tel).error_from(a.errors),
        text("street", &v.street),
        text("postal_code", &v.postal_code),
        text("city", &v.city),
        text("country", &v.country).hint(h(HolderText::CountryHint)),
        text("iban", &v.iban).hint(h(HolderText::IbanHint)),
        Field::new(
            "language",
            label("language"),
            &v.language,
            Control::Select { options: languages },
        )
        .error_from(a.errors),
        day("valid_from", &v.valid_from)
            .hint(e(EditText::ValidFromHint))
            .required(),
    ]);
    let status = [
        Field::new(
            "status",
            label("status"),
            &v.status,
            Control::Select { options: statuses },
        )
        .error_from(a.errors)
        .required(),
        day("exit_date", &v.exit_date).hint(e(EditText::ExitDateHint)),
        Field::new(
            "exit_reason",
            label("exit_reason"),
            &v.exit_reason,
            Control::Area,
        )
        .error_from(a.errors),
    ];
    let holder_path = format!("/c/{}/shareholders/{}", a.slug, a.holder_id);
    page(
        frame,
        html! {
            p.context { (a.cooperative) }
            (cooperative_nav(lang, a.slug, a.tools, Section::Shareholders))
            h1 { (e(EditText::EditDetails)) ": " (a.name) " " span.number { "(" (a.register_number) ")" } }
            p { (e(EditText::EditIntro)) }
            (error_summary(t(lang, Text::FormProblems), a.errors, &labels))
            form method="post" action=(format!("{holder_path}/edit")) novalidate {
                input type="hidden" name="csrf" value=(a.csrf);
                fieldset {
                    legend { (t(lang, Text::Identity)) }
                    div.form-grid {
                        @for f in &identity { (field(f)) }
                    }
                }
                fieldset {
                    legend { (e(EditText::ChangeOfStatus)) }
                    div.form-grid {
                        @for f in &status { (field(f)) }
                    }
                }
                div.actions {
                    button type="submit" { (h(HolderText::Save)) }
                    a href=(holder_path) { (e(EditText::BackToHolder)) }
                }
            }
        },
    )
}

/// One identity version as the holder's page lists it.
pub struct VersionLine {
    pub version: i32,
    pub valid_from: NaiveDate,
    pub name: String,
    pub address: String,
    pub email: Option<String>,
    pub iban: Option<String>,
}

/// One portal account that sees the holder.
pub struct AccessLine {
    pub email: String,
    pub since: NaiveDateTime,
}

/// The holder page's parts for an administrator: the identity's versions and who sees the
/// holder in the portal.
pub fn admin_sections(lang: Language, versions: &[VersionLine], access: &[AccessLine]) -> Markup {
    let e = |x: EditText| t(lang, x);
    html! {
        section aria-labelledby="versions" {
            h2 #versions { (e(EditText::Versions)) }
            p { (e(EditText::VersionsIntro)) }
            div.scroll tabindex="0" role="region" aria-label=(e(EditText::Versions)) {
                table {
                    thead { tr {
                        th scope="col" { (e(EditText::VersionNumber)) }
                        th scope="col" { (e(EditText::ValidFrom)) }
                        th scope="col" { (t(lang, Text::Name)) }
                        th scope="col" { (t(lang, Text::Address)) }
                        th scope="col" { (t(lang, Text::Email)) }
                        th scope="col" { (t(lang, HolderText::Iban)) }
                    } }
                    tbody {
                        @for v in versions {
                            tr {
                                td { (v.version) }
                                td { (date(v.valid_from)) }
                                td { (v.name) }
                                td { (v.address) }
                                td { (v.email.as_deref().unwrap_or("")) }
                                td { (v.iban.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="portal-access" {
            h2 #portal-access { (e(EditText::PortalAccess)) }
            @if access.is_empty() {
                p { (e(EditText::NoPortalAccess)) }
            } @else {
                p { (e(EditText::PortalAccessIntro)) }
                ul {
                    @for a in access {
                        li { (a.email) " — " (e(EditText::Since)) " " (date(a.since.date())) }
                    }
                }
            }
        }
    }
}
