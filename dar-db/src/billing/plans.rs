//! Plans and their tiers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{billing_plan_tiers, billing_plans};
use dar_core::billing::{Plan, Tier, VatRate};
use dar_core::money::Money;

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = billing_plans)]
pub struct PlanRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub onboarding_fee_cents: i64,
    pub migration_fee_cents: i64,
    pub vat_rate: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = billing_plan_tiers)]
pub struct TierRow {
    pub plan_id: String,
    pub position: i32,
    pub up_to: Option<i64>,
    pub member_fee_cents: i64,
    pub non_member_fee_cents: i64,
}

/// A plan with its tiers, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPlan {
    pub row: PlanRow,
    pub tiers: Vec<TierRow>,
}

fn money(cents: i64) -> Result<Money, StoreError> {
    Money::from_cents(cents).map_err(|e| StoreError::Corrupt(format!("plan amount: {e}")))
}

impl StoredPlan {
    /// The plan's prices as the billing rule takes them.
    pub fn plan(&self) -> Result<Plan, StoreError> {
        let tiers = self
            .tiers
            .iter()
            .map(|t| {
                Ok(Tier {
                    up_to: t.up_to.map(|u| u32::try_from(u).unwrap_or(u32::MAX)),
                    member_fee: money(t.member_fee_cents)?,
                    non_member_fee: money(t.non_member_fee_cents)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Plan::new(
            tiers,
            money(self.row.onboarding_fee_cents)?,
            money(self.row.migration_fee_cents)?,
        )
        .map_err(|e| StoreError::Corrupt(format!("plan {}: {e}", self.row.code)))
    }

    pub fn vat_rate(&self) -> Result<VatRate, StoreError> {
        VatRate::parse(&self.row.vat_rate)
            .ok_or_else(|| StoreError::Corrupt(format!("VAT rate {:?}", self.row.vat_rate)))
    }
}

/// The tier rows of a checked plan.
pub fn tier_rows(plan_id: &str, plan: &Plan) -> Vec<TierRow> {
    plan.tiers()
        .iter()
        .enumerate()
        .map(|(i, t)| TierRow {
            plan_id: plan_id.to_string(),
            position: i as i32,
            up_to: t.up_to.map(i64::from),
            member_fee_cents: t.member_fee.cents(),
            non_member_fee_cents: t.non_member_fee.cents(),
        })
        .collect()
}

// Row by row: diesel's connection over both backends has no multi-row insert.
fn insert_tiers(conn: &mut DbConnection, tiers: &[TierRow]) -> Result<(), StoreError> {
    for tier in tiers {
        diesel::insert_into(billing_plan_tiers::table)
            .values(tier)
            .execute(conn)?;
    }
    Ok(())
}

/// Stores a new plan; its code must be new.
pub fn create(conn: &mut DbConnection, plan: StoredPlan) -> Result<StoredPlan, StoreError> {
    let taken: i64 = billing_plans::table
        .filter(billing_plans::code.eq(&plan.row.code))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(StoreError::Conflict(format!(
            "a plan with code {:?} exists already",
            plan.row.code
        )));
    }
    diesel::insert_into(billing_plans::table)
        .values(&plan.row)
        .execute(conn)?;
    insert_tiers(conn, &plan.tiers)?;
    Ok(plan)
}

/// Replaces a plan's name, prices and tiers. Invoices already issued keep their amounts.
pub fn replace(conn: &mut DbConnection, plan: StoredPlan) -> Result<StoredPlan, StoreError> {
    let updated = diesel::update(billing_plans::table.find(&plan.row.id))
        .set((
            billing_plans::name.eq(&plan.row.name),
            billing_plans::onboarding_fee_cents.eq(plan.row.onboarding_fee_cents),
            billing_plans::migration_fee_cents.eq(plan.row.migration_fee_cents),
            billing_plans::vat_rate.eq(&plan.row.vat_rate),
            billing_plans::updated_at.eq(plan.row.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    diesel::delete(billing_plan_tiers::table.filter(billing_plan_tiers::plan_id.eq(&plan.row.id)))
        .execute(conn)?;
    insert_tiers(conn, &plan.tiers)?;
    get(conn, &plan.row.id)
}

/// A plan by id or code.
pub fn get(conn: &mut DbConnection, key: &str) -> Result<StoredPlan, StoreError> {
    let row: PlanRow = billing_plans::table
        .filter(billing_plans::id.eq(key).or(billing_plans::code.eq(key)))
        .select(PlanRow::as_select())
        .first(conn)?;
    let tiers = billing_plan_tiers::table
        .filter(billing_plan_tiers::plan_id.eq(&row.id))
        .order(billing_plan_tiers::position.asc())
        .select(TierRow::as_select())
        .load(conn)?;
    Ok(StoredPlan { row, tiers })
}

/// Every plan, by code.
pub fn list(conn: &mut DbConnection) -> Result<Vec<StoredPlan>, StoreError> {
    let rows: Vec<PlanRow> = billing_plans::table
        .order(billing_plans::code.asc())
        .select(PlanRow::as_select())
        .load(conn)?;
    let mut tiers: Vec<TierRow> = billing_plan_tiers::table
        .order((billing_plan_tiers::plan_id, billing_plan_tiers::position))
        .select(TierRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut tiers)
                .into_iter()
                .partition(|t| t.plan_id == row.id);
            tiers = rest;
            StoredPlan { row, tiers: mine }
        })
        .collect())
}
