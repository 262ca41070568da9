//! Importing a register from a spreadsheet: the upload form and the cooperative's imports,
//! and an import's own page: its dry run read as an accountant reads a check (totals per
//! class, the control total, every problem by row and column), the mapping of its columns,
//! and the commit with its progress.

use chrono::NaiveDate;
use dar_core::types::Language;
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, count, date, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, Tools, cooperative_nav};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportText {
    Title,
    Intro,
    File,
    FileHint,
    Mode,
    ModeCurrent,
    ModeCurrentHint,
    ModeHistory,
    ModeHistoryHint,
    EffectiveDate,
    EffectiveDateHint,
    ControlTotal,
    ControlTotalHint,
    UploadAndCheck,
    Earlier,
    NoImports,
    Uploaded,
    Status,
    Problems,
    StatusChecked,
    StatusQueued,
    StatusRunning,
    StatusCommitted,
    StatusFailed,
    ReadAs,
    Rows,
    HoldersToAdd,
    EntriesToPost,
    Totals,
    Class,
    Holders,
    Shares,
    Subscribed,
    PaidUp,
    SubscribedTotal,
    Difference,
    ProblemsTitle,
    ProblemsMore,
    NoProblems,
    Line,
    Column,
    Message,
    WholeFile,
    Mapping,
    MappingIntro,
    Header,
    ReadsAs,
    LeftOut,
    CheckAgain,
    Commit,
    CommitHint,
    Progress,
    Of,
    ShowProgress,
    OpenRegister,
    Failed,
    FileMissing,
    FileTooLarge,
    NotARegister,
    Required,
    NotADate,
    NotAnAmount,
    FormProblems,
    Changed,
    ControlShort,
    ToRecord,
    Contents,
}

impl Localized for ImportText {
    fn text(self, lang: Language) -> &'static str {
        use ImportText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (Title, Nl) => "Register importeren",
            (Title, Fr) => "Importer un registre",
            (Title, En) => "Import a register",
            (Intro, Nl) => {
                "Laad je register op zoals je het bijhield, als CSV of Excel (XLSX), of als Open Cap Format-pakket uit een ander programma. DAR herkent de kolommen, controleert elke rij en toont wat het zou boeken. Er verandert niets tot je de import bevestigt."
            }
            (Intro, Fr) => {
                "Chargez votre registre tel que vous le teniez, en CSV ou Excel (XLSX), ou en paquet Open Cap Format d'un autre logiciel. DAR reconnaît les colonnes, contrôle chaque ligne et montre ce qu'il enregistrerait. Rien ne change avant que vous confirmiez l'import."
            }
            (Intro, En) => {
                "Upload your register as you kept it, as CSV or Excel (XLSX), or as an Open Cap Format package from another program. DAR recognises the columns, checks every row and shows what it would record. Nothing changes until you confirm the import."
            }
            (File, Nl) => "Bestand",
            (File, Fr) => "Fichier",
            (File, En) => "File",
            (FileHint, Nl) => {
                "CSV (elk scheidingsteken, ook uit Excel), XLSX of een Open Cap Format-pakket (.zip, met de volledige geschiedenis), tot 64 MB."
            }
            (FileHint, Fr) => {
                "CSV (tout séparateur, aussi depuis Excel), XLSX ou un paquet Open Cap Format (.zip, avec tout l'historique), jusqu'à 64 Mo."
            }
            (FileHint, En) => {
                "CSV (any delimiter, also from Excel), XLSX or an Open Cap Format package (.zip, with the full history), up to 64 MB."
            }
            (Mode, Nl) => "Wat staat er in het bestand?",
            (Mode, Fr) => "Que contient le fichier ?",
            (Mode, En) => "What does the file hold?",
            (ModeCurrent, Nl) => "De huidige toestand",
            (ModeCurrent, Fr) => "La situation actuelle",
            (ModeCurrent, En) => "The current situation",
            (ModeCurrentHint, Nl) => {
                "Een rij per aandeelhouder (en klasse): één openingsboeking per aandeelhouder en klasse op de gekozen datum."
            }
            (ModeCurrentHint, Fr) => {
                "Une ligne par associé (et classe) : une écriture d'ouverture par associé et classe à la date choisie."
            }
            (ModeCurrentHint, En) => {
                "A row per shareholder (and class): one opening entry per shareholder and class on the chosen date."
            }
            (ModeHistory, Nl) => "De volledige geschiedenis",
            (ModeHistory, Fr) => "L'historique complet",
            (ModeHistory, En) => "The full history",
            (ModeHistoryHint, Nl) => {
                "Een rij per verrichting met haar datum: uitgifte, overdracht, terugname, storting."
            }
            (ModeHistoryHint, Fr) => {
                "Une ligne par opération avec sa date : émission, cession, remboursement, libération."
            }
            (ModeHistoryHint, En) => {
                "A row per movement with its date: issue, transfer, redemption, payment."
            }
            (EffectiveDate, Nl) => "Datum van de openingsboekingen",
            (EffectiveDate, Fr) => "Date des écritures d'ouverture",
            (EffectiveDate, En) => "Date of the opening entries",
            (EffectiveDateHint, Nl) => "Voor de huidige toestand, bijvoorbeeld 31/12/2025.",
            (EffectiveDateHint, Fr) => "Pour la situation actuelle, par exemple 31/12/2025.",
            (EffectiveDateHint, En) => "For the current situation, for example 31/12/2025.",
            (ControlTotal, Nl) => "Controletotaal: geplaatst kapitaal volgens je boekhouding",
            (ControlTotal, Fr) => "Total de contrôle : capital souscrit selon votre comptabilité",
            (ControlTotal, En) => "Control total: subscribed capital in your books",
            (ControlTotalHint, Nl) => {
                "Optioneel. Een import die er niet mee overeenkomt, kan niet bevestigd worden."
            }
            (ControlTotalHint, Fr) => {
                "Facultatif. Un import qui n'y correspond pas ne peut pas être confirmé."
            }
            (ControlTotalHint, En) => {
                "Optional. An import that does not match it cannot be confirmed."
            }
            (UploadAndCheck, Nl) => "Opladen en controleren",
            (UploadAndCheck, Fr) => "Charger et contrôler",
            (UploadAndCheck, En) => "Upload and check",
            (Earlier, Nl) => "Eerdere imports",
            (Earlier, Fr) => "Imports précédents",
            (Earlier, En) => "Earlier imports",
            (NoImports, Nl) => "Nog geen imports.",
            (NoImports, Fr) => "Pas encore d'import.",
            (NoImports, En) => "No imports yet.",
            (Uploaded, Nl) => "Opgeladen",
            (Uploaded, Fr) => "Chargé le",
            (Uploaded, En) => "Uploaded",
            (Status, Nl) => "Toestand",
            (Status, Fr) => "État",
            (Status, En) => "Status",
            (Problems, Nl) => "Problemen",
            (Problems, Fr) => "Problèmes",
            (Problems, En) => "Problems",
            (StatusChecked, Nl) => "Gecontroleerd",
            (StatusChecked, Fr) => "Contrôlé",
            (StatusChecked, En) => "Checked",
            (StatusQueued, Nl) => "Wacht op verwerking",
            (StatusQueued, Fr) => "En attente",
            (StatusQueued, En) => "Waiting",
            (StatusRunning, Nl) => "Wordt ingeboekt",
            (StatusRunning, Fr) => "En cours d'enregistrement",
            (StatusRunning, En) => "Being recorded",
            (StatusCommitted, Nl) => "Ingeboekt",
            (StatusCommitted, Fr) => "Enregistré",
            (StatusCommitted, En) => "Recorded",
            (StatusFailed, Nl) => "Mislukt, niets ingeboekt",
            (StatusFailed, Fr) => "Échoué, rien enregistré",
            (StatusFailed, En) => "Failed, nothing recorded",
            (ReadAs, Nl) => "Gelezen als",
            (ReadAs, Fr) => "Lu comme",
            (ReadAs, En) => "Read as",
            (Rows, Nl) => "rijen",
            (Rows, Fr) => "lignes",
            (Rows, En) => "rows",
            (HoldersToAdd, Nl) => "nieuwe aandeelhouders",
            (HoldersToAdd, Fr) => "nouveaux associés",
            (HoldersToAdd, En) => "new shareholders",
            (EntriesToPost, Nl) => "boekingen",
            (EntriesToPost, Fr) => "écritures",
            (EntriesToPost, En) => "entries",
            (Totals, Nl) => "Totalen per klasse na de import",
            (Totals, Fr) => "Totaux par classe après l'import",
            (Totals, En) => "Totals per class after the import",
            (Class, Nl) => "Klasse",
            (Class, Fr) => "Classe",
            (Class, En) => "Class",
            (Holders, Nl) => "Aandeelhouders",
            (Holders, Fr) => "Associés",
            (Holders, En) => "Shareholders",
            (Shares, Nl) => "Aandelen",
            (Shares, Fr) => "Parts",
            (Shares, En) => "Shares",
            (Subscribed, Nl) => "Geplaatst kapitaal",
            (Subscribed, Fr) => "Capital souscrit",
            (Subscribed, En) => "Subscribed capital",
            (PaidUp, Nl) => "Volstort",
            (PaidUp, Fr) => "Libéré",
            (PaidUp, En) => "Paid up",
            (SubscribedTotal, Nl) => "Totaal geplaatst",
            (SubscribedTotal, Fr) => "Total souscrit",
            (SubscribedTotal, En) => "Total subscribed",
            (Difference, Nl) => "Verschil",
            (Difference, Fr) => "Différence",
            (Difference, En) => "Difference",
            (ProblemsTitle, Nl) => "Te verbeteren voor de import",
            (ProblemsTitle, Fr) => "À corriger avant l'import",
            (ProblemsTitle, En) => "To correct before the import",
            (ProblemsMore, Nl) => {
                "De eerste problemen staan hieronder; verbeter ze en laad het bestand opnieuw op."
            }
            (ProblemsMore, Fr) => {
                "Les premiers problèmes figurent ci-dessous ; corrigez-les et chargez à nouveau le fichier."
            }
            (ProblemsMore, En) => {
                "The first problems are below; correct them and upload the file again."
            }
            (NoProblems, Nl) => "Geen problemen gevonden: de import kan bevestigd worden.",
            (NoProblems, Fr) => "Aucun problème : l'import peut être confirmé.",
            (NoProblems, En) => "No problems found: the import can be confirmed.",
            (Line, Nl) => "Rij",
            (Line, Fr) => "Ligne",
            (Line, En) => "Row",
            (Column, Nl) => "Kolom",
            (Column, Fr) => "Colonne",
            (Column, En) => "Column",
            (Message, Nl) => "Probleem",
            (Message, Fr) => "Problème",
            (Message, En) => "Problem",
            (WholeFile, Nl) => "het hele bestand",
            (WholeFile, Fr) => "tout le fichier",
            (WholeFile, En) => "the whole file",
            (Mapping, Nl) => "Kolommen",
            (Mapping, Fr) => "Colonnes",
            (Mapping, En) => "Columns",
            (MappingIntro, Nl) => {
                "Wat DAR uit elke kolom leest. Pas aan waar nodig; je keuze wordt bewaard voor de volgende import."
            }
            (MappingIntro, Fr) => {
                "Ce que DAR lit dans chaque colonne. Adaptez si nécessaire ; votre choix est gardé pour le prochain import."
            }
            (MappingIntro, En) => {
                "What DAR reads from each column. Change it where needed; your choice is kept for the next import."
            }
            (Header, Nl) => "Kop in het bestand",
            (Header, Fr) => "En-tête du fichier",
            (Header, En) => "Header in the file",
            (ReadsAs, Nl) => "Gelezen als",
            (ReadsAs, Fr) => "Lue comme",
            (ReadsAs, En) => "Read as",
            (LeftOut, Nl) => "(niet gebruiken)",
            (LeftOut, Fr) => "(ne pas utiliser)",
            (LeftOut, En) => "(leave out)",
            (CheckAgain, Nl) => "Opnieuw controleren",
            (CheckAgain, Fr) => "Contrôler à nouveau",
            (CheckAgain, En) => "Check again",
            (Commit, Nl) => "Importeren in het register",
            (Commit, Fr) => "Importer dans le registre",
            (Commit, En) => "Import into the register",
            (CommitHint, Nl) => {
                "Alles wordt in één keer ingeboekt, of niets. De boekingen komen in het journaal zoals elke andere."
            }
            (CommitHint, Fr) => {
                "Tout est enregistré en une fois, ou rien. Les écritures entrent au journal comme toutes les autres."
            }
            (CommitHint, En) => {
                "Everything is recorded at once, or nothing. The entries go into the ledger like any other."
            }
            (Progress, Nl) => "Voortgang",
            (Progress, Fr) => "Progression",
            (Progress, En) => "Progress",
            (Of, Nl) => "van",
            (Of, Fr) => "sur",
            (Of, En) => "of",
            (ShowProgress, Nl) => "Voortgang bijwerken",
            (ShowProgress, Fr) => "Mettre à jour la progression",
            (ShowProgress, En) => "Update the progress",
            (OpenRegister, Nl) => "Het register bekijken",
            (OpenRegister, Fr) => "Voir le registre",
            (OpenRegister, En) => "Open the register",
            (Failed, Nl) => "Waarom",
            (Failed, Fr) => "Pourquoi",
            (Failed, En) => "Why",
            (FileMissing, Nl) => "Kies een bestand.",
            (FileMissing, Fr) => "Choisissez un fichier.",
            (FileMissing, En) => "Choose a file.",
            (FileTooLarge, Nl) => "Dit bestand is groter dan 64 MB.",
            (FileTooLarge, Fr) => "Ce fichier dépasse 64 Mo.",
            (FileTooLarge, En) => "This file is larger than 64 MB.",
            (NotARegister, Nl) => {
                "Dit bestand kan niet als register gelezen worden: er is geen rij met kolomkoppen (zoals Nr, Naam, Aandelen) in de eerste 20 rijen."
            }
            (NotARegister, Fr) => {
                "Ce fichier ne peut pas être lu comme un registre : aucune ligne d'en-têtes (comme N°, Nom, Parts) dans les 20 premières lignes."
            }
            (NotARegister, En) => {
                "This file cannot be read as a register: no row of column headers (such as No, Name, Shares) in the first 20 rows."
            }
            (Required, Nl) => "Vul dit in.",
            (Required, Fr) => "Veuillez remplir ce champ.",
            (Required, En) => "Fill this in.",
            (NotADate, Nl) => "Geen datum; typ bijvoorbeeld 31/12/2025.",
            (NotADate, Fr) => "Pas une date ; tapez par exemple 31/12/2025.",
            (NotADate, En) => "Not a date; type for example 31/12/2025.",
            (NotAnAmount, Nl) => "Geen bedrag; typ bijvoorbeeld 12.500,00.",
            (NotAnAmount, Fr) => "Pas un montant ; tapez par exemple 12.500,00.",
            (NotAnAmount, En) => "Not an amount; type for example 12,500.00.",
            (FormProblems, Nl) => "Controleer het formulier",
            (FormProblems, Fr) => "Vérifiez le formulaire",
            (FormProblems, En) => "Check the form",
            (Changed, Nl) => "Opnieuw gecontroleerd.",
            (Changed, Fr) => "Contrôlé à nouveau.",
            (Changed, En) => "Checked again.",
            (ControlShort, Nl) => "Controletotaal",
            (ControlShort, Fr) => "Total de contrôle",
            (ControlShort, En) => "Control total",
            (ToRecord, Nl) => "Te boeken",
            (ToRecord, Fr) => "À enregistrer",
            (ToRecord, En) => "To record",
            (Contents, Nl) => "Inhoud",
            (Contents, Fr) => "Contenu",
            (Contents, En) => "Contents",
        }
    }
}

fn i(lang: Language, text: ImportText) -> &'static str {
    t(lang, text)
}

/// Every field the mapping offers: its key and its label in Dutch, French and English.
const LABELS: [(&str, &str, &str, &str); 31] = [
    (
        "register_number",
        "Registernummer",
        "Numéro de registre",
        "Register number",
    ),
    (
        "kind",
        "Natuurlijk of rechtspersoon",
        "Personne physique ou morale",
        "Natural or legal person",
    ),
    ("first_name", "Voornaam", "Prénom", "First name"),
    ("last_name", "Naam", "Nom", "Last name"),
    (
        "legal_name",
        "Naam van de rechtspersoon",
        "Dénomination",
        "Legal name",
    ),
    (
        "national_number",
        "Rijksregisternummer",
        "Numéro de registre national",
        "National register number",
    ),
    (
        "enterprise_number",
        "Ondernemingsnummer",
        "Numéro d'entreprise",
        "Enterprise number",
    ),
    (
        "birth_date",
        "Geboortedatum",
        "Date de naissance",
        "Birth date",
    ),
    (
        "street",
        "Straat en nummer",
        "Rue et numéro",
        "Street and number",
    ),
    ("postal_code", "Postcode", "Code postal", "Postal code"),
    ("city", "Gemeente", "Commune", "City"),
    ("country", "Land", "Pays", "Country"),
    ("email", "E-mail", "E-mail", "E-mail"),
    ("phone", "Telefoon", "Téléphone", "Phone"),
    (
        "iban",
        "Rekeningnummer (IBAN)",
        "Compte (IBAN)",
        "Account (IBAN)",
    ),
    ("language", "Taal", "Langue", "Language"),
    (
        "admission_date",
        "Datum van toetreding",
        "Date d'admission",
        "Admission date",
    ),
    ("share_class", "Klasse", "Classe", "Share class"),
    (
        "shares",
        "Aantal aandelen",
        "Nombre de parts",
        "Number of shares",
    ),
    (
        "subscribed",
        "Geplaatst kapitaal",
        "Capital souscrit",
        "Subscribed capital",
    ),
    ("paid_up", "Volstort", "Libéré", "Paid up"),
    ("unpaid", "Niet volstort", "Non libéré", "Unpaid"),
    (
        "entry_kind",
        "Soort verrichting",
        "Type d'opération",
        "Kind of entry",
    ),
    (
        "effective_date",
        "Datum van de verrichting",
        "Date de l'opération",
        "Date of the entry",
    ),
    (
        "from",
        "Van (registernummer)",
        "De (numéro de registre)",
        "From (register number)",
    ),
    (
        "to",
        "Aan (registernummer)",
        "À (numéro de registre)",
        "To (register number)",
    ),
    ("amount", "Bedrag", "Montant", "Amount"),
    (
        "reference",
        "Referentie of beslissing",
        "Référence ou décision",
        "Reference or decision",
    ),
    ("reason", "Reden", "Motif", "Reason"),
    (
        "seq",
        "Volgnummer van de boeking",
        "Numéro d'ordre",
        "Entry number",
    ),
    (
        "reverses_seq",
        "Tegenboeking van (volgnummer)",
        "Extourne de (numéro d'ordre)",
        "Reverses (entry number)",
    ),
];

/// A column's field as the mapping offers it, by the key the API uses.
pub fn field_label(lang: Language, key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, ..)| *k == key)
        .map_or("", |(_, nl, fr, en)| match lang {
            Language::Nl => nl,
            Language::Fr => fr,
            Language::En => en,
        })
}

/// Every field key the mapping offers, in the order of its select.
pub fn field_keys() -> impl Iterator<Item = &'static str> {
    LABELS.iter().map(|(key, ..)| *key)
}

/// An import's status, as the pages name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStatus {
    Checked,
    Queued,
    Running,
    Committed,
    Failed,
}

impl ImportStatus {
    pub fn parse(s: &str) -> ImportStatus {
        match s {
            "queued" => ImportStatus::Queued,
            "running" => ImportStatus::Running,
            "committed" => ImportStatus::Committed,
            "failed" => ImportStatus::Failed,
            _ => ImportStatus::Checked,
        }
    }

    fn text(self) -> ImportText {
        match self {
            ImportStatus::Checked => ImportText::StatusChecked,
            ImportStatus::Queued => ImportText::StatusQueued,
            ImportStatus::Running => ImportText::StatusRunning,
            ImportStatus::Committed => ImportText::StatusCommitted,
            ImportStatus::Failed => ImportText::StatusFailed,
        }
    }

    /// The state the progress script follows (that of a certificate batch).
    fn script_state(self) -> &'static str {
        match self {
            ImportStatus::Checked | ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Committed => "done",
            ImportStatus::Failed => "failed",
        }
    }
}

/// One import in the cooperative's list.
pub struct ImportLine {
    pub id: String,
    pub file_name: String,
    pub uploaded_on: NaiveDate,
    pub history: bool,
    pub status: ImportStatus,
    pub problems: usize,
}

/// What the upload form was sent with.
#[derive(Clone, Debug, Default)]
pub struct UploadValues {
    pub history: bool,
    pub effective_date: String,
    pub control_total: String,
}

pub struct ImportsPage<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub csrf: &'a str,
    pub values: UploadValues,
    pub errors: FieldErrors,
    pub imports: Vec<ImportLine>,
    pub tools: Tools,
}

/// The upload form and the cooperative's earlier imports.
pub fn imports_page(frame: &Frame, p: &ImportsPage) -> String {
    let lang = frame.lang;
    let file_error = p.errors.of("file");
    let mut date_field = Field::new(
        "effective_date",
        i(lang, ImportText::EffectiveDate),
        &p.values.effective_date,
        Control::Date,
    );
    date_field.hint = Some(i(lang, ImportText::EffectiveDateHint));
    date_field.error = p.errors.of("effective_date");
    let mut control = Field::new(
        "control_total",
        i(lang, ImportText::ControlTotal),
        &p.values.control_total,
        Control::Amount,
    );
    control.hint = Some(i(lang, ImportText::ControlTotalHint));
    control.error = p.errors.of("control_total");
    let mode_hint = format!(
        "{}: {} {}: {}",
        i(lang, ImportText::ModeCurrent),
        i(lang, ImportText::ModeCurrentHint),
        i(lang, ImportText::ModeHistory),
        i(lang, ImportText::ModeHistoryHint)
    );
    let mut mode = Field::new(
        "mode",
        i(lang, ImportText::Mode),
        if p.values.history {
            "history"
        } else {
            "current"
        },
        Control::Select {
            options: vec![
                ("current".into(), i(lang, ImportText::ModeCurrent).into()),
                ("history".into(), i(lang, ImportText::ModeHistory).into()),
            ],
        },
    );
    mode.hint = Some(&mode_hint);
    let labels = [
        ("file", i(lang, ImportText::File)),
        ("effective_date", i(lang, ImportText::EffectiveDate)),
        ("control_total", i(lang, ImportText::ControlTotal)),
    ];
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, p.slug, p.tools, Section::Imports))
            h1 { (i(lang, ImportText::Title)) }
            p { (i(lang, ImportText::Intro)) }
            (error_summary(i(lang, ImportText::FormProblems), &p.errors, &labels))
            form method="post" action=(format!("/c/{}/imports", p.slug)) enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(p.csrf);
                div.field.invalid[file_error.is_some()] {
                    label for="file" { (i(lang, ImportText::File)) }
                    span.hint id="file-hint" { (i(lang, ImportText::FileHint)) }
                    @if let Some(error) = file_error {
                        span.field-error id="file-error" { (error) }
                    }
                    input #file type="file" name="file" required
                        accept=".csv,.txt,.xlsx,.zip,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/zip"
                        aria-describedby=(if file_error.is_some() { "file-hint file-error" } else { "file-hint" })
                        aria-invalid=[file_error.map(|_| "true")];
                }
                (field(&mode))
                div.form-grid {
                    (field(&date_field))
                    (field(&control))
                }
                button type="submit" { (i(lang, ImportText::UploadAndCheck)) }
            }
            section aria-labelledby="earlier" {
                h2 #earlier { (i(lang, ImportText::Earlier)) }
                @if p.imports.is_empty() {
                    p { (i(lang, ImportText::NoImports)) }
                } @else {
                    div.scroll tabindex="0" role="region" aria-labelledby="earlier" {
                        table {
                            thead { tr {
                                th scope="col" { (i(lang, ImportText::Uploaded)) }
                                th scope="col" { (i(lang, ImportText::File)) }
                                th scope="col" { (i(lang, ImportText::Mode)) }
                                th scope="col" { (i(lang, ImportText::Status)) }
                                th scope="col" class="num" { (i(lang, ImportText::Problems)) }
                            } }
                            tbody {
                                @for line in &p.imports {
                                    tr {
                                        td { (date(line.uploaded_on)) }
                                        td { a href=(format!("/c/{}/imports/{}", p.slug, line.id)) { (line.file_name) } }
                                        td { (i(lang, if line.history { ImportText::ModeHistory } else { ImportText::ModeCurrent })) }
                                        td { (i(lang, line.status.text())) }
                                        td.num { (count(lang, line.problems as i64)) }
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

/// A column of the file and the field read from it.
pub struct ColumnLine {
    pub column: String,
    pub header: String,
    pub field: Option<String>,
}

/// A problem of the dry run.
pub struct ProblemLine {
    pub line: u64,
    pub column: Option<String>,
    pub header: Option<String>,
    pub message: String,
}

/// A class after the import; amounts are decimal strings in euro as the API gives them.
pub struct TotalLine {
    pub share_class: String,
    pub holders: u64,
    pub shares: i64,
    pub subscribed_cents: i64,
    pub paid_cents: i64,
}

pub struct ImportPage<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub csrf: &'a str,
    pub here: &'a str,
    pub file_name: &'a str,
    pub history: bool,
    pub uploaded_on: NaiveDate,
    pub status: ImportStatus,
    pub error: Option<&'a str>,
    pub read_as: String,
    /// The file's columns are DAR's own (an Open Cap Format package): no mapping to choose.
    pub fixed_columns: bool,
    pub rows: usize,
    pub holders: usize,
    pub entries: usize,
    pub done: i64,
    pub total: i64,
    pub totals: Vec<TotalLine>,
    pub subscribed_cents: i64,
    pub control_cents: Option<i64>,
    pub difference_cents: Option<i64>,
    pub problems: Vec<ProblemLine>,
    pub problem_count: usize,
    pub columns: Vec<ColumnLine>,
    /// The settings as the mapping form shows them.
    pub effective_date: String,
    pub control_total: String,
    pub errors: FieldErrors,
    pub changed: bool,
    pub tools: Tools,
}

fn totals_table(lang: Language, p: &ImportPage) -> Markup {
    let money = |c: i64| crate::i18n::money(lang, c);
    html! {
        section aria-labelledby="totals" {
            h2 #totals { (i(lang, ImportText::Totals)) }
            @if !p.totals.is_empty() {
            div.scroll tabindex="0" role="region" aria-labelledby="totals" {
                table {
                    thead { tr {
                        th scope="col" { (i(lang, ImportText::Class)) }
                        th scope="col" class="num" { (i(lang, ImportText::Holders)) }
                        th scope="col" class="num" { (i(lang, ImportText::Shares)) }
                        th scope="col" class="num" { (i(lang, ImportText::Subscribed)) }
                        th scope="col" class="num" { (i(lang, ImportText::PaidUp)) }
                    } }
                    tbody {
                        @for total in &p.totals {
                            tr {
                                th scope="row" { (total.share_class) }
                                td.num { (count(lang, total.holders as i64)) }
                                td.num { (count(lang, total.shares)) }
                                td.num { (money(total.subscribed_cents)) }
                                td.num { (money(total.paid_cents)) }
                            }
                        }
                    }
                }
            }
            }
            dl.facts {
                dt { (i(lang, ImportText::SubscribedTotal)) }
                dd { (money(p.subscribed_cents)) }
                @if let Some(control) = p.control_cents {
                    dt { (i(lang, ImportText::ControlShort)) }
                    dd { (money(control)) }
                }
                @if let Some(difference) = p.difference_cents {
                    dt { (i(lang, ImportText::Difference)) }
                    dd { (money(difference)) }
                }
            }
        }
    }
}

fn problems_section(lang: Language, p: &ImportPage) -> Markup {
    html! {
        @if p.problem_count == 0 {
            p.notice role="status" { (i(lang, ImportText::NoProblems)) }
        } @else {
            section.problems aria-labelledby="problems-title" {
                h2 #problems-title { (i(lang, ImportText::ProblemsTitle)) " (" (count(lang, p.problem_count as i64)) ")" }
                @if p.problem_count > p.problems.len() {
                    p { (i(lang, ImportText::ProblemsMore)) }
                }
                div.scroll tabindex="0" role="region" aria-labelledby="problems-title" {
                    table {
                        thead { tr {
                            th scope="col" class="num" { (i(lang, ImportText::Line)) }
                            th scope="col" { (i(lang, ImportText::Column)) }
                            th scope="col" { (i(lang, ImportText::Message)) }
                        } }
                        tbody {
                            @for problem in &p.problems {
                                tr {
                                    td.num {
                                        @if problem.line == 0 { (i(lang, ImportText::WholeFile)) } @else { (problem.line) }
                                    }
                                    td {
                                        @if let Some(column) = &problem.column {
                                            (column)
                                            @if let Some(header) = &problem.header { " (" (header) ")" }
                                        }
                                    }
                                    td { (problem.message) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn mapping_form(lang: Language, p: &ImportPage) -> Markup {
    let mut options: Vec<(String, String)> =
        vec![(String::new(), i(lang, ImportText::LeftOut).to_string())];
    options.extend(field_keys().map(|k| (k.to_string(), field_label(lang, k).to_string())));
    let mut date_field = Field::new(
        "effective_date",
        i(lang, ImportText::EffectiveDate),
        &p.effective_date,
        Control::Date,
    );
    date_field.hint = Some(i(lang, ImportText::EffectiveDateHint));
    date_field.error = p.errors.of("effective_date");
    let mut control = Field::new(
        "control_total",
        i(lang, ImportText::ControlTotal),
        &p.control_total,
        Control::Amount,
    );
    control.hint = Some(i(lang, ImportText::ControlTotalHint));
    control.error = p.errors.of("control_total");
    html! {
        section aria-labelledby="mapping" {
            h2 #mapping {
                @if p.fixed_columns { (i(lang, ImportText::ControlTotal)) } @else { (i(lang, ImportText::Mapping)) }
            }
            @if !p.fixed_columns { p { (i(lang, ImportText::MappingIntro)) } }
            form method="post" action=(format!("{}/check", p.here)) {
                input type="hidden" name="csrf" value=(p.csrf);
                @if !p.fixed_columns {
                div.scroll tabindex="0" role="region" aria-labelledby="mapping" {
                    table {
                        thead { tr {
                            th scope="col" { (i(lang, ImportText::Column)) }
                            th scope="col" { (i(lang, ImportText::Header)) }
                            th scope="col" { (i(lang, ImportText::ReadsAs)) }
                        } }
                        tbody {
                            @for (n, column) in p.columns.iter().enumerate() {
                                @let id = format!("column-{n}");
                                @let current = column.field.clone().unwrap_or_default();
                                tr {
                                    td { (column.column) }
                                    th scope="row" { label for=(id) { (column.header) } }
                                    td {
                                        input type="hidden" name=(format!("header-{n}")) value=(column.header);
                                        select id=(id) name=(format!("field-{n}")) {
                                            @for (value, label) in &options {
                                                option value=(value) selected[*value == current] { (label) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                }
                div.form-grid {
                    @if !p.history { (field(&date_field)) }
                    (field(&control))
                }
                button type="submit" { (i(lang, ImportText::CheckAgain)) }
            }
        }
    }
}

fn progress(lang: Language, p: &ImportPage) -> Markup {
    let states = [
        ImportStatus::Queued,
        ImportStatus::Running,
        ImportStatus::Committed,
        ImportStatus::Failed,
    ];
    html! {
        div.batch #batch data-status-url=(format!("{}/status", p.here)) {
            label for="batch-progress" { (i(lang, ImportText::Progress)) }
            progress #batch-progress max=(p.total.max(1)) value=(p.done) {
                (count(lang, p.done)) " / " (count(lang, p.total))
            }
            p #batch-status role="status" aria-live="polite" {
                span.state {
                    @for state in states {
                        span data-state=(state.script_state()) hidden[state != p.status] { (i(lang, state.text())) }
                    }
                }
                ": "
                span.done { (count(lang, p.done)) } " " (i(lang, ImportText::Of)) " "
                span.total { (count(lang, p.total)) }
            }
            p.refresh hidden[matches!(p.status, ImportStatus::Committed | ImportStatus::Failed)] {
                a href=(p.here) { (i(lang, ImportText::ShowProgress)) }
            }
            p.zip hidden[p.status != ImportStatus::Committed] {
                a.button href=(format!("/c/{}/register", p.slug)) { (i(lang, ImportText::OpenRegister)) }
            }
        }
    }
}

/// An import: how its file was read, its totals, its problems, its columns, and the commit.
pub fn import_page(frame: &Frame, p: &ImportPage) -> String {
    let lang = frame.lang;
    let open = matches!(p.status, ImportStatus::Checked | ImportStatus::Failed);
    let labels = [
        ("effective_date", i(lang, ImportText::EffectiveDate)),
        ("control_total", i(lang, ImportText::ControlTotal)),
    ];
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, p.slug, p.tools, Section::Imports))
            h1 { (i(lang, ImportText::Title)) ": " (p.file_name) }
            (error_summary(i(lang, ImportText::FormProblems), &p.errors, &labels))
            @if p.changed { p.notice role="status" { (i(lang, ImportText::Changed)) } }
            dl.facts {
                dt { (i(lang, ImportText::Uploaded)) }
                dd { (date(p.uploaded_on)) }
                dt { (i(lang, ImportText::Contents)) }
                dd { (i(lang, if p.history { ImportText::ModeHistory } else { ImportText::ModeCurrent })) }
                dt { (i(lang, ImportText::ReadAs)) }
                dd { (p.read_as) ", " (count(lang, p.rows as i64)) " " (i(lang, ImportText::Rows)) }
                // Once committing, the progress below says the status (and keeps it current).
                @if p.status == ImportStatus::Checked {
                    dt { (i(lang, ImportText::Status)) }
                    dd { (i(lang, p.status.text())) }
                }
                dt { (i(lang, ImportText::ToRecord)) }
                dd {
                    (count(lang, p.holders as i64)) " " (i(lang, ImportText::HoldersToAdd)) ", "
                    (count(lang, p.entries as i64)) " " (i(lang, ImportText::EntriesToPost))
                }
            }
            @if let Some(error) = p.error {
                p.problem role="alert" { (i(lang, ImportText::Failed)) ": " (error) }
            }
            @if !open || p.status == ImportStatus::Failed {
                (progress(lang, p))
            }
            (problems_section(lang, p))
            (totals_table(lang, p))
            @if open {
                @if p.problem_count == 0 && p.status == ImportStatus::Checked {
                    form method="post" action=(format!("{}/commit", p.here)) {
                        input type="hidden" name="csrf" value=(p.csrf);
                        p.hint { (i(lang, ImportText::CommitHint)) }
                        button type="submit" { (i(lang, ImportText::Commit)) }
                    }
                }
                (mapping_form(lang, p))
            }
            p { a href=(format!("/c/{}/imports", p.slug)) { (i(lang, ImportText::Earlier)) } }
            script src=(crate::holder::SCRIPT_PATH) defer {}
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_key_has_a_label_in_every_language() {
        for key in field_keys() {
            for lang in [Language::Nl, Language::Fr, Language::En] {
                assert!(!field_label(lang, key).is_empty(), "{key} in {lang}");
            }
        }
    }
}
