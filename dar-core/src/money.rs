//! Euro amounts and share counts.
//!
//! Amounts are integer cents so that sums over a register are exact; floats
//! never enter the picture, not even on the wire (amounts travel as decimal
//! strings).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why a value is not a valid [`Money`] amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount must be a decimal string like \"250.00\"")]
    Format,
    #[error("amount has more than 2 decimals")]
    TooManyDecimals,
    #[error("amount must not be negative")]
    Negative,
    #[error("amount is too large (max 100000000000.00)")]
    TooLarge,
}

/// A non-negative EUR amount in cents, at most [`Money::MAX`].
///
/// The upper bound keeps every product of an amount and a [`ShareCount`]
/// within `i128`, and is far beyond any cooperative's capital.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);
    /// 100 billion euro, in cents.
    pub const MAX: Money = Money(100_000_000_000 * 100);

    pub fn from_cents(cents: i64) -> Result<Money, MoneyError> {
        if cents < 0 {
            Err(MoneyError::Negative)
        } else if cents > Self::MAX.0 {
            Err(MoneyError::TooLarge)
        } else {
            Ok(Money(cents))
        }
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Parses "250", "250.5", "250.00", "0.01".
    ///
    /// Deliberately strict: no sign, exponent, thousands separator or
    /// surrounding whitespace, and at most two decimals. In Belgium "1.000"
    /// commonly means a thousand, so anything ambiguous is refused rather
    /// than guessed at.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = match body.split_once('.') {
            Some((int, frac)) => (int, frac),
            None => (body, "00"),
        };
        let is_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !is_digits(int) || !is_digits(frac) {
            return Err(MoneyError::Format);
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        // Only now, so that "-abc" is reported as malformed, not negative.
        if negative {
            return Err(MoneyError::Negative);
        }
        let euros = int.bytes().try_fold(0i64, |acc, b| {
            acc.checked_mul(10)?.checked_add(i64::from(b - b'0'))
        });
        let frac_cents = frac
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(2)
            .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        euros
            .and_then(|e| e.checked_mul(100)?.checked_add(frac_cents))
            .ok_or(MoneyError::TooLarge)
            .and_then(Money::from_cents)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Converts a decimal, accepting trailing zeros beyond the cents
    /// ("1.230") since they do not change the value.
    pub fn from_decimal(d: Decimal) -> Result<Money, MoneyError> {
        if d.is_zero() {
            // Covers "-0", which `is_sign_negative` would otherwise flag.
            return Ok(Money::ZERO);
        }
        if d.is_sign_negative() {
            return Err(MoneyError::Negative);
        }
        let d = d.normalize();
        let Some(shift) = 2u32.checked_sub(d.scale()) else {
            return Err(MoneyError::TooManyDecimals);
        };
        // The mantissa is at most 96 bits, so scaling by 100 cannot overflow.
        let cents = d.mantissa() * 10i128.pow(shift);
        i64::try_from(cents)
            .map_err(|_| MoneyError::TooLarge)
            .and_then(Money::from_cents)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        Money::from_cents(self.0.checked_add(other.0)?).ok()
    }

    /// `None` when `other` is larger, since amounts cannot be negative.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        Money::from_cents(self.0.checked_sub(other.0)?).ok()
    }

    /// `None` when the factor is negative or the result exceeds [`Money::MAX`].
    pub fn checked_mul(self, factor: i64) -> Option<Money> {
        Money::from_cents(self.0.checked_mul(factor)?).ok()
    }

    /// The share of `self` that belongs to `part` out of `whole`, rounded
    /// down to the cent: `floor(self × part / whole)`.
    ///
    /// Used to move paid-up capital along with part of a holding. Rounding
    /// down means the remainder left behind, `self - pro_rata(..)`, is never
    /// short, and `part == whole` returns `self` exactly so that moving a
    /// whole holding never loses a cent.
    ///
    /// # Panics
    ///
    /// In debug builds, when `whole <= 0`, `part < 0` or `part > whole`:
    /// these are caller bugs. Release builds do not panic; they clamp `part`
    /// into `0..=whole` and return [`Money::ZERO`] when `whole <= 0`.
    pub fn pro_rata(self, part: i64, whole: i64) -> Money {
        debug_assert!(whole > 0, "pro_rata: whole must be positive");
        debug_assert!(
            (0..=whole).contains(&part),
            "pro_rata: part must be within 0..=whole"
        );
        if whole <= 0 {
            return Money::ZERO;
        }
        let part = part.clamp(0, whole);
        if part == whole {
            return self;
        }
        // i128 because cents × shares can exceed i64; operands are
        // non-negative, so integer division is the floor.
        let cents = i128::from(self.0) * i128::from(part) / i128::from(whole);
        // part < whole, so cents < self.0 and fits back into i64.
        Money(cents as i64)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl TryFrom<String> for Money {
    type Error = MoneyError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Money::parse(&s)
    }
}

impl TryFrom<Decimal> for Money {
    type Error = MoneyError;

    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        Money::from_decimal(d)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.to_decimal()
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

// A visitor instead of `try_from = "String"` so that a JSON number is
// rejected with a message telling the client the expected form, rather than
// serde's bare "expected a string".
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Money;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount as a decimal string like \"250.00\"")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Money::parse(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// Why a value is not a valid [`ShareCount`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareCountError {
    #[error("quantity must be at least 1")]
    TooSmall,
    #[error("quantity is too large (max 1000000000000)")]
    TooLarge,
}

/// A positive number of shares, 1..=[`ShareCount::MAX`].
///
/// Zero is excluded because a transaction or holding of no shares is always
/// a mistake; empty holdings are represented by their absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "i64", try_from = "i64")]
pub struct ShareCount(i64);

impl ShareCount {
    pub const MAX: i64 = 1_000_000_000_000;

    pub fn new(n: i64) -> Result<ShareCount, ShareCountError> {
        if n < 1 {
            Err(ShareCountError::TooSmall)
        } else if n > Self::MAX {
            Err(ShareCountError::TooLarge)
        } else {
            Ok(ShareCount(n))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for ShareCount {
    type Error = ShareCountError;

    fn try_from(n: i64) -> Result<Self, Self::Error> {
        ShareCount::new(n)
    }
}

impl From<ShareCount> for i64 {
    fn from(n: ShareCount) -> i64 {
        n.0
    }
}

impl fmt::Display for ShareCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    // --- construction -----------------------------------------------------

    #[test]
    fn money_max_is_one_hundred_billion_euro() {
        assert_eq!(Money::MAX.cents(), 10_000_000_000_000);
        assert_eq!(Money::MAX.to_string(), "100000000000.00");
    }

    #[test]
    fn money_zero_is_default() {
        assert_eq!(Money::default(), Money::ZERO);
        assert_eq!(Money::ZERO.cents(), 0);
    }

    #[test]
    fn money_from_cents_accepts_range() {
        assert_eq!(Money::from_cents(0).unwrap(), Money::ZERO);
        assert_eq!(Money::from_cents(25_000).unwrap().cents(), 25_000);
        assert_eq!(Money::from_cents(Money::MAX.cents()).unwrap(), Money::MAX);
    }

    #[test]
    fn money_from_negative_cents_is_rejected() {
        assert_eq!(Money::from_cents(-1), Err(MoneyError::Negative));
    }

    #[test]
    fn money_from_cents_above_max_is_rejected() {
        assert_eq!(
            Money::from_cents(Money::MAX.cents() + 1),
            Err(MoneyError::TooLarge)
        );
    }

    // --- parse ------------------------------------------------------------

    #[test]
    fn money_parse_whole_euros() {
        assert_eq!(money("250").cents(), 25_000);
    }

    #[test]
    fn money_parse_one_decimal_means_tens_of_cents() {
        assert_eq!(money("250.5").cents(), 25_050);
    }

    #[test]
    fn money_parse_two_decimals() {
        assert_eq!(money("250.00").cents(), 25_000);
        assert_eq!(money("0.01").cents(), 1);
    }

    #[test]
    fn money_parse_accepts_max() {
        assert_eq!(money("100000000000.00"), Money::MAX);
    }

    #[test]
    fn money_parse_malformed_is_rejected() {
        for input in [
            "", ".5", "1.", "1e3", "1,00", " 1", "1 ", "+1", "1.2.3", "-", "abc", "1_000",
        ] {
            assert_eq!(Money::parse(input), Err(MoneyError::Format), "{input:?}");
        }
    }

    #[test]
    fn money_parse_three_decimals_is_rejected() {
        assert_eq!(Money::parse("1.234"), Err(MoneyError::TooManyDecimals));
        // Could be a Belgian thousands separator, so not silently accepted.
        assert_eq!(Money::parse("1.000"), Err(MoneyError::TooManyDecimals));
    }

    #[test]
    fn money_parse_negative_is_rejected() {
        assert_eq!(Money::parse("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("-0.01"), Err(MoneyError::Negative));
    }

    #[test]
    fn money_parse_above_max_is_rejected() {
        assert_eq!(Money::parse("100000000000.01"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn money_parse_beyond_i64_is_rejected_as_too_large() {
        assert_eq!(
            Money::parse("99999999999999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(
            Money::parse("92233720368547758.07"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn money_error_messages_are_human_readable() {
        assert_eq!(
            MoneyError::Format.to_string(),
            "amount must be a decimal string like \"250.00\""
        );
        assert_eq!(
            MoneyError::TooManyDecimals.to_string(),
            "amount has more than 2 decimals"
        );
        assert_eq!(
            MoneyError::Negative.to_string(),
            "amount must not be negative"
        );
        assert_eq!(
            MoneyError::TooLarge.to_string(),
            "amount is too large (max 100000000000.00)"
        );
    }

    // --- Display / Debug --------------------------------------------------

    #[test]
    fn money_display_always_has_two_decimals() {
        assert_eq!(money("250").to_string(), "250.00");
        assert_eq!(money("0.05").to_string(), "0.05");
        assert_eq!(money("250.5").to_string(), "250.50");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    #[test]
    fn money_debug_shows_amount() {
        assert_eq!(format!("{:?}", money("250")), "Money(250.00)");
    }

    // --- Decimal ----------------------------------------------------------

    #[test]
    fn money_to_decimal_keeps_cents() {
        assert_eq!(money("250.05").to_decimal(), dec("250.05"));
    }

    #[test]
    fn money_from_decimal_accepts_up_to_two_decimals() {
        assert_eq!(Money::from_decimal(dec("250")).unwrap(), money("250"));
        assert_eq!(Money::from_decimal(dec("0.5")).unwrap(), money("0.50"));
        assert_eq!(Money::from_decimal(dec("0.01")).unwrap(), money("0.01"));
    }

    #[test]
    fn money_from_decimal_accepts_trailing_zero_decimals() {
        assert_eq!(Money::from_decimal(dec("1.2300")).unwrap(), money("1.23"));
    }

    #[test]
    fn money_from_decimal_with_more_than_two_decimals_is_rejected() {
        assert_eq!(
            Money::from_decimal(dec("1.234")),
            Err(MoneyError::TooManyDecimals)
        );
    }

    #[test]
    fn money_from_negative_decimal_is_rejected() {
        assert_eq!(Money::from_decimal(dec("-0.01")), Err(MoneyError::Negative));
    }

    #[test]
    fn money_from_negative_zero_decimal_is_zero() {
        assert_eq!(Money::from_decimal(dec("-0.00")).unwrap(), Money::ZERO);
    }

    #[test]
    fn money_from_decimal_above_max_is_rejected() {
        assert_eq!(
            Money::from_decimal(dec("100000000000.01")),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(Money::from_decimal(Decimal::MAX), Err(MoneyError::TooLarge));
    }

    // --- arithmetic -------------------------------------------------------

    #[test]
    fn money_checked_add_sums() {
        assert_eq!(
            money("1.50").checked_add(money("2.75")),
            Some(money("4.25"))
        );
    }

    #[test]
    fn money_checked_add_beyond_max_is_none() {
        assert_eq!(Money::MAX.checked_add(money("0.01")), None);
    }

    #[test]
    fn money_checked_sub_subtracts() {
        assert_eq!(
            money("4.25").checked_sub(money("2.75")),
            Some(money("1.50"))
        );
        assert_eq!(money("1").checked_sub(money("1")), Some(Money::ZERO));
    }

    #[test]
    fn money_checked_sub_below_zero_is_none() {
        assert_eq!(money("1").checked_sub(money("1.01")), None);
    }

    #[test]
    fn money_checked_mul_multiplies() {
        assert_eq!(money("250").checked_mul(4), Some(money("1000")));
        assert_eq!(money("250").checked_mul(0), Some(Money::ZERO));
    }

    #[test]
    fn money_checked_mul_negative_factor_is_none() {
        assert_eq!(money("250").checked_mul(-1), None);
    }

    #[test]
    fn money_checked_mul_beyond_max_is_none() {
        assert_eq!(Money::MAX.checked_mul(2), None);
        assert_eq!(Money::MAX.checked_mul(i64::MAX), None);
    }

    #[test]
    fn money_pro_rata_rounds_down() {
        assert_eq!(money("100").pro_rata(1, 3), money("33.33"));
        assert_eq!(money("100").pro_rata(2, 3), money("66.66"));
    }

    #[test]
    fn money_pro_rata_whole_returns_self_exactly() {
        assert_eq!(money("100.01").pro_rata(3, 3), money("100.01"));
        assert_eq!(
            Money::MAX.pro_rata(ShareCount::MAX, ShareCount::MAX),
            Money::MAX
        );
    }

    #[test]
    fn money_pro_rata_zero_part_is_zero() {
        assert_eq!(money("100").pro_rata(0, 7), Money::ZERO);
    }

    #[test]
    fn money_pro_rata_does_not_overflow_at_limits() {
        let almost_all = Money::MAX.pro_rata(ShareCount::MAX - 1, ShareCount::MAX);
        assert_eq!(almost_all.cents(), Money::MAX.cents() - 10);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "part must be within")]
    fn money_pro_rata_part_above_whole_panics_in_debug() {
        money("100").pro_rata(4, 3);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "whole must be positive")]
    fn money_pro_rata_zero_whole_panics_in_debug() {
        money("100").pro_rata(0, 0);
    }

    // --- serde ------------------------------------------------------------

    #[test]
    fn money_serializes_as_two_decimal_string() {
        assert_eq!(serde_json::to_string(&money("250")).unwrap(), "\"250.00\"");
    }

    #[test]
    fn money_serde_round_trip() {
        let m = money("1234.5");
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }

    #[test]
    fn money_deserialize_json_number_is_rejected_with_hint() {
        for json in ["250", "250.0"] {
            let err = serde_json::from_str::<Money>(json).unwrap_err();
            assert!(
                err.to_string().contains("decimal string like \"250.00\""),
                "{err}"
            );
        }
    }

    #[test]
    fn money_deserialize_reports_validation_message() {
        let err = serde_json::from_str::<Money>("\"1.234\"").unwrap_err();
        assert!(
            err.to_string().contains("amount has more than 2 decimals"),
            "{err}"
        );
    }

    // --- ShareCount -------------------------------------------------------

    #[test]
    fn share_count_accepts_range() {
        assert_eq!(ShareCount::new(1).unwrap().get(), 1);
        assert_eq!(
            ShareCount::new(ShareCount::MAX).unwrap().get(),
            ShareCount::MAX
        );
    }

    #[test]
    fn share_count_zero_or_negative_is_rejected() {
        assert_eq!(ShareCount::new(0), Err(ShareCountError::TooSmall));
        assert_eq!(ShareCount::new(-5), Err(ShareCountError::TooSmall));
    }

    #[test]
    fn share_count_above_max_is_rejected() {
        assert_eq!(
            ShareCount::new(ShareCount::MAX + 1),
            Err(ShareCountError::TooLarge)
        );
    }

    #[test]
    fn share_count_error_messages_are_human_readable() {
        assert_eq!(
            ShareCountError::TooSmall.to_string(),
            "quantity must be at least 1"
        );
        assert_eq!(
            ShareCountError::TooLarge.to_string(),
            "quantity is too large (max 1000000000000)"
        );
    }

    #[test]
    fn share_count_display_is_plain_integer() {
        assert_eq!(ShareCount::new(42).unwrap().to_string(), "42");
    }

    #[test]
    fn share_count_serde_round_trip_as_integer() {
        let n = ShareCount::new(42).unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "42");
        assert_eq!(serde_json::from_str::<ShareCount>(&json).unwrap(), n);
    }

    #[test]
    fn share_count_deserialize_string_or_float_is_rejected() {
        assert!(serde_json::from_str::<ShareCount>("\"42\"").is_err());
        assert!(serde_json::from_str::<ShareCount>("42.0").is_err());
        assert!(serde_json::from_str::<ShareCount>("1.5").is_err());
    }

    #[test]
    fn share_count_deserialize_reports_validation_message() {
        let err = serde_json::from_str::<ShareCount>("0").unwrap_err();
        assert!(
            err.to_string().contains("quantity must be at least 1"),
            "{err}"
        );
    }

    proptest! {
        #[test]
        fn money_display_parse_round_trips(cents in 0..=Money::MAX.cents()) {
            let m = Money::from_cents(cents).unwrap();
            prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }

        #[test]
        fn money_decimal_round_trips(cents in 0..=Money::MAX.cents()) {
            let m = Money::from_cents(cents).unwrap();
            prop_assert_eq!(Money::from_decimal(m.to_decimal()), Ok(m));
        }

        #[test]
        fn money_pro_rata_split_never_exceeds_total_and_loses_under_a_cent(
            cents in 0..=Money::MAX.cents(),
            (part, whole) in (1..=ShareCount::MAX).prop_flat_map(|w| (0..=w, Just(w))),
        ) {
            let m = Money::from_cents(cents).unwrap();
            let moved = m.pro_rata(part, whole);
            let kept = m.pro_rata(whole - part, whole);
            let total = moved.cents() + kept.cents();
            prop_assert!(total <= cents);
            prop_assert!(cents - total <= 1);
        }
    }
}
