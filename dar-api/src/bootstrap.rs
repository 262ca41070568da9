//! The first coordinator, from `DAR_BOOTSTRAP_EMAIL` and `DAR_BOOTSTRAP_PASSWORD`, created
//! only while no user exists.

use anyhow::{Context, bail};
use chrono::Utc;

use crate::auth::password;
use crate::config::Settings;
use dar_core::types::Role;
use dar_db::Database;
use dar_db::users::{self, Grant};

pub fn ensure_coordinator(db: &Database, settings: &Settings) -> anyhow::Result<()> {
    let (Some(email), Some(pw)) = (&settings.bootstrap_email, &settings.bootstrap_password) else {
        return Ok(());
    };
    let mut conn = db.conn()?;
    if users::count(&mut conn)? > 0 {
        return Ok(());
    }
    if password::check_strength(&pw.0).is_err() {
        bail!(
            "DAR_BOOTSTRAP_PASSWORD must be at least {} characters",
            password::MIN_PASSWORD_CHARS
        );
    }
    let hash = password::hash(&pw.0).map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = Utc::now();
    dar_db::write_transaction(&mut conn, |conn| {
        let user = users::create(conn, email, &hash, Some("Coordinator"), now)?;
        let id = user
            .id
            .parse()
            .map_err(|_| dar_db::StoreError::Corrupt("user id".into()))?;
        users::add_grant(
            conn,
            &id,
            &Grant {
                role: Role::Coordinator,
                tenant_id: None,
                shareholder_id: None,
            },
            now,
        )?;
        Ok::<_, dar_db::StoreError>(())
    })
    .context("creating the first coordinator")?;
    tracing::info!(user.email = %email, "first coordinator created");
    Ok(())
}
