//! Plans: what a cooperative pays for DAR.
//!
//! A plan's yearly fee depends on the number of active shareholders (its tiers) and on
//! whether the cooperative is a member of the coordinating network; one-off fees are
//! charged once, in the first year billed. A cooperative's billing profile may override
//! any of these prices.

use serde::{Deserialize, Serialize};

use super::BillingError;
use crate::money::Money;

/// The yearly fee for cooperatives of up to `up_to` active shareholders (open-ended for the
/// last tier).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub up_to: Option<u32>,
    pub member_fee: Money,
    pub non_member_fee: Money,
}

impl Tier {
    pub fn fee(&self, member: bool) -> Money {
        if member {
            self.member_fee
        } else {
            self.non_member_fee
        }
    }
}

/// A plan's prices, checked: tiers rise and the last one is open-ended, so every number of
/// shareholders falls in exactly one tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    tiers: Vec<Tier>,
    pub onboarding_fee: Money,
    pub migration_fee: Money,
}

/// Prices that replace the plan's for one cooperative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceOverrides {
    pub yearly_fee: Option<Money>,
    pub onboarding_fee: Option<Money>,
    pub migration_fee: Option<Money>,
}

impl Plan {
    pub fn new(
        tiers: Vec<Tier>,
        onboarding_fee: Money,
        migration_fee: Money,
    ) -> Result<Plan, BillingError> {
        let Some((last, bounded)) = tiers.split_last() else {
            return Err(BillingError::NoTiers);
        };
        if last.up_to.is_some() || bounded.iter().any(|t| t.up_to.is_none()) {
            return Err(BillingError::LastTierBounded);
        }
        let limits: Vec<u32> = bounded.iter().filter_map(|t| t.up_to).collect();
        if limits.windows(2).any(|w| w[0] >= w[1]) {
            return Err(BillingError::TiersNotRising);
        }
        Ok(Plan {
            tiers,
            onboarding_fee,
            migration_fee,
        })
    }

    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }

    /// The tier (its index and terms) of a cooperative with `active` shareholders.
    pub fn tier(&self, active: u32) -> (usize, &Tier) {
        self.tiers
            .iter()
            .enumerate()
            .find(|(_, t)| t.up_to.is_none_or(|limit| active <= limit))
            .expect("the last tier is open-ended (checked in Plan::new)")
    }

    /// The lowest number of shareholders of tier `index`: one above the tier before.
    pub fn tier_from(&self, index: usize) -> u32 {
        match index.checked_sub(1) {
            Some(before) => self.tiers[before].up_to.map_or(0, |l| l + 1),
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    pub(crate) fn plan() -> Plan {
        Plan::new(
            vec![
                Tier {
                    up_to: Some(100),
                    member_fee: eur("150"),
                    non_member_fee: eur("250"),
                },
                Tier {
                    up_to: Some(1000),
                    member_fee: eur("400"),
                    non_member_fee: eur("600"),
                },
                Tier {
                    up_to: None,
                    member_fee: eur("900"),
                    non_member_fee: eur("1400"),
                },
            ],
            eur("300"),
            eur("500"),
        )
        .unwrap()
    }

    #[test]
    fn a_count_on_a_tier_limit_belongs_to_that_tier() {
        let plan = plan();
        assert_eq!(plan.tier(0).0, 0);
        assert_eq!(plan.tier(100).0, 0);
        assert_eq!(plan.tier(101).0, 1);
        assert_eq!(plan.tier(400_000).0, 2);
        assert_eq!(plan.tier_from(1), 101);
        assert_eq!(plan.tier_from(2), 1001);
    }

    #[test]
    fn members_pay_the_member_fee() {
        let plan = plan();
        assert_eq!(plan.tier(50).1.fee(true), eur("150"));
        assert_eq!(plan.tier(50).1.fee(false), eur("250"));
    }

    #[test]
    fn tiers_must_rise_and_end_open() {
        let tier = |up_to| Tier {
            up_to,
            member_fee: Money::ZERO,
            non_member_fee: Money::ZERO,
        };
        let new = |tiers| Plan::new(tiers, Money::ZERO, Money::ZERO);
        assert_eq!(new(vec![]), Err(BillingError::NoTiers));
        assert_eq!(
            new(vec![tier(Some(10))]),
            Err(BillingError::LastTierBounded)
        );
        assert_eq!(
            new(vec![tier(None), tier(None)]),
            Err(BillingError::LastTierBounded)
        );
        assert_eq!(
            new(vec![tier(Some(10)), tier(Some(10)), tier(None)]),
            Err(BillingError::TiersNotRising)
        );
        assert!(new(vec![tier(None)]).is_ok());
    }
}
