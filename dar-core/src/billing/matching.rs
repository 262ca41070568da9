//! What a bank statement's movement is to the invoices: the rule that matches payments by
//! their structured communication.

use serde::Serialize;

use crate::money::Money;

/// How a movement was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It pays what was left of the invoice its communication names.
    Paid,
    /// It pays part of it.
    PartlyPaid,
    /// It pays more than was left (recorded; the difference is the coordinator's to settle).
    Overpaid,
    /// Its structured communication is no invoice's.
    UnknownReference,
    /// It has no (valid) structured communication.
    NoReference,
    /// Money going out.
    NotACredit,
    /// The same movement was recorded before (by its bank reference).
    Duplicate,
}

impl Outcome {
    /// The wire name (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::PartlyPaid => "partly_paid",
            Outcome::Overpaid => "overpaid",
            Outcome::UnknownReference => "unknown_reference",
            Outcome::NoReference => "no_reference",
            Outcome::NotACredit => "not_a_credit",
            Outcome::Duplicate => "duplicate",
        }
    }

    /// Whether the movement is recorded as a payment.
    pub fn records_payment(self) -> bool {
        matches!(
            self,
            Outcome::Paid | Outcome::PartlyPaid | Outcome::Overpaid
        )
    }
}

/// What a movement is, from what is known of it.
pub struct Facts {
    pub credit: bool,
    pub amount: Money,
    /// Recorded before, by its bank reference.
    pub duplicate: bool,
    /// Whether it carries a valid structured communication.
    pub has_reference: bool,
    /// What is left to pay of the invoice the communication names, if it names one.
    pub outstanding_cents: Option<i64>,
}

pub fn outcome(f: &Facts) -> Outcome {
    if f.duplicate {
        return Outcome::Duplicate;
    }
    if !f.credit {
        return Outcome::NotACredit;
    }
    if !f.has_reference {
        return Outcome::NoReference;
    }
    match f.outstanding_cents {
        None => Outcome::UnknownReference,
        Some(left) if f.amount.cents() == left => Outcome::Paid,
        Some(left) if f.amount.cents() < left => Outcome::PartlyPaid,
        Some(_) => Outcome::Overpaid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(amount: i64, outstanding: Option<i64>) -> Facts {
        Facts {
            credit: true,
            amount: Money::from_cents(amount).unwrap(),
            duplicate: false,
            has_reference: true,
            outstanding_cents: outstanding,
        }
    }

    #[test]
    fn the_wire_name_is_the_serialised_one() {
        for o in [
            Outcome::Paid,
            Outcome::PartlyPaid,
            Outcome::Overpaid,
            Outcome::UnknownReference,
            Outcome::NoReference,
            Outcome::NotACredit,
            Outcome::Duplicate,
        ] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }

    #[test]
    fn the_exact_amount_pays_the_invoice() {
        assert_eq!(outcome(&facts(54450, Some(54450))), Outcome::Paid);
    }

    #[test]
    fn less_is_a_part_payment_and_more_an_overpayment() {
        assert_eq!(outcome(&facts(100, Some(54450))), Outcome::PartlyPaid);
        assert_eq!(outcome(&facts(60000, Some(54450))), Outcome::Overpaid);
        // An invoice already paid in full: anything more is an overpayment.
        assert_eq!(outcome(&facts(100, Some(0))), Outcome::Overpaid);
    }

    #[test]
    fn a_duplicate_is_never_recorded_again() {
        let mut f = facts(54450, Some(54450));
        f.duplicate = true;
        assert_eq!(outcome(&f), Outcome::Duplicate);
        assert!(!Outcome::Duplicate.records_payment());
    }

    #[test]
    fn debits_and_unreferenced_credits_are_left_to_the_coordinator() {
        let mut f = facts(100, None);
        assert_eq!(outcome(&f), Outcome::UnknownReference);
        f.has_reference = false;
        assert_eq!(outcome(&f), Outcome::NoReference);
        f.credit = false;
        assert_eq!(outcome(&f), Outcome::NotACredit);
    }
}
