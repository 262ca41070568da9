//! What every handler shares.

use actix_web::web;

use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::documents::{BatchRunner, ImageCache};
use crate::error::{ApiError, ApiResult};
use crate::writer::LedgerWriter;
use dar_db::{Database, DbConnection};

pub struct AppState {
    pub db: Database,
    pub tokens: TokenKeys,
    pub settings: Settings,
    pub writer: LedgerWriter,
    pub images: std::sync::Arc<ImageCache>,
    pub batches: BatchRunner,
    pub login_throttle: crate::auth::throttle::LoginThrottle,
}

impl AppState {
    /// Runs blocking database work on the blocking pool, inside the request's tracing span so
    /// its log lines keep the request id.
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
            f(&mut conn)
        })
        .await?
    }
}
