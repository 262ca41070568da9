//! Registers brought in from a spreadsheet: the dry run that checks an uploaded file against
//! the cooperative ([`dry_run`]), and the background job that commits a clean one
//! ([`ImportRunner`]) through the ledger's one append path, all or nothing.
//!
//! The job claims the import, then writes the holders, every entry and the status
//! `committed` in one transaction under the cooperative's lock, after checking the file
//! again under that lock (the register may have changed since the dry run). Its progress and
//! heartbeat are written beside it from a connection of its own. If the service dies during
//! the commit, the database rolls the transaction back; the import stays `running` until its
//! heartbeat is stale, and then a worker of any instance commits it again from the start.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use dar_core::holdings::Leg;
use dar_core::ids::{ImportId, ShareClassId, ShareholderId, TenantId};
use dar_core::ledger::{HolderLabel, Period};
use dar_core::money::Money;
use dar_core::types::{Language, ShareholderStatus};
use dar_db::imports::{self, ImportRow};
use dar_db::ledger::{self, AppendRequest, HoldingKey};
use dar_db::shareholders::{Identity, NewShareholder};
use dar_db::tenants::TenantRow;
use dar_db::{Database, DbConnection, StoreError};
use dar_import::columns::{Field, normalise};
use dar_import::numbers::NumberStyle;
use dar_import::plan::{self, Checked, ExistingHolder, Mode, Register};
use dar_import::source::{self, Format, Mapping};

/// Largest file an import reads: a 400,000-holder register as CSV is about 40 MB.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Problems a report lists; the count says how many there are in all.
pub const PROBLEMS_SHOWN: usize = 1000;
/// A running commit's heartbeat; a job silent for `STALE_AFTER` is taken over.
const BEAT_EVERY: Duration = Duration::from_secs(2);
const STALE_AFTER: Duration = Duration::from_secs(30);
/// Entries posted per call of the append path.
const ENTRIES_PER_GROUP: usize = ledger::BATCH_MAX_ENTRIES;

/// What the user chose for an import, besides the file.
#[derive(Clone, Debug)]
pub struct Choices {
    pub mode: Mode,
    pub effective_date: Option<NaiveDate>,
    pub control_total_cents: Option<i64>,
    pub number_style: Option<NumberStyle>,
    /// Normalised header → field (`None`: left out): the cooperative's saved mapping with
    /// this import's choices over it.
    pub mapping: Mapping,
}

/// A column of the file and what DAR reads from it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ColumnView {
    /// As a spreadsheet names it: A, B, …
    pub column: String,
    pub header: String,
    /// The field read from it (`register_number`, `last_name`, `shares`, …), or null when
    /// the column is left out.
    pub field: Option<String>,
}

/// One problem of a dry run, where the user will find it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProblemView {
    /// The line of the file (the row of the sheet); 0 for the file as a whole.
    pub line: u64,
    /// The column (`D`), when the problem is in one cell.
    pub column: Option<String>,
    /// That column's header.
    pub header: Option<String>,
    pub field: Option<String>,
    pub message: String,
    /// For an Open Cap Format package: the object the problem is in (file, type and id).
    pub object: Option<String>,
}

/// A share class after the import.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TotalView {
    pub share_class: String,
    pub holders: u64,
    pub shares: i64,
    /// Subscribed capital, a decimal string in euro.
    pub subscribed: String,
    pub paid_up: String,
}

/// A dry run's report: how the file was read, what it would write, what is wrong.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Report {
    /// `csv`, `xlsx` or `ocf` (an Open Cap Format package).
    pub format: String,
    /// For CSV: the encoding read (`utf-8`, `windows-1252`, …) and the delimiter.
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    /// `belgian` (1.250,00) or `english` (1,250.00).
    pub number_style: String,
    pub header_line: u64,
    pub columns: Vec<ColumnView>,
    /// Data rows below the header.
    pub rows: usize,
    /// Holders and entries a commit would write.
    pub holders: usize,
    pub entries: usize,
    pub totals: Vec<TotalView>,
    /// Subscribed capital of all classes after the import.
    pub subscribed_total: String,
    pub control_total: Option<String>,
    /// `subscribed_total` minus `control_total`.
    pub control_difference: Option<String>,
    /// The first problems, in file order.
    pub problems: Vec<ProblemView>,
    pub problem_count: usize,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problem_count == 0
    }
}

fn euro(cents: i64) -> String {
    Money::from_cents(cents.abs()).map_or_else(
        |_| cents.to_string(),
        |m| {
            if cents < 0 {
                format!("-{m}")
            } else {
                m.to_string()
            }
        },
    )
}

/// Why a dry run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DryRunError {
    #[error(transparent)]
    Source(#[from] source::SourceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DryRunError> for ApiError {
    fn from(e: DryRunError) -> ApiError {
        match e {
            DryRunError::Source(e) => ApiError::invalid("file", e.to_string()),
            DryRunError::Store(e) => e.into(),
        }
    }
}

/// Reads `file`, checks it against the cooperative as it is now, and reports. Changes
/// nothing.
pub fn dry_run(
    conn: &mut DbConnection,
    tenant: &TenantRow,
    tenant_id: &TenantId,
    file: Vec<u8>,
    choices: &Choices,
    today: NaiveDate,
) -> Result<(Report, Checked), DryRunError> {
    let source = source::read_owned(file)?;
    check(
        &RefCell::new(conn),
        tenant,
        tenant_id,
        &source,
        choices,
        today,
        None,
    )
}

/// [`dry_run`], handing what a commit writes to `sink` while the check is clean. The
/// connection is shared with the sink: the check reads a holder's history only between
/// the parts it hands on.
fn check(
    conn: &RefCell<&mut DbConnection>,
    tenant: &TenantRow,
    tenant_id: &TenantId,
    source: &source::Source,
    choices: &Choices,
    today: NaiveDate,
    sink: Option<plan::Sink>,
) -> Result<(Report, Checked), DryRunError> {
    let fields = source.fields(&choices.mapping);
    // An OCF package is a history, its amounts written 1250.00.
    let ocf = source.format == Format::Ocf;
    let classes = dar_db::share_classes::list(&mut conn.borrow_mut(), tenant_id)?
        .iter()
        .map(|c| c.terms())
        .collect::<Result<Vec<_>, _>>()?;
    let mut holders: HashMap<i64, ExistingHolder> = HashMap::new();
    let mut national: HashMap<String, i64> = HashMap::new();
    let mut enterprise: HashMap<String, i64> = HashMap::new();
    for h in imports::holder_facts(&mut conn.borrow_mut(), tenant_id)? {
        if let Some(nn) = h.national_number {
            national.insert(nn, h.register_number);
        }
        if let Some(en) = h.enterprise_number {
            enterprise.insert(en, h.register_number);
        }
        let name = match (h.legal_name, h.first_name, h.last_name) {
            (Some(legal), _, _) => legal,
            (None, Some(first), Some(last)) => format!("{first} {last}"),
            (None, _, last) => last.unwrap_or_default(),
        };
        holders.insert(
            h.register_number,
            ExistingHolder {
                id: h
                    .id
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("shareholder id {:?}", h.id)))?,
                label: HolderLabel {
                    register_number: h.register_number,
                    name,
                },
                admitted: h.admission_date,
                status: ShareholderStatus::parse(&h.status).unwrap_or(ShareholderStatus::Active),
            },
        );
    }
    let mut failed: Option<StoreError> = None;
    let mut legs = |holder: ShareholderId, class: ShareClassId| -> Vec<Leg> {
        let key = HoldingKey {
            tenant: *tenant_id,
            class_id: class.to_string(),
            holder,
        };
        // From the first date a register can speak of: the whole history.
        let from: HashMap<HoldingKey, NaiveDate> =
            [(key.clone(), dar_core::time::REGISTER_EPOCH)].into();
        match ledger::legs_from(&mut conn.borrow_mut(), &from) {
            Ok(mut found) => found.remove(&key).unwrap_or_default(),
            Err(e) => {
                failed.get_or_insert(e);
                Vec::new()
            }
        }
    };
    let mut register = Register {
        classes: &classes,
        default_language: Language::parse(&tenant.default_language).unwrap_or(Language::Nl),
        period: Period {
            today,
            locked_until: tenant.locked_until,
        },
        holders: &holders,
        national_numbers: &national,
        enterprise_numbers: &enterprise,
        legs: &mut legs,
    };
    let settings = plan::Settings {
        mode: if ocf { Mode::History } else { choices.mode },
        effective_date: choices.effective_date,
        control_total_cents: choices.control_total_cents,
        number_style: if ocf {
            Some(NumberStyle::English)
        } else {
            choices.number_style
        },
    };
    let mut checked = plan::check(source, &fields, &settings, &mut register, sink);
    if let Some(e) = failed {
        return Err(e.into());
    }
    let unreadable = source
        .problems
        .iter()
        .map(|(object, message)| plan::Problem {
            line: 0,
            column: None,
            field: None,
            message: format!("{object}: {message}"),
        });
    checked.problems.splice(0..0, unreadable);
    if let Some(diff) = checked.control_difference_cents
        && diff != 0
    {
        checked.problems.insert(
            0,
            plan::Problem {
                line: 0,
                column: None,
                field: None,
                message: format!(
                    "the subscribed capital after the import differs from the control total by {}",
                    euro(diff)
                ),
            },
        );
    }
    Ok((report(source, &fields, &checked), checked))
}

fn report(source: &source::Source, fields: &[Option<Field>], checked: &Checked) -> Report {
    let (format, encoding, delimiter) = match source.format {
        Format::Csv {
            encoding,
            delimiter,
        } => (
            "csv",
            Some(encoding.name().to_string()),
            Some(match delimiter {
                b'\t' => "tab".to_string(),
                d => (d as char).to_string(),
            }),
        ),
        Format::Xlsx => ("xlsx", None, None),
        Format::Ocf => ("ocf", None, None),
    };
    let columns: Vec<ColumnView> = source
        .headers
        .iter()
        .enumerate()
        .map(|(i, header)| ColumnView {
            column: source::column_letter(i),
            header: header.clone(),
            field: fields
                .get(i)
                .copied()
                .flatten()
                .map(|f| f.key().to_string()),
        })
        .collect();
    let problems = checked
        .problems
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|p| ProblemView {
            object: source.object(p.line).map(str::to_string),
            line: p.line,
            column: p.column.map(source::column_letter),
            header: p.column.and_then(|c| source.headers.get(c).cloned()),
            field: p.field.map(|f| f.key().to_string()),
            message: p.message.clone(),
        })
        .collect();
    let subscribed: i64 = checked.totals.iter().map(|t| t.subscribed_cents).sum();
    Report {
        format: format.into(),
        encoding,
        delimiter,
        number_style: match checked.number_style {
            NumberStyle::Belgian => "belgian",
            NumberStyle::English => "english",
        }
        .into(),
        header_line: source.header_line,
        columns,
        rows: checked.rows,
        holders: checked.holders,
        entries: checked.entries,
        totals: checked
            .totals
            .iter()
            .map(|t| TotalView {
                share_class: t.share_class.clone(),
                holders: t.holders,
                shares: t.shares,
                subscribed: euro(t.subscribed_cents),
                paid_up: euro(t.paid_cents),
            })
            .collect(),
        subscribed_total: euro(subscribed),
        control_total: None,
        control_difference: checked.control_difference_cents.map(euro),
        problems,
        problem_count: checked.problems.len(),
    }
}

/// The choices an import was stored with.
pub fn choices_of(row: &ImportRow) -> Result<Choices, StoreError> {
    Ok(Choices {
        mode: Mode::parse(&row.mode)
            .ok_or_else(|| StoreError::Corrupt(format!("import mode {:?}", row.mode)))?,
        effective_date: row.effective_date,
        control_total_cents: row.control_total_cents,
        number_style: row.number_style.as_deref().and_then(number_style),
        mapping: mapping_from_json(&row.mapping)?,
    })
}

pub fn number_style(s: &str) -> Option<NumberStyle> {
    match s {
        "belgian" => Some(NumberStyle::Belgian),
        "english" => Some(NumberStyle::English),
        _ => None,
    }
}

pub fn number_style_key(style: NumberStyle) -> &'static str {
    match style {
        NumberStyle::Belgian => "belgian",
        NumberStyle::English => "english",
    }
}

pub fn mapping_from_json(json: &str) -> Result<Mapping, StoreError> {
    let raw: HashMap<String, Option<String>> = serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("import mapping: {e}")))?;
    Ok(mapping_from_keys(raw))
}

/// A mapping from field keys; an unknown key reads as a column left out.
pub fn mapping_from_keys(raw: HashMap<String, Option<String>>) -> Mapping {
    raw.into_iter()
        .map(|(header, field)| (header, field.as_deref().and_then(Field::from_key)))
        .collect()
}

pub fn mapping_json(mapping: &Mapping) -> String {
    let raw: std::collections::BTreeMap<&str, Option<&str>> = mapping
        .iter()
        .map(|(h, f)| (h.as_str(), f.map(Field::key)))
        .collect();
    serde_json::to_string(&raw).unwrap_or_else(|_| "{}".into())
}

/// The user's choice of field per column header, checked: every header must be one of the
/// file's and every field one DAR knows; a field goes to one column only.
pub fn checked_choices(
    headers: &[String],
    chosen: &HashMap<String, Option<String>>,
) -> ApiResult<Mapping> {
    let mut mapping = Mapping::new();
    let mut used: HashSet<Field> = HashSet::new();
    let known: HashSet<String> = headers.iter().map(|h| normalise(h)).collect();
    for (header, field) in chosen {
        let key = normalise(header);
        if !known.contains(&key) {
            return Err(ApiError::invalid(
                format!("mapping.{header}"),
                "the file has no column with this header",
            ));
        }
        let field = match field.as_deref() {
            None | Some("") => None,
            Some(f) => Some(Field::from_key(f).ok_or_else(|| {
                ApiError::invalid(
                    format!("mapping.{header}"),
                    format!(
                        "{f:?} is not a field DAR imports; one of: {}",
                        Field::ALL.map(Field::key).join(", ")
                    ),
                )
            })?),
        };
        if let Some(f) = field
            && !used.insert(f)
        {
            return Err(ApiError::invalid(
                format!("mapping.{header}"),
                format!("{} is chosen for two columns", f.key()),
            ));
        }
        mapping.insert(key, field);
    }
    Ok(mapping)
}

/// The commit jobs of this instance and the sweep that takes over abandoned ones.
#[derive(Clone)]
pub struct ImportRunner {
    db: Database,
    /// Imports running in this instance, so the sweep does not start one twice.
    running: Arc<Mutex<HashSet<ImportId>>>,
}

/// Why a commit stopped.
#[derive(Debug, thiserror::Error)]
enum CommitError {
    #[error("{0}")]
    Refused(String),
    #[error("another worker took this import over")]
    TakenOver,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportRunner {
    pub fn new(db: Database) -> Self {
        ImportRunner {
            db,
            running: Arc::default(),
        }
    }

    /// Starts the sweep that runs queued imports and takes over abandoned ones.
    pub fn start_sweeper(&self) {
        let runner = self.clone();
        let spawned = std::thread::Builder::new()
            .name("dar-import-sweep".into())
            .spawn(move || {
                loop {
                    if let Err(e) = runner.sweep() {
                        tracing::warn!(error = %e, "import sweep failed");
                    }
                    std::thread::sleep(STALE_AFTER / 4);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start the import sweeper");
        }
    }

    pub fn sweep(&self) -> Result<(), StoreError> {
        let mut conn = self.db.conn()?;
        let stale = Utc::now() - STALE_AFTER;
        for (tenant, id) in imports::open(&mut conn, stale)? {
            if let (Ok(tenant), Ok(id)) = (tenant.parse(), id.parse()) {
                self.spawn(tenant, id);
            }
        }
        Ok(())
    }

    /// Runs the import's commit on a thread of its own, unless it runs here already.
    pub fn spawn(&self, tenant: TenantId, id: ImportId) {
        if !self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id)
        {
            return;
        }
        let runner = self.clone();
        let spawned = std::thread::Builder::new()
            .name("dar-import".into())
            .spawn(move || {
                let span = tracing::info_span!("import", tenant = %tenant, import = %id);
                let _entered = span.enter();
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    runner.run(tenant, id)
                }));
                match ran {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => tracing::error!(error = %e, "import stopped"),
                    Err(_) => tracing::error!("import panicked"),
                }
                runner
                    .running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start an import");
            self.running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
        }
    }

    fn run(&self, tenant: TenantId, id: ImportId) -> Result<(), StoreError> {
        let mut conn = self.db.conn()?;
        let now = Utc::now();
        let Some(attempt) = imports::claim(&mut conn, &tenant, &id, now - STALE_AFTER, now)? else {
            return Ok(());
        };
        tracing::info!(attempt, "import commit started");
        let done = Arc::new(AtomicI64::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        let beat = self.start_heartbeat(tenant, id, attempt, done.clone(), finished.clone());
        let outcome = dar_db::write_transaction(&mut conn, |conn| {
            commit(conn, &tenant, &id, attempt, &done, Utc::now())
        });
        finished.store(true, Ordering::Relaxed);
        if let Some(beat) = beat {
            let _ = beat.join();
        }
        match outcome {
            Ok(written) => {
                tracing::info!(written, "import committed");
                Ok(())
            }
            Err(CommitError::TakenOver) => {
                tracing::warn!("import taken over by another worker; this attempt rolled back");
                Ok(())
            }
            // Still busy or the connection lost: left running, so it is taken over and
            // committed again once its heartbeat is stale.
            Err(CommitError::Store(e)) if e.is_retryable() => {
                tracing::warn!(error = %e, "import commit interrupted; it will be resumed");
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "import commit failed; nothing was written");
                let mut conn = self.db.conn()?;
                imports::mark_failed(&mut conn, &tenant, &id, attempt, &e.to_string(), Utc::now())
            }
        }
    }

    /// Beats for the running commit from a connection of its own, with its progress.
    fn start_heartbeat(
        &self,
        tenant: TenantId,
        id: ImportId,
        attempt: i32,
        done: Arc<AtomicI64>,
        finished: Arc<AtomicBool>,
    ) -> Option<std::thread::JoinHandle<()>> {
        let db = self.db.clone();
        std::thread::Builder::new()
            .name("dar-import-beat".into())
            .spawn(move || {
                let mut last = std::time::Instant::now();
                while !finished.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if last.elapsed() < BEAT_EVERY {
                        continue;
                    }
                    last = std::time::Instant::now();
                    // On SQLite the commit holds the one write lock: the beat waits and may
                    // give up, and the job is then only as stale as its claim. Nothing
                    // else can write meanwhile, so nothing can take it over.
                    let beat = db.conn().and_then(|mut c| {
                        imports::beat(
                            &mut c,
                            &tenant,
                            &id,
                            attempt,
                            done.load(Ordering::Relaxed),
                            Utc::now(),
                        )
                    });
                    if let Err(e) = beat {
                        tracing::debug!(error = %e, "import heartbeat missed");
                    }
                }
            })
            .ok()
    }
}

/// Writes what the commit's check hands on: each part's holders, numbered, then its
/// entries through the append path in groups, with progress.
struct PartWriter<'a> {
    tenant_id: TenantId,
    import: ImportId,
    actor: String,
    default_language: String,
    /// The register number the next holder without one gets.
    next_number: i64,
    holders: i64,
    entries: i64,
    entries_total: i64,
    done: &'a AtomicI64,
    started: std::time::Instant,
    now: DateTime<Utc>,
    failed: Option<CommitError>,
}

impl PartWriter<'_> {
    fn write(
        &mut self,
        conn: &mut DbConnection,
        holders: Vec<plan::NewHolder>,
        entries: Vec<plan::NewEntry>,
    ) -> Result<(), CommitError> {
        let count = holders.len() as i64;
        let rows: Vec<(ShareholderId, i64, NewShareholder)> = holders
            .into_iter()
            .map(|h| {
                let number = h.register_number.unwrap_or_else(|| {
                    self.next_number += 1;
                    self.next_number - 1
                });
                (h.id, number, self.shareholder(h))
            })
            .collect();
        dar_db::shareholders::insert_many(
            conn,
            &self.tenant_id,
            rows,
            &self.actor,
            self.now,
            self.holders as usize,
        )?;
        self.holders += count;
        self.done
            .store(self.holders + self.entries, Ordering::Relaxed);
        for group in entries.chunks(ENTRIES_PER_GROUP) {
            let requests: Vec<AppendRequest> = group
                .iter()
                .map(|e| AppendRequest {
                    tenant_id: self.tenant_id,
                    actor: self.actor.clone(),
                    idempotency_key: None,
                    request_hash: format!("import-{}-{}", self.import, e.line),
                    drafts: vec![e.draft.clone()],
                    audit: None,
                })
                .collect();
            let results = ledger::append_within(conn, &requests, self.now)?;
            for (entry, result) in group.iter().zip(results) {
                if let Err(e) = result {
                    return Err(CommitError::Refused(format!("line {}: {e}", entry.line)));
                }
            }
            let before = self.entries;
            self.entries += group.len() as i64;
            self.done
                .store(self.holders + self.entries, Ordering::Relaxed);
            if (before < 1_000 && self.entries >= 1_000) || self.entries / 20_000 > before / 20_000
            {
                dar_db::refresh_statistics(conn, &["ledger_entries", "holding_positions"])?;
                tracing::info!(
                    holders.done = self.holders,
                    entries.done = self.entries,
                    entries.total = self.entries_total,
                    elapsed_ms = self.started.elapsed().as_millis() as u64,
                    "import: entries posted"
                );
            }
        }
        Ok(())
    }

    fn shareholder(&self, h: plan::NewHolder) -> NewShareholder {
        let i = h.identity;
        NewShareholder {
            kind: h.kind.as_str().into(),
            admission_date: h.admission_date,
            identity: Identity {
                first_name: i.first_name,
                last_name: i.last_name,
                legal_name: i.legal_name,
                national_number: i.national_number,
                enterprise_number: i.enterprise_number,
                birth_date: i.birth_date,
                street: i.street,
                postal_code: i.postal_code,
                city: i.city,
                country: Some(i.country),
                email: i.email,
                phone: i.phone,
                iban: i.iban,
                language: i
                    .language
                    .map_or_else(|| self.default_language.clone(), |l| l.as_str().to_string()),
            },
        }
    }
}

/// Writes the import in the caller's transaction: checked again under the cooperative's
/// lock, then the holders, the entries through the append path, the audit event and the
/// status. Returns how many rows were written.
fn commit(
    conn: &mut DbConnection,
    tenant_id: &TenantId,
    id: &ImportId,
    attempt: i32,
    done: &AtomicI64,
    now: DateTime<Utc>,
) -> Result<i64, CommitError> {
    let started = std::time::Instant::now();
    let tenant = dar_db::tenants::lock(conn, tenant_id)?;
    let row = imports::get(conn, tenant_id, id)?;
    let choices = choices_of(&row)?;
    let today = dar_core::time::brussels_date(now);
    let refused = |e: DryRunError| match e {
        DryRunError::Store(e) => CommitError::from(e),
        DryRunError::Source(e) => CommitError::Refused(e.to_string()),
    };
    let not_clean = |report: &Report| {
        let first = report.problems.first().map_or(String::new(), |p| {
            format!(" (first: line {}: {})", p.line, p.message)
        });
        CommitError::Refused(format!(
            "the register changed since the dry run: {} problems{first}; check the import again",
            report.problem_count
        ))
    };
    let conn = RefCell::new(conn);
    let (file_name, mode, actor) = (row.file_name, row.mode, row.created_by);
    let source = source::read_owned(row.file).map_err(|e| CommitError::Refused(e.to_string()))?;
    // First the whole file is checked again, writing nothing, for the register may have
    // changed since the dry run; then it is read once more and written a part at a time.
    let (report, checked) =
        check(&conn, &tenant, tenant_id, &source, &choices, today, None).map_err(refused)?;
    tracing::info!(
        rows = report.rows,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "import: checked again under the lock"
    );
    if !report.is_clean() {
        return Err(not_clean(&report));
    }
    let mut writer = PartWriter {
        tenant_id: *tenant_id,
        import: *id,
        actor: actor.clone(),
        default_language: tenant.default_language.clone(),
        next_number: dar_db::tenants::reserve_register_numbers_from(
            &mut conn.borrow_mut(),
            tenant_id,
            checked.highest_number + 1,
            checked.unnumbered,
        )?,
        holders: 0,
        entries: 0,
        entries_total: checked.entries as i64,
        done,
        started,
        now,
        failed: None,
    };
    let mut sink = |holders: Vec<plan::NewHolder>, entries: Vec<plan::NewEntry>| match writer.write(
        &mut conn.borrow_mut(),
        holders,
        entries,
    ) {
        Ok(()) => ControlFlow::Continue(()),
        Err(e) => {
            writer.failed = Some(e);
            ControlFlow::Break(())
        }
    };
    let (report, _) = check(
        &conn,
        &tenant,
        tenant_id,
        &source,
        &choices,
        today,
        Some(&mut sink),
    )
    .map_err(refused)?;
    if let Some(e) = writer.failed.take() {
        return Err(e);
    }
    if !report.is_clean() {
        return Err(not_clean(&report));
    }
    let (holder_count, posted) = (writer.holders, writer.entries);
    drop(source);
    let conn = conn.into_inner();
    dar_db::audit::record(
        conn,
        dar_db::audit::NewAuditEvent {
            tenant_id: Some(tenant_id.to_string()),
            actor_user_id: Some(actor),
            // The job acts for whoever uploaded the file; their role is on the
            // events of the upload and of the commit request.
            actor_role: None,
            action: "register.imported".into(),
            object_type: Some("import".into()),
            object_id: Some(id.to_string()),
            request_id: None,
            source_ip: None,
            support_session_id: None,
            details: Some(serde_json::json!({
                "file_name": file_name,
                "mode": mode,
                "holders": holder_count,
                "entries": posted,
            })),
        },
        now,
    )?;
    if !imports::mark_committed(conn, tenant_id, id, attempt, now)? {
        return Err(CommitError::TakenOver);
    }
    Ok(holder_count + posted)
}
