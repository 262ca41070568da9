//! An issued invoice or credit note, everything its PDF and its UBL say.

use chrono::NaiveDate;

use super::amounts::{Line, Totals};
use super::{DocumentKind, Party};
use crate::identifiers::StructuredCommunication;
use crate::types::Language;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceContent {
    pub kind: DocumentKind,
    pub number: String,
    pub issue_date: NaiveDate,
    /// Invoices only.
    pub due_date: Option<NaiveDate>,
    /// A credit note's invoice: its number and issue date.
    pub corrects: Option<(String, NaiveDate)>,
    pub language: Language,
    pub seller: Party,
    pub buyer: Party,
    pub lines: Vec<Line>,
    pub totals: Totals,
    /// Invoices only: the structured communication to pay with.
    pub payment_reference: Option<StructuredCommunication>,
    /// A credit note's reason.
    pub note: Option<String>,
}
