//! Holdings as sums of signed legs, and the per-date rules every holding must keep.
//!
//! A holding is never stored: it is the sum of the legs of all entries up to a date (and, for
//! "the register as it was known", up to a ledger sequence number). The same rules are
//! checked again by a database trigger; `first_violation` is their reference definition.

use chrono::NaiveDate;
use serde::Serialize;

/// One entry's effect on one holder's position in one class, on the date it takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    pub date: NaiveDate,
    pub quantity: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
}

/// What a holder has in one class at some moment: shares, subscribed capital, paid-up capital.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    pub quantity: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
}

impl Position {
    pub fn plus(self, leg: &Leg) -> Position {
        Position {
            quantity: self.quantity + leg.quantity,
            capital_cents: self.capital_cents + leg.capital_cents,
            paid_cents: self.paid_cents + leg.paid_cents,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.quantity == 0 && self.capital_cents == 0 && self.paid_cents == 0
    }
}

/// A rule of SPEC §2 that a position breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
    /// Invariant 2: fewer than zero shares.
    NegativeQuantity,
    /// Invariant 4: more paid up than subscribed (or a negative amount).
    PaidAboveCapital,
    /// The class's maximum number of shares per holder.
    AboveMaximum { max: i64 },
}

/// The position at the end of `date`: all legs on or before it.
pub fn position_at(legs: &[Leg], date: NaiveDate) -> Position {
    legs.iter()
        .filter(|leg| leg.date <= date)
        .fold(Position::default(), |pos, leg| pos.plus(leg))
}

/// The first date (with the rule broken) at which the end-of-day position breaks a rule.
/// Legs may come in any order; entries on the same date count together, because the
/// register speaks of dates, not of moments within a day.
pub fn first_violation(
    legs: &[Leg],
    max_per_holder: Option<i64>,
) -> Option<(NaiveDate, Violation)> {
    let mut sorted: Vec<&Leg> = legs.iter().collect();
    sorted.sort_by_key(|leg| leg.date);
    let mut pos = Position::default();
    let mut i = 0;
    while i < sorted.len() {
        let date = sorted[i].date;
        while i < sorted.len() && sorted[i].date == date {
            pos = pos.plus(sorted[i]);
            i += 1;
        }
        if pos.quantity < 0 {
            return Some((date, Violation::NegativeQuantity));
        }
        if pos.capital_cents < 0 || pos.paid_cents < 0 || pos.paid_cents > pos.capital_cents {
            return Some((date, Violation::PaidAboveCapital));
        }
        if let Some(max) = max_per_holder
            && pos.quantity > max
        {
            return Some((date, Violation::AboveMaximum { max }));
        }
    }
    None
}

/// The smallest end-of-day quantity from `date` on: how many shares can leave the holding on
/// `date` without making any later date negative (a back-dated transfer must respect what
/// was transferred on since).
pub fn available_from(legs: &[Leg], date: NaiveDate) -> i64 {
    let mut later: Vec<&Leg> = legs.iter().filter(|leg| leg.date > date).collect();
    later.sort_by_key(|leg| leg.date);
    let mut quantity = position_at(legs, date).quantity;
    let mut lowest = quantity;
    let mut i = 0;
    while i < later.len() {
        let day = later[i].date;
        while i < later.len() && later[i].date == day {
            quantity += later[i].quantity;
            i += 1;
        }
        lowest = lowest.min(quantity);
    }
    lowest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn leg(date: &str, quantity: i64, capital_cents: i64, paid_cents: i64) -> Leg {
        Leg {
            date: d(date),
            quantity,
            capital_cents,
            paid_cents,
        }
    }

    #[test]
    fn position_at_a_date_counts_legs_up_to_and_including_it() {
        let legs = [
            leg("2025-01-01", 10, 1000, 1000),
            leg("2025-02-01", -4, -400, -400),
        ];
        assert_eq!(position_at(&legs, d("2024-12-31")), Position::default());
        assert_eq!(position_at(&legs, d("2025-01-31")).quantity, 10);
        assert_eq!(position_at(&legs, d("2025-02-01")).quantity, 6);
    }

    #[test]
    fn legs_on_the_same_date_are_netted_before_the_check() {
        // Bought and sold on the same day in either order: fine at the end of the day.
        let legs = [
            leg("2025-01-01", -5, -500, -500),
            leg("2025-01-01", 5, 500, 500),
        ];
        assert_eq!(first_violation(&legs, None), None);
    }

    #[test]
    fn a_back_dated_outflow_that_leaves_a_later_date_negative_is_a_violation() {
        let legs = [
            leg("2025-01-01", 10, 1000, 1000),
            leg("2025-03-01", -8, -800, -800),
            leg("2025-02-01", -4, -400, -400),
        ];
        assert_eq!(
            first_violation(&legs, None),
            Some((d("2025-03-01"), Violation::NegativeQuantity))
        );
    }

    #[test]
    fn paid_up_above_subscribed_capital_is_a_violation() {
        let legs = [
            leg("2025-01-01", 10, 1000, 500),
            leg("2025-02-01", 0, 0, 600),
        ];
        assert_eq!(
            first_violation(&legs, None),
            Some((d("2025-02-01"), Violation::PaidAboveCapital))
        );
    }

    #[test]
    fn the_class_maximum_per_holder_is_checked_at_every_date() {
        let legs = [
            leg("2025-01-01", 10, 1000, 1000),
            leg("2025-02-01", 1, 100, 100),
        ];
        assert_eq!(
            first_violation(&legs, Some(10)),
            Some((d("2025-02-01"), Violation::AboveMaximum { max: 10 }))
        );
        assert_eq!(first_violation(&legs, Some(11)), None);
    }

    #[test]
    fn available_from_a_date_is_the_lowest_holding_from_then_on() {
        let legs = [
            leg("2025-01-01", 10, 0, 0),
            leg("2025-03-01", -8, 0, 0),
            leg("2025-04-01", 5, 0, 0),
        ];
        assert_eq!(available_from(&legs, d("2025-02-01")), 2);
        assert_eq!(available_from(&legs, d("2025-03-15")), 2);
        assert_eq!(available_from(&legs, d("2025-05-01")), 7);
        assert_eq!(available_from(&legs, d("2024-01-01")), 0);
    }
}
