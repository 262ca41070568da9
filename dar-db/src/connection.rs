//! One connection type over both databases, and the pool.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
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

/// A pooled connection, whether a request on it failed in a way that may mean the
/// connection is dead, and the last outage it is known to have outlived.
pub struct ManagedConnection {
    conn: DbConnection,
    suspect: bool,
    outlived: u64,
}

/// Opens connections for the pool and sets each SQLite connection up the same way.
#[derive(Clone, Debug)]
pub struct Manager {
    url: DatabaseUrl,
    /// How many times a pooled connection was found dead. When one is, the server has most
    /// likely dropped every connection (a restart, a failover): each pooled connection older
    /// than that finding is then pinged once before it is handed out, so the requests after
    /// the server returns do not fail one by one on the dead connections left in the pool.
    outages: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl ManageConnection for Manager {
    type Connection = ManagedConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<ManagedConnection, r2d2::Error> {
        let outlived = self.outages.load(Ordering::Acquire);
        self.open().map(|conn| ManagedConnection {
            conn,
            suspect: false,
            outlived,
        })
    }

    /// Called on every checkout; a round trip only for a connection that was in the pool
    /// when another one was found dead (see [`Manager::outages`]).
    fn is_valid(&self, conn: &mut ManagedConnection) -> Result<(), r2d2::Error> {
        let outages = self.outages.load(Ordering::Acquire);
        if conn.outlived == outages {
            return Ok(());
        }
        self.ping(conn)?;
        conn.outlived = outages;
        Ok(())
    }

    /// Called when a connection goes back to the pool. diesel's own check only looks at the
    /// transaction state (a transaction left open, or a manager in error), so a PostgreSQL
    /// connection whose server went away would be handed out again and again. A connection
    /// on which a request failed with a server-side error is therefore pinged once before it
    /// goes back: the round trip is paid only after such a failure, never on the happy path.
    fn has_broken(&self, conn: &mut ManagedConnection) -> bool {
        let transaction_broken = std::thread::panicking()
            || match &mut conn.conn {
                DbConnection::Pg(c) => diesel::r2d2::R2D2Connection::is_broken(c),
                DbConnection::Sqlite(c) => diesel::r2d2::R2D2Connection::is_broken(c),
            };
        let suspect = std::mem::take(&mut conn.suspect);
        if !suspect {
            return transaction_broken;
        }
        // A connection that failed a request and then lost its transaction state or does
        // not answer: most likely the server dropped it, and every other pooled one with it.
        let dead = transaction_broken || self.ping(conn).is_err();
        if dead {
            self.outages.fetch_add(1, Ordering::AcqRel);
            tracing::warn!(
                "dropping a pooled database connection that no longer answers; the others are checked before their next use"
            );
        }
        dead
    }
}

impl Manager {
    fn ping(&self, conn: &mut ManagedConnection) -> Result<(), r2d2::Error> {
        conn.conn
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn open(&self) -> Result<DbConnection, r2d2::Error> {
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
}

pub type Pool = r2d2::Pool<Manager>;

/// A connection borrowed from the pool; it goes back when dropped.
pub struct PooledConnection(r2d2::PooledConnection<Manager>);

impl PooledConnection {
    /// Marks the connection as possibly dead (a request on it failed with a server-side
    /// error): it is pinged before it goes back to the pool, and dropped if it does not
    /// answer.
    pub fn mark_suspect(&mut self) {
        self.0.suspect = true;
    }
}

impl Deref for PooledConnection {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.0.conn
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.0.conn
    }
}

/// Whether the PostgreSQL server this process uses is a Citus cluster. A process talks to one
/// database server, so this is noted once, when the pool is built.
static CITUS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the database is distributed with Citus: statements that lock rows then name one
/// tenant each, so that each runs on one shard.
pub fn citus() -> bool {
    CITUS.load(std::sync::atomic::Ordering::Relaxed)
}

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
            // which the request reports (503), and `Manager::has_broken` then drops it and
            // has the connections pooled before that pinged on their next checkout
            // (`Manager::is_valid`, free until a connection is found dead).
            .test_on_check_out(true)
            .build(Manager {
                url: url.clone(),
                outages: Default::default(),
            })
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let db = Self {
            pool,
            backend: url.backend(),
        };
        if db.backend == Backend::Postgres {
            db.detect_citus()?;
        }
        Ok(db)
    }

    /// Notes whether the server runs Citus, where a statement must stay on one tenant's shard
    /// to lock rows (see [`citus`]).
    fn detect_citus(&self) -> Result<(), StoreError> {
        #[derive(diesel::QueryableByName)]
        struct Citus {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            citus: bool,
        }
        let mut conn = self.conn()?;
        let found =
            diesel::sql_query("SELECT current_setting('citus.version', true) IS NOT NULL AS citus")
                .get_result::<Citus>(&mut *conn)?;
        CITUS.store(found.citus, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&self) -> Result<PooledConnection, StoreError> {
        self.pool
            .get()
            .map(PooledConnection)
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

    /// Whether the database answers.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        if let Err(e) = diesel::sql_query("SELECT 1").execute(&mut *conn) {
            conn.mark_suspect();
            return Err(e.into());
        }
        Ok(())
    }
}

/// Runs `f` in a write transaction and commits, or rolls back if `f` fails.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, which takes the database's write
/// lock at once (waiting up to `busy_timeout` for it). A plain `BEGIN` would take it only at
/// the first write, and a transaction that has read by then cannot wait for it: SQLite fails
/// it at once with "database is locked". So every transaction that writes goes through here,
/// whatever it reads first. PostgreSQL takes row locks as it goes and needs a plain `BEGIN`.
///
/// Inside a transaction already open on `conn`, `f` runs in a savepoint.
///
/// A lost connection fails with [`StoreError::ConnectionLost`], except when it breaks the
/// `COMMIT` itself: then the server may have committed, and the error is
/// [`StoreError::OutcomeUnknown`].
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    let begun = match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN"),
    };
    let top_level = match begun {
        Ok(()) => true,
        Err(diesel::result::Error::AlreadyInTransaction) => {
            Manager::begin_transaction(conn).map_err(StoreError::from)?;
            false
        }
        Err(e) => return Err(StoreError::from(e).into()),
    };
    match f(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => Err(commit_failure(e, top_level).into()),
        },
        Err(e) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                // The original error says what went wrong; a connection that cannot roll
                // back is in error and the pool drops it.
                tracing::warn!(error = %rollback, "rolling back a failed write transaction failed");
            }
            Err(e)
        }
    }
}

fn commit_failure(e: diesel::result::Error, top_level: bool) -> StoreError {
    let commit_error = match e {
        diesel::result::Error::RollbackErrorOnCommit { commit_error, .. } => *commit_error,
        other => other,
    };
    match StoreError::from(commit_error) {
        StoreError::ConnectionLost(message) if top_level => StoreError::OutcomeUnknown(message),
        other => other,
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

/// Gathers fresh planner statistics for `tables` (PostgreSQL; nothing on SQLite), for bulk
/// loads that fill tables inside one transaction: plans made while a table was nearly empty,
/// including the cached ones of foreign-key checks, may walk a whole tenant's rows per row
/// inserted once it is large, and new statistics make PostgreSQL plan them again.
pub fn refresh_statistics(conn: &mut DbConnection, tables: &[&str]) -> Result<(), StoreError> {
    use diesel::RunQueryDsl;
    if conn.backend() == Backend::Postgres && !tables.is_empty() {
        diesel::sql_query(format!("ANALYZE {}", tables.join(", "))).execute(conn)?;
    }
    Ok(())
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
    use diesel::result::{DatabaseErrorKind, Error};

    fn lost() -> Error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_string()),
        )
    }

    #[test]
    fn a_connection_lost_at_commit_leaves_the_outcome_unknown() {
        assert!(matches!(
            commit_failure(lost(), true),
            StoreError::OutcomeUnknown(_)
        ));
    }

    #[test]
    fn a_connection_lost_releasing_a_savepoint_committed_nothing() {
        assert!(matches!(
            commit_failure(lost(), false),
            StoreError::ConnectionLost(_)
        ));
    }

    #[test]
    fn a_locked_sqlite_database_is_busy_not_an_internal_error() {
        let e = StoreError::from(Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("database is locked".to_string()),
        ));
        assert!(matches!(e, StoreError::Busy(_)));
        assert!(e.is_retryable());
    }

    #[test]
    fn an_immediate_write_transaction_nests_as_a_savepoint_and_rolls_back() {
        let mut conn = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        conn.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        let outcome = write_transaction(&mut conn, |conn| {
            conn.batch_execute("INSERT INTO t VALUES (1)")?;
            let inner = write_transaction(conn, |conn| {
                conn.batch_execute("INSERT INTO t VALUES (2)")?;
                Err::<(), _>(StoreError::Conflict("undo the inner one".into()))
            });
            assert!(inner.is_err());
            Ok::<_, StoreError>(())
        });
        assert!(outcome.is_ok());
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query("SELECT COUNT(*) AS n FROM t")
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(n.n, 1);
    }

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
