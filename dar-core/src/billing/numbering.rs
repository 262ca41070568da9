//! Numbers of invoices and credit notes: one gapless series per kind and year.
//!
//! The sequence is allocated in the transaction that issues the document (storage keeps one
//! counter row per series), so a transaction that fails gives its number back and no number
//! is ever skipped; the formats here only print and parse it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::identifiers::StructuredCommunication;

/// An invoice (UNCL1001 380) or a credit note (381).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
        }
    }

    pub const ALL: &'static [DocumentKind] = &[DocumentKind::Invoice, DocumentKind::CreditNote];

    pub fn parse(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The letter that starts the number, so the two series never share a number.
    fn prefix(self) -> char {
        match self {
            DocumentKind::Invoice => 'F',
            DocumentKind::CreditNote => 'C',
        }
    }

    /// The UNCL1001 document type code of EN 16931.
    pub fn type_code(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "380",
            DocumentKind::CreditNote => "381",
        }
    }
}

/// The number of a document: its kind, year and place in that year's series (from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentNumber {
    pub kind: DocumentKind,
    pub year: i32,
    pub seq: u32,
}

impl DocumentNumber {
    /// The highest number of a series: six digits a year, which also keeps the structured
    /// communication within its ten digits.
    pub const MAX_SEQ: u32 = 999_999;

    /// The Belgian structured communication an invoice is paid with: the year and the
    /// sequence (`2027` and `42` give `+++202/7000/04263+++`'s ten digits `2027000042` plus
    /// the check digits), so it is unique and says which invoice a payment is for.
    /// `None` outside years 1000–9999 or beyond [`Self::MAX_SEQ`].
    pub fn structured_communication(&self) -> Option<StructuredCommunication> {
        if !(1000..=9999).contains(&self.year) || self.seq > Self::MAX_SEQ {
            return None;
        }
        let base = self.year as u64 * 1_000_000 + u64::from(self.seq);
        Some(StructuredCommunication::from_base(base))
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}-{:05}", self.kind.prefix(), self.year, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_with_kind_year_and_sequence() {
        let n = DocumentNumber {
            kind: DocumentKind::Invoice,
            year: 2027,
            seq: 42,
        };
        assert_eq!(n.to_string(), "F2027-00042");
        let c = DocumentNumber {
            kind: DocumentKind::CreditNote,
            ..n
        };
        assert_eq!(c.to_string(), "C2027-00042");
    }

    #[test]
    fn the_structured_communication_carries_year_and_sequence_with_valid_check_digits() {
        let n = DocumentNumber {
            kind: DocumentKind::Invoice,
            year: 2027,
            seq: 42,
        };
        let ogm = n.structured_communication().unwrap();
        // 2027000042 mod 97 = 63.
        let printed = ogm.to_string();
        assert_eq!(printed, "+++202/7000/04263+++");
        assert_eq!(StructuredCommunication::parse(&printed), Ok(ogm));
    }

    #[test]
    fn a_sequence_beyond_six_digits_has_no_structured_communication() {
        let n = DocumentNumber {
            kind: DocumentKind::Invoice,
            year: 2027,
            seq: DocumentNumber::MAX_SEQ + 1,
        };
        assert!(n.structured_communication().is_none());
    }
}
