//! Statements with a fixed SQL text, which PostgreSQL plans once per connection.
//!
//! diesel prepares a statement once and reuses it only when its SQL cannot change. A
//! multi-row `VALUES` list (its length varies) and a hand-written `sql_query` are parsed and
//! planned again on every call, and on the write path and the hot reads that cost more than
//! running them. Rows are therefore passed as one array per column:
//! `INSERT … SELECT * FROM unnest($1, $2, …)` inserts any number of rows with one plan.

use std::marker::PhantomData;

use diesel::RunQueryDsl;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::Untyped;

/// `head`, then the bound parameters separated by commas, then `tail`. The marker type `K`
/// names the statement: diesel keys its cache of prepared statements by it, so each `K`
/// must always come with the same SQL.
pub struct Fixed<K, A> {
    head: &'static str,
    args: A,
    tail: &'static str,
    statement: PhantomData<K>,
}

impl<K, A> Fixed<K, A> {
    /// `args` is a tuple of bound values (`values.into_sql::<Array<Text>>()`, …).
    pub fn new(head: &'static str, args: A, tail: &'static str) -> Self {
        Fixed {
            head,
            args,
            tail,
            statement: PhantomData,
        }
    }
}

impl<K, A: QueryFragment<Pg>> QueryFragment<Pg> for Fixed<K, A> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(self.head);
        self.args.walk_ast(out.reborrow())?;
        out.push_sql(self.tail);
        Ok(())
    }
}

impl<K: 'static, A> QueryId for Fixed<K, A> {
    type QueryId = K;
    const HAS_STATIC_QUERY_ID: bool = true;
}

/// Rows come back by column name, as from `sql_query`.
impl<K, A> Query for Fixed<K, A> {
    type SqlType = Untyped;
}

impl<K, A, C> RunQueryDsl<C> for Fixed<K, A> {}

/// Loads the rows of a statement whose SQL text never changes, on either backend:
/// PostgreSQL prepares it once per connection (as [`Fixed`], named by the marker type given
/// first); SQLite runs the same text with `?` placeholders. The parameters are written
/// between `head` and `tail`, comma-separated, e.g. inside `WITH k (a, b) AS (VALUES (` … `))`.
macro_rules! load_fixed {
    ($conn:expr, $marker:ident, $head:expr, [$(($st:ty, $value:expr)),+ $(,)?], $tail:expr) => {{
        struct $marker;
        match $conn {
            $crate::connection::DbConnection::Pg(pg) => diesel::RunQueryDsl::load(
                $crate::prepared::Fixed::<$marker, _>::new(
                    $head,
                    ($(diesel::IntoSql::into_sql::<$st>($value),)+),
                    $tail,
                ),
                pg,
            ),
            sqlite @ $crate::connection::DbConnection::Sqlite(_) => {
                let params = [$(stringify!($st)),+].map(|_| "?").join(", ");
                let query = diesel::sql_query(format!("{}{}{}", $head, params, $tail))
                    $(.bind::<$st, _>($value))+;
                diesel::RunQueryDsl::load(query, sqlite)
            }
        }
    }};
}
pub(crate) use load_fixed;
