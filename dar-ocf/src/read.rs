//! An OCF package read back as rows of a register's full history, in the columns the
//! import reads (the keys of DAR's own exports): a row per stakeholder that defines the
//! holder, then a row per movement in date order. The import then checks and commits them
//! as it does a spreadsheet, with the ledger's own rules.
//!
//! What is read:
//! - stakeholders → holders: `issuer_assigned_id` is the register number when it is a
//!   number (stakeholders without one are numbered after the highest, in file order);
//!   individuals' Belgian tax id is their national register number, institutions' their
//!   enterprise number; the first address and e-mail;
//! - stock classes → the cooperative's classes, by their code: `default_id_prefix` without
//!   its trailing `-` (DAR's exports write `A-`), else the name;
//! - `TX_STOCK_ISSUANCE` → an issue, unless it creates what a transfer handed over or what
//!   a transfer, repurchase or cancellation left (those are part of that transaction);
//! - `TX_STOCK_TRANSFER` → a transfer to the holder of each resulting security;
//! - `TX_STOCK_REPURCHASE` → a redemption, repaying price × quantity;
//! - `TX_STOCK_CANCELLATION` → a redemption repaying nothing, for its `reason_text`.
//!
//! Transactions that change who holds which shares in ways a cooperative's register has no
//! entry for (conversions, reissuances, splits, consolidations, retractions) are problems;
//! those that concern no shares held (options, warrants, convertibles, vesting, plans,
//! authorised-share adjustments, acceptances) are left out. DAR's own `dar:` comment lines
//! (see [`crate::tag`]) bring back what OCF has no field for: paid-up capital, payments,
//! exact repayments, reasons and references, and the order of entries within a date.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use crate::tag::{self, Tag};

/// The columns of the rows, by the import's field keys; `ocf_object` names where a row
/// comes from.
pub const COLUMNS: [&str; 29] = [
    "ocf_object",
    "register_number",
    "kind",
    "first_name",
    "last_name",
    "legal_name",
    "national_number",
    "enterprise_number",
    "birth_date",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "phone",
    "iban",
    "language",
    "admission_date",
    "entry_kind",
    "effective_date",
    "share_class",
    "from",
    "to",
    "shares",
    "subscribed",
    "paid_up",
    "amount",
    "reason",
    "reference",
];

fn col(key: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| *c == key)
        .expect("a column of COLUMNS")
}

/// A package as rows.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    /// Each row's cells, in the order of [`COLUMNS`].
    pub rows: Vec<Vec<String>>,
    /// What cannot be imported, with the object it is in.
    pub problems: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the archive cannot be read: {0}")]
    Zip(String),
    #[error("the archive holds no OCF manifest (a file Manifest.ocf.json)")]
    NoManifest,
    #[error("{file} cannot be read as OCF: {message}")]
    Json { file: String, message: String },
    #[error("{0} is listed in the manifest but not in the archive")]
    Missing(String),
    #[error("the package unpacks to more than {0} MiB, more than an import takes")]
    TooLarge(u64),
}

/// Whether `bytes` is a ZIP archive holding an OCF manifest.
pub fn is_package(bytes: &[u8]) -> bool {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    archive
        .file_names()
        .any(|name| name.is_ok_and(|n| is_manifest_name(&n)))
}

fn is_manifest_name(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|n| n.eq_ignore_ascii_case("manifest.ocf.json"))
}

#[derive(Deserialize)]
struct FileRef {
    filepath: String,
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    stock_classes_files: Vec<FileRef>,
    #[serde(default)]
    transactions_files: Vec<FileRef>,
    #[serde(default)]
    stakeholders_files: Vec<FileRef>,
}

#[derive(Deserialize)]
struct Items {
    items: Vec<Value>,
}

/// Most bytes a package may unpack to: a ZIP of 64 MB could otherwise unpack to gigabytes
/// (a "zip bomb"). DAR's own package of 400,000 holders and 2,000,000 entries unpacks to
/// about 400 MB; a register that size is better moved by database than by upload.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;

/// The archive, its files read when asked for, within [`MAX_UNPACKED`] in all.
struct Archive<'b> {
    zip: RefCell<zip::ZipArchive<Cursor<&'b [u8]>>>,
    names: Vec<String>,
    budget: Cell<u64>,
}

impl<'b> Archive<'b> {
    fn open(bytes: &'b [u8], budget: u64) -> Result<Archive<'b>, ReadError> {
        let zip =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Zip(e.to_string()))?;
        let names = zip
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.to_string())
            .collect();
        Ok(Archive {
            zip: RefCell::new(zip),
            names,
            budget: Cell::new(budget),
        })
    }

    /// A file's bytes, counted against the budget as they are unpacked (a file's declared
    /// size is not trusted).
    fn bytes(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        let mut zip = self.zip.borrow_mut();
        let file = zip
            .by_name(path)
            .map_err(|_| ReadError::Missing(path.to_string()))?;
        let budget = self.budget.get();
        let mut body = Vec::new();
        file.take(budget + 1)
            .read_to_end(&mut body)
            .map_err(|e| ReadError::Zip(e.to_string()))?;
        let read = body.len() as u64;
        if read > budget {
            return Err(ReadError::TooLarge(MAX_UNPACKED / (1024 * 1024)));
        }
        self.budget.set(budget - read);
        Ok(body)
    }

    fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ReadError> {
        let body = self.bytes(path)?;
        serde_json::from_slice(&body).map_err(|e| ReadError::Json {
            file: path.to_string(),
            message: e.to_string(),
        })
    }

    /// The items of every file of a manifest list, each with its file's name.
    fn items(&self, dir: &str, list: &[FileRef]) -> Result<Vec<(String, Value)>, ReadError> {
        let mut out = Vec::new();
        for file in list {
            let path = resolve(dir, &file.filepath);
            let items: Items = self.json(&path)?;
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            out.extend(items.items.into_iter().map(|v| (name.clone(), v)));
        }
        Ok(out)
    }
}

/// `filepath` relative to the manifest's folder.
fn resolve(dir: &str, filepath: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in filepath.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn comments(v: &Value) -> Vec<String> {
    v.get("comments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Where an object is, as a problem names it.
fn label(file: &str, v: &Value) -> String {
    let id = text(v, "id").unwrap_or("?");
    match text(v, "object_type") {
        Some(t) => format!("{file}: {t} {id}"),
        None => format!("{file}: {id}"),
    }
}

fn decimal(raw: &str) -> Option<Decimal> {
    raw.trim().parse().ok()
}

/// Euro with two decimals, as the import reads amounts.
fn euro(d: Decimal) -> String {
    format!("{:.2}", d)
}

/// A whole number of euro cents, or `None`.
fn whole_cents(d: Decimal) -> Option<Decimal> {
    (d * Decimal::ONE_HUNDRED).fract().is_zero().then_some(d)
}

/// A security as its issuance made it.
struct Security {
    holder: String,
    class: String,
    quantity: Decimal,
}

/// One movement, before sorting.
struct Movement {
    date: NaiveDate,
    order: Option<i64>,
    index: usize,
    entry: Option<i64>,
    cells: Vec<String>,
}

/// Reads an OCF package into rows.
pub fn read(bytes: &[u8]) -> Result<Rows, ReadError> {
    read_within(bytes, MAX_UNPACKED)
}

/// [`read`], unpacking at most `budget` bytes.
fn read_within(bytes: &[u8], budget: u64) -> Result<Rows, ReadError> {
    let archive = Archive::open(bytes, budget)?;
    let manifest_path = archive
        .names
        .iter()
        .filter(|n| is_manifest_name(n))
        .min_by_key(|n| n.len())
        .cloned()
        .ok_or(ReadError::NoManifest)?;
    let dir = manifest_path
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let manifest: Manifest = archive.json(&manifest_path)?;
    let mut reader = Reader::default();
    for (file, class) in archive.items(&dir, &manifest.stock_classes_files)? {
        reader.class(&file, &class);
    }
    for (file, holder) in archive.items(&dir, &manifest.stakeholders_files)? {
        reader.stakeholder(&file, &holder);
    }
    reader.number_holders();
    let transactions = archive.items(&dir, &manifest.transactions_files)?;
    reader.transactions(&transactions);
    Ok(reader.finish())
}

#[derive(Default)]
struct Reader {
    rows: Rows,
    /// Class code by stock class id.
    classes: HashMap<String, String>,
    /// Stakeholders in file order: (id, cells, register number given).
    holders: Vec<(String, Vec<String>, Option<i64>)>,
    /// Register number by stakeholder id.
    numbers: HashMap<String, i64>,
    movements: Vec<Movement>,
}

fn blank_row(object: String) -> Vec<String> {
    let mut cells = vec![String::new(); COLUMNS.len()];
    cells[0] = object;
    cells
}

fn set(cells: &mut [String], key: &str, value: impl Into<String>) {
    cells[col(key)] = value.into();
}

impl Reader {
    fn problem(&mut self, object: String, message: impl Into<String>) {
        self.rows.problems.push((object, message.into()));
    }

    fn class(&mut self, file: &str, v: &Value) {
        let Some(id) = text(v, "id") else {
            self.problem(label(file, v), "a stock class without an id");
            return;
        };
        let prefix = text(v, "default_id_prefix")
            .map(|p| p.trim_end_matches(['-', '_', ' ', '/', '.']))
            .filter(|p| !p.is_empty());
        let code = prefix.or(text(v, "name")).unwrap_or(id);
        self.classes.insert(id.to_string(), code.to_string());
    }

    fn stakeholder(&mut self, file: &str, v: &Value) {
        let object = label(file, v);
        let Some(id) = text(v, "id") else {
            self.problem(object, "a stakeholder without an id");
            return;
        };
        let mut cells = blank_row(object);
        let individual = text(v, "stakeholder_type") != Some("INSTITUTION");
        set(
            &mut cells,
            "kind",
            if individual { "natural" } else { "legal" },
        );
        let name = v.get("name").cloned().unwrap_or(Value::Null);
        let legal = text(&name, "legal_name").unwrap_or_default();
        if individual {
            let last = text(&name, "last_name").unwrap_or(legal);
            set(&mut cells, "last_name", last);
            if let Some(first) = text(&name, "first_name") {
                set(&mut cells, "first_name", first);
            }
        } else {
            set(&mut cells, "legal_name", legal);
        }
        let belgian_tax_id = v
            .get("tax_ids")
            .and_then(Value::as_array)
            .and_then(|ids| ids.iter().find(|t| text(t, "country") == Some("BE")))
            .and_then(|t| text(t, "tax_id"));
        if let Some(tax_id) = belgian_tax_id {
            let key = if individual {
                "national_number"
            } else {
                "enterprise_number"
            };
            set(&mut cells, key, tax_id);
        }
        let addresses = v.get("addresses").and_then(Value::as_array);
        let address = addresses.and_then(|a| {
            a.iter()
                .find(|x| text(x, "address_type") == Some("LEGAL"))
                .or(a.first())
        });
        if let Some(a) = address {
            for (from, to) in [
                ("street_suite", "street"),
                ("postal_code", "postal_code"),
                ("city", "city"),
                ("country", "country"),
            ] {
                if let Some(value) = text(a, from) {
                    set(&mut cells, to, value);
                }
            }
        }
        let contact = v.get("contact_info").or(v.get("primary_contact"));
        let first_of = |list: &str, key: &str| -> Option<String> {
            contact?
                .get(list)?
                .as_array()?
                .iter()
                .find_map(|e| text(e, key))
                .map(str::to_string)
        };
        if let Some(email) = first_of("emails", "email_address") {
            set(&mut cells, "email", email);
        }
        if let Some(phone) = first_of("phone_numbers", "phone_number") {
            set(&mut cells, "phone", phone);
        }
        let notes = comments(v);
        if let Some(t) = tag::all(&notes).into_iter().find(|t| t.payment.is_none()) {
            let facts = [
                ("birth_date", t.birth_date.map(|d| d.to_string())),
                ("admission_date", t.admission_date.map(|d| d.to_string())),
                ("iban", t.iban),
                ("language", t.language),
                ("phone", t.phone),
                ("email", t.email),
            ];
            for (key, value) in facts {
                if let Some(value) = value {
                    set(&mut cells, key, value);
                }
            }
        }
        for payment in tag::all(&notes).into_iter().filter_map(|t| t.payment) {
            let mut row = blank_row(format!("{} (payment of {})", label(file, v), payment.date));
            set(&mut row, "entry_kind", "payment");
            set(&mut row, "effective_date", payment.date.to_string());
            set(&mut row, "share_class", payment.share_class);
            set(&mut row, "amount", euro(payment.amount));
            if let Some(r) = payment.reference {
                set(&mut row, "reference", r);
            }
            // The holder's register number is filled in once every holder is numbered.
            set(&mut row, "to", format!("\u{0}{id}"));
            self.movements.push(Movement {
                date: payment.date,
                order: payment.order,
                index: usize::MAX,
                entry: payment.entry,
                cells: row,
            });
        }
        let given = text(v, "issuer_assigned_id").and_then(|n| n.parse::<i64>().ok());
        self.holders
            .push((id.to_string(), cells, given.filter(|n| *n > 0)));
    }

    /// Register numbers: those the file gives (once each), then the next after the highest.
    fn number_holders(&mut self) {
        let mut taken: HashSet<i64> = HashSet::new();
        let mut next = self
            .holders
            .iter()
            .filter_map(|(_, _, n)| *n)
            .max()
            .unwrap_or(0);
        for (id, cells, given) in &mut self.holders {
            let number = match given {
                Some(n) if taken.insert(*n) => *n,
                _ => {
                    next += 1;
                    next
                }
            };
            set(cells, "register_number", number.to_string());
            self.numbers.insert(id.clone(), number);
        }
    }

    fn register_number(&self, stakeholder: &str) -> Option<String> {
        self.numbers.get(stakeholder).map(|n| n.to_string())
    }

    fn transactions(&mut self, items: &[(String, Value)]) {
        const STOCK_CHANGES: [&str; 6] = [
            "TX_STOCK_CONVERSION",
            "TX_STOCK_REISSUANCE",
            "TX_STOCK_CLASS_SPLIT",
            "TX_STOCK_CONSOLIDATION",
            "TX_STOCK_RETRACTION",
            "TX_STOCK_CLASS_CONVERSION_RATIO_ADJUSTMENT",
        ];
        // Securities by id, from their issuances; and those a stock transaction creates.
        let mut securities: HashMap<&str, Security> = HashMap::new();
        let mut derived: HashSet<&str> = HashSet::new();
        for (_, v) in items {
            match text(v, "object_type") {
                Some("TX_STOCK_ISSUANCE") => {
                    if let (Some(security), Some(holder), Some(class), Some(quantity)) = (
                        text(v, "security_id"),
                        text(v, "stakeholder_id"),
                        text(v, "stock_class_id"),
                        text(v, "quantity").and_then(decimal),
                    ) {
                        securities.insert(
                            security,
                            Security {
                                holder: holder.to_string(),
                                class: class.to_string(),
                                quantity,
                            },
                        );
                    }
                }
                Some("TX_STOCK_TRANSFER" | "TX_STOCK_REPURCHASE" | "TX_STOCK_CANCELLATION") => {
                    if let Some(ids) = v.get("resulting_security_ids").and_then(Value::as_array) {
                        derived.extend(ids.iter().filter_map(Value::as_str));
                    }
                    if let Some(rest) = text(v, "balance_security_id") {
                        derived.insert(rest);
                    }
                }
                _ => {}
            }
        }
        // One DAR entry may be several OCF transactions (one per security it consumed):
        // they are one movement again, by the entry number of their `dar:` line.
        let mut by_entry: HashMap<(i64, String), usize> = HashMap::new();
        for (index, (file, v)) in items.iter().enumerate() {
            let object = label(file, v);
            let kind = text(v, "object_type").unwrap_or_default();
            if STOCK_CHANGES.contains(&kind) {
                self.problem(
                    object,
                    format!("{kind}: a cooperative's register has no such entry, so the holdings would differ"),
                );
                continue;
            }
            if !matches!(
                kind,
                "TX_STOCK_ISSUANCE"
                    | "TX_STOCK_TRANSFER"
                    | "TX_STOCK_REPURCHASE"
                    | "TX_STOCK_CANCELLATION"
            ) {
                continue;
            }
            let Some(date) = text(v, "date").and_then(|d| d.parse::<NaiveDate>().ok()) else {
                self.problem(object, "the date is missing or not a date (YYYY-MM-DD)");
                continue;
            };
            let security_id = text(v, "security_id").unwrap_or_default();
            if kind == "TX_STOCK_ISSUANCE" && derived.contains(security_id) {
                continue;
            }
            let notes = comments(v);
            let tag = tag::find(&notes).unwrap_or_default();
            let built = match kind {
                "TX_STOCK_ISSUANCE" => self.issue(&object, v, &tag),
                _ => self.outgoing(&object, kind, v, &tag, &securities),
            };
            for cells in built {
                if let Some(entry) = tag.entry {
                    let key = (entry, cells[col("to")].clone());
                    if let Some(&at) = by_entry.get(&key) {
                        // Another part of the same entry: add its shares.
                        let m = &mut self.movements[at];
                        let sum = decimal(&m.cells[col("shares")]).unwrap_or_default()
                            + decimal(&cells[col("shares")]).unwrap_or_default();
                        m.cells[col("shares")] = sum.normalize().to_string();
                        if let Some(price) = tag.price_per_share {
                            m.cells[col("amount")] = euro(price * sum);
                        }
                        continue;
                    }
                    by_entry.insert(key, self.movements.len());
                }
                self.movements.push(Movement {
                    date,
                    order: tag.order,
                    index,
                    entry: tag.entry,
                    cells,
                });
            }
        }
    }

    fn class_code(&mut self, object: &str, class_id: &str) -> Option<String> {
        let code = self.classes.get(class_id).cloned();
        if code.is_none() {
            self.problem(
                object.to_string(),
                format!("stock class {class_id:?} is not in the package"),
            );
        }
        code
    }

    fn holder_number(&mut self, object: &str, stakeholder: &str) -> Option<String> {
        let n = self.register_number(stakeholder);
        if n.is_none() {
            self.problem(
                object.to_string(),
                format!("stakeholder {stakeholder:?} is not in the package"),
            );
        }
        n
    }

    /// A whole number of shares, or a problem.
    fn shares(&mut self, object: &str, raw: Option<&str>) -> Option<String> {
        match raw.and_then(decimal) {
            Some(q) if q.fract().is_zero() && q > Decimal::ZERO => Some(q.normalize().to_string()),
            _ => {
                self.problem(
                    object.to_string(),
                    format!(
                        "quantity {:?}: a register holds whole shares",
                        raw.unwrap_or("")
                    ),
                );
                None
            }
        }
    }

    fn euros(&mut self, object: &str, money: Option<&Value>) -> Option<Decimal> {
        let money = money?;
        if let Some(currency) = text(money, "currency")
            && currency != "EUR"
        {
            self.problem(
                object.to_string(),
                format!("an amount in {currency}: the register is kept in euro"),
            );
            return None;
        }
        text(money, "amount").and_then(decimal)
    }

    fn issue(&mut self, object: &str, v: &Value, tag: &Tag) -> Vec<Vec<String>> {
        let class = self.class_code(object, text(v, "stock_class_id").unwrap_or_default());
        let holder = self.holder_number(object, text(v, "stakeholder_id").unwrap_or_default());
        let shares = self.shares(object, text(v, "quantity"));
        let price = self.euros(object, v.get("share_price"));
        let (Some(class), Some(holder), Some(shares)) = (class, holder, shares) else {
            return Vec::new();
        };
        let mut cells = blank_row(object.to_string());
        set(&mut cells, "entry_kind", "issue");
        set(
            &mut cells,
            "effective_date",
            text(v, "date").unwrap_or_default(),
        );
        set(&mut cells, "share_class", class);
        set(&mut cells, "to", holder);
        set(&mut cells, "shares", shares.clone());
        if let Some(price) = price {
            let total = price * decimal(&shares).unwrap_or_default();
            match whole_cents(total) {
                Some(total) => set(&mut cells, "subscribed", euro(total)),
                None => {
                    self.problem(
                        object.to_string(),
                        format!("{shares} shares at {price} is not a whole number of cents"),
                    );
                    return Vec::new();
                }
            }
        }
        if let Some(paid) = tag.paid_up {
            set(&mut cells, "paid_up", euro(paid));
        }
        self.notes(&mut cells, tag);
        vec![cells]
    }

    fn notes(&self, cells: &mut [String], tag: &Tag) {
        if let Some(r) = &tag.reason {
            set(cells, "reason", r.clone());
        }
        if let Some(r) = &tag.reference {
            set(cells, "reference", r.clone());
        }
    }

    fn outgoing(
        &mut self,
        object: &str,
        kind: &str,
        v: &Value,
        tag: &Tag,
        securities: &HashMap<&str, Security>,
    ) -> Vec<Vec<String>> {
        let security_id = text(v, "security_id").unwrap_or_default();
        let Some(source) = securities.get(security_id) else {
            self.problem(
                object.to_string(),
                format!("security {security_id:?} has no issuance in the package: whose shares are these?"),
            );
            return Vec::new();
        };
        let class = self.class_code(object, &source.class);
        let from = self.holder_number(object, &source.holder);
        let shares = self.shares(object, text(v, "quantity"));
        let (Some(class), Some(from), Some(shares)) = (class, from, shares) else {
            return Vec::new();
        };
        let date = text(v, "date").unwrap_or_default();
        let base = |kind: &str| {
            let mut cells = blank_row(object.to_string());
            set(&mut cells, "entry_kind", kind);
            set(&mut cells, "effective_date", date);
            set(&mut cells, "share_class", class.clone());
            set(&mut cells, "from", from.clone());
            // The capital the shares took with them, as DAR recorded it.
            if let (Some(capital), Some(paid)) = (tag.capital, tag.paid_up) {
                set(&mut cells, "subscribed", euro(capital));
                set(&mut cells, "paid_up", euro(paid));
            }
            cells
        };
        match kind {
            "TX_STOCK_TRANSFER" => {
                let resulting: Vec<&str> = v
                    .get("resulting_security_ids")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut out = Vec::new();
                for result in &resulting {
                    let Some(received) = securities.get(result) else {
                        self.problem(
                            object.to_string(),
                            format!("resulting security {result:?} has no issuance in the package: who received the shares?"),
                        );
                        continue;
                    };
                    let Some(to) = self.holder_number(object, &received.holder) else {
                        continue;
                    };
                    let quantity = if resulting.len() == 1 {
                        shares.clone()
                    } else {
                        received.quantity.normalize().to_string()
                    };
                    let mut cells = base("transfer");
                    set(&mut cells, "to", to);
                    if let Some(price) = tag.price_per_share {
                        let total = price * decimal(&quantity).unwrap_or_default();
                        set(&mut cells, "amount", euro(total));
                    }
                    set(&mut cells, "shares", quantity);
                    self.notes(&mut cells, tag);
                    out.push(cells);
                }
                if resulting.is_empty() {
                    self.problem(
                        object.to_string(),
                        "a transfer without resulting securities",
                    );
                }
                out
            }
            "TX_STOCK_REPURCHASE" => {
                let mut cells = base("redemption");
                let amount = match tag.amount {
                    Some(a) => Some(a),
                    None => self
                        .euros(object, v.get("price"))
                        .map(|p| (p * decimal(&shares).unwrap_or_default()).round_dp(2)),
                };
                if let Some(a) = amount {
                    set(&mut cells, "amount", euro(a));
                }
                set(&mut cells, "shares", shares);
                set(
                    &mut cells,
                    "reason",
                    tag.reason
                        .clone()
                        .unwrap_or_else(|| "repurchase (Open Cap Format)".into()),
                );
                if let Some(r) = &tag.reference {
                    set(&mut cells, "reference", r.clone());
                }
                vec![cells]
            }
            _ => {
                let mut cells = base("redemption");
                set(&mut cells, "amount", "0.00");
                set(&mut cells, "shares", shares);
                let reason = tag
                    .reason
                    .clone()
                    .or(text(v, "reason_text").map(str::to_string))
                    .unwrap_or_else(|| "cancellation (Open Cap Format)".into());
                set(&mut cells, "reason", reason);
                vec![cells]
            }
        }
    }

    fn finish(mut self) -> Rows {
        for (_, cells, _) in std::mem::take(&mut self.holders) {
            self.rows.rows.push(cells);
        }
        // Payments name their holder by stakeholder id until every holder is numbered.
        let numbers = std::mem::take(&mut self.numbers);
        let mut movements = std::mem::take(&mut self.movements);
        for m in &mut movements {
            let to = &mut m.cells[col("to")];
            if let Some(id) = to.strip_prefix('\u{0}') {
                *to = numbers.get(id).map(|n| n.to_string()).unwrap_or_default();
            }
        }
        movements.sort_by_key(|m| (m.date, m.order.unwrap_or(i64::MAX), m.entry, m.index));
        self.rows
            .rows
            .extend(movements.into_iter().map(|m| m.cells));
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn package(transactions: &[u8]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let manifest =
            br#"{"file_type":"OCF_MANIFEST_FILE","transactions_files":[{"filepath":"./T.json"}]}"#;
        zip.start_file("Manifest.ocf.json", options).unwrap();
        zip.write_all(manifest).unwrap();
        zip.start_file("T.json", options).unwrap();
        zip.write_all(transactions).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_package_that_unpacks_beyond_the_budget_is_refused_before_it_is_read() {
        // A megabyte of spaces packs into a kilobyte or two.
        let mut padded = b"{\"items\":[]}".to_vec();
        padded.extend(std::iter::repeat_n(b' ', 1 << 20));
        let bytes = package(&padded);
        assert!(bytes.len() < 8 * 1024, "{}", bytes.len());
        assert!(matches!(
            read_within(&bytes, 64 * 1024),
            Err(ReadError::TooLarge(_))
        ));
        assert!(read_within(&bytes, 4 << 20).is_ok());
    }

    #[test]
    fn files_the_manifest_does_not_list_are_not_read() {
        let mut bytes = package(b"{\"items\":[]}");
        // A large unlisted file alongside costs nothing.
        let mut zip = zip::ZipWriter::new_append(Cursor::new(std::mem::take(&mut bytes))).unwrap();
        zip.start_file(
            "notes.txt",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        zip.write_all(&vec![b'x'; 1 << 20]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(read_within(&bytes, 64 * 1024).is_ok());
    }
}
