//! Where an invoice stands: what was credited, what was paid, what is left.

use serde::{Deserialize, Serialize};

use super::BillingError;
use crate::money::Money;

/// An issued invoice's state, worked out from its amounts (never stored apart from them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Nothing paid yet.
    Issued,
    PartlyPaid,
    /// Paid in full (what credit notes left of it).
    Paid,
    /// Credited in full by credit notes.
    Credited,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartlyPaid => "partly_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Credited => "credited",
        }
    }
}

/// An invoice's amounts: its total with VAT, the credit notes against it, the payments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Balance {
    pub gross: Money,
    pub credited: Money,
    pub paid: Money,
}

impl Balance {
    /// What is still to be paid, in cents; negative when more was paid than is due.
    pub fn outstanding_cents(&self) -> i64 {
        self.gross.cents() - self.credited.cents() - self.paid.cents()
    }

    pub fn status(&self) -> InvoiceStatus {
        if self.credited >= self.gross {
            InvoiceStatus::Credited
        } else if self.outstanding_cents() <= 0 {
            InvoiceStatus::Paid
        } else if self.paid > Money::ZERO {
            InvoiceStatus::PartlyPaid
        } else {
            InvoiceStatus::Issued
        }
    }

    /// The balance after a credit note of `gross`; refused when it would credit more than
    /// the invoice has left (an invoice is never credited below zero).
    pub fn credit(&self, gross: Money) -> Result<Balance, BillingError> {
        let credited = self
            .credited
            .checked_add(gross)
            .filter(|c| *c <= self.gross)
            .ok_or(BillingError::CreditAboveInvoice)?;
        Ok(Balance { credited, ..*self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn balance(gross: &str, credited: &str, paid: &str) -> Balance {
        Balance {
            gross: eur(gross),
            credited: eur(credited),
            paid: eur(paid),
        }
    }

    #[test]
    fn an_unpaid_invoice_is_issued() {
        assert_eq!(balance("121", "0", "0").status(), InvoiceStatus::Issued);
    }

    #[test]
    fn a_payment_short_of_the_total_is_a_part_payment() {
        let b = balance("121", "0", "100");
        assert_eq!(b.status(), InvoiceStatus::PartlyPaid);
        assert_eq!(b.outstanding_cents(), 2100);
    }

    #[test]
    fn a_partly_credited_invoice_is_paid_by_paying_the_rest() {
        assert_eq!(balance("121", "21", "100").status(), InvoiceStatus::Paid);
    }

    #[test]
    fn an_overpaid_invoice_is_paid_with_a_negative_balance() {
        let b = balance("121", "0", "150");
        assert_eq!(b.status(), InvoiceStatus::Paid);
        assert_eq!(b.outstanding_cents(), -2900);
    }

    #[test]
    fn a_fully_credited_invoice_is_credited() {
        assert_eq!(balance("121", "121", "0").status(), InvoiceStatus::Credited);
    }

    #[test]
    fn crediting_more_than_is_left_is_refused() {
        let b = balance("121", "100", "0");
        assert_eq!(
            b.credit(eur("21.01")),
            Err(BillingError::CreditAboveInvoice)
        );
        assert_eq!(
            b.credit(eur("21")).unwrap().status(),
            InvoiceStatus::Credited
        );
    }

    proptest! {
        /// A credit note for the whole invoice brings what is owed to exactly zero.
        #[test]
        fn invoice_plus_full_credit_note_is_zero(cents in 1i64..=1_000_000_000) {
            let gross = Money::from_cents(cents).unwrap();
            let b = Balance { gross, credited: Money::ZERO, paid: Money::ZERO };
            let credited = b.credit(gross).unwrap();
            prop_assert_eq!(credited.outstanding_cents(), 0);
            prop_assert_eq!(credited.status(), InvoiceStatus::Credited);
        }
    }
}
