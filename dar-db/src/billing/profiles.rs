//! Billing profiles: how each cooperative is billed.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::billing_profiles;
use dar_core::billing::{Party, PriceOverrides};
use dar_core::ids::TenantId;
use dar_core::money::Money;
use dar_core::types::Language;

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, PartialEq)]
#[diesel(table_name = billing_profiles, treat_none_as_null = true)]
pub struct ProfileRow {
    pub tenant_id: String,
    pub plan_id: String,
    pub member: bool,
    pub billing_start: NaiveDate,
    pub migration: bool,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub enterprise_number: String,
    pub vat_number: Option<String>,
    pub peppol_id: Option<String>,
    pub email: String,
    pub language: String,
    pub yearly_fee_cents: Option<i64>,
    pub onboarding_fee_cents: Option<i64>,
    pub migration_fee_cents: Option<i64>,
    pub updated_at: NaiveDateTime,
}

fn money(cents: Option<i64>) -> Result<Option<Money>, StoreError> {
    cents
        .map(|c| Money::from_cents(c).map_err(|e| StoreError::Corrupt(format!("profile: {e}"))))
        .transpose()
}

impl ProfileRow {
    /// The buyer as an invoice keeps it.
    pub fn party(&self) -> Party {
        Party {
            name: self.name.clone(),
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            enterprise_number: self.enterprise_number.clone(),
            vat_number: self.vat_number.clone(),
            peppol_id: self.peppol_id.clone(),
            email: Some(self.email.clone()),
            iban: None,
            bic: None,
            footer: None,
        }
    }

    pub fn overrides(&self) -> Result<PriceOverrides, StoreError> {
        Ok(PriceOverrides {
            yearly_fee: money(self.yearly_fee_cents)?,
            onboarding_fee: money(self.onboarding_fee_cents)?,
            migration_fee: money(self.migration_fee_cents)?,
        })
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or(Language::Nl)
    }
}

/// Sets a cooperative's profile.
pub fn put(conn: &mut DbConnection, row: ProfileRow) -> Result<ProfileRow, StoreError> {
    let updated = diesel::update(billing_profiles::table.find(&row.tenant_id))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(billing_profiles::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(row)
}

pub fn get(conn: &mut DbConnection, tenant: &TenantId) -> Result<Option<ProfileRow>, StoreError> {
    Ok(billing_profiles::table
        .find(tenant.to_string())
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every profile, by tenant id.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ProfileRow>, StoreError> {
    Ok(billing_profiles::table
        .order(billing_profiles::tenant_id.asc())
        .select(ProfileRow::as_select())
        .load(conn)?)
}
