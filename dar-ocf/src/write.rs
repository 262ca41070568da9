//! A cooperative's register as an OCF package: `StockClasses.ocf.json`,
//! `Transactions.ocf.json`, `Stakeholders.ocf.json` and the `Manifest.ocf.json` that lists
//! them with their MD5, zipped and written as a stream. Each file's items are written as
//! they come, so the size of the ledger does not decide the memory an export takes; what is
//! held is each holder's securities (see [`crate::lots`]) and their payments until their
//! stakeholder is written.
//!
//! DAR's entries map onto OCF's stock transactions:
//! - an issue → `TX_STOCK_ISSUANCE` of a new security;
//! - a transfer → a `TX_STOCK_TRANSFER` per security it consumes (first issued, first
//!   out), with the receiver's new security and any balance issued by `TX_STOCK_ISSUANCE`
//!   on the same date, as OCF expects;
//! - a redemption → a `TX_STOCK_REPURCHASE` per security it consumes;
//! - a payment of capital has no OCF transaction: it is a comment of the holder who paid;
//! - a reversal and the entry it cancels are left out together: on every date they cancel
//!   out (a reversal takes the cancelled entry's date).
//!
//! OCF has no field for paid-up capital: it is in each issuance's `comments` (see
//! [`crate::tag`]), as are exact repayments, reasons and references.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, FixedOffset, NaiveDate};
use md5::{Digest, Md5};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use zip::write::{SimpleFileOptions, StreamWriter};

use crate::lots::Lots;
use crate::tag;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(
        "entry {seq} of {date} takes more shares than the holder has on that date in the register as exported"
    )]
    Short { seq: i64, date: NaiveDate },
}

impl From<zip::result::ZipError> for WriteError {
    fn from(e: zip::result::ZipError) -> WriteError {
        WriteError::Io(io::Error::other(e))
    }
}

/// A share class.
#[derive(Clone, Debug)]
pub struct Class {
    pub code: String,
    pub name: String,
    pub nominal_cents: i64,
    pub issue_price_cents: i64,
    pub votes_per_share: i32,
    /// What OCF has no field for (transfer rule, maximum per holder, …), as sentences.
    pub notes: Vec<String>,
}

/// A shareholder, by register number.
#[derive(Clone, Debug, Default)]
pub struct Holder {
    pub register_number: i64,
    pub natural_person: bool,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub legal_name: Option<String>,
    pub national_number: Option<String>,
    pub enterprise_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub iban: Option<String>,
    pub language: String,
    pub admission_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    pub exit_reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Issue,
    Transfer,
    Redemption,
    Payment,
}

/// A ledger entry (not a reversal, nor one that was reversed), holders by register number.
#[derive(Clone, Debug)]
pub struct Entry {
    pub seq: i64,
    pub kind: Kind,
    /// When the holdings change.
    pub date: NaiveDate,
    /// The class's code.
    pub class: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub quantity: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
    pub price_per_share_cents: Option<i64>,
    pub amount_cents: Option<i64>,
    pub reason: Option<String>,
    pub reference: Option<String>,
}

/// The cooperative.
#[derive(Clone, Debug)]
pub struct Issuer {
    pub legal_name: String,
    pub enterprise_number: String,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    /// When its register starts, if nothing earlier is known.
    pub registered_since: NaiveDate,
}

pub const MANIFEST: &str = "Manifest.ocf.json";
const CLASSES: (&str, &str, &str) = (
    "StockClasses.ocf.json",
    "OCF_STOCK_CLASSES_FILE",
    "stock_classes_files",
);
const TRANSACTIONS: (&str, &str, &str) = (
    "Transactions.ocf.json",
    "OCF_TRANSACTIONS_FILE",
    "transactions_files",
);
const STAKEHOLDERS: (&str, &str, &str) = (
    "Stakeholders.ocf.json",
    "OCF_STAKEHOLDERS_FILE",
    "stakeholders_files",
);

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
}

/// Euro with two decimals (more when a share of an amount needs them).
pub fn euro(cents: i64) -> String {
    Decimal::new(cents, 2).to_string()
}

fn money(amount: String) -> Value {
    json!({ "amount": amount, "currency": "EUR" })
}

fn stakeholder_id(register_number: i64) -> String {
    format!("holder-{register_number}")
}

fn class_id(code: &str) -> String {
    format!("class-{code}")
}

/// A file being written: its items go out as they come, its MD5 kept as they do.
struct Open {
    path: &'static str,
    list: &'static str,
    md5: Md5,
    items: u64,
}

/// An OCF package being written to `W`. Call, in this order: [`Package::classes`],
/// [`Package::entry`] for every entry in date order then [`Package::end_entries`],
/// [`Package::holder`] for every holder then [`Package::finish`].
pub struct Package<W: Write> {
    zip: zip::ZipWriter<StreamWriter<W>>,
    open: Option<Open>,
    /// (manifest list, path, md5) of the files written.
    listed: Vec<(&'static str, &'static str, String)>,
    lots: Lots,
    /// Comments for holders (by register number): the payments they made.
    payments: HashMap<i64, Vec<String>>,
    day: Option<NaiveDate>,
    /// Entries of `day` that took shares their holder did not have yet: entries of one date
    /// are netted in the register, so one that comes later in the ledger may provide them.
    deferred: Vec<Entry>,
    order: i64,
    first_date: Option<NaiveDate>,
    transactions: u64,
}

impl<W: Write> Package<W> {
    pub fn new(out: W) -> Package<W> {
        Package {
            zip: zip::ZipWriter::new_stream(out),
            open: None,
            listed: Vec::new(),
            lots: Lots::default(),
            payments: HashMap::new(),
            day: None,
            deferred: Vec::new(),
            order: 0,
            first_date: None,
            transactions: 0,
        }
    }

    fn start(
        &mut self,
        (path, file_type, list): (&'static str, &str, &'static str),
    ) -> io::Result<()> {
        self.zip
            .start_file(path, options())
            .map_err(io::Error::other)?;
        self.open = Some(Open {
            path,
            list,
            md5: Md5::new(),
            items: 0,
        });
        self.put(format!("{{\"file_type\":\"{file_type}\",\"items\":[").as_bytes())
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(open) = &mut self.open {
            open.md5.update(bytes);
        }
        self.zip.write_all(bytes)
    }

    fn item(&mut self, item: &Value) -> io::Result<()> {
        let first = self.open.as_ref().is_none_or(|o| o.items == 0);
        if let Some(open) = &mut self.open {
            open.items += 1;
            if open.path == TRANSACTIONS.0 {
                self.transactions += 1;
            }
        }
        let mut bytes = if first {
            b"\n".to_vec()
        } else {
            b",\n".to_vec()
        };
        serde_json::to_writer(&mut bytes, item).map_err(io::Error::other)?;
        self.put(&bytes)
    }

    fn end(&mut self) -> io::Result<()> {
        self.put(b"\n]}\n")?;
        if let Some(open) = self.open.take() {
            let md5: String = open
                .md5
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            self.listed.push((open.list, open.path, md5));
        }
        Ok(())
    }

    /// Writes the share classes.
    pub fn classes(&mut self, classes: &[Class]) -> io::Result<()> {
        self.start(CLASSES)?;
        for (i, class) in classes.iter().enumerate() {
            let mut item = json!({
                "object_type": "STOCK_CLASS",
                "id": class_id(&class.code),
                "name": class.name,
                "class_type": "COMMON",
                "default_id_prefix": format!("{}-", class.code),
                // A cooperative's capital is variable: no number of shares is authorised.
                "initial_shares_authorized": "UNLIMITED",
                "votes_per_share": class.votes_per_share.to_string(),
                "seniority": (i + 1).to_string(),
                "par_value": money(euro(class.nominal_cents)),
                "price_per_share": money(euro(class.issue_price_cents)),
            });
            if !class.notes.is_empty() {
                item["comments"] = json!(class.notes);
            }
            self.item(&item)?;
        }
        self.end()?;
        self.start(TRANSACTIONS)?;
        Ok(())
    }

    /// Writes an entry. Entries come in date order (by the date the holdings change), and
    /// within a date in ledger order.
    pub fn entry(&mut self, entry: Entry) -> Result<(), WriteError> {
        if self.day != Some(entry.date) {
            self.close_day()?;
            self.day = Some(entry.date);
        }
        if self.post(&entry)? {
            self.retry()
        } else {
            self.deferred.push(entry);
            Ok(())
        }
    }

    /// Posts what was deferred until nothing more can be.
    fn retry(&mut self) -> Result<(), WriteError> {
        loop {
            let mut posted = false;
            for entry in std::mem::take(&mut self.deferred) {
                if self.post(&entry)? {
                    posted = true;
                } else {
                    self.deferred.push(entry);
                }
            }
            if !posted {
                return Ok(());
            }
        }
    }

    fn close_day(&mut self) -> Result<(), WriteError> {
        self.retry()?;
        match self.deferred.first() {
            Some(e) => Err(WriteError::Short {
                seq: e.seq,
                date: e.date,
            }),
            None => Ok(()),
        }
    }

    /// Writes `entry`'s transactions; `false` (and nothing written) when it takes shares
    /// its holder does not have.
    fn post(&mut self, e: &Entry) -> Result<bool, WriteError> {
        let id = format!("entry-{}", e.seq);
        let date = e.date.to_string();
        let class = e.class.as_str();
        match (e.kind, e.from, e.to) {
            (Kind::Issue, _, Some(to)) => {
                let price = e
                    .price_per_share_cents
                    .unwrap_or(e.capital_cents / e.quantity.max(1));
                let order = self.next_order();
                let lot = self.lots.add(to, class, e.quantity, price);
                let comments = vec![
                    format!(
                        "DAR entry {}: issue of {} shares at EUR {} each; EUR {} of EUR {} paid up when issued.",
                        e.seq,
                        e.quantity,
                        euro(price),
                        euro(e.paid_cents),
                        euro(e.capital_cents)
                    ),
                    self.entry_tag(e, order, &[("paid_up", Some(json!(euro(e.paid_cents))))]),
                ];
                self.issuance(&id, &date, to, class, &lot, comments)?;
            }
            (Kind::Transfer, Some(from), Some(to)) => {
                let Some(parts) = self.lots.take(from, class, e.quantity) else {
                    return Ok(false);
                };
                let order = self.next_order();
                let several = parts.len() > 1;
                for (k, part) in parts.into_iter().enumerate() {
                    let id = if several {
                        format!("{id}-{}", k + 1)
                    } else {
                        id.clone()
                    };
                    let received = self.lots.add(to, class, part.quantity, part.price_cents);
                    let mut item = json!({
                        "object_type": "TX_STOCK_TRANSFER",
                        "id": id,
                        "security_id": part.security,
                        "date": date,
                        "quantity": part.quantity.to_string(),
                        "resulting_security_ids": [received.security],
                        "comments": [
                            format!(
                                "DAR entry {}: transfer of {} shares from shareholder {from} to shareholder {to}.",
                                e.seq, e.quantity
                            ),
                            self.entry_tag(e, order, &[
                                ("price_per_share", e.price_per_share_cents.map(|p| json!(euro(p)))),
                                ("capital", Some(json!(euro(e.capital_cents)))),
                                ("paid_up", Some(json!(euro(e.paid_cents)))),
                            ]),
                        ],
                    });
                    if let Some(p) = e.price_per_share_cents {
                        item["consideration_text"] = json!(format!("EUR {} per share", euro(p)));
                    }
                    if let Some(rest) = &part.balance {
                        item["balance_security_id"] = json!(rest.security);
                    }
                    self.item(&item)?;
                    let note = format!("Received by transfer in DAR entry {}.", e.seq);
                    self.issuance(&format!("{id}-to"), &date, to, class, &received, vec![note])?;
                    if let Some(rest) = part.balance {
                        let note = format!("What was left after DAR entry {}.", e.seq);
                        self.issuance(
                            &format!("{id}-rest"),
                            &date,
                            from,
                            class,
                            &rest,
                            vec![note],
                        )?;
                    }
                }
            }
            (Kind::Redemption, Some(from), _) => {
                let Some(parts) = self.lots.take(from, class, e.quantity) else {
                    return Ok(false);
                };
                let order = self.next_order();
                let repaid = e.amount_cents.unwrap_or(0);
                let price = (Decimal::new(repaid, 2) / Decimal::from(e.quantity.max(1)))
                    .round_dp(10)
                    .normalize();
                let price = if price.scale() < 2 {
                    format!("{price:.2}")
                } else {
                    price.to_string()
                };
                let several = parts.len() > 1;
                for (k, part) in parts.into_iter().enumerate() {
                    let id = if several {
                        format!("{id}-{}", k + 1)
                    } else {
                        id.clone()
                    };
                    let mut item = json!({
                        "object_type": "TX_STOCK_REPURCHASE",
                        "id": id,
                        "security_id": part.security,
                        "date": date,
                        "price": money(price.clone()),
                        "quantity": part.quantity.to_string(),
                        "consideration_text": format!("EUR {} repaid for {} shares", euro(repaid), e.quantity),
                        "comments": [
                            format!(
                                "DAR entry {}: redemption of {} shares of shareholder {from}{}.",
                                e.seq,
                                e.quantity,
                                e.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
                            ),
                            self.entry_tag(e, order, &[
                                ("amount", Some(json!(euro(repaid)))),
                                ("capital", Some(json!(euro(e.capital_cents)))),
                                ("paid_up", Some(json!(euro(e.paid_cents)))),
                            ]),
                        ],
                    });
                    if let Some(rest) = &part.balance {
                        item["balance_security_id"] = json!(rest.security);
                    }
                    self.item(&item)?;
                    if let Some(rest) = part.balance {
                        let note = format!("What was left after DAR entry {}.", e.seq);
                        self.issuance(
                            &format!("{id}-rest"),
                            &date,
                            from,
                            class,
                            &rest,
                            vec![note],
                        )?;
                    }
                }
            }
            (Kind::Payment, _, Some(to)) => {
                let order = self.next_order();
                let amount = e.amount_cents.unwrap_or(e.paid_cents);
                let lines = self.payments.entry(to).or_default();
                lines.push(format!(
                    "DAR entry {}: EUR {} paid up on class {class} shares on {date}.",
                    e.seq,
                    euro(amount)
                ));
                lines.push(tag::line(&[(
                    "payment",
                    Some(json!({
                        "date": date,
                        "share_class": class,
                        "amount": euro(amount),
                        "entry": e.seq,
                        "order": order,
                        "reference": e.reference,
                    })),
                )]));
            }
            // An entry without the holders its kind needs is not in a valid ledger.
            _ => return Ok(true),
        }
        self.first_date = Some(self.first_date.map_or(e.date, |d| d.min(e.date)));
        Ok(true)
    }

    fn next_order(&mut self) -> i64 {
        self.order += 1;
        self.order
    }

    fn entry_tag(&self, e: &Entry, order: i64, more: &[(&str, Option<Value>)]) -> String {
        let mut facts = vec![
            ("entry", Some(json!(e.seq))),
            ("order", Some(json!(order))),
            ("reason", e.reason.as_ref().map(|r| json!(r))),
            ("reference", e.reference.as_ref().map(|r| json!(r))),
        ];
        facts.extend(more.iter().cloned());
        tag::line(&facts)
    }

    fn issuance(
        &mut self,
        id: &str,
        date: &str,
        holder: i64,
        class: &str,
        lot: &crate::lots::Lot,
        comments: Vec<String>,
    ) -> io::Result<()> {
        self.item(&json!({
            "object_type": "TX_STOCK_ISSUANCE",
            "id": id,
            "security_id": lot.security,
            "custom_id": lot.custom,
            "date": date,
            "stakeholder_id": stakeholder_id(holder),
            "stock_class_id": class_id(class),
            "share_price": money(euro(lot.price_cents)),
            "quantity": lot.quantity.to_string(),
            "stock_legend_ids": [],
            "security_law_exemptions": [],
            "comments": comments,
        }))
    }

    /// Ends the transactions: every entry has been given.
    pub fn end_entries(&mut self) -> Result<(), WriteError> {
        self.close_day()?;
        self.end()?;
        self.start(STAKEHOLDERS)?;
        Ok(())
    }

    /// Writes a holder, with the payments they made.
    pub fn holder(&mut self, h: &Holder) -> io::Result<()> {
        let display = match (&h.legal_name, &h.first_name, &h.last_name) {
            (Some(legal), _, _) => legal.clone(),
            (None, Some(first), Some(last)) => format!("{first} {last}"),
            (None, first, last) => last.clone().or(first.clone()).unwrap_or_default(),
        };
        let mut name = json!({ "legal_name": display });
        if h.natural_person {
            if let Some(first) = &h.first_name {
                name["first_name"] = json!(first);
            }
            if let Some(last) = &h.last_name {
                name["last_name"] = json!(last);
            }
        }
        let mut item = json!({
            "object_type": "STAKEHOLDER",
            "id": stakeholder_id(h.register_number),
            "issuer_assigned_id": h.register_number.to_string(),
            "name": name,
            "stakeholder_type": if h.natural_person { "INDIVIDUAL" } else { "INSTITUTION" },
        });
        if let Some(country) = &h.country {
            let mut address = json!({ "address_type": "LEGAL", "country": country });
            for (key, value) in [
                ("street_suite", &h.street),
                ("city", &h.city),
                ("postal_code", &h.postal_code),
            ] {
                if let Some(v) = value {
                    address[key] = json!(v);
                }
            }
            item["addresses"] = json!([address]);
        }
        // Belgium's national register number is a person's tax number; the enterprise
        // number is a company's.
        let tax_id = if h.natural_person {
            &h.national_number
        } else {
            &h.enterprise_number
        };
        if let Some(id) = tax_id {
            item["tax_ids"] = json!([{ "tax_id": id, "country": "BE" }]);
        }
        // An institution's contact must be a named person, whom the register does not
        // know: its e-mail goes with the facts in the comments.
        if let Some(email) = h.email.as_ref().filter(|_| h.natural_person) {
            item["contact_info"] = json!({ "emails": [{
                "email_type": "PERSONAL",
                "email_address": email,
            }]});
        }
        let mut comments = vec![format!(
            "Shareholder {} of the register since {}{}.",
            h.register_number,
            h.admission_date,
            match (&h.exit_date, &h.exit_reason) {
                (Some(d), Some(r)) => format!("; left on {d} ({r})"),
                (Some(d), None) => format!("; left on {d}"),
                _ => String::new(),
            }
        )];
        comments.push(tag::line(&[
            ("admission_date", Some(json!(h.admission_date))),
            ("birth_date", h.birth_date.map(|d| json!(d))),
            ("iban", h.iban.as_ref().map(|v| json!(v))),
            ("language", Some(json!(h.language))),
            ("phone", h.phone.as_ref().map(|v| json!(v))),
            (
                "email",
                h.email
                    .as_ref()
                    .filter(|_| !h.natural_person)
                    .map(|v| json!(v)),
            ),
        ]));
        comments.extend(self.payments.remove(&h.register_number).unwrap_or_default());
        item["comments"] = json!(comments);
        self.item(&item)
    }

    /// Writes the manifest and ends the archive; returns the writer, flushed.
    pub fn finish(
        mut self,
        issuer: &Issuer,
        as_of: NaiveDate,
        generated_at: DateTime<FixedOffset>,
    ) -> io::Result<W> {
        self.end()?;
        let mut address = json!({ "address_type": "LEGAL", "country": issuer.country });
        for (key, value) in [
            ("street_suite", &issuer.street),
            ("city", &issuer.city),
            ("postal_code", &issuer.postal_code),
        ] {
            if let Some(v) = value {
                address[key] = json!(v);
            }
        }
        let formation = self
            .first_date
            .map_or(issuer.registered_since, |d| d.min(issuer.registered_since));
        let mut manifest = json!({
            "ocf_version": crate::OCF_VERSION,
            "file_type": "OCF_MANIFEST_FILE",
            "issuer": {
                "object_type": "ISSUER",
                "id": "issuer",
                "legal_name": issuer.legal_name,
                "formation_date": formation.to_string(),
                "country_of_formation": issuer.country,
                "tax_ids": [{ "tax_id": issuer.enterprise_number, "country": "BE" }],
                "address": address,
                "initial_shares_authorized": "UNLIMITED",
                "comments": [
                    "formation_date is the first date of the register as DAR holds it, not necessarily the date of incorporation."
                ],
            },
            "as_of": as_of.to_string(),
            "generated_at": generated_at.to_rfc3339(),
            "stock_plans_files": [],
            "stock_legend_templates_files": [],
            "stock_classes_files": [],
            "vesting_terms_files": [],
            "valuations_files": [],
            "transactions_files": [],
            "stakeholders_files": [],
            "comments": [
                "Exported by DAR, the shareholder register of a cooperative.",
                "Lots: a holder's securities in a class are consumed first issued, first out; what is left of a security is a new balance security in its place.",
                "Paid-up capital, payments, exact repayments, reasons and references have no OCF field: they are in the comments, as a sentence and as a line starting with \"dar:\" holding JSON.",
                "Reversed entries and their reversals are left out: on every date they cancel out.",
            ],
        });
        for (list, path, md5) in &self.listed {
            manifest[*list]
                .as_array_mut()
                .expect("every list is in the manifest")
                .push(json!({ "filepath": format!("./{path}"), "md5": md5 }));
        }
        self.zip
            .start_file(MANIFEST, options())
            .map_err(io::Error::other)?;
        let text = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
        self.zip.write_all(&text)?;
        let mut out = self.zip.finish().map_err(io::Error::other)?.into_inner();
        out.flush()?;
        Ok(out)
    }

    /// Transactions written so far.
    pub fn transactions(&self) -> u64 {
        self.transactions
    }
}
