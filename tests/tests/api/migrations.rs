//! Both migration trees describe the same schema versions, and run up, down and up again.

use dar_tests::{Backend, TestDb};
use diesel::Connection;
use diesel_migrations::MigrationHarness;

fn names(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!(
        "{}/../dar-migrations/migrations/{dir}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
    .collect();
    names.sort();
    names
}

#[test]
fn both_migration_trees_have_the_same_versions() {
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}

#[test]
fn sqlite_migrations_run_up_down_and_up() {
    let db = TestDb::new(Backend::Sqlite).unwrap();
    let dar_db::DatabaseUrl::Sqlite(path) = &db.url else {
        unreachable!()
    };
    let mut conn = diesel::sqlite::SqliteConnection::establish(path).unwrap();
    conn.run_pending_migrations(dar_migrations::SQLITE).unwrap();
    conn.revert_all_migrations(dar_migrations::SQLITE).unwrap();
    conn.run_pending_migrations(dar_migrations::SQLITE).unwrap();
}

#[test]
fn postgres_migrations_run_up_down_and_up() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    let dar_db::DatabaseUrl::Postgres(url) = &db.url else {
        unreachable!()
    };
    let mut conn = diesel::pg::PgConnection::establish(url).unwrap();
    conn.run_pending_migrations(dar_migrations::POSTGRES)
        .unwrap();
    conn.revert_all_migrations(dar_migrations::POSTGRES)
        .unwrap();
    conn.run_pending_migrations(dar_migrations::POSTGRES)
        .unwrap();
}
