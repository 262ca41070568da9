//! The amounts of an invoice or credit note, worked out in decimal arithmetic.
//!
//! Each line's net amount (quantity × unit price) and its VAT are rounded to the cent on the
//! line, half away from zero, as Belgian invoicing software does; the totals are the sums of
//! the rounded lines, so a line, a VAT subtotal and the total never disagree by a cent.
//! EN 16931 accepts this: its check of a VAT subtotal against taxable amount × rate
//! (BR-CO-17) allows the rounding of the lines, and the totals are exact sums (BR-CO-10,
//! BR-CO-15).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{BillingError, VatRate};
use crate::money::Money;

/// How many of a line's unit are invoiced: above zero, at most four decimals (UBL quantities
/// are decimals; a fee is usually 1, a pro rata share of a year can be months/12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Quantity(Decimal);

impl Quantity {
    pub const ONE: Quantity = Quantity(Decimal::ONE);
    const MAX_SCALE: u32 = 4;

    pub fn new(value: Decimal) -> Result<Quantity, BillingError> {
        let value = value.normalize();
        if value <= Decimal::ZERO
            || value.scale() > Self::MAX_SCALE
            || value > Decimal::from(1_000_000)
        {
            return Err(BillingError::Quantity);
        }
        Ok(Quantity(value))
    }

    pub fn get(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for Quantity {
    type Error = BillingError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Quantity::new(value)
    }
}

impl From<Quantity> for Decimal {
    fn from(q: Quantity) -> Decimal {
        q.0
    }
}

/// One line of an invoice or credit note, as the coordinator (or the billing run) wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub vat: VatRate,
}

/// A line's rounded amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineAmounts {
    /// Quantity × unit price, rounded to the cent.
    pub net: Money,
    /// Net × rate, rounded to the cent.
    pub vat: Money,
}

/// The VAT of the lines of one rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VatSubtotal {
    pub rate: VatRate,
    /// The sum of the lines' net amounts at this rate.
    pub taxable: Money,
    /// The sum of the lines' VAT at this rate.
    pub tax: Money,
}

/// A document's totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub lines: Vec<LineAmounts>,
    /// Without VAT.
    pub net: Money,
    pub vat: Money,
    /// With VAT: what is to be paid (or credited).
    pub gross: Money,
    /// One subtotal per rate used, in the order of [`VatRate::ALL`].
    pub breakdown: Vec<VatSubtotal>,
}

/// Rounds to the cent, half away from zero (commercial rounding: 0.005 → 0.01).
pub fn round_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn money(value: Decimal) -> Result<Money, BillingError> {
    Money::from_decimal(round_cents(value)).map_err(|_| BillingError::TooLarge)
}

impl Line {
    pub fn amounts(&self) -> Result<LineAmounts, BillingError> {
        let net_exact = self
            .quantity
            .get()
            .checked_mul(self.unit_price.to_decimal())
            .ok_or(BillingError::TooLarge)?;
        let net = money(net_exact)?;
        let vat = money(net.to_decimal() * self.vat.percent() / Decimal::from(100))?;
        Ok(LineAmounts { net, vat })
    }
}

/// The amounts of a document with `lines`.
pub fn totals(lines: &[Line]) -> Result<Totals, BillingError> {
    if lines.is_empty() {
        return Err(BillingError::NoLines);
    }
    let amounts = lines
        .iter()
        .map(Line::amounts)
        .collect::<Result<Vec<_>, _>>()?;
    let add = |a: Money, b: Money| a.checked_add(b).ok_or(BillingError::TooLarge);
    let mut breakdown = Vec::new();
    for rate in VatRate::ALL {
        let mut subtotal = VatSubtotal {
            rate,
            taxable: Money::ZERO,
            tax: Money::ZERO,
        };
        let mut used = false;
        for (line, amount) in lines.iter().zip(&amounts) {
            if line.vat == rate {
                used = true;
                subtotal.taxable = add(subtotal.taxable, amount.net)?;
                subtotal.tax = add(subtotal.tax, amount.vat)?;
            }
        }
        if used {
            breakdown.push(subtotal);
        }
    }
    let mut net = Money::ZERO;
    let mut vat = Money::ZERO;
    for subtotal in &breakdown {
        net = add(net, subtotal.taxable)?;
        vat = add(vat, subtotal.tax)?;
    }
    Ok(Totals {
        lines: amounts,
        net,
        vat,
        gross: add(net, vat)?,
        breakdown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(quantity: &str, price: &str, vat: VatRate) -> Line {
        Line {
            description: "Jaarbijdrage".into(),
            quantity: Quantity::new(quantity.parse().unwrap()).unwrap(),
            unit_price: Money::parse(price).unwrap(),
            vat,
        }
    }

    #[test]
    fn a_line_rounds_its_vat_half_away_from_zero() {
        // 0.50 × 21 % = 0.105 → 0.11.
        let amounts = line("1", "0.50", VatRate::Standard).amounts().unwrap();
        assert_eq!(amounts.net, Money::parse("0.50").unwrap());
        assert_eq!(amounts.vat, Money::parse("0.11").unwrap());
    }

    #[test]
    fn a_fractional_quantity_rounds_the_net_amount_to_the_cent() {
        // 0.75 × 333.33 = 249.9975 → 250.00; VAT 52.50.
        let amounts = line("0.75", "333.33", VatRate::Standard).amounts().unwrap();
        assert_eq!(amounts.net, Money::parse("250.00").unwrap());
        assert_eq!(amounts.vat, Money::parse("52.50").unwrap());
    }

    #[test]
    fn totals_round_per_line_not_on_the_sum() {
        // Three lines of 0.05 at 21 %: each 0.0105 → 0.01, so 0.03 of VAT (0.0315 on the sum).
        let lines = vec![line("1", "0.05", VatRate::Standard); 3];
        let totals = totals(&lines).unwrap();
        assert_eq!(totals.net, Money::parse("0.15").unwrap());
        assert_eq!(totals.vat, Money::parse("0.03").unwrap());
        assert_eq!(totals.gross, Money::parse("0.18").unwrap());
    }

    #[test]
    fn several_rates_get_one_subtotal_each_in_a_fixed_order() {
        let lines = vec![
            line("1", "100.00", VatRate::Reduced6),
            line("2", "19.99", VatRate::Standard),
            line("1", "10.00", VatRate::Exempt),
            line("1", "0.01", VatRate::Standard),
        ];
        let totals = totals(&lines).unwrap();
        let rates: Vec<_> = totals.breakdown.iter().map(|s| s.rate).collect();
        assert_eq!(
            rates,
            [VatRate::Standard, VatRate::Reduced6, VatRate::Exempt]
        );
        assert_eq!(totals.breakdown[0].taxable, Money::parse("39.99").unwrap());
        // 39.98 × 21 % = 8.3958 → 8.40, and 0.01 × 21 % = 0.0021 → 0.00.
        assert_eq!(totals.breakdown[0].tax, Money::parse("8.40").unwrap());
        assert_eq!(totals.breakdown[1].tax, Money::parse("6.00").unwrap());
        assert_eq!(totals.breakdown[2].tax, Money::ZERO);
        assert_eq!(totals.gross, Money::parse("164.39").unwrap());
    }

    #[test]
    fn a_document_without_lines_is_refused() {
        assert_eq!(totals(&[]), Err(BillingError::NoLines));
    }

    #[test]
    fn quantities_must_be_positive_with_at_most_four_decimals() {
        assert!(Quantity::new(Decimal::ZERO).is_err());
        assert!(Quantity::new("-1".parse().unwrap()).is_err());
        assert!(Quantity::new("0.00001".parse().unwrap()).is_err());
        assert!(Quantity::new("1000001".parse().unwrap()).is_err());
        // Trailing zeros are not decimals.
        assert!(Quantity::new("2.500000".parse().unwrap()).is_ok());
    }

    fn any_line() -> impl Strategy<Value = Line> {
        (
            // Up to 10,000 units of up to 10,000 euro: a hundred such lines stay within Money.
            1i64..=10_000,
            0u32..=4,
            0i64..=1_000_000,
            prop::sample::select(VatRate::ALL.to_vec()),
        )
            .prop_map(|(q, scale, cents, vat)| Line {
                description: "x".into(),
                quantity: Quantity::new(Decimal::new(q, scale)).unwrap(),
                unit_price: Money::from_cents(cents).unwrap(),
                vat,
            })
    }

    proptest! {
        #[test]
        fn lines_sum_to_the_totals(lines in prop::collection::vec(any_line(), 1..40)) {
            let totals = totals(&lines).unwrap();
            let net: i64 = totals.lines.iter().map(|l| l.net.cents()).sum();
            let vat: i64 = totals.lines.iter().map(|l| l.vat.cents()).sum();
            prop_assert_eq!(totals.net.cents(), net);
            prop_assert_eq!(totals.vat.cents(), vat);
            prop_assert_eq!(totals.gross.cents(), net + vat);
            let taxable: i64 = totals.breakdown.iter().map(|s| s.taxable.cents()).sum();
            let tax: i64 = totals.breakdown.iter().map(|s| s.tax.cents()).sum();
            prop_assert_eq!(taxable, net);
            prop_assert_eq!(tax, vat);
        }

        #[test]
        fn each_line_is_within_half_a_cent_of_the_exact_amounts(line in any_line()) {
            let amounts = line.amounts().unwrap();
            let exact = line.quantity.get() * line.unit_price.to_decimal();
            let half = Decimal::new(5, 3);
            prop_assert!((amounts.net.to_decimal() - exact).abs() <= half);
            let exact_vat = amounts.net.to_decimal() * line.vat.percent() / Decimal::from(100);
            prop_assert!((amounts.vat.to_decimal() - exact_vat).abs() <= half);
        }

        /// What EN 16931 checks of a VAT subtotal (BR-CO-17): within one euro of taxable × rate.
        #[test]
        fn vat_subtotals_stay_within_the_en16931_tolerance(lines in prop::collection::vec(any_line(), 1..100)) {
            let totals = totals(&lines).unwrap();
            for s in &totals.breakdown {
                let exact = round_cents(s.taxable.to_decimal() * s.rate.percent() / Decimal::from(100));
                prop_assert!((s.tax.to_decimal() - exact).abs() < Decimal::ONE);
            }
        }
    }
}
