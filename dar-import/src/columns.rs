//! What each column of an uploaded register holds, recognised from its header in Dutch,
//! French or English, and the header row found below any title rows.

use unicode_normalization::UnicodeNormalization;

/// A column DAR can import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    RegisterNumber,
    Kind,
    FirstName,
    LastName,
    LegalName,
    NationalNumber,
    EnterpriseNumber,
    BirthDate,
    Street,
    PostalCode,
    City,
    Country,
    Email,
    Phone,
    Iban,
    Language,
    AdmissionDate,
    ShareClass,
    Shares,
    Subscribed,
    PaidUp,
    /// Subscribed but not yet paid up: read only to check that the amounts add up.
    Unpaid,
    EntryKind,
    EffectiveDate,
    From,
    To,
    Amount,
    Reference,
    /// Why an entry was made (a redemption needs one: withdrawal, exclusion, …).
    Reason,
    /// The entry's number in the register it comes from (our ledger export's `seq`).
    Sequence,
    /// The number of the entry a reversal cancels, in the same numbering.
    Reverses,
}

impl Field {
    pub const ALL: [Field; 31] = [
        Field::RegisterNumber,
        Field::Kind,
        Field::FirstName,
        Field::LastName,
        Field::LegalName,
        Field::NationalNumber,
        Field::EnterpriseNumber,
        Field::BirthDate,
        Field::Street,
        Field::PostalCode,
        Field::City,
        Field::Country,
        Field::Email,
        Field::Phone,
        Field::Iban,
        Field::Language,
        Field::AdmissionDate,
        Field::ShareClass,
        Field::Shares,
        Field::Subscribed,
        Field::PaidUp,
        Field::Unpaid,
        Field::EntryKind,
        Field::EffectiveDate,
        Field::From,
        Field::To,
        Field::Amount,
        Field::Reference,
        Field::Reason,
        Field::Sequence,
        Field::Reverses,
    ];

    /// The name a saved mapping and the API use.
    pub fn key(self) -> &'static str {
        match self {
            Field::RegisterNumber => "register_number",
            Field::Kind => "kind",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::LegalName => "legal_name",
            Field::NationalNumber => "national_number",
            Field::EnterpriseNumber => "enterprise_number",
            Field::BirthDate => "birth_date",
            Field::Street => "street",
            Field::PostalCode => "postal_code",
            Field::City => "city",
            Field::Country => "country",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Iban => "iban",
            Field::Language => "language",
            Field::AdmissionDate => "admission_date",
            Field::ShareClass => "share_class",
            Field::Shares => "shares",
            Field::Subscribed => "subscribed",
            Field::PaidUp => "paid_up",
            Field::Unpaid => "unpaid",
            Field::EntryKind => "entry_kind",
            Field::EffectiveDate => "effective_date",
            Field::From => "from",
            Field::To => "to",
            Field::Amount => "amount",
            Field::Reference => "reference",
            Field::Reason => "reason",
            Field::Sequence => "seq",
            Field::Reverses => "reverses_seq",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Headers that name this field, normalised (see [`normalise`]): Dutch, French and
    /// English, as registers, accounting packages and the Odoo cooperator module write them.
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::RegisterNumber => &[
                "register number",
                "registernummer",
                "register nr",
                "registernr",
                "nr",
                "nummer",
                "lidnummer",
                "lid nr",
                "vennotennummer",
                "aandeelhoudersnummer",
                "n",
                "no",
                "numero",
                "numero de registre",
                "numero d associe",
                "numero associe",
                "numero de membre",
                "member number",
                "shareholder number",
                "number",
                "cooperator number",
            ],
            Field::Kind => &[
                "kind",
                "type",
                "soort",
                "type persoon",
                "personne",
                "type de personne",
                "person type",
            ],
            Field::FirstName => &[
                "voornaam",
                "prenom",
                "first name",
                "firstname",
                "given name",
            ],
            Field::LastName => &[
                "naam",
                "achternaam",
                "familienaam",
                "nom",
                "nom de famille",
                "last name",
                "lastname",
                "surname",
                "family name",
                "name",
            ],
            Field::LegalName => &[
                "bedrijfsnaam",
                "firmanaam",
                "vennootschap",
                "organisatie",
                "raison sociale",
                "denomination",
                "societe",
                "entreprise",
                "company",
                "company name",
                "legal name",
                "organisation",
                "organization",
            ],
            Field::NationalNumber => &[
                "rijksregisternummer",
                "rijksregister",
                "rijksregisternr",
                "insz",
                "numero national",
                "numero de registre national",
                "registre national",
                "niss",
                "national number",
                "national register number",
            ],
            Field::EnterpriseNumber => &[
                "ondernemingsnummer",
                "kbo",
                "kbo nummer",
                "kbo nr",
                "btw nummer",
                "btw",
                "numero d entreprise",
                "bce",
                "numero bce",
                "tva",
                "numero tva",
                "enterprise number",
                "company number",
                "vat number",
                "vat",
            ],
            Field::BirthDate => &[
                "geboortedatum",
                "date de naissance",
                "birth date",
                "date of birth",
                "birthdate",
            ],
            Field::Street => &[
                "straat",
                "adres",
                "straat en nummer",
                "rue",
                "adresse",
                "street",
                "address",
            ],
            Field::PostalCode => &[
                "postcode",
                "code postal",
                "cp",
                "postal code",
                "zip",
                "zip code",
            ],
            Field::City => &[
                "gemeente",
                "woonplaats",
                "stad",
                "plaats",
                "commune",
                "localite",
                "ville",
                "city",
                "town",
                "municipality",
            ],
            Field::Country => &["land", "pays", "country"],
            Field::Email => &[
                "e mail",
                "email",
                "mail",
                "e mailadres",
                "emailadres",
                "courriel",
                "adresse e mail",
            ],
            Field::Phone => &["telefoon", "tel", "gsm", "telephone", "phone", "mobile"],
            Field::Iban => &[
                "iban",
                "rekeningnummer",
                "bankrekening",
                "rekening",
                "compte",
                "compte bancaire",
                "numero de compte",
                "bank account",
                "account number",
            ],
            Field::Language => &["taal", "langue", "language"],
            Field::AdmissionDate => &[
                "datum toetreding",
                "toetreding",
                "toetredingsdatum",
                "datum van toetreding",
                "lid sinds",
                "date d admission",
                "admission",
                "date d entree",
                "membre depuis",
                "admission date",
                "member since",
                "date joined",
            ],
            Field::ShareClass => &[
                "klasse",
                "aandelenklasse",
                "soort aandeel",
                "categorie",
                "classe",
                "categorie de parts",
                "classe de parts",
                "share class",
                "class",
                "share type",
            ],
            Field::Shares => &[
                "aandelen",
                "aantal aandelen",
                "aantal",
                "parts",
                "nombre de parts",
                "nombre",
                "shares",
                "number of shares",
                "quantity",
            ],
            Field::Subscribed => &[
                "geplaatst kapitaal",
                "kapitaal",
                "ingeschreven",
                "inschrijving",
                "bedrag inschrijving",
                "capital souscrit",
                "souscrit",
                "capital",
                "subscribed",
                "subscribed capital",
                "capital subscribed",
            ],
            Field::PaidUp => &[
                "volstort",
                "volgestort",
                "gestort",
                "volstort bedrag",
                "gestort bedrag",
                "libere",
                "capital libere",
                "montant libere",
                "paid",
                "paid up",
                "paid up capital",
                "amount paid",
            ],
            Field::Unpaid => &[
                "niet volstort",
                "nog te storten",
                "openstaand",
                "non libere",
                "a liberer",
                "unpaid",
                "not paid up",
            ],
            Field::EntryKind => &[
                "verrichting",
                "boeking",
                "soort verrichting",
                "operation",
                "type d operation",
                "transaction",
                "entry",
                "movement",
            ],
            Field::EffectiveDate => &[
                "datum",
                "boekingsdatum",
                "datum verrichting",
                "date",
                "date d operation",
                "effective date",
                "transaction date",
            ],
            Field::From => &[
                "van",
                "overdrager",
                "cedant",
                "de",
                "from",
                "transferor",
                "from register number",
                "van nr",
            ],
            Field::To => &[
                "aan",
                "naar",
                "overnemer",
                "cessionnaire",
                "a",
                "to",
                "transferee",
                "to register number",
                "aan nr",
            ],
            Field::Amount => &[
                "bedrag",
                "montant",
                "amount",
                "terugbetaald",
                "rembourse",
                "repaid",
            ],
            Field::Reference => &[
                "referentie",
                "kenmerk",
                "beslissing",
                "reference",
                "decision",
                "mededeling",
                "communication",
                "external reference",
            ],
            Field::Reason => &[
                "reden",
                "motivering",
                "omschrijving",
                "reason",
                "description",
                "motif",
                "raison",
            ],
            Field::Sequence => &["seq", "volgnummer", "sequence", "numero d ordre"],
            Field::Reverses => &[
                "reverses seq",
                "reverses",
                "tegenboeking van",
                "annule",
                "annulation de",
            ],
        }
    }
}

/// A header as compared: lower case, accents and punctuation dropped, spaces single.
/// "N°", "Nr.", "E-mail" and "Numéro d'entreprise" become "n", "nr", "e mail" and
/// "numero d entreprise".
pub fn normalise(header: &str) -> String {
    let plain: String = header
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What each header names, or `None` for a column DAR does not import. A header that is a
/// field's own key (`last_name`, as our exports write them) is that field before any
/// synonym is tried, so an export's `name` beside its `last_name` does not take the
/// surname. A field is given to one column only, so two columns never feed one field. In
/// a file of dated movements a bare "kind" or "type" says what each movement is.
pub fn recognise(headers: &[String]) -> Vec<Option<Field>> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut fields: Vec<Option<Field>> = normalised
        .iter()
        .map(|h| Field::ALL.into_iter().find(|f| normalise(f.key()) == *h))
        .collect();
    // The first column with a field's key keeps it.
    for i in 0..fields.len() {
        if fields[i].is_some() && fields[..i].contains(&fields[i]) {
            fields[i] = None;
        }
    }
    for (i, h) in normalised.iter().enumerate() {
        if fields[i].is_some() || normalised[..i].contains(h) {
            continue;
        }
        fields[i] = Field::ALL
            .into_iter()
            .find(|f| !fields.contains(&Some(*f)) && f.names().contains(&h.as_str()));
    }
    let dated = fields.contains(&Some(Field::EffectiveDate));
    if dated && !fields.contains(&Some(Field::EntryKind)) {
        for (i, h) in normalised.iter().enumerate() {
            if fields[i] == Some(Field::Kind) && ["kind", "type", "soort"].contains(&h.as_str()) {
                fields[i] = Some(Field::EntryKind);
            }
        }
    }
    fields
}

/// Of the first `rows`, the index of the header row: the first in which at least two
/// columns are recognised. Title rows, dates and merged cells above it are skipped.
pub fn header_row<'a>(rows: impl IntoIterator<Item = &'a [String]>) -> Option<usize> {
    rows.into_iter()
        .take(20)
        .position(|cells| recognise(cells).iter().flatten().count() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn headers_are_compared_without_case_accents_or_punctuation() {
        assert_eq!(normalise("  Numéro d'Entreprise "), "numero d entreprise");
        assert_eq!(normalise("N°"), "n");
        assert_eq!(normalise("E-mail"), "e mail");
        assert_eq!(normalise("Volstort (€)"), "volstort");
    }

    #[test]
    fn dutch_french_and_english_headers_are_recognised() {
        let nl = recognise(&strings(&[
            "Nr.",
            "Voornaam",
            "Naam",
            "Straat",
            "Postcode",
            "Gemeente",
            "Rekeningnummer",
            "Aantal aandelen",
            "Volstort",
        ]));
        assert_eq!(
            nl,
            [
                Field::RegisterNumber,
                Field::FirstName,
                Field::LastName,
                Field::Street,
                Field::PostalCode,
                Field::City,
                Field::Iban,
                Field::Shares,
                Field::PaidUp
            ]
            .map(Some)
        );
        let fr = recognise(&strings(&[
            "N°",
            "Prénom",
            "Nom",
            "Numéro d'entreprise",
            "Nombre de parts",
            "Capital libéré",
        ]));
        assert_eq!(
            fr,
            [
                Field::RegisterNumber,
                Field::FirstName,
                Field::LastName,
                Field::EnterpriseNumber,
                Field::Shares,
                Field::PaidUp
            ]
            .map(Some)
        );
        let en = recognise(&strings(&[
            "Member number",
            "First name",
            "Last name",
            "Share class",
            "Shares",
            "Paid up",
            "Notes",
        ]));
        assert_eq!(
            en[..6],
            [
                Field::RegisterNumber,
                Field::FirstName,
                Field::LastName,
                Field::ShareClass,
                Field::Shares,
                Field::PaidUp
            ]
            .map(Some)
        );
        assert_eq!(en[6], None, "a column DAR does not import");
    }

    #[test]
    fn a_field_goes_to_its_first_column_only() {
        assert_eq!(
            recognise(&strings(&["Naam", "Naam"])),
            [Some(Field::LastName), None]
        );
    }

    #[test]
    fn the_header_row_is_found_below_title_rows() {
        let rows = [
            strings(&["Aandelenregister Coöperatie De Korenbloem cv", "", ""]),
            strings(&["Stand op 31/12/2025"]),
            strings(&["Nr", "Naam", "Aandelen"]),
            strings(&["1", "Peeters", "5"]),
        ];
        assert_eq!(header_row(rows.iter().map(Vec::as_slice)), Some(2));
    }

    #[test]
    fn an_exports_own_keys_win_over_synonyms() {
        assert_eq!(
            recognise(&strings(&["register_number", "name", "kind", "last_name"])),
            [
                Some(Field::RegisterNumber),
                None,
                Some(Field::Kind),
                Some(Field::LastName)
            ]
        );
    }

    #[test]
    fn a_kind_beside_a_date_is_the_kind_of_entry() {
        assert_eq!(
            recognise(&strings(&["seq", "kind", "effective_date", "shares"])),
            [
                Some(Field::Sequence),
                Some(Field::EntryKind),
                Some(Field::EffectiveDate),
                Some(Field::Shares)
            ]
        );
    }

    #[test]
    fn every_field_has_a_key_that_reads_back() {
        for field in Field::ALL {
            assert_eq!(Field::from_key(field.key()), Some(field));
        }
    }
}
