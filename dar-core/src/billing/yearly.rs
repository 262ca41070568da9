//! The rule of the yearly billing run: who is billed what for a year, and why.
//!
//! - The yearly fee is the fee of the plan's tier for the number of active shareholders
//!   (holding at least one share) on **1 January** of the billed year, at the member or
//!   non-member price, unless the cooperative's profile overrides it.
//! - A cooperative whose billing starts during the year is counted on its **billing start
//!   date** and pays **pro rata of the months left**, the month it starts in included
//!   (starting on 15 March: 10/12), rounded to the cent.
//! - A cooperative whose billing starts after the year is not billed for it.
//! - One-off fees (onboarding, and the migration of an existing register when the profile
//!   says so) are charged once, on the cooperative's first yearly invoice.
//! - When the counting date is still ahead (next year's run made in December), the count
//!   of the day of the run is used, and the invoice says on which day it was counted.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::amounts::round_cents;
use super::{Plan, PriceOverrides};
use crate::money::Money;
use crate::types::Language;

/// What a cooperative's billing profile says about its fees.
#[derive(Clone, Copy, Debug)]
pub struct Terms<'a> {
    pub plan: &'a Plan,
    pub member: bool,
    pub billing_start: NaiveDate,
    /// The cooperative brought an existing register to DAR (the migration fee applies).
    pub migration: bool,
    pub overrides: PriceOverrides,
    /// No yearly invoice was made for the cooperative before: the one-off fees are due.
    pub first_invoice: bool,
}

/// Why a line is charged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChargeKind {
    YearlyFee {
        year: i32,
        /// 12 for a whole year; fewer for a cooperative that joins during the year.
        months: u32,
        /// The number of active shareholders the tier was chosen by, and the day counted.
        active: u32,
        counted_on: NaiveDate,
        /// The tier's range, `to` open for the last tier.
        tier_from: u32,
        tier_to: Option<u32>,
        member: bool,
        /// The profile's own price replaced the plan's.
        overridden: bool,
    },
    Onboarding,
    Migration,
}

/// One amount charged (before VAT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub kind: ChargeKind,
    pub amount: Money,
}

/// The outcome of the rule for one cooperative and year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YearlyBill {
    /// Billing starts after the year.
    NotYetBillable {
        billing_start: NaiveDate,
    },
    Bill(Vec<Charge>),
}

/// The day on which the active shareholders are counted for `year`: 1 January, or the
/// billing start date when billing starts during the year; `None` when it starts after.
pub fn counting_date(billing_start: NaiveDate, year: i32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    match billing_start.year() {
        y if y < year => Some(first),
        y if y == year => Some(billing_start.max(first)),
        _ => None,
    }
}

/// The months of `year` billed to a cooperative whose billing starts on `billing_start`.
pub fn months_billed(billing_start: NaiveDate, year: i32) -> u32 {
    match billing_start.year() {
        y if y < year => 12,
        y if y == year => 13 - billing_start.month(),
        _ => 0,
    }
}

/// What `terms` charge for `year`, the tier chosen by `active` shareholders counted on
/// `counted_on` (see [`counting_date`]).
pub fn yearly_bill(terms: &Terms, year: i32, active: u32, counted_on: NaiveDate) -> YearlyBill {
    let months = months_billed(terms.billing_start, year);
    if months == 0 {
        return YearlyBill::NotYetBillable {
            billing_start: terms.billing_start,
        };
    }
    let (index, tier) = terms.plan.tier(active);
    let full = terms
        .overrides
        .yearly_fee
        .unwrap_or_else(|| tier.fee(terms.member));
    let amount = Money::from_decimal(round_cents(
        full.to_decimal() * Decimal::from(months) / Decimal::from(12),
    ))
    .expect("a share of a valid amount is a valid amount");
    let mut charges = vec![Charge {
        kind: ChargeKind::YearlyFee {
            year,
            months,
            active,
            counted_on,
            tier_from: terms.plan.tier_from(index),
            tier_to: tier.up_to,
            member: terms.member,
            overridden: terms.overrides.yearly_fee.is_some(),
        },
        amount,
    }];
    if terms.first_invoice {
        charges.push(Charge {
            kind: ChargeKind::Onboarding,
            amount: terms
                .overrides
                .onboarding_fee
                .unwrap_or(terms.plan.onboarding_fee),
        });
        if terms.migration {
            charges.push(Charge {
                kind: ChargeKind::Migration,
                amount: terms
                    .overrides
                    .migration_fee
                    .unwrap_or(terms.plan.migration_fee),
            });
        }
    }
    // A free one-off service is not worth a line.
    charges.retain(|c| c.amount > Money::ZERO || matches!(c.kind, ChargeKind::YearlyFee { .. }));
    YearlyBill::Bill(charges)
}

impl ChargeKind {
    /// The line's description on the invoice, in the cooperative's language.
    pub fn describe(&self, lang: Language) -> String {
        match self {
            ChargeKind::YearlyFee {
                year,
                months,
                active,
                counted_on,
                tier_from,
                tier_to,
                ..
            } => {
                let date = counted_on.format("%d/%m/%Y");
                let range = match (lang, tier_to) {
                    (Language::Nl, Some(to)) => format!("{tier_from} tot {to}"),
                    (Language::Fr, Some(to)) => format!("{tier_from} à {to}"),
                    (Language::En, Some(to)) => format!("{tier_from} to {to}"),
                    (Language::Nl, None) => format!("{tier_from} of meer"),
                    (Language::Fr, None) => format!("{tier_from} ou plus"),
                    (Language::En, None) => format!("{tier_from} or more"),
                };
                let share = if *months < 12 {
                    format!(", {months}/12")
                } else {
                    String::new()
                };
                match lang {
                    Language::Nl => format!(
                        "Jaarbijdrage DAR {year}{share}: {range} actieve aandeelhouders ({active} op {date})"
                    ),
                    Language::Fr => format!(
                        "Cotisation annuelle DAR {year}{share} : {range} actionnaires actifs ({active} au {date})"
                    ),
                    Language::En => format!(
                        "DAR yearly fee {year}{share}: {range} active shareholders ({active} on {date})"
                    ),
                }
            }
            ChargeKind::Onboarding => match lang {
                Language::Nl => "Opstart in DAR (eenmalig)".into(),
                Language::Fr => "Mise en service de DAR (unique)".into(),
                Language::En => "Onboarding onto DAR (one-off)".into(),
            },
            ChargeKind::Migration => match lang {
                Language::Nl => "Overname van het bestaande register (eenmalig)".into(),
                Language::Fr => "Reprise du registre existant (unique)".into(),
                Language::En => "Migration of the existing register (one-off)".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::Tier;

    fn eur(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn plan() -> Plan {
        Plan::new(
            vec![
                Tier {
                    up_to: Some(100),
                    member_fee: eur("150"),
                    non_member_fee: eur("250"),
                },
                Tier {
                    up_to: None,
                    member_fee: eur("1000"),
                    non_member_fee: eur("1333.33"),
                },
            ],
            eur("300"),
            eur("500"),
        )
        .unwrap()
    }

    fn terms<'a>(plan: &'a Plan, start: &str) -> Terms<'a> {
        Terms {
            plan,
            member: true,
            billing_start: date(start),
            migration: false,
            overrides: PriceOverrides::default(),
            first_invoice: false,
        }
    }

    fn amounts(bill: YearlyBill) -> Vec<Money> {
        match bill {
            YearlyBill::Bill(charges) => charges.iter().map(|c| c.amount).collect(),
            other => panic!("not billed: {other:?}"),
        }
    }

    #[test]
    fn shareholders_are_counted_on_the_first_of_january() {
        assert_eq!(
            counting_date(date("2024-06-10"), 2027),
            Some(date("2027-01-01"))
        );
    }

    #[test]
    fn a_cooperative_joining_during_the_year_is_counted_on_its_start_date() {
        assert_eq!(
            counting_date(date("2027-03-15"), 2027),
            Some(date("2027-03-15"))
        );
        assert_eq!(counting_date(date("2028-01-01"), 2027), None);
    }

    #[test]
    fn a_whole_year_bills_the_tier_fee() {
        let plan = plan();
        let bill = yearly_bill(&terms(&plan, "2020-01-01"), 2027, 100, date("2027-01-01"));
        assert_eq!(amounts(bill), [eur("150")]);
        let bill = yearly_bill(&terms(&plan, "2020-01-01"), 2027, 101, date("2027-01-01"));
        assert_eq!(amounts(bill), [eur("1000")]);
    }

    #[test]
    fn joining_in_march_pays_ten_twelfths_rounded_to_the_cent() {
        let plan = plan();
        let mut t = terms(&plan, "2027-03-15");
        t.member = false;
        let bill = yearly_bill(&t, 2027, 500, date("2027-03-15"));
        // 1333.33 × 10 / 12 = 1111.108… → 1111.11
        assert_eq!(amounts(bill), [eur("1111.11")]);
    }

    #[test]
    fn joining_in_december_pays_one_twelfth() {
        assert_eq!(months_billed(date("2027-12-31"), 2027), 1);
        assert_eq!(months_billed(date("2027-01-01"), 2027), 12);
    }

    #[test]
    fn billing_that_starts_after_the_year_bills_nothing() {
        let plan = plan();
        let bill = yearly_bill(&terms(&plan, "2028-02-01"), 2027, 10, date("2027-01-01"));
        assert!(matches!(bill, YearlyBill::NotYetBillable { .. }));
    }

    #[test]
    fn one_off_fees_come_with_the_first_invoice_only() {
        let plan = plan();
        let mut t = terms(&plan, "2027-01-01");
        t.first_invoice = true;
        t.migration = true;
        let bill = yearly_bill(&t, 2027, 10, date("2027-01-01"));
        assert_eq!(amounts(bill), [eur("150"), eur("300"), eur("500")]);
        t.first_invoice = false;
        let bill = yearly_bill(&t, 2028, 10, date("2028-01-01"));
        assert_eq!(amounts(bill), [eur("150")]);
    }

    #[test]
    fn a_profile_override_replaces_the_plan_price() {
        let plan = plan();
        let mut t = terms(&plan, "2027-07-01");
        t.first_invoice = true;
        t.overrides = PriceOverrides {
            yearly_fee: Some(eur("99.99")),
            onboarding_fee: Some(Money::ZERO),
            migration_fee: None,
        };
        let bill = yearly_bill(&t, 2027, 10, date("2027-07-01"));
        // 99.99 × 6 / 12 = 49.995 → 50.00; a free onboarding is left out.
        assert_eq!(amounts(bill), [eur("50.00")]);
    }

    #[test]
    fn the_description_says_why_in_the_cooperatives_language() {
        let plan = plan();
        let bill = yearly_bill(&terms(&plan, "2027-03-15"), 2027, 412, date("2027-03-15"));
        let YearlyBill::Bill(charges) = bill else {
            panic!()
        };
        assert_eq!(
            charges[0].kind.describe(Language::Nl),
            "Jaarbijdrage DAR 2027, 10/12: 101 of meer actieve aandeelhouders (412 op 15/03/2027)"
        );
        assert!(
            charges[0]
                .kind
                .describe(Language::Fr)
                .contains("au 15/03/2027")
        );
    }
}
