//! Lots: OCF follows each block of shares as a security of its own, from the issuance that
//! creates it to the transfer, repurchase or cancellation that consumes it. DAR keeps
//! positions (what a holder has in a class), so an export has to choose which of a holder's
//! securities an outgoing movement consumes.
//!
//! The rule is **first issued, first out**: a holder's securities in a class are consumed in
//! the order they were acquired. A movement that takes part of a security leaves the rest as
//! a new security (OCF's *balance security*), which keeps the consumed one's place in line.
//! Shares a holder receives by transfer become a new security at the end of their line.

use std::collections::{HashMap, VecDeque};

/// One security: shares of one class held by one holder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lot {
    /// OCF's `security_id`.
    pub security: String,
    /// What the register calls it (`A-12`): OCF's `custom_id`.
    pub custom: String,
    pub quantity: i64,
    /// The issue price per share, carried along through transfers.
    pub price_cents: i64,
}

/// What an outgoing movement took from one security.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The security consumed, with the quantity taken from it.
    pub security: String,
    pub quantity: i64,
    pub price_cents: i64,
    /// What is left of it, as a new security in its place.
    pub balance: Option<Lot>,
}

/// Every holder's securities, by holder (register number) and class (code).
#[derive(Debug, Default)]
pub struct Lots {
    held: HashMap<(i64, String), VecDeque<Lot>>,
    /// Securities numbered so far, per class.
    numbered: HashMap<String, u64>,
}

impl Lots {
    fn new_lot(&mut self, class: &str, quantity: i64, price_cents: i64) -> Lot {
        let n = self.numbered.entry(class.to_string()).or_default();
        *n += 1;
        Lot {
            security: format!("sec-{class}-{n}"),
            custom: format!("{class}-{n}"),
            quantity,
            price_cents,
        }
    }

    /// A new security for `holder`, last in their line: shares issued to them or received.
    pub fn add(&mut self, holder: i64, class: &str, quantity: i64, price_cents: i64) -> Lot {
        let lot = self.new_lot(class, quantity, price_cents);
        self.held
            .entry((holder, class.to_string()))
            .or_default()
            .push_back(lot.clone());
        lot
    }

    /// Shares `holder` has in `class`.
    pub fn held(&self, holder: i64, class: &str) -> i64 {
        self.held
            .get(&(holder, class.to_string()))
            .map_or(0, |line| line.iter().map(|l| l.quantity).sum())
    }

    /// Takes `quantity` shares from `holder`'s securities, first acquired first; `None`
    /// (and nothing taken) when they hold fewer.
    pub fn take(&mut self, holder: i64, class: &str, quantity: i64) -> Option<Vec<Taken>> {
        if quantity <= 0 || self.held(holder, class) < quantity {
            return None;
        }
        let mut line = self.held.remove(&(holder, class.to_string()))?;
        let mut taken = Vec::new();
        let mut left = quantity;
        while left > 0 {
            let lot = line.pop_front()?;
            let t = left.min(lot.quantity);
            left -= t;
            let balance =
                (t < lot.quantity).then(|| self.new_lot(class, lot.quantity - t, lot.price_cents));
            if let Some(rest) = &balance {
                line.push_front(rest.clone());
            }
            taken.push(Taken {
                security: lot.security,
                quantity: t,
                price_cents: lot.price_cents,
                balance,
            });
        }
        if !line.is_empty() {
            self.held.insert((holder, class.to_string()), line);
        }
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outgoing_movement_consumes_the_first_issued_security_first() {
        let mut lots = Lots::default();
        let first = lots.add(1, "A", 10, 2500);
        let second = lots.add(1, "A", 5, 3000);
        let taken = lots.take(1, "A", 12).unwrap();
        assert_eq!(taken.len(), 2);
        assert_eq!(
            (taken[0].security.as_str(), taken[0].quantity),
            (first.security.as_str(), 10)
        );
        assert_eq!(taken[0].balance, None);
        assert_eq!(
            (taken[1].security.as_str(), taken[1].quantity),
            (second.security.as_str(), 2)
        );
        let rest = taken[1].balance.as_ref().unwrap();
        assert_eq!((rest.quantity, rest.price_cents), (3, 3000));
        assert_eq!(lots.held(1, "A"), 3);
    }

    #[test]
    fn the_balance_of_a_security_keeps_its_place_in_line() {
        let mut lots = Lots::default();
        lots.add(1, "A", 10, 100);
        lots.add(1, "A", 10, 200);
        let rest = lots.take(1, "A", 4).unwrap()[0].balance.clone().unwrap();
        let next = lots.take(1, "A", 6).unwrap();
        assert_eq!(next[0].security, rest.security);
        assert_eq!(next[0].price_cents, 100);
    }

    #[test]
    fn taking_more_than_a_holder_has_takes_nothing() {
        let mut lots = Lots::default();
        lots.add(1, "A", 3, 100);
        assert_eq!(lots.take(1, "A", 4), None);
        assert_eq!(lots.take(2, "A", 1), None);
        assert_eq!(lots.held(1, "A"), 3);
    }
}
