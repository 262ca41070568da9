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

/// Where the data lives, parsed from `DAR_DATABASE_URL`. Its `Debug` form hides a
/// PostgreSQL password (see [`without_password`]).
#[derive(Clone, PartialEq, Eq)]
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
                "DAR_DATABASE_URL must start with sqlite:// or postgres:// (got {:?})",
                without_password(url)
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

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&without_password(url))
                .finish(),
            DatabaseUrl::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
        }
    }
}

/// The URL with its password replaced by `***`, wherever libpq would read one: in the
/// user information (`postgres://user:secret@host/db`) or as a `password=` parameter.
pub fn without_password(url: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = match before_query.split_once("://") {
        Some((scheme, rest)) => {
            // The user information ends at the last '@' before the path.
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
                    None => format!("{scheme}://{userinfo}@{host}{path}"),
                },
                None => before_query.to_string(),
            }
        }
        None => before_query.to_string(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => param.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_debug_form_hides_the_password() {
        let url = DatabaseUrl::parse("postgres://dar:s3cr%40t@db.example:5432/dar?sslmode=require")
            .unwrap();
        let debug = format!("{url:?}");
        assert!(!debug.contains("s3cr"), "{debug}");
        assert_eq!(
            debug,
            r#"Postgres("postgres://dar:***@db.example:5432/dar?sslmode=require")"#
        );
    }

    #[test]
    fn a_password_parameter_is_hidden_too() {
        assert_eq!(
            without_password("postgresql://db/dar?user=dar&password=hunter2&sslmode=disable"),
            "postgresql://db/dar?user=dar&password=***&sslmode=disable"
        );
        assert_eq!(
            without_password("postgres://p%40ss:w@rd@host/db"),
            "postgres://p%40ss:***@host/db"
        );
        assert_eq!(
            without_password("postgres://dar@host/db"),
            "postgres://dar@host/db"
        );
    }

    #[test]
    fn a_refused_url_is_not_echoed_with_its_password() {
        let e = DatabaseUrl::parse("mysql://root:hunter2@db/dar").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }
}
