//! Embedded migrations for both supported databases.
//!
//! The two trees under `migrations/` carry identical folder names so that one schema version
//! means the same thing on SQLite and PostgreSQL; a test checks that the name sets match.

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

/// Migrations for PostgreSQL (production).
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Migrations for SQLite (the embedded default).
pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
