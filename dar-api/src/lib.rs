//! The DAR HTTP service: REST API, authentication, the `dar` binary.
//!
//! A request enters through [`startup::build`]'s actix app, is logged with a request id by
//! tracing-actix-web, reaches a handler in [`routes`], which authenticates with
//! [`auth::Principal`], authorizes with [`auth::authorize`], and calls `dar-db` (which asks
//! `dar-core`'s rules). Ledger writes go through [`writer::LedgerWriter`]. Errors become
//! problem+json in [`error`].

pub mod accounts;
pub mod auth;
pub mod billing;
pub mod bootstrap;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod docs;
pub mod documents;
pub mod error;
pub mod exports;
pub mod imports;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod request;
pub mod routes;
pub mod startup;
pub mod state;
pub mod streaming;
pub mod telemetry;
pub mod validate;
pub mod web;
pub mod writer;
