//! What every handler shares, and the one way a handler writes: authorize, open a write
//! transaction, do the write, record its audit event, commit.

use actix_web::ResponseError;
use actix_web::web;
use chrono::Utc;

use crate::auth::tokens::TokenKeys;
use crate::auth::{Access, Need, Principal};
use crate::config::Settings;
use crate::documents::{BatchRunner, ImageCache};
use crate::error::{ApiError, ApiResult};
use crate::request::RequestMeta;
use crate::routes::{tenant_access, tenant_event};
use crate::writer::LedgerWriter;
use dar_core::ids::TenantId;
use dar_db::audit::{self, NewAuditEvent};
use dar_db::tenants::TenantRow;
use dar_db::{Database, DbConnection};

pub struct AppState {
    pub db: Database,
    pub tokens: TokenKeys,
    pub settings: Settings,
    pub writer: LedgerWriter,
    pub images: std::sync::Arc<ImageCache>,
    pub batches: BatchRunner,
    /// The commit jobs of uploaded registers.
    pub imports: crate::imports::ImportRunner,
    pub login_throttle: crate::auth::throttle::LoginThrottle,
    /// What the overview pages last verified of each ledger's chain.
    pub chain_checks: crate::web::chain_checks::ChainChecks,
    /// The overview's totals per class, kept up to date entry by entry.
    pub class_totals: crate::web::class_totals::ClassTotals,
    /// The outbox's worker: woken after a transaction that queued a mail.
    pub mail: crate::mail::Outbox,
    /// Where issued invoices and credit notes go (the built-in one mails them).
    pub invoice_delivery: std::sync::Arc<dyn crate::delivery::InvoiceDelivery>,
    /// Requests for a password reset link, slowed down like sign-ins but counted apart, so
    /// that asking links for someone's address cannot lock them out of signing in.
    pub reset_throttle: crate::auth::throttle::LoginThrottle,
}

/// A write's result and the audit event that commits with it.
pub struct Audited<T> {
    pub value: T,
    pub event: NewAuditEvent,
}

/// A change to one cooperative: the result, and what its audit event records (the actor,
/// role, request and support session are filled in from the caller).
pub struct Change<T> {
    pub value: T,
    pub action: &'static str,
    /// Object type and id.
    pub object: (&'static str, String),
    pub details: Option<serde_json::Value>,
}

/// The cooperative a write is on, loaded and locked in for the transaction, and how the
/// caller was let in.
pub struct Scope {
    pub tenant: TenantRow,
    pub id: TenantId,
    pub access: Access,
}

impl AppState {
    /// Runs blocking database work on the blocking pool, inside the request's tracing span so
    /// its log lines keep the request id. A connection on which the work failed with a
    /// server-side error is checked before it goes back to the pool.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let mut conn = db.conn().map_err(ApiError::from)?;
            let result = f(&mut conn);
            if let Err(e) = &result
                && e.status_code().is_server_error()
            {
                conn.mark_suspect();
            }
            result
        })
        .await?
    }

    /// Runs `f` and records the audit event it returns in one write transaction: the write
    /// and its event commit together or not at all. Every handler that changes something
    /// goes through here (or [`AppState::tenant_write`]).
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<Audited<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| {
            dar_db::write_transaction(conn, |conn| {
                let Audited { value, event } = f(conn)?;
                audit::record(conn, event, Utc::now())?;
                Ok(value)
            })
        })
        .await
    }

    /// A change to the cooperative `tenant_key` (id or slug) that needs `need`: authorizes
    /// the caller, runs `f`, and records the change's audit event, in one write transaction.
    pub async fn tenant_write<T, F>(
        &self,
        principal: Principal,
        meta: RequestMeta,
        tenant_key: String,
        need: Need,
        f: F,
    ) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, &Scope) -> ApiResult<Change<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.write(move |conn| {
            let (tenant, id, access) = tenant_access(conn, &principal, &tenant_key, need, &meta)?;
            let scope = Scope { tenant, id, access };
            let change = f(conn, &scope)?;
            let mut event = tenant_event(
                &principal,
                &scope.access,
                &meta,
                &scope.tenant.id,
                change.action,
                (change.object.0, &change.object.1),
                serde_json::Value::Null,
            );
            event.details = change.details;
            Ok(Audited {
                value: change.value,
                event,
            })
        })
        .await
    }
}
