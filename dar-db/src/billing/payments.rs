//! Payments received for invoices. Append-only: a payment recorded by mistake is undone by
//! a credit note or settled with the cooperative, never erased.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::billing_payments;

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = billing_payments)]
pub struct PaymentRow {
    pub id: String,
    pub invoice_id: String,
    pub amount_cents: i64,
    pub paid_on: NaiveDate,
    /// `manual`, `coda` or `camt053`.
    pub method: String,
    /// A bank statement entry's own reference: the same entry is never recorded twice.
    pub bank_reference: Option<String>,
    pub payer: Option<String>,
    pub note: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub fn record(conn: &mut DbConnection, row: PaymentRow) -> Result<PaymentRow, StoreError> {
    diesel::insert_into(billing_payments::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// An invoice's payments, oldest first.
pub fn of_invoice(conn: &mut DbConnection, invoice: &str) -> Result<Vec<PaymentRow>, StoreError> {
    Ok(billing_payments::table
        .filter(billing_payments::invoice_id.eq(invoice))
        .order((billing_payments::paid_on.asc(), billing_payments::id.asc()))
        .select(PaymentRow::as_select())
        .load(conn)?)
}

pub fn by_bank_reference(
    conn: &mut DbConnection,
    reference: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    Ok(billing_payments::table
        .filter(billing_payments::bank_reference.eq(reference))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_idempotency_key(
    conn: &mut DbConnection,
    key: &str,
) -> Result<Option<PaymentRow>, StoreError> {
    Ok(billing_payments::table
        .filter(billing_payments::idempotency_key.eq(key))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Payments received in `[from, to]`, by date: the bookkeeping export's.
pub fn between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PaymentRow>, StoreError> {
    Ok(billing_payments::table
        .filter(billing_payments::paid_on.ge(from))
        .filter(billing_payments::paid_on.le(to))
        .order((billing_payments::paid_on.asc(), billing_payments::id.asc()))
        .select(PaymentRow::as_select())
        .load(conn)?)
}
