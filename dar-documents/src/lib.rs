//! The register's documents as PDF: share certificates, the register extract and one
//! holder's history. Each is a plain function from the content in
//! [`dar_core::documents`] to bytes; the same content always gives the same bytes.
//!
//! Uploaded images are checked and reduced by [`Image::decode`], which is the costly
//! part of using them (decoding, resizing, compressing); decode each upload once and keep
//! the [`Image`] (cheap to clone) rather than decoding it for every document.

mod certificate;
mod error;
mod fonts;
mod history;
mod images;
mod invoice;
mod labels;
mod layout;
mod parts;
mod pdf;
mod qr;
mod register;
pub mod tabular;
mod ubl;

pub use certificate::certificate;
pub use error::DocumentError;
pub use history::holder_history;
pub use images::{Image, Images};
pub use invoice::invoice;
pub use register::register_extract;
pub use ubl::ubl;
