//! The demo cooperative: a Ghent energy cooperative with a few hundred members and almost
//! four years of history, to try DAR with.
//!
//! Everything comes from a fixed seed, so every installation shows the same people and the
//! same story; only the dates follow today. The generator keeps its own copy of every
//! holding, updated from what the ledger actually posted, so it only proposes entries the
//! rules accept: a refusal is a bug here and fails the load.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::auth::password;
use dar_core::chain::EntryRecord;
use dar_core::holdings::Position;
use dar_core::identifiers::StructuredCommunication;
use dar_core::ids::{EntryId, ShareClassId, ShareholderId, TenantId, UserId};
use dar_core::ledger::{DraftAction, EntryDraft, Movement};
use dar_core::money::{Money, ShareCount};
use dar_core::types::{Role, TransferRule, VotingRule};
use dar_db::shareholders::{Identity, NewShareholder, ShareholderRow};
use dar_db::users::{self, Grant};
use dar_db::{Database, DbConnection, StoreError, ledger, share_classes, shareholders, tenants};

/// The demo tenant's slug; a tenant with this slug means the demo is loaded.
pub const SLUG: &str = "demo";
/// The password of every demo login. Public on purpose: this is demo data.
pub const PASSWORD: &str = "demo-password-2026";

const LEGAL_NAME: &str = "Coöperatieve Energie Ünie cv";
const SEED: u64 = 20_230_110;
const ACTOR: &str = "demo";
/// Shareholders of the demo cooperative unless asked for more (benchmarks ask for 50,000).
pub const HOLDERS: usize = 300;
/// The first holders, admitted at the founding; only they subscribe class A.
const FOUNDERS: usize = 25;
const TRANSFERS_B: usize = 40;
const TRANSFERS_A: usize = 3;
const EXITS: usize = 15;
const PARTLY_PAID: f64 = 0.1;
const A_PRICE_CENTS: i64 = 25_000;
const B_PRICE_CENTS: i64 = 5_000;
const A_MAX_PER_HOLDER: i64 = 20;

/// (code, name, nominal value and issue price in cents, transfer rule, maximum per holder)
#[rustfmt::skip]
const CLASSES: [(&str, &str, i64, TransferRule, Option<i64>); 2] = [
    ("A", "Oprichtersaandelen", A_PRICE_CENTS, TransferRule::Approval, Some(A_MAX_PER_HOLDER)),
    ("B", "Gewone aandelen", B_PRICE_CENTS, TransferRule::Free, None),
];

/// (email, display name, role); the shareholder login sees one member's own record.
const LOGINS: [(&str, &str, Role); 3] = [
    ("admin@demo.dar.coop", "Demo-beheerder", Role::Admin),
    ("viewer@demo.dar.coop", "Demo-lezer", Role::Viewer),
    (
        "aandeelhouder@demo.dar.coop",
        "Demo-aandeelhouder",
        Role::Shareholder,
    ),
];

mod billing;
mod history;
mod people;

use history::*;
use people::*;

/// Loads the demo cooperative, or returns `None` when a tenant with its slug exists.
/// Returns a summary for the operator: what was loaded and how to log in.
pub fn load(db: &Database) -> anyhow::Result<Option<String>> {
    load_sized(db, HOLDERS)
}

/// [`load`] with `holders` shareholders (at least the founders and the legal entities).
pub fn load_sized(db: &Database, holders: usize) -> anyhow::Result<Option<String>> {
    let holders = holders.max(FOUNDERS + LEGAL.len());
    let mut conn = db.conn()?;
    match tenants::find(&mut conn, SLUG) {
        Ok(_) => return Ok(None),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    tracing::info!(tenant.slug = SLUG, "loading the demo cooperative");
    let today = dar_core::time::brussels_date(Utc::now());
    // One transaction: a failed load leaves no half-built tenant that the next run would
    // take for a finished one (and SQLite syncs once instead of once per entry).
    let summary = dar_db::write_transaction(&mut conn, |conn| build(conn, today, holders))?;
    Ok(Some(summary))
}

fn build(conn: &mut DbConnection, today: NaiveDate, holders: usize) -> anyhow::Result<String> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let yesterday = today.pred_opt().context("today has a yesterday")?;
    let tenant = create_tenant(conn, &mut rng)?;
    let class_a = create_classes(conn, &tenant)?;
    let plan = shareholder_plan(&mut rng, today - Days::new(90), holders);
    let rows = create_shareholders(conn, &tenant, &plan)?;
    let mut register = Register::new(tenant, class_a, &rows)?;
    for (date, step) in schedule(&mut rng, &plan, yesterday) {
        register.run(conn, &mut rng, date, step)?;
    }
    register.flush(conn)?;
    let member = register
        .showcase()
        .context("no member to show to the shareholder login")?;
    let created = create_logins(conn, tenant, member.id)?;
    billing::set_up(conn, &tenant, today)?;
    Ok(summary(&register, member, &created))
}

fn create_tenant(conn: &mut DbConnection, rng: &mut StdRng) -> anyhow::Result<TenantId> {
    let new = tenants::NewTenant {
        slug: SLUG.into(),
        legal_name: LEGAL_NAME.into(),
        enterprise_number: enterprise_number(rng),
        legal_form: "cv".into(),
        street: Some("Dok-Noord 7".into()),
        postal_code: Some("9000".into()),
        city: Some("Gent".into()),
        country: "BE".into(),
        default_language: "nl".into(),
        fiscal_year_end: "12-31".into(),
        voting_rule: VotingRule::OneMemberOneVote.as_str().into(),
    };
    Ok(tenants::create(conn, new, Utc::now())?.id.parse()?)
}

/// Creates the share classes and returns the id of class A.
fn create_classes(conn: &mut DbConnection, tenant: &TenantId) -> anyhow::Result<ShareClassId> {
    let mut class_a = None;
    for (code, name, price_cents, transfer_rule, max) in CLASSES {
        let price = Money::from_cents(price_cents)?;
        let new = share_classes::NewShareClass {
            code: code.into(),
            name: name.into(),
            nominal_value: price,
            issue_price: price,
            votes_per_share: 1,
            dividend_rights: true,
            transfer_rule,
            max_shares_per_holder: max,
        };
        let row = share_classes::create(conn, tenant, new, Utc::now())?;
        if code == "A" {
            class_a = Some(row.id.parse()?);
        }
    }
    class_a.context("class A is among the demo classes")
}

fn create_shareholders(
    conn: &mut DbConnection,
    tenant: &TenantId,
    plan: &[NewShareholder],
) -> anyhow::Result<Vec<ShareholderRow>> {
    let mut rows = Vec::with_capacity(plan.len());
    // The load is one transaction: one lock, no savepoint per holder, and the register
    // numbers taken at once (updating the tenant row per holder would leave a version of
    // it per holder for every later read in the transaction to step over).
    dar_db::tenants::lock(conn, tenant)?;
    let first = dar_db::tenants::reserve_register_numbers(conn, tenant, plan.len() as i64)?;
    for (number, new) in (first..).zip(plan) {
        rows.push(shareholders::insert_numbered(
            conn,
            tenant,
            new.clone(),
            number,
            ACTOR,
            Utc::now(),
        )?);
        if rows.len().is_multiple_of(5_000) {
            dar_db::refresh_statistics(conn, &["shareholders", "shareholder_versions"])?;
        }
        if rows.len().is_multiple_of(10_000) {
            tracing::info!(
                shareholders.done = rows.len(),
                shareholders.total = plan.len(),
                "demo: shareholders created"
            );
        }
    }
    Ok(rows)
}

/// Creates the demo logins; returns, per login, whether it was created (an existing email
/// is left alone: it may belong to someone else).
fn create_logins(
    conn: &mut DbConnection,
    tenant: TenantId,
    member: ShareholderId,
) -> anyhow::Result<Vec<bool>> {
    let mut created = Vec::with_capacity(LOGINS.len());
    for (email, display_name, role) in LOGINS {
        if users::find_by_email(conn, email)?.is_some() {
            created.push(false);
            continue;
        }
        let hash = password::hash(PASSWORD)
            .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
        let user: UserId = users::create(conn, email, &hash, Some(display_name), Utc::now())?
            .id
            .parse()?;
        let shareholder_id = (role == Role::Shareholder).then_some(member);
        let grant = Grant {
            role,
            tenant_id: Some(tenant),
            shareholder_id,
        };
        users::add_grant(conn, &user, &grant, Utc::now())?;
        created.push(true);
    }
    Ok(created)
}

fn summary(register: &Register, member: &Holder, created: &[bool]) -> String {
    let mut lines = vec![
        format!("Demo cooperative \"{LEGAL_NAME}\" loaded, tenant slug \"{SLUG}\":"),
        format!(
            "  {} share classes, {} shareholders, {} ledger entries",
            CLASSES.len(),
            register.holders.len(),
            register.entries
        ),
        format!("Logins, all with password {PASSWORD}:"),
    ];
    for ((email, _, role), created) in LOGINS.iter().zip(created) {
        let whose = match role {
            Role::Shareholder => format!(
                " of {} (register number {})",
                member.name, member.register_number
            ),
            _ => String::new(),
        };
        let note = if *created {
            ""
        } else {
            " (existed already; left unchanged)"
        };
        lines.push(format!("  {email:<29} {role}{whose}{note}"));
    }
    lines.push(
        "The coordinator login is the one from DAR_BOOTSTRAP_EMAIL / DAR_BOOTSTRAP_PASSWORD."
            .into(),
    );
    lines.join("\n")
}

// --- The members --------------------------------------------------------------------------

pub(super) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar date")
}

pub(super) fn founded() -> NaiveDate {
    date(2023, 1, 10)
}

pub(super) fn random_date(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).unwrap_or(0);
    from + Days::new(rng.random_range(0..=span))
}

pub(super) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("demo tables are not empty")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dar_core::identifiers::{EnterpriseNumber, Iban, NationalNumber};
    use dar_db::ledger::Moment;

    #[test]
    fn generated_national_numbers_parse_and_encode_the_birth_date() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..5000 {
            let birth = random_date(&mut rng, date(1920, 1, 1), date(2025, 12, 31));
            let female = rng.random_bool(0.5);
            let number = national_number(&mut rng, birth, female);
            let parsed =
                NationalNumber::parse(&number).unwrap_or_else(|e| panic!("born {birth}: {e}"));
            assert_eq!(parsed.as_str(), number);
            assert_eq!(parsed.birth_date(), Some(birth));
            let serial: u32 = number[6..9].parse().unwrap();
            assert_eq!(serial.is_multiple_of(2), female, "even serials are women's");
        }
    }

    #[test]
    fn generated_enterprise_numbers_parse() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..5000 {
            let number = enterprise_number(&mut rng);
            let parsed =
                EnterpriseNumber::parse(&number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(parsed.as_str(), number);
        }
    }

    #[test]
    fn generated_ibans_parse() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..5000 {
            let iban = belgian_iban(&mut rng);
            let parsed = Iban::parse(&iban).unwrap_or_else(|e| panic!("{iban}: {e}"));
            assert_eq!(parsed.as_str(), iban);
        }
    }

    #[test]
    fn every_planned_member_has_valid_identifiers_and_a_plain_email() {
        let mut rng = StdRng::seed_from_u64(SEED);
        let plan = shareholder_plan(&mut rng, date(2026, 8, 1), HOLDERS);
        assert_eq!(plan.len(), HOLDERS);
        assert_eq!(
            plan.iter().filter(|p| p.kind == "legal").count(),
            LEGAL.len()
        );
        assert!(
            plan.windows(2)
                .all(|w| w[0].admission_date <= w[1].admission_date)
        );
        for p in &plan {
            let i = &p.identity;
            if let Some(n) = &i.national_number {
                assert_eq!(NationalNumber::parse(n).unwrap().birth_date(), i.birth_date);
            }
            if let Some(n) = &i.enterprise_number {
                EnterpriseNumber::parse(n).unwrap();
            }
            if let Some(iban) = &i.iban {
                Iban::parse(iban).unwrap();
            }
            if let Some(email) = &i.email {
                assert!(email.is_ascii() && email.contains('@'), "{email}");
            }
        }
    }

    #[test]
    fn mailbox_parts_lose_their_diacritics() {
        assert_eq!(mailbox_part("Łukasz"), "lukasz");
        assert_eq!(mailbox_part("Wiśniewski"), "wisniewski");
        assert_eq!(mailbox_part("Van den Broeck"), "vandenbroeck");
        assert_eq!(mailbox_part("D'Hondt"), "dhondt");
        assert_eq!(mailbox_part("Çelik"), "celik");
    }

    /// Removes the database files even when the test fails.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.0.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    #[test]
    fn loads_once_into_a_fresh_database_with_a_sound_ledger() {
        let file =
            TempDb(std::env::temp_dir().join(format!("dar-demo-{}.sqlite", uuid::Uuid::now_v7())));
        let url = dar_db::DatabaseUrl::Sqlite(file.0.to_string_lossy().into_owned());
        let db = Database::connect(&url, 2).unwrap();
        db.migrate().unwrap();

        let summary = load(&db).unwrap().expect("the first load creates the demo");
        assert!(
            summary.contains("demo-password-2026") && summary.contains("DAR_BOOTSTRAP_EMAIL"),
            "{summary}"
        );
        assert!(
            load(&db).unwrap().is_none(),
            "the second load finds the demo"
        );

        let mut conn = db.conn().unwrap();
        let tenant: TenantId = tenants::find(&mut conn, SLUG).unwrap().id.parse().unwrap();
        let report = ledger::verify(&mut conn, &tenant).unwrap();
        assert!(report.ok, "{report:?}");
        assert!(report.entries > 300, "{} entries", report.entries);
        let moment = Moment {
            as_of: date(2100, 1, 1),
            as_of_seq: i64::MAX,
        };
        let holdings = ledger::holdings(&mut conn, &tenant, moment, None, 10_000).unwrap();
        assert!(!holdings.is_empty());
        for h in &holdings {
            assert!(
                h.quantity >= 0 && h.paid_cents >= 0 && h.paid_cents <= h.capital_cents,
                "{h:?}"
            );
        }
    }
}
