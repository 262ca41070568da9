//! The coordinator's invoicing identity: one row, the seller on every invoice.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::billing_identity;
use dar_core::billing::Party;

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, PartialEq)]
#[diesel(table_name = billing_identity)]
pub struct IdentityRow {
    pub id: i32,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub enterprise_number: String,
    pub vat_number: String,
    pub iban: String,
    pub bic: Option<String>,
    pub peppol_id: String,
    pub email: String,
    pub footer: String,
    pub payment_term_days: i32,
    pub updated_at: NaiveDateTime,
}

impl IdentityRow {
    /// The seller as an invoice keeps it.
    pub fn party(&self) -> Party {
        Party {
            name: self.name.clone(),
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            enterprise_number: self.enterprise_number.clone(),
            vat_number: Some(self.vat_number.clone()),
            peppol_id: Some(self.peppol_id.clone()),
            email: Some(self.email.clone()),
            iban: Some(self.iban.clone()),
            bic: self.bic.clone(),
            footer: Some(self.footer.clone()).filter(|f| !f.is_empty()),
        }
    }
}

/// The identity, once the coordinator has set it.
pub fn get(conn: &mut DbConnection) -> Result<Option<IdentityRow>, StoreError> {
    Ok(billing_identity::table
        .find(1)
        .select(IdentityRow::as_select())
        .first(conn)
        .optional()?)
}

/// Sets the identity (the row's `id` is always 1).
pub fn put(conn: &mut DbConnection, row: IdentityRow) -> Result<IdentityRow, StoreError> {
    let row = IdentityRow { id: 1, ..row };
    let updated = diesel::update(billing_identity::table.find(1))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(billing_identity::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(row)
}
