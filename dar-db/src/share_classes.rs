//! Share classes of a tenant.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::share_classes;
use crate::{parse_id, to_db_time};
use dar_core::ids::{ShareClassId, TenantId};
use dar_core::ledger::ClassTerms;
use dar_core::money::Money;
use dar_core::types::TransferRule;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = share_classes)]
pub struct ShareClassRow {
    pub tenant_id: String,
    pub id: String,
    pub code: String,
    pub name: String,
    pub nominal_value_cents: i64,
    pub issue_price_cents: i64,
    pub votes_per_share: i32,
    pub dividend_rights: bool,
    pub transfer_rule: String,
    pub max_shares_per_holder: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug)]
pub struct NewShareClass {
    pub code: String,
    pub name: String,
    pub nominal_value: Money,
    pub issue_price: Money,
    pub votes_per_share: i32,
    pub dividend_rights: bool,
    pub transfer_rule: TransferRule,
    pub max_shares_per_holder: Option<i64>,
}

impl ShareClassRow {
    pub fn terms(&self) -> Result<ClassTerms, StoreError> {
        Ok(ClassTerms {
            id: parse_id(&self.id)?,
            code: self.code.clone(),
            issue_price: Money::from_cents(self.issue_price_cents)
                .map_err(|e| StoreError::Corrupt(format!("issue price: {e}")))?,
            transfer_rule: TransferRule::parse(&self.transfer_rule).ok_or_else(|| {
                StoreError::Corrupt(format!("transfer rule {:?}", self.transfer_rule))
            })?,
            max_shares_per_holder: self.max_shares_per_holder,
        })
    }
}

pub fn create(
    conn: &mut DbConnection,
    tenant: &TenantId,
    new: NewShareClass,
    now: DateTime<Utc>,
) -> Result<ShareClassRow, StoreError> {
    crate::write_transaction(conn, |conn| {
        crate::tenants::lock(conn, tenant)?;
        if find_by_code(conn, tenant, &new.code)?.is_some() {
            return Err(StoreError::Conflict(format!(
                "share class {} exists",
                new.code
            )));
        }
        let row = ShareClassRow {
            tenant_id: tenant.to_string(),
            id: ShareClassId::new().to_string(),
            code: new.code,
            name: new.name,
            nominal_value_cents: new.nominal_value.cents(),
            issue_price_cents: new.issue_price.cents(),
            votes_per_share: new.votes_per_share,
            dividend_rights: new.dividend_rights,
            transfer_rule: new.transfer_rule.as_str().to_string(),
            max_shares_per_holder: new.max_shares_per_holder,
            created_at: to_db_time(now),
        };
        diesel::insert_into(share_classes::table)
            .values(&row)
            .execute(conn)?;
        Ok(row)
    })
}

pub fn find_by_code(
    conn: &mut DbConnection,
    tenant: &TenantId,
    code: &str,
) -> Result<Option<ShareClassRow>, StoreError> {
    Ok(share_classes::table
        .filter(share_classes::tenant_id.eq(tenant.to_string()))
        .filter(share_classes::code.eq(code))
        .select(ShareClassRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(
    conn: &mut DbConnection,
    tenant: &TenantId,
    id: &str,
) -> Result<ShareClassRow, StoreError> {
    Ok(share_classes::table
        .find((tenant.to_string(), id))
        .select(ShareClassRow::as_select())
        .first(conn)?)
}

pub fn list(conn: &mut DbConnection, tenant: &TenantId) -> Result<Vec<ShareClassRow>, StoreError> {
    Ok(share_classes::table
        .filter(share_classes::tenant_id.eq(tenant.to_string()))
        .order(share_classes::code.asc())
        .select(ShareClassRow::as_select())
        .load(conn)?)
}
