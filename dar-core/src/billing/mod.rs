//! Billing of the cooperatives by the coordinator (SPEC §4): what a plan charges, how an
//! invoice's amounts are worked out, how documents are numbered and paid.
//!
//! Plain functions over plain values: storage keeps the results, the API and the pages show
//! them, and the formats (UBL, PDF, bank statements) are written from them elsewhere.

pub mod amounts;
pub mod coda;
pub mod document;
pub mod epc;
pub mod matching;
pub mod numbering;
pub mod party;
pub mod plans;
pub mod status;
pub mod vat;
pub mod yearly;

pub use amounts::{Line, LineAmounts, Quantity, Totals, VatSubtotal};
pub use document::InvoiceContent;
pub use numbering::{DocumentKind, DocumentNumber};
pub use party::{Party, PeppolIdError, belgian_vat_number, peppol_id};
pub use plans::{Plan, PriceOverrides, Tier};
pub use status::{Balance, InvoiceStatus};
pub use vat::VatRate;
pub use yearly::{Charge, ChargeKind, Terms, YearlyBill};

/// Why billing data is refused. Messages speak to the coordinator who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BillingError {
    #[error("a plan needs at least one tier")]
    NoTiers,
    #[error("tier limits must rise from one tier to the next")]
    TiersNotRising,
    #[error("only the last tier may be open-ended, and it must be")]
    LastTierBounded,
    #[error("quantity must be above zero, with at most 4 decimals, and at most 1000000")]
    Quantity,
    #[error("an invoice needs at least one line")]
    NoLines,
    #[error("the amounts are too large")]
    TooLarge,
    #[error("a credit note cannot credit more than what is left of the invoice")]
    CreditAboveInvoice,
}
