//! End-to-end tests: each starts the real application on a fresh database and talks HTTP.
//! Every test that touches storage runs on SQLite and on PostgreSQL.

mod access;
mod audit_atomicity;
mod basics;
mod bounded;
mod breaking;
mod browser;
mod browser_accounts;
mod browser_first_year;
mod certificate_rules;
mod certificates;
mod concurrency;
mod database_rules;
mod edge;
mod first_year;
mod fuzz;
mod idempotency;
mod input_policy;
mod mail;
mod migrations;
mod openapi;
mod outage;
mod pdf_tools;
mod race;
mod supervision;
mod tamper;
mod throttling;
mod web;
mod web_accounts;
mod web_entries;
mod web_holder;
mod web_holder_browser;
mod web_people;
