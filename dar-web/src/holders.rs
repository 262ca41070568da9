//! Adding a shareholder to the register: the form, with every refused field marked in the
//! user's language.

use dar_core::types::Language;
use maud::html;

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, language_name, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, cooperative_nav};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolderText {
    AddShareholder,
    AddIntro,
    KindLabel,
    FirstName,
    LastName,
    LegalName,
    LegalNameHint,
    NationalNumberHint,
    EnterpriseNumberHint,
    BirthDate,
    Phone,
    Street,
    PostalCode,
    City,
    Country,
    CountryHint,
    Iban,
    IbanHint,
    PreferredLanguage,
    AdmissionHint,
    Save,
    Added,
    RecordEntry,
    BadNationalNumber,
    BadEnterpriseNumber,
    BadBirthDate,
    BadEmail,
    BadIban,
    BadPostalCode,
    BadCountry,
    BadAdmission,
    TooLong,
    NeedsLastName,
    NeedsLegalName,
    NotForNatural,
    NotForLegal,
}

impl Localized for HolderText {
    fn text(self, lang: Language) -> &'static str {
        use HolderText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (AddShareholder, Nl) => "Aandeelhouder toevoegen",
            (AddShareholder, Fr) => "Ajouter un associé",
            (AddShareholder, En) => "Add a shareholder",
            (AddIntro, Nl) => {
                "De nieuwe aandeelhouder krijgt het volgende registernummer. Aandelen boek je daarna met een uitgifte."
            }
            (AddIntro, Fr) => {
                "Le nouvel associé reçoit le numéro de registre suivant. Les parts s'enregistrent ensuite par une émission."
            }
            (AddIntro, En) => {
                "The new shareholder gets the next register number. Record their shares afterwards with an issue."
            }
            (KindLabel, Nl) => "Soort",
            (KindLabel, Fr) => "Type",
            (KindLabel, En) => "Kind",
            (FirstName, Nl) => "Voornaam",
            (FirstName, Fr) => "Prénom",
            (FirstName, En) => "First name",
            (LastName, Nl) => "Familienaam",
            (LastName, Fr) => "Nom de famille",
            (LastName, En) => "Last name",
            (LegalName, Nl) => "Naam van de rechtspersoon",
            (LegalName, Fr) => "Dénomination de la personne morale",
            (LegalName, En) => "Name of the legal entity",
            (LegalNameHint, Nl) => "Alleen voor een rechtspersoon.",
            (LegalNameHint, Fr) => "Uniquement pour une personne morale.",
            (LegalNameHint, En) => "For a legal entity only.",
            (NationalNumberHint, Nl) => {
                "Voor een natuurlijke persoon; 11 cijfers, bijvoorbeeld 85.07.30-033.28."
            }
            (NationalNumberHint, Fr) => {
                "Pour une personne physique ; 11 chiffres, par exemple 85.07.30-033.28."
            }
            (NationalNumberHint, En) => {
                "For a natural person; 11 digits, for example 85.07.30-033.28."
            }
            (EnterpriseNumberHint, Nl) => "Voor een rechtspersoon, bijvoorbeeld 0403.170.701.",
            (EnterpriseNumberHint, Fr) => "Pour une personne morale, par exemple 0403.170.701.",
            (EnterpriseNumberHint, En) => "For a legal entity, for example 0403.170.701.",
            (BirthDate, Nl) => "Geboortedatum",
            (BirthDate, Fr) => "Date de naissance",
            (BirthDate, En) => "Date of birth",
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
            (City, En) => "Town",
            (Country, Nl) => "Land",
            (Country, Fr) => "Pays",
            (Country, En) => "Country",
            (CountryHint, Nl) => "Twee letters, bijvoorbeeld BE.",
            (CountryHint, Fr) => "Deux lettres, par exemple BE.",
            (CountryHint, En) => "Two letters, for example BE.",
            (Iban, Nl) => "Rekeningnummer (IBAN)",
            (Iban, Fr) => "Numéro de compte (IBAN)",
            (Iban, En) => "Bank account (IBAN)",
            (IbanHint, Nl) => "Bijvoorbeeld BE68 5390 0754 7034.",
            (IbanHint, Fr) => "Par exemple BE68 5390 0754 7034.",
            (IbanHint, En) => "For example BE68 5390 0754 7034.",
            (PreferredLanguage, Nl) => "Taal",
            (PreferredLanguage, Fr) => "Langue",
            (PreferredLanguage, En) => "Language",
            (AdmissionHint, Nl) => "Leeg laten voor vandaag. Als dd/mm/jjjj.",
            (AdmissionHint, Fr) => "Laisser vide pour aujourd'hui. Comme jj/mm/aaaa.",
            (AdmissionHint, En) => "Leave empty for today. As dd/mm/yyyy.",
            (Save, Nl) => "Opslaan",
            (Save, Fr) => "Enregistrer",
            (Save, En) => "Save",
            (Added, Nl) => "De aandeelhouder is toegevoegd.",
            (Added, Fr) => "L'associé est ajouté.",
            (Added, En) => "The shareholder is added.",
            (RecordEntry, Nl) => "Boeking invoeren voor deze aandeelhouder",
            (RecordEntry, Fr) => "Enregistrer une opération pour cet associé",
            (RecordEntry, En) => "Record an entry for this shareholder",
            (BadNationalNumber, Nl) => {
                "Geen geldig rijksregisternummer (11 cijfers met een juist controlegetal)."
            }
            (BadNationalNumber, Fr) => {
                "Numéro de registre national non valide (11 chiffres avec un chiffre de contrôle correct)."
            }
            (BadNationalNumber, En) => {
                "Not a valid national register number (11 digits with a correct check number)."
            }
            (BadEnterpriseNumber, Nl) => {
                "Geen geldig ondernemingsnummer (10 cijfers, zoals 0403.170.701)."
            }
            (BadEnterpriseNumber, Fr) => {
                "Numéro d'entreprise non valide (10 chiffres, comme 0403.170.701)."
            }
            (BadEnterpriseNumber, En) => {
                "Not a valid enterprise number (10 digits, like 0403.170.701)."
            }
            (BadBirthDate, Nl) => {
                "Kijk de geboortedatum na: als dd/mm/jjjj, in het verleden, en dezelfde als in het rijksregisternummer."
            }
            (BadBirthDate, Fr) => {
                "Vérifiez la date de naissance : jj/mm/aaaa, dans le passé, et la même que dans le numéro de registre national."
            }
            (BadBirthDate, En) => {
                "Check the date of birth: dd/mm/yyyy, in the past, and the same as in the national register number."
            }
            (BadEmail, Nl) => "Geen geldig e-mailadres (zoals naam@voorbeeld.be).",
            (BadEmail, Fr) => "Adresse e-mail non valide (comme nom@exemple.be).",
            (BadEmail, En) => "Not a valid e-mail address (like name@example.be).",
            (BadIban, Nl) => "Geen geldig IBAN; kijk het rekeningnummer na.",
            (BadIban, Fr) => "IBAN non valide ; vérifiez le numéro de compte.",
            (BadIban, En) => "Not a valid IBAN; please check the account number.",
            (BadPostalCode, Nl) => "Geen geldige postcode voor dit land.",
            (BadPostalCode, Fr) => "Code postal non valide pour ce pays.",
            (BadPostalCode, En) => "Not a valid postal code for this country.",
            (BadCountry, Nl) => "Geef het land als twee letters, zoals BE.",
            (BadCountry, Fr) => "Indiquez le pays en deux lettres, comme BE.",
            (BadCountry, En) => "Give the country as two letters, like BE.",
            (BadAdmission, Nl) => "Kijk de datum na: als dd/mm/jjjj en niet in de toekomst.",
            (BadAdmission, Fr) => "Vérifiez la date : jj/mm/aaaa et pas dans le futur.",
            (BadAdmission, En) => "Check the date: dd/mm/yyyy and not in the future.",
            (TooLong, Nl) => "Dit is te lang of bevat tekens die niet bewaard kunnen worden.",
            (TooLong, Fr) => {
                "C'est trop long ou cela contient des caractères qui ne peuvent être conservés."
            }
            (TooLong, En) => "This is too long or holds characters that cannot be kept.",
            (NeedsLastName, Nl) => "Een natuurlijke persoon heeft een familienaam.",
            (NeedsLastName, Fr) => "Une personne physique a un nom de famille.",
            (NeedsLastName, En) => "A natural person has a last name.",
            (NeedsLegalName, Nl) => "Een rechtspersoon heeft een naam.",
            (NeedsLegalName, Fr) => "Une personne morale a une dénomination.",
            (NeedsLegalName, En) => "A legal entity has a name.",
            (NotForNatural, Nl) => "Alleen een rechtspersoon heeft dit.",
            (NotForNatural, Fr) => "Seule une personne morale en a un.",
            (NotForNatural, En) => "Only a legal entity has this.",
            (NotForLegal, Nl) => "Alleen een natuurlijke persoon heeft dit.",
            (NotForLegal, Fr) => "Seule une personne physique en a un.",
            (NotForLegal, En) => "Only a natural person has this.",
        }
    }
}

/// The add form's values as typed.
#[derive(Clone, Debug, Default)]
pub struct HolderValues {
    pub kind: String,
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
    pub admission_date: String,
}

/// The form's fields in order with their labels (the summary of problems uses them).
pub fn labels(lang: Language) -> Vec<(&'static str, &'static str)> {
    let h = |x: HolderText| t(lang, x);
    vec![
        ("kind", h(HolderText::KindLabel)),
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
        ("admission_date", t(lang, Text::AdmissionDate)),
    ]
}

pub struct AddHolder<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub csrf: &'a str,
    pub values: &'a HolderValues,
    pub errors: &'a FieldErrors,
}

/// The form to add a shareholder.
pub fn add_holder<'v>(frame: &Frame, a: &'v AddHolder<'v>) -> String {
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
    let text = |name: &'static str, value: &'v str| {
        Field::new(name, label(name), value, Control::Text).error_from(a.errors)
    };
    let kinds = vec![
        (
            "natural".to_string(),
            t(lang, Text::PersonNatural).to_string(),
        ),
        ("legal".to_string(), t(lang, Text::PersonLegal).to_string()),
    ];
    let languages = Language::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), language_name(*l).to_string()))
        .collect();
    let fields = [
        Field::new(
            "kind",
            label("kind"),
            &v.kind,
            Control::Select { options: kinds },
        )
        .error_from(a.errors)
        .required(),
        text("first_name", &v.first_name),
        text("last_name", &v.last_name),
        text("legal_name", &v.legal_name).hint(h(HolderText::LegalNameHint)),
        text("national_number", &v.national_number).hint(h(HolderText::NationalNumberHint)),
        text("enterprise_number", &v.enterprise_number).hint(h(HolderText::EnterpriseNumberHint)),
        Field::new(
            "birth_date",
            label("birth_date"),
            &v.birth_date,
            Control::Date,
        )
        .error_from(a.errors)
        .hint(t(lang, crate::entries::EntryText::DateHint)),
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
        Field::new(
            "admission_date",
            label("admission_date"),
            &v.admission_date,
            Control::Date,
        )
        .error_from(a.errors)
        .hint(h(HolderText::AdmissionHint)),
    ];
    page(
        frame,
        html! {
            p.context { (a.cooperative) }
            (cooperative_nav(lang, a.slug, Section::Shareholders))
            h1 { (h(HolderText::AddShareholder)) }
            p { (h(HolderText::AddIntro)) }
            (error_summary(t(lang, Text::FormProblems), a.errors, &labels))
            form method="post" action=(format!("/c/{}/shareholders/new", a.slug)) novalidate {
                input type="hidden" name="csrf" value=(a.csrf);
                div.form-grid {
                    @for f in &fields { (field(f)) }
                }
                div.actions {
                    button type="submit" { (h(HolderText::Save)) }
                    a href=(format!("/c/{}/shareholders", a.slug)) { (t(lang, Text::Holders)) }
                }
            }
        },
    )
}
