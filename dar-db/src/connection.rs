//! One connection type over both databases, and the pool.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::MigrationHarness;

use crate::error::StoreError;

/// A connection to either backend. Queries written with diesel's DSL run on both; the few
/// hand-written SQL statements branch on [`Backend`].
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Pg(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Where the data lives, parsed from `DAR_DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A file path, or `:memory:`.
    Sqlite(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.to_string()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Ok(DatabaseUrl::Sqlite(path.to_string()))
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            Ok(DatabaseUrl::Sqlite(path.to_string()))
        } else {
            Err(StoreError::Config(format!(
                "DAR_DATABASE_URL must start with sqlite:// or postgres:// (got {url:?})"
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Postgres(_) => Backend::Postgres,
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Opens connections for the pool and sets each SQLite connection up the same way.
#[derive(Clone, Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers work while one writer commits. synchronous=FULL because an
                // acknowledged entry must survive a power cut (invariant 1), not only a crash.
                // busy_timeout makes a second writer wait instead of failing.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA busy_timeout = 10000;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        // PostgreSQL connections know when the server went away; SQLite files do not break.
        match conn {
            DbConnection::Pg(c) => diesel::r2d2::R2D2Connection::is_broken(c),
            DbConnection::Sqlite(_) => false,
        }
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// The database of one installation: a pool and the backend it speaks.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    backend: Backend,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Database {
    /// Connects with `max_connections` pooled connections.
    pub fn connect(url: &DatabaseUrl, max_connections: u32) -> Result<Self, StoreError> {
        let pool = r2d2::Pool::builder()
            .max_size(max_connections)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            // No `SELECT 1` before every checkout: a broken connection fails its first query,
            // which the request reports (503), and r2d2 then drops it.
            .test_on_check_out(false)
            .build(Manager { url: url.clone() })
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self {
            pool,
            backend: url.backend(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&self) -> Result<PooledConnection, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConnection::Pg(c) => c
                .run_pending_migrations(dar_migrations::POSTGRES)
                .map(|v| v.len()),
            DbConnection::Sqlite(c) => c
                .run_pending_migrations(dar_migrations::SQLITE)
                .map(|v| v.len()),
        }
        .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(applied)
    }

    /// Whether every embedded migration has been applied.
    pub fn migrations_current(&self) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let pending = match &mut *conn {
            DbConnection::Pg(c) => c.has_pending_migration(dar_migrations::POSTGRES),
            DbConnection::Sqlite(c) => c.has_pending_migration(dar_migrations::SQLITE),
        }
        .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(!pending)
    }

    /// Runs `f` on a pooled connection on a blocking thread.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut *conn)?;
        Ok(())
    }
}

/// A multi-row INSERT. diesel's `MultiConnection` does not do batch inserts, so this runs
/// the same insert on whichever connection is inside.
#[macro_export]
macro_rules! insert_many {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::connection::DbConnection::Pg(c) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), c)
            }
            $crate::connection::DbConnection::Sqlite(c) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), c)
            }
        }
    };
}

/// Rewrites `?` placeholders to `$1, $2, …` for PostgreSQL, so hand-written SQL is written
/// once. Queries here never contain a literal `?`.
pub fn placeholders(backend: Backend, sql: &str) -> String {
    match backend {
        Backend::Sqlite => sql.to_string(),
        Backend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(ch);
                }
            }
            out
        }
    }
}
