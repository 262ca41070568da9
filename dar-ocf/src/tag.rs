//! What OCF has no field for, kept in an object's `comments`: one line starting `dar:`
//! followed by a JSON object (paid-up capital, exact repayments, payments, reasons, the
//! holder's IBAN and language, …), beside a sentence for people reading the file in another
//! tool. The import reads these lines back; other lines are left alone.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Map, Value};

pub const PREFIX: &str = "dar:";

/// The facts a `dar:` line may carry; all optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Tag {
    /// The entry's sequence number in DAR's ledger.
    pub entry: Option<i64>,
    /// The position in which the export posted it (within a date, entries go in this order).
    pub order: Option<i64>,
    /// Paid up when the shares were issued; for a transfer or redemption, the paid-up
    /// capital the shares took with them; in euro.
    pub paid_up: Option<Decimal>,
    /// For a transfer or redemption: the subscribed capital the shares took with them.
    pub capital: Option<Decimal>,
    /// What a redemption repaid, in euro, exactly (OCF's price per share may not be).
    pub amount: Option<Decimal>,
    /// A transfer's price per share, in euro.
    pub price_per_share: Option<Decimal>,
    pub reason: Option<String>,
    pub reference: Option<String>,
    /// A payment of capital: on the holder who paid.
    pub payment: Option<Payment>,
    // A holder's facts OCF has no place for.
    pub birth_date: Option<NaiveDate>,
    pub iban: Option<String>,
    pub language: Option<String>,
    pub admission_date: Option<NaiveDate>,
    pub phone: Option<String>,
    /// An institution's e-mail (OCF only has room for a named contact person's).
    pub email: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Payment {
    pub date: NaiveDate,
    pub share_class: String,
    pub amount: Decimal,
    pub entry: Option<i64>,
    pub order: Option<i64>,
    pub reference: Option<String>,
}

/// The `dar:` line of `comments`, if any and readable.
pub fn find(comments: &[String]) -> Option<Tag> {
    comments
        .iter()
        .filter_map(|c| c.strip_prefix(PREFIX))
        .find_map(|json| serde_json::from_str(json).ok())
}

/// Every `dar:` line of `comments` that can be read (a holder has one per payment).
pub fn all(comments: &[String]) -> Vec<Tag> {
    comments
        .iter()
        .filter_map(|c| c.strip_prefix(PREFIX))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// A `dar:` line of the given facts, leaving out those that are absent.
pub fn line(facts: &[(&str, Option<Value>)]) -> String {
    let map: Map<String, Value> = facts
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
        .collect();
    format!("{PREFIX}{}", Value::Object(map))
}
