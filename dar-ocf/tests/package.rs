//! A package written and read back without a database: what the import will see.

use chrono::{DateTime, NaiveDate};
use dar_ocf::read::{self, COLUMNS};
use dar_ocf::write::{Class, Entry, Holder, Issuer, Kind, Package, WriteError};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn entry(seq: i64, kind: Kind, date: &str, from: Option<i64>, to: Option<i64>, q: i64) -> Entry {
    Entry {
        seq,
        kind,
        date: d(date),
        class: "A".into(),
        from,
        to,
        quantity: q,
        capital_cents: q * 2500,
        paid_cents: q * 2500,
        price_per_share_cents: None,
        amount_cents: None,
        reason: None,
        reference: None,
    }
}

fn holder(n: i64, last: &str) -> Holder {
    Holder {
        register_number: n,
        natural_person: true,
        last_name: Some(last.into()),
        language: "nl".into(),
        admission_date: d("2024-01-01"),
        ..Holder::default()
    }
}

fn package(entries: Vec<Entry>) -> Result<Vec<u8>, WriteError> {
    let mut p = Package::new(Vec::new());
    p.classes(&[Class {
        code: "A".into(),
        name: "Aandelen A".into(),
        nominal_cents: 2500,
        issue_price_cents: 2500,
        votes_per_share: 1,
        notes: Vec::new(),
    }])?;
    for e in entries {
        p.entry(e)?;
    }
    p.end_entries()?;
    p.holder(&holder(1, "Peeters"))?;
    p.holder(&holder(2, "Claes"))?;
    let issuer = Issuer {
        legal_name: "De Korenbloem cv".into(),
        enterprise_number: "BE0403170701".into(),
        street: None,
        postal_code: None,
        city: None,
        country: "BE".into(),
        registered_since: d("2024-01-01"),
    };
    let at = DateTime::parse_from_rfc3339("2025-12-31T12:00:00+01:00").unwrap();
    Ok(p.finish(&issuer, d("2025-12-31"), at)?)
}

/// The rows read back, each as {column: value} of its non-empty cells.
fn rows(bytes: &[u8]) -> Vec<Vec<(&'static str, String)>> {
    let read = read::read(bytes).unwrap();
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    read.rows
        .into_iter()
        .map(|cells| {
            COLUMNS
                .iter()
                .zip(cells)
                .skip(1)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (*k, v))
                .collect()
        })
        .collect()
}

fn get<'r>(row: &'r [(&str, String)], key: &str) -> &'r str {
    row.iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, v)| v.as_str())
}

#[test]
fn a_transfer_split_over_two_securities_reads_back_as_one_transfer() {
    let mut issue = entry(1, Kind::Issue, "2025-01-01", None, Some(1), 3);
    issue.paid_cents = 5000;
    let bytes = package(vec![
        issue,
        entry(2, Kind::Issue, "2025-02-01", None, Some(1), 4),
        entry(3, Kind::Transfer, "2025-03-01", Some(1), Some(2), 5),
    ])
    .unwrap();
    let rows = rows(&bytes);
    let holders: Vec<&str> = rows[..2]
        .iter()
        .map(|r| get(r, "register_number"))
        .collect();
    assert_eq!(holders, ["1", "2"]);
    let kinds: Vec<&str> = rows[2..].iter().map(|r| get(r, "entry_kind")).collect();
    assert_eq!(kinds, ["issue", "issue", "transfer"]);
    assert_eq!(get(&rows[2], "paid_up"), "50.00");
    assert_eq!(get(&rows[2], "subscribed"), "75.00");
    let transfer = &rows[4];
    assert_eq!(
        [
            get(transfer, "from"),
            get(transfer, "to"),
            get(transfer, "shares")
        ],
        ["1", "2", "5"]
    );
    assert_eq!(get(transfer, "subscribed"), "125.00");
}

#[test]
fn an_entry_that_needs_shares_received_later_the_same_day_is_written_after_them() {
    // Entry 2 gives away on 1 March what entry 3 (the same day) brings: the register nets
    // a day's entries, so the package posts entry 3 first.
    let bytes = package(vec![
        entry(1, Kind::Issue, "2025-01-01", None, Some(1), 1),
        entry(2, Kind::Transfer, "2025-03-01", Some(2), Some(1), 2),
        entry(3, Kind::Issue, "2025-03-01", None, Some(2), 2),
    ])
    .unwrap();
    let rows = rows(&bytes);
    let kinds: Vec<&str> = rows[2..].iter().map(|r| get(r, "entry_kind")).collect();
    assert_eq!(kinds, ["issue", "issue", "transfer"]);
}

#[test]
fn an_entry_that_takes_shares_nobody_gives_that_day_stops_the_export() {
    let err = package(vec![entry(
        5,
        Kind::Redemption,
        "2025-03-01",
        Some(1),
        None,
        1,
    )])
    .unwrap_err();
    assert!(matches!(err, WriteError::Short { seq: 5, .. }), "{err}");
}

#[test]
fn a_payment_is_read_back_from_the_holder_who_made_it() {
    let mut issue = entry(1, Kind::Issue, "2025-01-01", None, Some(2), 2);
    issue.paid_cents = 0;
    let mut payment = entry(2, Kind::Payment, "2025-02-01", None, Some(2), 0);
    payment.amount_cents = Some(1250);
    let rows = rows(&package(vec![issue, payment]).unwrap());
    let paid = rows.last().unwrap();
    assert_eq!(
        [
            get(paid, "entry_kind"),
            get(paid, "to"),
            get(paid, "amount"),
            get(paid, "effective_date")
        ],
        ["payment", "2", "12.50", "2025-02-01"]
    );
}
