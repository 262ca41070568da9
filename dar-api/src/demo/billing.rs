//! The coordinator's side of the demo: an invoicing identity, a plan and the demo
//! cooperative's billing profile, so the billing pages have something to preview. No
//! invoice is issued: running the year is left to whoever tries DAR.

use chrono::{Datelike, NaiveDate, Utc};

use dar_core::billing::{Plan, Tier, VatRate};
use dar_core::ids::TenantId;
use dar_core::money::Money;
use dar_db::DbConnection;
use dar_db::billing::identity::{self, IdentityRow};
use dar_db::billing::plans::{self, PlanRow, StoredPlan};
use dar_db::billing::profiles::{self, ProfileRow};

const PLAN: &str = "standaard";

fn eur(cents: i64) -> Money {
    Money::from_cents(cents).expect("a demo amount")
}

/// Sets up billing for the demo cooperative `tenant`, leaving an identity or plan that
/// exists alone.
pub(super) fn set_up(
    conn: &mut DbConnection,
    tenant: &TenantId,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let now = dar_db::to_db_time(Utc::now());
    if identity::get(conn)?.is_none() {
        identity::put(
            conn,
            IdentityRow {
                id: 1,
                name: "DAR Coördinatie vzw".into(),
                street: "Vooruitgangstraat 50".into(),
                postal_code: "1210".into(),
                city: "Brussel".into(),
                country: "BE".into(),
                enterprise_number: "0403019261".into(),
                vat_number: "BE0403019261".into(),
                iban: "BE68539007547034".into(),
                bic: Some("GKCCBEBB".into()),
                peppol_id: "0208:0403019261".into(),
                email: "facturen@coordinatie.dar.coop".into(),
                footer: "Vragen over een factuur? Schrijf naar facturen@coordinatie.dar.coop."
                    .into(),
                payment_term_days: 30,
                updated_at: now,
            },
        )?;
    }
    let plan = match plans::get(conn, PLAN) {
        Ok(plan) => plan,
        Err(dar_db::StoreError::NotFound) => {
            let prices = Plan::new(
                vec![
                    Tier {
                        up_to: Some(100),
                        member_fee: eur(15_000),
                        non_member_fee: eur(25_000),
                    },
                    Tier {
                        up_to: Some(1_000),
                        member_fee: eur(40_000),
                        non_member_fee: eur(60_000),
                    },
                    Tier {
                        up_to: None,
                        member_fee: eur(90_000),
                        non_member_fee: eur(140_000),
                    },
                ],
                eur(30_000),
                eur(50_000),
            )?;
            let id = uuid::Uuid::now_v7().to_string();
            plans::create(
                conn,
                StoredPlan {
                    tiers: plans::tier_rows(&id, &prices),
                    row: PlanRow {
                        id,
                        code: PLAN.into(),
                        name: "Standaard".into(),
                        onboarding_fee_cents: prices.onboarding_fee.cents(),
                        migration_fee_cents: prices.migration_fee.cents(),
                        vat_rate: VatRate::Standard.as_str().into(),
                        created_at: now,
                        updated_at: now,
                    },
                },
            )?
        }
        Err(e) => return Err(e.into()),
    };
    let coop = dar_db::tenants::get(conn, tenant)?;
    profiles::put(
        conn,
        ProfileRow {
            tenant_id: tenant.to_string(),
            plan_id: plan.row.id,
            member: true,
            billing_start: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            migration: true,
            name: coop.legal_name,
            street: coop.street.unwrap_or_default(),
            postal_code: coop.postal_code.unwrap_or_default(),
            city: coop.city.unwrap_or_default(),
            country: coop.country,
            vat_number: Some(format!("BE{}", coop.enterprise_number)),
            peppol_id: None,
            enterprise_number: coop.enterprise_number,
            email: "boekhouding@demo.dar.coop".into(),
            language: "nl".into(),
            yearly_fee_cents: None,
            onboarding_fee_cents: None,
            migration_fee_cents: None,
            updated_at: now,
        },
    )?;
    Ok(())
}
