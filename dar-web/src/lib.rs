//! The pages of DAR's web application, as plain functions from what a page shows to HTML,
//! and the application's texts in Dutch, French and English. No HTTP and no database here:
//! `dar-api`'s `web` module reads the data, decides who may see it, and calls these.

pub mod accounts;
pub mod audit;
pub mod billing;
pub mod billing_setup;
pub mod classes;
pub mod entries;
pub mod forms;
pub mod holder;
pub mod holder_edit;
pub mod holders;
pub mod i18n;
pub mod imports;
pub mod layout;
pub mod mail;
pub mod pages;
pub mod people;
pub mod settings;
pub mod support;
pub mod verify;

/// The stylesheet, served from the binary (no CDN: DAR works without internet).
pub const STYLESHEET: &str = include_str!("../assets/dar.css");

/// The one script: it follows a certificate batch's progress. Pages work without it.
pub const SCRIPT: &str = include_str!("../assets/dar.js");

/// What a page part renders to, for callers that put parts together.
pub use maud::Markup;
