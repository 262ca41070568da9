//! What an uploaded register would do to a cooperative, checked the way an accountant checks
//! it: every cell read and validated, every holder told apart, and every entry planned by
//! the ledger's own rules ([`dar_core::ledger::plan`]) in date order, in memory, so that a
//! holding that would go negative on some date, a payment above the subscription or a
//! transfer the class forbids is named at its row and column before anything is written.
//!
//! Two modes:
//! - **Current situation**: a row per holder (and class): one opening issue per holder and
//!   class on the chosen date, as the law allows when a register moves to electronic form.
//!   A row without shares adds the holder only.
//! - **Full history**: a row per movement (issue, transfer, redemption, payment), dated.
//!   A holder is named by register number; the first row that gives their name defines
//!   them, or they are already in the cooperative. A row that gives a name and no movement
//!   adds the holder only. A reversal and the entry it cancels
//!   (matched by the file's own entry numbers) are left out together: on every date they
//!   cancel out.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use chrono::NaiveDate;

use dar_core::holdings::{Leg, Position};
use dar_core::identifiers::{EnterpriseNumber, Iban, NationalNumber};
use dar_core::ids::{ShareClassId, ShareholderId};
use dar_core::ledger::{
    self as rules, CapitalMoved, ClassTerms, DraftAction, EntryDraft, HolderLabel, HolderState,
    Period, PlanContext,
};
use dar_core::money::{Money, ShareCount};
use dar_core::typed::{parse_amount, parse_count, parse_date};
use dar_core::types::{EntryKind, Language, ShareholderKind, ShareholderStatus};

use crate::columns::Field;
use crate::numbers::NumberStyle;
use crate::table::Row;

/// Longest name kept (as the API allows).
const NAME_MAX: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Current,
    History,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Current => "current",
            Mode::History => "history",
        }
    }

    pub const ALL: &'static [Mode] = &[Mode::Current, Mode::History];

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.as_str() == s)
    }
}

/// What the user chose for this import.
#[derive(Clone, Debug)]
pub struct Settings {
    pub mode: Mode,
    /// The date of the opening entries (current situation only).
    pub effective_date: Option<NaiveDate>,
    /// The subscribed capital the user's own books show, in cents.
    pub control_total_cents: Option<i64>,
    /// How amounts are written; read from the file when `None`.
    pub number_style: Option<NumberStyle>,
}

/// A holder the cooperative already has.
#[derive(Clone, Debug)]
pub struct ExistingHolder {
    pub id: ShareholderId,
    pub label: HolderLabel,
    pub admitted: NaiveDate,
    pub status: ShareholderStatus,
}

/// The cooperative as the import finds it.
pub struct Register<'a> {
    pub classes: &'a [ClassTerms],
    pub default_language: Language,
    pub period: Period,
    /// Holders by register number.
    pub holders: &'a HashMap<i64, ExistingHolder>,
    /// Register number by national register number and by enterprise number.
    pub national_numbers: &'a HashMap<String, i64>,
    pub enterprise_numbers: &'a HashMap<String, i64>,
    /// The legs an existing holder has in a class (asked only for holders a history names).
    pub legs: &'a mut dyn FnMut(ShareholderId, ShareClassId) -> Vec<Leg>,
}

/// Who a new holder is, every value checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewIdentity {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iban: Option<String>,
    pub language: Option<Language>,
}

/// A holder the import adds.
#[derive(Clone, Debug)]
pub struct NewHolder {
    pub id: ShareholderId,
    /// The row that defines them.
    pub line: u64,
    /// From the file; assigned on commit when `None`.
    pub register_number: Option<i64>,
    pub kind: ShareholderKind,
    pub admission_date: NaiveDate,
    pub identity: NewIdentity,
}

/// An entry the import posts, with the row it comes from.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub line: u64,
    pub draft: EntryDraft,
}

/// One problem, where the user will look for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file's line (or the sheet's row); 0 for the file as a whole.
    pub line: u64,
    /// The column, counted from 0.
    pub column: Option<usize>,
    pub field: Option<Field>,
    pub message: String,
}

/// What a class adds up to after the import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassTotal {
    pub share_class: String,
    pub holders: u64,
    pub shares: i64,
    pub subscribed_cents: i64,
    pub paid_cents: i64,
}

/// The dry run's result: what a commit would write, or why it may not. What it writes
/// goes to the check's sink (see [`check`]).
#[derive(Clone, Debug)]
pub struct Checked {
    /// Data rows read (below the header).
    pub rows: usize,
    /// Holders and entries a commit writes.
    pub holders: usize,
    pub entries: usize,
    /// The highest register number the file gives (0 if none), and how many holders it
    /// gives none: they are numbered after the highest on commit.
    pub highest_number: i64,
    pub unnumbered: i64,
    pub problems: Vec<Problem>,
    pub totals: Vec<ClassTotal>,
    pub number_style: NumberStyle,
    /// Subscribed capital after the import minus the control total.
    pub control_difference_cents: Option<i64>,
}

impl Checked {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One row's cells by field.
struct Cells<'a> {
    row: &'a Row,
    index: &'a HashMap<Field, usize>,
}

impl<'a> Cells<'a> {
    fn get(&self, field: Field) -> Option<&'a str> {
        let i = *self.index.get(&field)?;
        self.row
            .cells
            .get(i)
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }
}

/// Collects problems; each knows its row and, through the field, its column.
struct Report<'a> {
    index: &'a HashMap<Field, usize>,
    problems: Vec<Problem>,
}

impl Report<'_> {
    fn at(&mut self, line: u64, field: Option<Field>, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            column: field.and_then(|f| self.index.get(&f).copied()),
            field,
            message: message.into(),
        });
    }

    /// Reads a cell with `parse`, naming the cell when it cannot.
    fn read<T>(
        &mut self,
        cells: &Cells,
        field: Field,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = cells.get(field)?;
        match parse(raw) {
            Ok(v) => Some(v),
            Err(message) => {
                self.at(cells.row.line, Some(field), format!("{raw:?} {message}"));
                None
            }
        }
    }
}

fn count(raw: &str) -> Result<i64, String> {
    parse_count(Language::Nl, raw)
        .filter(|n| *n > 0)
        .ok_or_else(|| "is not a whole number above zero".into())
}

fn date(raw: &str) -> Result<NaiveDate, String> {
    parse_date(raw).ok_or_else(|| "is not a date (like 31/12/2025)".into())
}

fn amount(style: NumberStyle) -> impl Fn(&str) -> Result<i64, String> {
    move |raw| {
        parse_amount(style.language(), raw).ok_or_else(|| match style {
            NumberStyle::Belgian => "is not an amount (like 1.250,00)".into(),
            NumberStyle::English => "is not an amount (like 1,250.00)".into(),
        })
    }
}

fn name(raw: &str) -> Result<String, String> {
    dar_core::text::name(raw, NAME_MAX).map_err(|e| e.to_string())
}

fn text(max: usize) -> impl Fn(&str) -> Result<String, String> {
    move |raw| {
        dar_core::text::optional(raw, dar_core::text::Lines::Single, max)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "is blank".into())
    }
}

fn person_kind(raw: &str) -> Result<ShareholderKind, String> {
    let key = crate::columns::normalise(raw);
    const NATURAL: [&str; 10] = [
        "natural",
        "natuurlijk persoon",
        "natuurlijke persoon",
        "persoon",
        "personne physique",
        "physique",
        "person",
        "individual",
        "natural person",
        "np",
    ];
    const LEGAL: [&str; 12] = [
        "legal",
        "rechtspersoon",
        "legal entity",
        "legal person",
        "personne morale",
        "morale",
        "company",
        "vennootschap",
        "bedrijf",
        "organisation",
        "rp",
        "pm",
    ];
    if NATURAL.contains(&key.as_str()) {
        Ok(ShareholderKind::Natural)
    } else if LEGAL.contains(&key.as_str()) {
        Ok(ShareholderKind::Legal)
    } else {
        Err("is neither a natural person nor a legal entity".into())
    }
}

fn language(raw: &str) -> Result<Language, String> {
    match crate::columns::normalise(raw).as_str() {
        "nl" | "nederlands" | "dutch" | "vlaams" | "neerlandais" => Ok(Language::Nl),
        "fr" | "frans" | "francais" | "french" => Ok(Language::Fr),
        "en" | "engels" | "anglais" | "english" => Ok(Language::En),
        _ => Err("is not a language DAR speaks (nl, fr or en)".into()),
    }
}

fn entry_kind(raw: &str) -> Result<EntryKind, String> {
    let key = crate::columns::normalise(raw);
    let kinds: [(EntryKind, &[&str]); 5] = [
        (
            EntryKind::Issue,
            &[
                "issue",
                "uitgifte",
                "inschrijving",
                "toetreding",
                "emission",
                "souscription",
                "subscription",
            ],
        ),
        (
            EntryKind::Transfer,
            &["transfer", "overdracht", "cession", "transfert"],
        ),
        (
            EntryKind::Redemption,
            &[
                "redemption",
                "terugname",
                "uittreding",
                "terugbetaling",
                "remboursement",
                "rachat",
                "demission",
                "withdrawal",
            ],
        ),
        (
            EntryKind::Payment,
            &[
                "payment",
                "storting",
                "volstorting",
                "betaling",
                "paiement",
                "liberation",
                "versement",
            ],
        ),
        (
            EntryKind::Reversal,
            &[
                "reversal",
                "tegenboeking",
                "annulering",
                "annulation",
                "extourne",
            ],
        ),
    ];
    kinds
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(kind, _)| *kind)
        .ok_or_else(|| {
            "is not a kind of entry (issue, transfer, redemption, payment or reversal)".into()
        })
}

/// The class a row names, by code (any case) or by name; the only class when the file names none.
fn class_of<'c>(
    report: &mut Report,
    cells: &Cells,
    classes: &'c [ClassTerms],
) -> Option<&'c ClassTerms> {
    match cells.get(Field::ShareClass) {
        Some(raw) => {
            let found = classes.iter().find(|c| c.code.eq_ignore_ascii_case(raw));
            if found.is_none() {
                let codes: Vec<&str> = classes.iter().map(|c| c.code.as_str()).collect();
                report.at(
                    cells.row.line,
                    Some(Field::ShareClass),
                    format!(
                        "{raw:?} is not a share class of this cooperative (its classes: {})",
                        codes.join(", ")
                    ),
                );
            }
            found
        }
        None if classes.len() == 1 => classes.first(),
        None => {
            report.at(
                cells.row.line,
                Some(Field::ShareClass),
                if classes.is_empty() {
                    "the cooperative has no share classes yet: create them first".to_string()
                } else {
                    "which share class? The cooperative has several; map a column with the class"
                        .to_string()
                },
            );
            None
        }
    }
}

/// Where a check hands what a commit writes: holders, then the entries that name them.
/// `Break` stops the check (the sink could not write).
pub type Sink<'s> = &'s mut dyn FnMut(Vec<NewHolder>, Vec<NewEntry>) -> ControlFlow<()>;

/// Rows a check reads, as often as it needs to.
pub trait Rows {
    fn each(&self) -> Box<dyn Iterator<Item = Row> + '_>;
}

impl Rows for crate::source::Source {
    fn each(&self) -> Box<dyn Iterator<Item = Row> + '_> {
        self.rows()
    }
}

/// Rows of the current situation checked, planned and handed to the sink at a time: each
/// holder's entries need only the rows before them, so a register of any size is checked
/// and written in memory that does not grow with it.
const PART: usize = 5_000;

/// Checks every row and plans what a commit would write, handing it to `sink` while the
/// check is clean (the dry run gives none). The current situation is read and handed on a
/// part at a time; a history is read whole, since it is posted by date whatever the order
/// of its rows, and handed on at the end.
pub fn check(
    rows: &dyn Rows,
    fields: &[Option<Field>],
    settings: &Settings,
    register: &mut Register,
    mut sink: Option<Sink>,
) -> Checked {
    let mut index: HashMap<Field, usize> = HashMap::new();
    for (i, field) in fields.iter().enumerate() {
        if let Some(f) = field {
            index.entry(*f).or_insert(i);
        }
    }
    let style = settings.number_style.unwrap_or_else(|| {
        let amounts = [
            Field::Subscribed,
            Field::PaidUp,
            Field::Unpaid,
            Field::Amount,
        ];
        let columns: Vec<usize> = amounts
            .iter()
            .filter_map(|f| index.get(f))
            .copied()
            .collect();
        NumberStyle::detect(rows.each().flat_map(|row| {
            let Row { mut cells, .. } = row;
            columns
                .iter()
                .filter_map(|i| cells.get_mut(*i).map(std::mem::take))
                .collect::<Vec<_>>()
        }))
    });
    let mut report = Report {
        index: &index,
        problems: Vec::new(),
    };
    let mut planner = Planner {
        style,
        register,
        holders: Vec::new(),
        briefs: Vec::new(),
        by_number: HashMap::new(),
        by_national: HashMap::new(),
        by_enterprise: HashMap::new(),
        drafts: Vec::new(),
        carried: HashMap::new(),
        totals: Vec::new(),
        written: 0,
        stopped: false,
    };
    let row_count = match settings.mode {
        Mode::Current => planner.current(rows, &index, settings, &mut report, &mut sink),
        Mode::History => {
            let all: Vec<Row> = rows.each().collect();
            planner.history(&all, &index, &mut report);
            all.len()
        }
    };
    // What is left: the last part of the current situation, or the whole history posted
    // by date, then by row, so a file need not be sorted.
    planner
        .drafts
        .sort_by_key(|e| (e.draft.effective_date, e.line));
    planner.hand_on(&mut report, &mut sink);
    let highest_number = planner
        .briefs
        .iter()
        .filter_map(|b| b.register_number)
        .max()
        .unwrap_or(0);
    let unnumbered = planner
        .briefs
        .iter()
        .filter(|b| b.register_number.is_none())
        .count() as i64;
    let totals = std::mem::take(&mut planner.totals);
    let control_difference_cents = settings
        .control_total_cents
        .map(|control| totals.iter().map(|t| t.subscribed_cents).sum::<i64>() - control);
    let mut problems = report.problems;
    problems.sort_by_key(|p| (p.line, p.column));
    // A cell read twice (once to find the holders, once for the entry) is named once.
    problems.dedup();
    Checked {
        rows: row_count,
        holders: planner.briefs.len(),
        // A check with problems writes nothing (what was handed on is rolled back).
        entries: if problems.is_empty() {
            planner.written
        } else {
            0
        },
        highest_number,
        unnumbered,
        problems,
        totals,
        number_style: style,
        control_difference_cents,
    }
}

/// What the planner keeps of every holder, also after they were handed on.
struct Brief {
    id: ShareholderId,
    line: u64,
    register_number: Option<i64>,
    admitted: NaiveDate,
}

struct Planner<'r, 'a> {
    style: NumberStyle,
    register: &'r mut Register<'a>,
    /// Holders not handed on yet: the last `holders.len()` of `briefs`.
    holders: Vec<NewHolder>,
    /// Every holder the file defines, in order; a holder is named by its index here.
    briefs: Vec<Brief>,
    /// Index into `briefs` by register number, national and enterprise number.
    by_number: HashMap<i64, usize>,
    by_national: HashMap<String, usize>,
    by_enterprise: HashMap<String, usize>,
    /// Entries not handed on yet.
    drafts: Vec<NewEntry>,
    /// Holders handed on already whom entries not handed on yet name, by id: their index.
    carried: HashMap<ShareholderId, usize>,
    totals: Vec<ClassTotal>,
    /// Entries planned clean (and handed on, when there is a sink).
    written: usize,
    /// The sink stopped the check.
    stopped: bool,
}

/// Who a row names.
enum Named {
    New(usize),
    Existing(ShareholderId),
}

impl Planner<'_, '_> {
    /// Reads the identity cells of a row; `None` when the row gives no name.
    fn identity(
        &self,
        report: &mut Report,
        cells: &Cells,
    ) -> Option<(ShareholderKind, NewIdentity, Option<NaiveDate>)> {
        let line = cells.row.line;
        let last_name = report.read(cells, Field::LastName, name);
        let legal_name = report.read(cells, Field::LegalName, name);
        let enterprise_number = report.read(cells, Field::EnterpriseNumber, |raw| {
            EnterpriseNumber::parse(raw)
                .map(|n| n.as_ref().to_string())
                .map_err(|e| e.to_string())
        });
        let kind = report.read(cells, Field::Kind, person_kind);
        if last_name.is_none() && legal_name.is_none() {
            return None;
        }
        let kind = kind.unwrap_or(if legal_name.is_some() || enterprise_number.is_some() {
            ShareholderKind::Legal
        } else {
            ShareholderKind::Natural
        });
        // A legal entity's name may stand in the one name column a list has.
        let (last_name, legal_name) = match (kind, legal_name) {
            (ShareholderKind::Legal, None) => (None, last_name),
            (_, legal) => (last_name, legal),
        };
        let country = report
            .read(cells, Field::Country, |raw| {
                dar_core::address::country(Some(raw)).map_err(|e| e.to_string())
            })
            .unwrap_or_else(|| "BE".into());
        let postal_code = report.read(cells, Field::PostalCode, |raw| {
            dar_core::address::postal_code(&country, raw).map_err(|e| e.to_string())
        });
        let identity = NewIdentity {
            first_name: report.read(cells, Field::FirstName, name),
            last_name,
            legal_name,
            national_number: report.read(cells, Field::NationalNumber, |raw| {
                NationalNumber::parse(raw)
                    .map(|n| n.as_ref().to_string())
                    .map_err(|e| e.to_string())
            }),
            enterprise_number,
            birth_date: report.read(cells, Field::BirthDate, date),
            street: report.read(cells, Field::Street, text(NAME_MAX)),
            postal_code,
            city: report.read(cells, Field::City, text(100)),
            country,
            email: report.read(cells, Field::Email, |raw| {
                dar_core::identity::email(raw)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| "is blank".into())
            }),
            phone: report.read(cells, Field::Phone, text(40)),
            iban: report.read(cells, Field::Iban, |raw| {
                Iban::parse(raw)
                    .map(|n| n.as_ref().to_string())
                    .map_err(|e| e.to_string())
            }),
            language: report.read(cells, Field::Language, language),
        };
        let facts = dar_core::identity::IdentityFacts {
            kind,
            has_last_name: identity.last_name.is_some(),
            has_legal_name: identity.legal_name.is_some(),
            national_number: identity.national_number.as_deref(),
            has_enterprise_number: identity.enterprise_number.is_some(),
            birth_date: identity.birth_date,
        };
        for (field, message) in dar_core::identity::problems(facts, self.register.period.today) {
            report.at(line, Field::from_key(field), message);
        }
        let admitted = report.read(cells, Field::AdmissionDate, date);
        Some((kind, identity, admitted))
    }

    /// Adds the holder a row defines, refusing one the file or the cooperative already has.
    fn add_holder(
        &mut self,
        report: &mut Report,
        line: u64,
        number: Option<i64>,
        (kind, identity, admitted): (ShareholderKind, NewIdentity, Option<NaiveDate>),
        default_admission: NaiveDate,
    ) -> usize {
        if let Some(n) = number
            && let Some(holder) = self.register.holders.get(&n)
        {
            report.at(
                line,
                Some(Field::RegisterNumber),
                format!(
                    "register number {n} is already {} in this cooperative",
                    holder.label
                ),
            );
        }
        let same = [
            (
                identity.national_number.as_ref(),
                &self.by_national,
                self.register.national_numbers,
                Field::NationalNumber,
                "national register number",
            ),
            (
                identity.enterprise_number.as_ref(),
                &self.by_enterprise,
                self.register.enterprise_numbers,
                Field::EnterpriseNumber,
                "enterprise number",
            ),
        ];
        for (value, in_file, in_register, field, what) in same {
            let Some(value) = value else { continue };
            if let Some(&other) = in_file.get(value) {
                report.at(
                    line,
                    Some(field),
                    format!(
                        "duplicate holder: line {} has the same {what}",
                        self.briefs[other].line
                    ),
                );
            } else if let Some(n) = in_register.get(value) {
                report.at(
                    line,
                    Some(field),
                    format!(
                        "duplicate holder: shareholder {n} of this cooperative has the same {what}"
                    ),
                );
            }
        }
        let at = self.briefs.len();
        if let Some(nn) = &identity.national_number {
            self.by_national.insert(nn.clone(), at);
        }
        if let Some(en) = &identity.enterprise_number {
            self.by_enterprise.insert(en.clone(), at);
        }
        if let Some(n) = number {
            self.by_number.insert(n, at);
        }
        let holder = NewHolder {
            id: ShareholderId::new(),
            line,
            register_number: number,
            kind,
            admission_date: admitted.unwrap_or(default_admission),
            identity,
        };
        self.briefs.push(Brief {
            id: holder.id,
            line,
            register_number: number,
            admitted: holder.admission_date,
        });
        self.holders.push(holder);
        at
    }

    /// Reads the current situation, handing on a part at a time; returns the rows read.
    fn current(
        &mut self,
        rows: &dyn Rows,
        index: &HashMap<Field, usize>,
        settings: &Settings,
        report: &mut Report,
        sink: &mut Option<Sink>,
    ) -> usize {
        // A list of holders without shares needs no date; their admission defaults to today.
        let date = match settings.effective_date {
            Some(date) => date,
            None if index.contains_key(&Field::Shares) => {
                report.at(0, None, "choose the date of the opening entries");
                return rows.each().count();
            }
            None => self.register.period.today,
        };
        if !index.contains_key(&Field::LastName) && !index.contains_key(&Field::LegalName) {
            report.at(0, None, "no column holds the holders' names: map one");
            return rows.each().count();
        }
        // Classes each holder already has a line for: (holder, class) → line.
        let mut lines: HashMap<(usize, ShareClassId), u64> = HashMap::new();
        let mut seen = 0usize;
        for row in rows.each() {
            if seen > 0 && seen.is_multiple_of(PART) {
                self.hand_on(report, sink);
            }
            seen += 1;
            let row = &row;
            let cells = Cells { row, index };
            let line = row.line;
            let number = report.read(&cells, Field::RegisterNumber, count);
            let found = self.identity(report, &cells);
            // A later row of a holder already read (same register number) adds a class.
            let holder = match (number.and_then(|n| self.by_number.get(&n).copied()), found) {
                (Some(at), _) => {
                    // Handed on already: the part that posts this entry must know them.
                    if at < self.briefs.len() - self.holders.len() {
                        self.carried.insert(self.briefs[at].id, at);
                    }
                    at
                }
                (None, Some(identity)) => self.add_holder(report, line, number, identity, date),
                (None, None) => {
                    report.at(line, Some(Field::LastName), "the holder's name is missing");
                    continue;
                }
            };
            let shares = report.read(&cells, Field::Shares, count);
            let subscribed = report.read(&cells, Field::Subscribed, amount(self.style));
            let paid = report.read(&cells, Field::PaidUp, amount(self.style));
            let unpaid = report.read(&cells, Field::Unpaid, amount(self.style));
            let Some(shares) = shares else {
                if subscribed.is_some() || paid.is_some() {
                    report.at(line, Some(Field::Shares), "amounts are given but no shares");
                }
                continue;
            };
            let Some(class) = class_of(report, &cells, self.register.classes) else {
                continue;
            };
            if let Some(first) = lines.insert((holder, class.id), line) {
                report.at(
                    line,
                    Some(Field::ShareClass),
                    format!(
                        "duplicate holder: line {first} already gives this holder's shares of class {}",
                        class.code
                    ),
                );
                continue;
            }
            let subscribed = subscribed.unwrap_or(class.issue_price.cents().saturating_mul(shares));
            if subscribed % shares != 0 {
                report.at(
                    line,
                    Some(Field::Subscribed),
                    format!(
                        "{} does not divide into {shares} shares of whole cents",
                        cents(subscribed)
                    ),
                );
                continue;
            }
            let paid = paid.unwrap_or(subscribed);
            if let Some(unpaid) = unpaid
                && subscribed - paid != unpaid
            {
                report.at(
                    line,
                    Some(Field::Unpaid),
                    format!(
                        "the amounts do not add up: subscribed {} minus paid up {} is {}, not {}",
                        cents(subscribed),
                        cents(paid),
                        cents(subscribed - paid),
                        cents(unpaid)
                    ),
                );
            }
            let (Ok(quantity), Ok(price), Ok(paid)) = (
                ShareCount::new(shares),
                Money::from_cents(subscribed / shares),
                Money::from_cents(paid),
            ) else {
                report.at(line, Some(Field::Subscribed), "the amount is too large");
                continue;
            };
            self.drafts.push(NewEntry {
                line,
                draft: EntryDraft {
                    action: DraftAction::Issue {
                        share_class: class.code.clone(),
                        to: self.briefs[holder].id,
                        quantity,
                        price_per_share: Some(price),
                        paid: Some(paid),
                    },
                    effective_date: Some(date),
                    reason: report.read(&cells, Field::Reason, text(500)),
                    external_reference: report.read(&cells, Field::Reference, text(500)),
                },
            });
        }
        seen
    }

    /// Plans the entries read so far with the ledger's rules and hands them on with the
    /// holders they need, while the check is clean: once a problem is found nothing more
    /// is written (the commit refuses the import), but every row is still read for the
    /// report.
    fn hand_on(&mut self, report: &mut Report, sink: &mut Option<Sink>) {
        let holders = std::mem::take(&mut self.holders);
        let drafts = std::mem::take(&mut self.drafts);
        let carried = std::mem::take(&mut self.carried);
        if !report.problems.is_empty() || self.stopped {
            return;
        }
        let earlier: Vec<&Brief> = carried.values().map(|&at| &self.briefs[at]).collect();
        let (posted, totals) = simulate(&holders, &earlier, drafts, self.register, report);
        for total in totals {
            match self
                .totals
                .iter_mut()
                .find(|t| t.share_class == total.share_class)
            {
                Some(t) => {
                    t.holders += total.holders;
                    t.shares += total.shares;
                    t.subscribed_cents += total.subscribed_cents;
                    t.paid_cents += total.paid_cents;
                }
                None => self.totals.push(total),
            }
        }
        if !report.problems.is_empty() {
            return;
        }
        self.written += posted.len();
        if let Some(sink) = sink
            && sink(holders, posted).is_break()
        {
            self.stopped = true;
        }
    }

    /// The holder `number` names in a history: one the file defines, or one the
    /// cooperative has.
    fn named(&self, number: i64) -> Option<Named> {
        if let Some(&at) = self.by_number.get(&number) {
            return Some(Named::New(at));
        }
        self.register
            .holders
            .get(&number)
            .map(|h| Named::Existing(h.id))
    }

    fn history(&mut self, rows: &[Row], index: &HashMap<Field, usize>, report: &mut Report) {
        for (field, what) in [
            (Field::EntryKind, "what each row is (issue, transfer, …)"),
            (Field::EffectiveDate, "the date of each movement"),
        ] {
            if !index.contains_key(&field) {
                report.at(0, Some(field), format!("no column gives {what}: map one"));
            }
        }
        if !report.problems.is_empty() {
            return;
        }
        // First pass: the holders the rows define, so that a row may name a holder whose
        // defining row comes later in the file.
        let mut first_dates: HashMap<usize, NaiveDate> = HashMap::new();
        // Rows that name a holder: one without a movement adds the holder only.
        let mut holder_rows: HashSet<u64> = HashSet::new();
        let holder_field = |cells: &Cells| {
            if cells.get(Field::To).is_some() {
                Field::To
            } else {
                Field::RegisterNumber
            }
        };
        for row in rows {
            let cells = Cells { row, index };
            let Some(identity) = self.identity(report, &cells) else {
                continue;
            };
            holder_rows.insert(row.line);
            let field = holder_field(&cells);
            let number = report.read(&cells, field, count);
            let known = number.and_then(|n| self.by_number.get(&n).copied());
            if known.is_none() {
                let date = report
                    .read(&cells, Field::EffectiveDate, date)
                    .unwrap_or(self.register.period.today);
                let at = self.add_holder(report, row.line, number, identity, date);
                first_dates.insert(at, date);
            }
        }
        // Reversals and what they cancel, by the file's own entry numbers.
        let mut reversed: HashSet<i64> = HashSet::new();
        let mut reversal_rows: Vec<(u64, i64)> = Vec::new();
        let mut numbered: HashSet<i64> = HashSet::new();
        for row in rows {
            let cells = Cells { row, index };
            if let Some(seq) = cells.get(Field::Sequence).and_then(|s| count(s).ok()) {
                numbered.insert(seq);
            }
            if cells.get(Field::EntryKind).and_then(|k| entry_kind(k).ok())
                == Some(EntryKind::Reversal)
            {
                match report.read(&cells, Field::Reverses, count) {
                    Some(target) => {
                        reversed.insert(target);
                        reversal_rows.push((row.line, target));
                    }
                    None => report.at(
                        row.line,
                        Some(Field::Reverses),
                        "a reversal must name the entry it cancels (its number in the file)",
                    ),
                }
            }
        }
        for (line, target) in reversal_rows {
            if !numbered.contains(&target) {
                report.at(
                    line,
                    Some(Field::Reverses),
                    format!("no entry numbered {target} in the file"),
                );
            }
        }
        for row in rows {
            let cells = Cells { row, index };
            let line = row.line;
            let movement = [Field::EntryKind, Field::EffectiveDate, Field::Shares]
                .iter()
                .any(|f| cells.get(*f).is_some());
            if !movement && holder_rows.contains(&line) {
                continue;
            }
            let Some(kind) = report.read(&cells, Field::EntryKind, entry_kind) else {
                report.at(line, Some(Field::EntryKind), "the kind of entry is missing");
                continue;
            };
            if kind == EntryKind::Reversal {
                continue;
            }
            let seq = report.read(&cells, Field::Sequence, count);
            if seq.is_some_and(|s| reversed.contains(&s)) {
                continue;
            }
            let Some(date) = report.read(&cells, Field::EffectiveDate, date) else {
                report.at(line, Some(Field::EffectiveDate), "the date is missing");
                continue;
            };
            let mut holder = |field: Field, report: &mut Report| -> Option<ShareholderId> {
                let Some(number) = report.read(&cells, field, count) else {
                    if cells.get(field).is_none() {
                        report.at(line, Some(field), "the holder's register number is missing");
                    }
                    return None;
                };
                match self.named(number) {
                    Some(Named::New(at)) => {
                        let first = first_dates.entry(at).or_insert(date);
                        *first = (*first).min(date);
                        Some(self.briefs[at].id)
                    }
                    Some(Named::Existing(id)) => Some(id),
                    None => {
                        report.at(
                            line,
                            Some(field),
                            format!(
                                "no shareholder {number}: not in the cooperative, and no row of the file gives their name"
                            ),
                        );
                        None
                    }
                }
            };
            let to_field = holder_field(&cells);
            let from_field = if cells.get(Field::From).is_some() {
                Field::From
            } else {
                Field::RegisterNumber
            };
            let (to, from) = match kind {
                EntryKind::Issue | EntryKind::Payment => (holder(to_field, report), None),
                EntryKind::Redemption => (None, holder(from_field, report)),
                _ => (holder(to_field, report), holder(Field::From, report)),
            };
            let class = class_of(report, &cells, self.register.classes);
            // A payment moves no shares (an export writes 0 there).
            let shares = if kind == EntryKind::Payment {
                None
            } else {
                report.read(&cells, Field::Shares, count)
            };
            let subscribed = report.read(&cells, Field::Subscribed, amount(self.style));
            let paid = report.read(&cells, Field::PaidUp, amount(self.style));
            let paid_amount = report.read(&cells, Field::Amount, amount(self.style));
            let reference = report.read(&cells, Field::Reference, text(500));
            let reason = report.read(&cells, Field::Reason, text(500));
            if kind == EntryKind::Redemption && reason.is_none() {
                report.at(
                    line,
                    Some(Field::Reason),
                    "a redemption needs a reason (withdrawal, exclusion, death, …)",
                );
            }
            let (Some(class), true) = (class, to.is_some() || from.is_some()) else {
                continue;
            };
            let share_class = class.code.clone();
            let needs_shares = kind != EntryKind::Payment;
            if needs_shares && shares.is_none() {
                report.at(line, Some(Field::Shares), "the number of shares is missing");
                continue;
            }
            let quantity = shares.and_then(|n| ShareCount::new(n).ok());
            let money = |cents: i64| Money::from_cents(cents).ok();
            let per_share =
                |total: Option<i64>, field: Field, report: &mut Report| match (total, shares) {
                    (Some(total), Some(n)) if total % n != 0 => {
                        report.at(
                            line,
                            Some(field),
                            format!(
                                "{} does not divide into {n} shares of whole cents",
                                cents(total)
                            ),
                        );
                        Err(())
                    }
                    (Some(total), Some(n)) => Ok(money(total / n)),
                    _ => Ok(None),
                };
            // The capital outgoing shares took with them, when the file says so (DAR's
            // ledger export does): kept as it was, not worked out again.
            let moved = match (subscribed.and_then(money), paid.and_then(money)) {
                (Some(capital), Some(paid)) => Some(CapitalMoved { capital, paid }),
                _ => None,
            };
            let action = match (kind, to, from, quantity) {
                (EntryKind::Issue, Some(to), _, Some(quantity)) => {
                    let Ok(price_per_share) = per_share(subscribed, Field::Subscribed, report)
                    else {
                        continue;
                    };
                    DraftAction::Issue {
                        share_class,
                        to,
                        quantity,
                        price_per_share,
                        paid: paid.and_then(money),
                    }
                }
                (EntryKind::Transfer, Some(to), Some(from), Some(quantity)) => {
                    let Ok(price_per_share) = per_share(paid_amount, Field::Amount, report) else {
                        continue;
                    };
                    DraftAction::Transfer {
                        share_class,
                        from,
                        to,
                        quantity,
                        price_per_share,
                        moved,
                    }
                }
                (EntryKind::Redemption, _, Some(from), Some(quantity)) => {
                    // Nothing said of the repayment: the paid-up value of the shares, worked
                    // out when the entry is planned.
                    let amount = paid_amount.and_then(money).unwrap_or(Money::ZERO);
                    DraftAction::Redemption {
                        share_class,
                        from,
                        quantity,
                        amount,
                        moved,
                    }
                }
                (EntryKind::Payment, Some(to), _, _) => {
                    let Some(amount) = paid_amount.or(paid).and_then(money) else {
                        report.at(line, Some(Field::Amount), "the amount paid is missing");
                        continue;
                    };
                    DraftAction::Payment {
                        share_class,
                        to,
                        amount,
                    }
                }
                _ => continue,
            };
            let repay_paid_up = kind == EntryKind::Redemption && paid_amount.is_none();
            self.drafts.push(NewEntry {
                line,
                draft: EntryDraft {
                    action,
                    effective_date: Some(date),
                    reason: if repay_paid_up {
                        Some(format!("{REPAY_PAID_UP}{}", reason.unwrap_or_default()))
                    } else {
                        reason
                    },
                    external_reference: reference,
                },
            });
        }
        for (at, first) in first_dates {
            // A history is handed on whole at the end: every holder is still here.
            let holder = &mut self.holders[at];
            // Admitted at the first movement unless the file says when.
            if holder.admission_date > first {
                holder.admission_date = first;
            }
        }
    }
}

/// Marks a redemption whose file gave no repayment: the simulation fills in the paid-up
/// value of the shares (and clears the mark).
const REPAY_PAID_UP: &str = "\u{0}repay-paid-up";

fn cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        c.unsigned_abs() / 100,
        c.unsigned_abs() % 100
    )
}

/// Plans every draft in order with the ledger's rules, each seeing the ones before it, and
/// adds up the classes.
fn simulate(
    holders: &[NewHolder],
    earlier: &[&Brief],
    drafts: Vec<NewEntry>,
    register: &mut Register,
    report: &mut Report,
) -> (Vec<NewEntry>, Vec<ClassTotal>) {
    struct Known {
        label: HolderLabel,
        admitted: NaiveDate,
        status: ShareholderStatus,
    }
    let mut known: HashMap<ShareholderId, Known> = HashMap::new();
    for (i, h) in holders.iter().enumerate() {
        let name = match (
            &h.identity.legal_name,
            &h.identity.first_name,
            &h.identity.last_name,
        ) {
            (Some(legal), _, _) => legal.clone(),
            (None, Some(first), Some(last)) => format!("{first} {last}"),
            (None, _, Some(last)) => last.clone(),
            _ => String::new(),
        };
        known.insert(
            h.id,
            Known {
                label: HolderLabel {
                    register_number: h.register_number.unwrap_or(i as i64 + 1),
                    name,
                },
                admitted: h.admission_date,
                status: ShareholderStatus::Active,
            },
        );
    }
    // New holders of an earlier part (the current situation's later rows for another
    // class); named by register number alone.
    for b in earlier {
        known.insert(
            b.id,
            Known {
                label: HolderLabel {
                    register_number: b.register_number.unwrap_or_default(),
                    name: String::new(),
                },
                admitted: b.admitted,
                status: ShareholderStatus::Active,
            },
        );
    }
    for h in register.holders.values() {
        known.insert(
            h.id,
            Known {
                label: h.label.clone(),
                admitted: h.admitted,
                status: h.status,
            },
        );
    }
    let new: HashSet<ShareholderId> = holders
        .iter()
        .map(|h| h.id)
        .chain(earlier.iter().map(|b| b.id))
        .collect();
    let mut legs: HashMap<(ShareholderId, ShareClassId), Vec<Leg>> = HashMap::new();
    let mut posted = Vec::with_capacity(drafts.len());
    for mut entry in drafts {
        let Some(class) = entry
            .draft
            .share_class()
            .and_then(|code| register.classes.iter().find(|c| c.code == code))
        else {
            continue;
        };
        let (from, to) = entry.draft.holders();
        let mut state = |id: Option<ShareholderId>| -> Option<HolderState> {
            let id = id?;
            let k = known.get(&id)?;
            let legs = legs.entry((id, class.id)).or_insert_with(|| {
                if new.contains(&id) {
                    Vec::new()
                } else {
                    (register.legs)(id, class.id)
                }
            });
            Some(HolderState {
                id,
                label: k.label.clone(),
                admitted: k.admitted,
                status: k.status,
                legs: legs.clone(),
            })
        };
        let ctx = PlanContext {
            period: register.period,
            class: class.clone(),
            from: state(from),
            to: state(to),
            reversal_target: None,
        };
        if let Some(reason) = entry.draft.reason.as_deref()
            && let Some(own) = reason.strip_prefix(REPAY_PAID_UP)
        {
            entry.draft.reason = Some(own.to_string()).filter(|r| !r.is_empty());
            if let (
                DraftAction::Redemption {
                    quantity,
                    amount,
                    moved,
                    ..
                },
                Some(from),
            ) = (&mut entry.draft.action, &ctx.from)
            {
                let date = entry.draft.effective_date.unwrap_or(register.period.today);
                let held = dar_core::holdings::position_at(&from.legs, date);
                if let Some(moved) = moved {
                    *amount = moved.paid;
                } else if held.quantity > 0 {
                    *amount = Money::from_cents(held.paid_cents)
                        .map(|p| p.pro_rata(quantity.get().min(held.quantity), held.quantity))
                        .unwrap_or(Money::ZERO);
                }
            }
        }
        match rules::plan(&entry.draft, &ctx) {
            Ok(movement) => {
                for (holder, leg) in movement.legs() {
                    legs.entry((holder, class.id)).or_default().push(leg);
                }
                posted.push(entry);
            }
            Err(refusal) => {
                let field = match refusal.field() {
                    "effective_date" => {
                        if matches!(refusal, rules::LedgerError::BeforeAdmission { .. }) {
                            Field::AdmissionDate
                        } else {
                            Field::EffectiveDate
                        }
                    }
                    "quantity" => Field::Shares,
                    "capital" => Field::Subscribed,
                    "paid" => Field::PaidUp,
                    "amount" => Field::Amount,
                    "to" => Field::To,
                    "share_class" => Field::ShareClass,
                    "external_reference" => Field::Reference,
                    _ => Field::Shares,
                };
                report.at(entry.line, Some(field), refusal.to_string());
            }
        }
    }
    let mut totals: Vec<ClassTotal> = register
        .classes
        .iter()
        .map(|c| ClassTotal {
            share_class: c.code.clone(),
            ..ClassTotal::default()
        })
        .collect();
    for ((holder, class), legs) in &legs {
        let _ = holder;
        let Some(i) = register.classes.iter().position(|c| c.id == *class) else {
            continue;
        };
        let end: Position = legs.iter().fold(Position::default(), |p, l| p.plus(l));
        let total = &mut totals[i];
        if end.quantity > 0 {
            total.holders += 1;
        }
        total.shares += end.quantity;
        total.subscribed_cents += end.capital_cents;
        total.paid_cents += end.paid_cents;
    }
    totals.retain(|t| t.holders > 0 || t.shares > 0);
    (posted, totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{columns, read};
    use dar_core::types::TransferRule;

    fn class(code: &str, price: i64) -> ClassTerms {
        ClassTerms {
            id: ShareClassId::new(),
            code: code.into(),
            issue_price: Money::from_cents(price).unwrap(),
            transfer_rule: TransferRule::Free,
            max_shares_per_holder: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    /// [`check`] with everything it would write collected.
    fn check_all(
        rows: &dyn Rows,
        fields: &[Option<Field>],
        settings: &Settings,
        register: &mut Register,
    ) -> (Checked, Vec<NewHolder>, Vec<NewEntry>) {
        let (mut holders, mut entries) = (Vec::new(), Vec::new());
        let mut collect = |h: Vec<NewHolder>, e: Vec<NewEntry>| {
            holders.extend(h);
            entries.extend(e);
            ControlFlow::Continue(())
        };
        let checked = check(rows, fields, settings, register, Some(&mut collect));
        (checked, holders, entries)
    }

    /// A check, with what it handed on.
    struct Ran {
        checked: Checked,
        written_holders: Vec<NewHolder>,
        written_entries: Vec<NewEntry>,
    }

    impl std::ops::Deref for Ran {
        type Target = Checked;
        fn deref(&self) -> &Checked {
            &self.checked
        }
    }

    fn run(file: &[u8], classes: &[ClassTerms], settings: &Settings) -> Ran {
        let source = read(file).unwrap();
        let fields = columns(&source.headers, &Default::default());
        let (holders, national, enterprise) = Default::default();
        let mut legs = |_: ShareholderId, _: ShareClassId| Vec::new();
        let mut register = Register {
            classes,
            default_language: Language::Nl,
            period: Period {
                today: today(),
                locked_until: None,
            },
            holders: &holders,
            national_numbers: &national,
            enterprise_numbers: &enterprise,
            legs: &mut legs,
        };
        let (checked, written_holders, written_entries) =
            check_all(&source, &fields, settings, &mut register);
        Ran {
            checked,
            written_holders,
            written_entries,
        }
    }

    fn current(on: &str) -> Settings {
        Settings {
            mode: Mode::Current,
            effective_date: Some(on.parse().unwrap()),
            control_total_cents: None,
            number_style: None,
        }
    }

    fn history() -> Settings {
        Settings {
            mode: Mode::History,
            effective_date: None,
            control_total_cents: None,
            number_style: None,
        }
    }

    #[test]
    fn the_current_situation_opens_one_issue_per_holder_and_class() {
        let file = b"Nr;Naam;Voornaam;Klasse;Aandelen;Kapitaal;Volstort\r\n\
            7;Peeters;Anna;A;4;1.000,00;1.000,00\r\n\
            7;Peeters;Anna;B;2;500,00;250,00\r\n\
            9;Janssens;Jan;A;1;250,00;\r\n";
        let classes = [class("A", 25_000), class("B", 25_000)];
        let checked = run(
            file,
            &classes,
            &Settings {
                control_total_cents: Some(170_000),
                ..current("2025-12-31")
            },
        );
        assert_eq!(checked.problems, []);
        assert_eq!(checked.holders, 2);
        assert_eq!(checked.written_holders[0].register_number, Some(7));
        assert_eq!(checked.entries, 3);
        assert_eq!(checked.written_entries.len(), 3);
        assert_eq!(
            checked.totals[0],
            ClassTotal {
                share_class: "A".into(),
                holders: 2,
                shares: 5,
                subscribed_cents: 125_000,
                paid_cents: 125_000
            }
        );
        assert_eq!(checked.totals[1].paid_cents, 25_000);
        assert_eq!(checked.control_difference_cents, Some(5_000));
    }

    #[test]
    fn a_bad_iban_on_the_last_of_ten_thousand_rows_is_named_by_row_and_column() {
        let mut file = String::from("Nr,Name,Shares,IBAN\n");
        for n in 1..=10_000 {
            let iban = if n == 10_000 {
                "BE00 0000 0000 0000"
            } else {
                "BE68 5390 0754 7034"
            };
            file.push_str(&format!("{n},Holder {n},1,{iban}\n"));
        }
        let checked = run(
            file.as_bytes(),
            &[class("A", 5_000)],
            &current("2025-12-31"),
        );
        assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
        let problem = &checked.problems[0];
        assert_eq!((problem.line, problem.column), (10_001, Some(3)));
        assert_eq!(problem.field, Some(Field::Iban));
        assert_eq!(checked.entries, 0);
    }

    #[test]
    fn the_same_national_number_twice_is_a_duplicate_holder() {
        let file = b"Nr;Naam;Rijksregisternummer;Aandelen\n\
            1;Peeters;85.07.30-033.28;1\n\
            2;Peters;85073003328;1\n";
        let checked = run(file, &[class("A", 5_000)], &current("2025-12-31"));
        assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
        assert_eq!(checked.problems[0].line, 3);
        assert!(checked.problems[0].message.contains("line 2"));
    }

    #[test]
    fn amounts_that_do_not_add_up_are_named_at_the_unpaid_column() {
        // Subscribed 300, paid 200: 100 unpaid, not 50. And 100 does not divide into 3 shares.
        let file = b"Nr;Naam;Aandelen;Kapitaal;Volstort;Niet volstort\n\
            1;Peeters;3;300,00;200,00;50,00\n\
            2;Claes;3;100,00;;\n";
        let checked = run(file, &[class("A", 10_000)], &current("2025-12-31"));
        let found: Vec<_> = checked.problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(
            found,
            [(2, Some(Field::Unpaid)), (3, Some(Field::Subscribed))],
            "{:?}",
            checked.problems
        );
        assert!(checked.problems[0].message.contains("do not add up"));
    }

    #[test]
    fn an_unknown_class_names_the_classes_there_are() {
        let file = b"Nr;Naam;Klasse;Aandelen\n1;Peeters;Z;1\n";
        let checked = run(file, &[class("A", 5_000)], &current("2025-12-31"));
        assert_eq!(checked.problems[0].field, Some(Field::ShareClass));
        assert!(checked.problems[0].message.contains("its classes: A"));
    }

    #[test]
    fn a_history_that_makes_a_holding_negative_is_named_at_its_row() {
        let file = b"Datum;Verrichting;Nr;Naam;Van;Aandelen\n\
            01/02/2024;uitgifte;1;Peeters;;3\n\
            01/03/2024;uitgifte;2;Janssens;;1\n\
            01/04/2024;overdracht;2;;1;5\n";
        let checked = run(file, &[class("A", 5_000)], &history());
        assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
        assert_eq!(checked.problems[0].line, 4);
        assert_eq!(checked.problems[0].field, Some(Field::Shares));
        assert!(checked.problems[0].message.contains("too few shares"));
    }

    #[test]
    fn a_history_is_posted_by_date_whatever_the_order_of_its_rows() {
        let file = b"Datum;Verrichting;Nr;Naam;Van;Aandelen;Bedrag;Reden\n\
            01/04/2024;overdracht;2;;1;2;;\n\
            01/03/2024;uitgifte;2;Janssens;;1;;\n\
            01/02/2024;uitgifte;1;Peeters;;3;;\n\
            01/05/2024;terugname;;;1;1;;uittreding\n";
        let checked = run(file, &[class("A", 5_000)], &history());
        assert_eq!(checked.problems, []);
        let kinds: Vec<_> = checked
            .written_entries
            .iter()
            .map(|e| e.draft.kind())
            .collect();
        assert_eq!(
            kinds,
            [
                EntryKind::Issue,
                EntryKind::Issue,
                EntryKind::Transfer,
                EntryKind::Redemption
            ]
        );
        // Nothing said of the repayment: the paid-up value of the share.
        let DraftAction::Redemption { amount, .. } = &checked.written_entries[3].draft.action
        else {
            panic!("a redemption");
        };
        assert_eq!(amount.cents(), 5_000);
        assert_eq!(checked.totals[0].shares, 3);
        let janssens = checked
            .written_holders
            .iter()
            .find(|h| h.register_number == Some(2));
        assert_eq!(janssens.unwrap().admission_date.to_string(), "2024-03-01");
    }

    #[test]
    fn a_reversal_and_the_entry_it_cancels_are_left_out_together() {
        let file = b"seq,kind,effective_date,to_register_number,last_name,from_register_number,shares,reverses_seq\n\
            1,issue,2024-02-01,1,Peeters,,3,\n\
            2,issue,2024-02-02,1,,,9,\n\
            3,reversal,2024-02-03,,,,-9,2\n";
        let checked = run(file, &[class("A", 5_000)], &history());
        assert_eq!(checked.problems, []);
        assert_eq!(checked.entries, 1);
        assert_eq!(checked.totals[0].shares, 3);
    }
}
