//! The application's words in Dutch, French and English, and Belgian formats for dates and
//! amounts. Every text is a variant of [`Text`], so a page cannot ask for a text that one
//! language lacks: the compiler checks all three.

use chrono::NaiveDate;
use dar_core::types::Language;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    AppName,
    AppTagline,
    SkipToContent,
    SignIn,
    SignInTitle,
    SignInIntro,
    Email,
    Password,
    SignOut,
    WrongCredentials,
    TooManyAttempts,
    FormExpired,
    LanguageLabel,
    Change,
    MyCooperatives,
    NoCooperatives,
    RoleAdmin,
    RoleViewer,
    RoleShareholder,
    RoleHelpdesk,
    RoleCoordinator,
    Dashboard,
    CapitalAndShares,
    Class,
    Shares,
    Subscribed,
    PaidUp,
    Holders,
    ActiveHolders,
    LatestEntries,
    NoEntries,
    EntryNumber,
    EffectiveDate,
    Kind,
    From,
    To,
    Quantity,
    LedgerVerified,
    LedgerBroken,
    Total,
    NotFoundTitle,
    NotFoundBody,
    ErrorTitle,
    ErrorBody,
    BackHome,
    KindIssue,
    KindTransfer,
    KindRedemption,
    KindPayment,
    KindReversal,
    Register,
    RegisterAsOf,
    AsOf,
    Show,
    DownloadPdf,
    DownloadCsv,
    DownloadXlsx,
    DownloadOcf,
    CapitalMovements,
    CapitalMovementsHint,
    PeriodFrom,
    PeriodTo,
    PeriodBackwards,
    Search,
    SearchHint,
    Status,
    AnyStatus,
    StatusActive,
    StatusExited,
    StatusExcluded,
    StatusDeceased,
    RegisterNumber,
    Name,
    Municipality,
    NextPage,
    NoShareholdersFound,
    Identity,
    Holdings,
    NoHoldings,
    History,
    AdmissionDate,
    PersonNatural,
    PersonLegal,
    NationalNumber,
    EnterpriseNumber,
    Address,
    CooperativeSections,
    MyHoldings,
    MyMovements,
    MyCertificates,
    NoCertificates,
    CertificateNumber,
    IssuedOn,
    Superseded,
    Current,
    AnotherShareholder,
    Open,
    Cooperatives,
    PlatformIntro,
    Slug,
    Entries,
    TenantActive,
    TenantSuspended,
    TenantArchived,
    ChangePassword,
    CurrentPassword,
    NewPassword,
    RepeatPassword,
    PasswordChanged,
    WrongCurrentPassword,
    PasswordTooShort,
    PasswordsDiffer,
    BadFormTitle,
    BadFormBody,
    FormProblems,
    Ledger,
    OlderEntries,
    NewerEntries,
    Certificates,
}

/// A set of texts in all three languages. [`Text`] holds the application's common words;
/// an area with many words of its own (e-mails, support sessions, …) keeps them in its own
/// enum beside its pages and implements this, so areas do not all grow one list.
pub trait Localized: Copy {
    fn text(self, lang: Language) -> &'static str;
}

/// The text `t` in `lang`.
pub fn t(lang: Language, t: impl Localized) -> &'static str {
    t.text(lang)
}

impl Localized for Text {
    fn text(self, lang: Language) -> &'static str {
        common(lang, self)
    }
}

fn common(lang: Language, t: Text) -> &'static str {
    use Language::{En, Fr, Nl};
    use Text::*;
    match (t, lang) {
        (AppName, _) => "DAR",
        (AppTagline, Nl) => "Digitaal aandeelhoudersregister",
        (AppTagline, Fr) => "Registre numérique des actionnaires",
        (AppTagline, En) => "Digital shareholder register",
        (SkipToContent, Nl) => "Naar de inhoud",
        (SkipToContent, Fr) => "Aller au contenu",
        (SkipToContent, En) => "Skip to content",
        (SignIn, Nl) => "Aanmelden",
        (SignIn, Fr) => "Se connecter",
        (SignIn, En) => "Sign in",
        (SignInTitle, Nl) => "Aanmelden bij DAR",
        (SignInTitle, Fr) => "Se connecter à DAR",
        (SignInTitle, En) => "Sign in to DAR",
        (SignInIntro, Nl) => "Het aandeelhoudersregister van uw coöperatie.",
        (SignInIntro, Fr) => "Le registre des actionnaires de votre coopérative.",
        (SignInIntro, En) => "The shareholder register of your cooperative.",
        (Email, Nl) => "E-mailadres",
        (Email, Fr) => "Adresse e-mail",
        (Email, En) => "E-mail address",
        (Password, Nl) => "Wachtwoord",
        (Password, Fr) => "Mot de passe",
        (Password, En) => "Password",
        (SignOut, Nl) => "Afmelden",
        (SignOut, Fr) => "Se déconnecter",
        (SignOut, En) => "Sign out",
        (WrongCredentials, Nl) => "Dit e-mailadres en wachtwoord horen niet bij elkaar.",
        (WrongCredentials, Fr) => "Cette adresse e-mail et ce mot de passe ne correspondent pas.",
        (WrongCredentials, En) => "This e-mail address and password do not match.",
        (TooManyAttempts, Nl) => {
            "Te veel mislukte pogingen. Probeer het over enkele minuten opnieuw."
        }
        (TooManyAttempts, Fr) => "Trop de tentatives échouées. Réessayez dans quelques minutes.",
        (TooManyAttempts, En) => "Too many failed attempts. Try again in a few minutes.",
        (FormExpired, Nl) => "Dit formulier is verlopen. Probeer het opnieuw.",
        (FormExpired, Fr) => "Ce formulaire a expiré. Veuillez réessayer.",
        (FormExpired, En) => "This form has expired. Please try again.",
        (LanguageLabel, Nl) => "Taal",
        (LanguageLabel, Fr) => "Langue",
        (LanguageLabel, En) => "Language",
        (Change, Nl) => "Wijzigen",
        (Change, Fr) => "Modifier",
        (Change, En) => "Change",
        (MyCooperatives, Nl) => "Mijn coöperaties",
        (MyCooperatives, Fr) => "Mes coopératives",
        (MyCooperatives, En) => "My cooperatives",
        (NoCooperatives, Nl) => "U hebt nog geen toegang tot een coöperatie.",
        (NoCooperatives, Fr) => "Vous n'avez encore accès à aucune coopérative.",
        (NoCooperatives, En) => "You do not have access to a cooperative yet.",
        (RoleAdmin, Nl) => "beheerder",
        (RoleAdmin, Fr) => "administrateur",
        (RoleAdmin, En) => "administrator",
        (RoleViewer, Nl) => "lezer",
        (RoleViewer, Fr) => "lecteur",
        (RoleViewer, En) => "viewer",
        (RoleShareholder, Nl) => "aandeelhouder",
        (RoleShareholder, Fr) => "actionnaire",
        (RoleShareholder, En) => "shareholder",
        (RoleHelpdesk, Nl) => "helpdesk",
        (RoleHelpdesk, Fr) => "support",
        (RoleHelpdesk, En) => "helpdesk",
        (RoleCoordinator, Nl) => "coördinator",
        (RoleCoordinator, Fr) => "coordinateur",
        (RoleCoordinator, En) => "coordinator",
        (Dashboard, Nl) => "Overzicht",
        (Dashboard, Fr) => "Aperçu",
        (Dashboard, En) => "Overview",
        (CapitalAndShares, Nl) => "Kapitaal en aandelen per klasse",
        (CapitalAndShares, Fr) => "Capital et parts par classe",
        (CapitalAndShares, En) => "Capital and shares per class",
        (Class, Nl) => "Klasse",
        (Class, Fr) => "Classe",
        (Class, En) => "Class",
        (Shares, Nl) => "Aandelen",
        (Shares, Fr) => "Parts",
        (Shares, En) => "Shares",
        (Subscribed, Nl) => "Geplaatst kapitaal",
        (Subscribed, Fr) => "Capital souscrit",
        (Subscribed, En) => "Subscribed capital",
        (PaidUp, Nl) => "Volgestort",
        (PaidUp, Fr) => "Libéré",
        (PaidUp, En) => "Paid up",
        (Holders, Nl) => "Aandeelhouders",
        (Holders, Fr) => "Actionnaires",
        (Holders, En) => "Shareholders",
        (ActiveHolders, Nl) => "actieve aandeelhouders",
        (ActiveHolders, Fr) => "actionnaires actifs",
        (ActiveHolders, En) => "active shareholders",
        (LatestEntries, Nl) => "Laatste boekingen",
        (LatestEntries, Fr) => "Dernières inscriptions",
        (LatestEntries, En) => "Latest entries",
        (NoEntries, Nl) => "Het register heeft nog geen boekingen.",
        (NoEntries, Fr) => "Le registre n'a pas encore d'inscriptions.",
        (NoEntries, En) => "The register has no entries yet.",
        (EntryNumber, Nl) => "Nr.",
        (EntryNumber, Fr) => "N°",
        (EntryNumber, En) => "No.",
        (EffectiveDate, Nl) => "Datum",
        (EffectiveDate, Fr) => "Date",
        (EffectiveDate, En) => "Date",
        (Kind, Nl) => "Soort",
        (Kind, Fr) => "Type",
        (Kind, En) => "Kind",
        (From, Nl) => "Van",
        (From, Fr) => "De",
        (From, En) => "From",
        (To, Nl) => "Aan",
        (To, Fr) => "À",
        (To, En) => "To",
        (Quantity, Nl) => "Aantal",
        (Quantity, Fr) => "Nombre",
        (Quantity, En) => "Quantity",
        (LedgerVerified, Nl) => "Het register is nagerekend: de keten van boekingen is intact.",
        (LedgerVerified, Fr) => "Le registre est vérifié : la chaîne des inscriptions est intacte.",
        (LedgerVerified, En) => "The register is verified: the chain of entries is intact.",
        (LedgerBroken, Nl) => {
            "Waarschuwing: de keten van boekingen klopt niet. Neem contact op met de helpdesk."
        }
        (LedgerBroken, Fr) => {
            "Attention : la chaîne des inscriptions est rompue. Contactez le support."
        }
        (LedgerBroken, En) => {
            "Warning: the chain of entries does not add up. Contact the helpdesk."
        }
        (Total, Nl) => "Totaal",
        (Total, Fr) => "Total",
        (Total, En) => "Total",
        (NotFoundTitle, Nl) => "Niet gevonden",
        (NotFoundTitle, Fr) => "Introuvable",
        (NotFoundTitle, En) => "Not found",
        (NotFoundBody, Nl) => "Deze pagina bestaat niet, of u hebt er geen toegang toe.",
        (NotFoundBody, Fr) => "Cette page n'existe pas, ou vous n'y avez pas accès.",
        (NotFoundBody, En) => "This page does not exist, or you have no access to it.",
        (ErrorTitle, Nl) => "Er ging iets mis",
        (ErrorTitle, Fr) => "Une erreur s'est produite",
        (ErrorTitle, En) => "Something went wrong",
        (ErrorBody, Nl) => "Probeer het zo meteen opnieuw.",
        (ErrorBody, Fr) => "Veuillez réessayer dans un instant.",
        (ErrorBody, En) => "Please try again in a moment.",
        (BackHome, Nl) => "Naar de startpagina",
        (BackHome, Fr) => "Retour à l'accueil",
        (BackHome, En) => "Back to the start page",
        (KindIssue, Nl) => "uitgifte",
        (KindIssue, Fr) => "émission",
        (KindIssue, En) => "issue",
        (KindTransfer, Nl) => "overdracht",
        (KindTransfer, Fr) => "cession",
        (KindTransfer, En) => "transfer",
        (KindRedemption, Nl) => "terugneming",
        (KindRedemption, Fr) => "remboursement",
        (KindRedemption, En) => "redemption",
        (KindPayment, Nl) => "volstorting",
        (KindPayment, Fr) => "libération",
        (KindPayment, En) => "payment",
        (KindReversal, Nl) => "tegenboeking",
        (KindReversal, Fr) => "extourne",
        (KindReversal, En) => "reversal",
        (ChangePassword, Nl) => "Wachtwoord wijzigen",
        (ChangePassword, Fr) => "Changer le mot de passe",
        (ChangePassword, En) => "Change password",
        (CurrentPassword, Nl) => "Huidig wachtwoord",
        (CurrentPassword, Fr) => "Mot de passe actuel",
        (CurrentPassword, En) => "Current password",
        (NewPassword, Nl) => "Nieuw wachtwoord (minstens 10 tekens)",
        (NewPassword, Fr) => "Nouveau mot de passe (au moins 10 caractères)",
        (NewPassword, En) => "New password (at least 10 characters)",
        (RepeatPassword, Nl) => "Nieuw wachtwoord herhalen",
        (RepeatPassword, Fr) => "Répéter le nouveau mot de passe",
        (RepeatPassword, En) => "Repeat the new password",
        (PasswordChanged, Nl) => "Uw wachtwoord is gewijzigd. U bent overal elders afgemeld.",
        (PasswordChanged, Fr) => {
            "Votre mot de passe est changé. Vous êtes déconnecté partout ailleurs."
        }
        (PasswordChanged, En) => "Your password is changed. You are signed out everywhere else.",
        (WrongCurrentPassword, Nl) => "Het huidige wachtwoord klopt niet.",
        (WrongCurrentPassword, Fr) => "Le mot de passe actuel est incorrect.",
        (WrongCurrentPassword, En) => "The current password is not right.",
        (PasswordTooShort, Nl) => "Het nieuwe wachtwoord moet minstens 10 tekens hebben.",
        (PasswordTooShort, Fr) => "Le nouveau mot de passe doit compter au moins 10 caractères.",
        (PasswordTooShort, En) => "The new password must have at least 10 characters.",
        (PasswordsDiffer, Nl) => "De twee nieuwe wachtwoorden verschillen.",
        (PasswordsDiffer, Fr) => "Les deux nouveaux mots de passe diffèrent.",
        (PasswordsDiffer, En) => "The two new passwords differ.",
        (Cooperatives, Nl) => "Coöperaties",
        (Cooperatives, Fr) => "Coopératives",
        (Cooperatives, En) => "Cooperatives",
        (PlatformIntro, Nl) => {
            "De coöperaties op DAR. Persoonsgegevens van aandeelhouders staan hier niet."
        }
        (PlatformIntro, Fr) => {
            "Les coopératives sur DAR. Les données personnelles des actionnaires n'apparaissent pas ici."
        }
        (PlatformIntro, En) => {
            "The cooperatives on DAR. Shareholders' personal data does not appear here."
        }
        (Slug, Nl) => "Korte naam",
        (Slug, Fr) => "Nom court",
        (Slug, En) => "Short name",
        (Entries, Nl) => "Boekingen",
        (Entries, Fr) => "Inscriptions",
        (Entries, En) => "Entries",
        (TenantActive, Nl) => "actief",
        (TenantActive, Fr) => "active",
        (TenantActive, En) => "active",
        (TenantSuspended, Nl) => "opgeschort",
        (TenantSuspended, Fr) => "suspendue",
        (TenantSuspended, En) => "suspended",
        (TenantArchived, Nl) => "gearchiveerd",
        (TenantArchived, Fr) => "archivée",
        (TenantArchived, En) => "archived",
        (MyHoldings, Nl) => "Mijn aandelen",
        (MyHoldings, Fr) => "Mes parts",
        (MyHoldings, En) => "My shares",
        (MyMovements, Nl) => "Mijn verrichtingen",
        (MyMovements, Fr) => "Mes opérations",
        (MyMovements, En) => "My movements",
        (MyCertificates, Nl) => "Mijn aandelencertificaten",
        (MyCertificates, Fr) => "Mes certificats de parts",
        (MyCertificates, En) => "My share certificates",
        (NoCertificates, Nl) => "Er is nog geen certificaat voor u uitgereikt.",
        (NoCertificates, Fr) => "Aucun certificat ne vous a encore été délivré.",
        (NoCertificates, En) => "No certificate has been issued to you yet.",
        (CertificateNumber, Nl) => "Certificaat nr.",
        (CertificateNumber, Fr) => "Certificat n°",
        (CertificateNumber, En) => "Certificate no.",
        (IssuedOn, Nl) => "uitgereikt op",
        (IssuedOn, Fr) => "délivré le",
        (IssuedOn, En) => "issued on",
        (Superseded, Nl) => "vervangen",
        (Superseded, Fr) => "remplacé",
        (Superseded, En) => "superseded",
        (Current, Nl) => "geldig",
        (Current, Fr) => "valable",
        (Current, En) => "current",
        (AnotherShareholder, Nl) => "een andere aandeelhouder",
        (AnotherShareholder, Fr) => "un autre actionnaire",
        (AnotherShareholder, En) => "another shareholder",
        (Open, Nl) => "Openen",
        (Open, Fr) => "Ouvrir",
        (Open, En) => "Open",
        (Register, Nl) => "Register",
        (Register, Fr) => "Registre",
        (Register, En) => "Register",
        (RegisterAsOf, Nl) => "Het register op",
        (RegisterAsOf, Fr) => "Le registre au",
        (RegisterAsOf, En) => "The register as of",
        (AsOf, Nl) => "Op datum",
        (AsOf, Fr) => "À la date du",
        (AsOf, En) => "As of",
        (Show, Nl) => "Tonen",
        (Show, Fr) => "Afficher",
        (Show, En) => "Show",
        (DownloadPdf, Nl) => "Als PDF downloaden",
        (DownloadPdf, Fr) => "Télécharger en PDF",
        (DownloadPdf, En) => "Download as PDF",
        (DownloadCsv, Nl) => "Als CSV voor Excel downloaden",
        (DownloadCsv, Fr) => "Télécharger en CSV pour Excel",
        (DownloadCsv, En) => "Download as CSV for Excel",
        (DownloadXlsx, Nl) => "Als Excel-bestand (.xlsx) downloaden",
        (DownloadXlsx, Fr) => "Télécharger en fichier Excel (.xlsx)",
        (DownloadXlsx, En) => "Download as Excel file (.xlsx)",
        (DownloadOcf, Nl) => "Het hele register in Open Cap Format (.zip)",
        (DownloadOcf, Fr) => "Tout le registre en Open Cap Format (.zip)",
        (DownloadOcf, En) => "The whole register in Open Cap Format (.zip)",
        (CapitalMovements, Nl) => "Kapitaalbewegingen voor de boekhouding",
        (CapitalMovements, Fr) => "Mouvements de capital pour la comptabilité",
        (CapitalMovements, En) => "Capital movements for the bookkeeping",
        (CapitalMovementsHint, Nl) => {
            "Per aandeelhouder: geplaatst, volstort en terugbetaald kapitaal van de boekingen met een datum in de periode."
        }
        (CapitalMovementsHint, Fr) => {
            "Par associé : capital souscrit, libéré et remboursé des opérations datées dans la période."
        }
        (CapitalMovementsHint, En) => {
            "Per shareholder: subscribed, paid-up and repaid capital of the entries dated in the period."
        }
        (PeriodFrom, Nl) => "Van",
        (PeriodFrom, Fr) => "Du",
        (PeriodFrom, En) => "From",
        (PeriodTo, Nl) => "Tot en met",
        (PeriodTo, Fr) => "Au (inclus)",
        (PeriodTo, En) => "To (included)",
        (PeriodBackwards, Nl) => "Het einde van de periode ligt voor het begin.",
        (PeriodBackwards, Fr) => "La fin de la période précède son début.",
        (PeriodBackwards, En) => "The period ends before it begins.",
        (Search, Nl) => "Zoeken",
        (Search, Fr) => "Rechercher",
        (Search, En) => "Search",
        (SearchHint, Nl) => "Naam of registernummer",
        (SearchHint, Fr) => "Nom ou numéro de registre",
        (SearchHint, En) => "Name or register number",
        (Status, Nl) => "Status",
        (Status, Fr) => "Statut",
        (Status, En) => "Status",
        (AnyStatus, Nl) => "Alle",
        (AnyStatus, Fr) => "Tous",
        (AnyStatus, En) => "All",
        (StatusActive, Nl) => "actief",
        (StatusActive, Fr) => "actif",
        (StatusActive, En) => "active",
        (StatusExited, Nl) => "uitgetreden",
        (StatusExited, Fr) => "sorti",
        (StatusExited, En) => "withdrawn",
        (StatusExcluded, Nl) => "uitgesloten",
        (StatusExcluded, Fr) => "exclu",
        (StatusExcluded, En) => "excluded",
        (StatusDeceased, Nl) => "overleden",
        (StatusDeceased, Fr) => "décédé",
        (StatusDeceased, En) => "deceased",
        (RegisterNumber, Nl) => "Registernummer",
        (RegisterNumber, Fr) => "Numéro de registre",
        (RegisterNumber, En) => "Register number",
        (Name, Nl) => "Naam",
        (Name, Fr) => "Nom",
        (Name, En) => "Name",
        (Municipality, Nl) => "Gemeente",
        (Municipality, Fr) => "Commune",
        (Municipality, En) => "Municipality",
        (NextPage, Nl) => "Volgende pagina",
        (NextPage, Fr) => "Page suivante",
        (NextPage, En) => "Next page",
        (NoShareholdersFound, Nl) => "Geen aandeelhouders gevonden.",
        (NoShareholdersFound, Fr) => "Aucun actionnaire trouvé.",
        (NoShareholdersFound, En) => "No shareholders found.",
        (Identity, Nl) => "Identiteit",
        (Identity, Fr) => "Identité",
        (Identity, En) => "Identity",
        (Holdings, Nl) => "Aandelenbezit",
        (Holdings, Fr) => "Participation",
        (Holdings, En) => "Holdings",
        (NoHoldings, Nl) => "Geen aandelen op deze datum.",
        (NoHoldings, Fr) => "Aucune part à cette date.",
        (NoHoldings, En) => "No shares on this date.",
        (History, Nl) => "Verloop",
        (History, Fr) => "Historique",
        (History, En) => "History",
        (AdmissionDate, Nl) => "Toegetreden op",
        (AdmissionDate, Fr) => "Admis le",
        (AdmissionDate, En) => "Admitted on",
        (PersonNatural, Nl) => "natuurlijke persoon",
        (PersonNatural, Fr) => "personne physique",
        (PersonNatural, En) => "natural person",
        (PersonLegal, Nl) => "rechtspersoon",
        (PersonLegal, Fr) => "personne morale",
        (PersonLegal, En) => "legal entity",
        (NationalNumber, Nl) => "Rijksregisternummer",
        (NationalNumber, Fr) => "Numéro de registre national",
        (NationalNumber, En) => "National register number",
        (EnterpriseNumber, Nl) => "Ondernemingsnummer",
        (EnterpriseNumber, Fr) => "Numéro d'entreprise",
        (EnterpriseNumber, En) => "Enterprise number",
        (Address, Nl) => "Adres",
        (Address, Fr) => "Adresse",
        (Address, En) => "Address",
        (CooperativeSections, Nl) => "Onderdelen van de coöperatie",
        (CooperativeSections, Fr) => "Sections de la coopérative",
        (CooperativeSections, En) => "Sections of the cooperative",
        (BadFormTitle, Nl) => "Dit formulier kon niet gelezen worden",
        (BadFormTitle, Fr) => "Ce formulaire n'a pas pu être lu",
        (BadFormTitle, En) => "This form could not be read",
        (BadFormBody, Nl) => {
            "Het bevatte velden of tekens die geen formulier van DAR verstuurt. Er is niets gewijzigd. Open het formulier opnieuw en probeer nog eens."
        }
        (BadFormBody, Fr) => {
            "Il contenait des champs ou des caractères qu'aucun formulaire de DAR n'envoie. Rien n'a été modifié. Rouvrez le formulaire et réessayez."
        }
        (BadFormBody, En) => {
            "It held fields or characters that no form of DAR sends. Nothing was changed. Open the form again and try once more."
        }
        (Ledger, Nl) => "Journaal",
        (Ledger, Fr) => "Journal",
        (Ledger, En) => "Ledger",
        (OlderEntries, Nl) => "Oudere boekingen",
        (OlderEntries, Fr) => "Opérations plus anciennes",
        (OlderEntries, En) => "Older entries",
        (NewerEntries, Nl) => "Recentere boekingen",
        (NewerEntries, Fr) => "Opérations plus récentes",
        (NewerEntries, En) => "Newer entries",
        (FormProblems, Nl) => "Dit moet nog aangepast worden",
        (FormProblems, Fr) => "À corriger",
        (FormProblems, En) => "Please correct the following",
        (Certificates, Nl) => "Certificaten",
        (Certificates, Fr) => "Certificats",
        (Certificates, En) => "Certificates",
    }
}

/// The name of a language in that language, for the language switch.
pub fn language_name(lang: Language) -> &'static str {
    match lang {
        Language::Nl => "Nederlands",
        Language::Fr => "Français",
        Language::En => "English",
    }
}

/// A date as Belgians write it: 31/12/2025.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// An amount in cents as written in `lang`: 1.250,00 € in Dutch and French, €1,250.00 in
/// English.
pub fn money(lang: Language, cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (whole, fraction) = (abs / 100, abs % 100);
    let (group, decimal) = match lang {
        Language::Nl | Language::Fr => ('.', ','),
        Language::En => (',', '.'),
    };
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    match lang {
        Language::Nl | Language::Fr => format!("{sign}{grouped}{decimal}{fraction:02} €"),
        Language::En => format!("{sign}€{grouped}{decimal}{fraction:02}"),
    }
}

/// An enterprise number as the KBO/BCE writes it (0403.170.701); as stored when it is not one.
pub fn enterprise_number(stored: &str) -> String {
    dar_core::identifiers::EnterpriseNumber::parse(stored)
        .map_or_else(|_| stored.to_string(), |n| n.formatted())
}

/// A whole number with the language's thousands separator.
pub fn count(lang: Language, n: i64) -> String {
    let text = money(lang, n.saturating_mul(100));
    let number = text.trim_start_matches('€').trim_end_matches(" €");
    let cut = match lang {
        Language::Nl | Language::Fr => number.rfind(','),
        Language::En => number.rfind('.'),
    };
    cut.map_or(number, |i| &number[..i]).to_string()
}

/// The language a browser asks for in `Accept-Language`, if DAR speaks it.
pub fn from_accept_language(header: &str) -> Option<Language> {
    let mut best: Option<(f32, Language)> = None;
    for part in header.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = pieces
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(lang) = Language::parse(primary)
            && best.is_none_or(|(q, _)| quality > q)
        {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_the_belgian_way_in_dutch_and_french() {
        assert_eq!(money(Language::Nl, 125_000), "1.250,00 €");
        assert_eq!(money(Language::Fr, 5), "0,05 €");
        assert_eq!(money(Language::En, 123_456_789), "€1,234,567.89");
        assert_eq!(money(Language::Nl, -150), "-1,50 €");
    }

    #[test]
    fn enterprise_numbers_are_written_with_their_dots() {
        assert_eq!(enterprise_number("0403170701"), "0403.170.701");
        assert_eq!(enterprise_number("not a number"), "not a number");
    }

    #[test]
    fn counts_use_the_thousands_separator() {
        assert_eq!(count(Language::Nl, 50_000), "50.000");
        assert_eq!(count(Language::En, 1_234), "1,234");
        assert_eq!(count(Language::Fr, 7), "7");
    }

    #[test]
    fn dates_are_day_month_year() {
        let d = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(date(d), "31/12/2025");
    }

    #[test]
    fn the_browser_language_is_the_best_one_dar_speaks() {
        assert_eq!(
            from_accept_language("de-DE,fr-BE;q=0.8,en;q=0.5"),
            Some(Language::Fr)
        );
        assert_eq!(from_accept_language("en-GB, nl;q=0.9"), Some(Language::En));
        assert_eq!(from_accept_language("de, es"), None);
    }
}
