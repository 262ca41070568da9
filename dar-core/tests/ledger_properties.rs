//! Property tests of the ledger rules: whatever sequence of entries is proposed, the entries
//! the rules accept never break an invariant of SPEC §2.

use chrono::NaiveDate;
use proptest::prelude::*;

use dar_core::holdings::{self, Leg};
use dar_core::ids::{EntryId, ShareClassId, ShareholderId};
use dar_core::ledger::{
    ClassTerms, DraftAction, EntryDraft, HolderLabel, HolderState, Movement, Period, PlanContext,
    ReversalTarget, plan,
};
use dar_core::money::{Money, ShareCount};
use dar_core::types::{EntryKind, ShareholderStatus, TransferRule};

#[derive(Clone, Debug)]
enum Op {
    Issue {
        to: usize,
        quantity: i64,
        paid_percent: i64,
        day: u32,
    },
    Transfer {
        from: usize,
        to: usize,
        quantity: i64,
        day: u32,
    },
    Redemption {
        from: usize,
        quantity: i64,
        day: u32,
    },
    Payment {
        to: usize,
        cents: i64,
        day: u32,
    },
    Reversal {
        pick: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let holder = 0usize..4;
    prop_oneof![
        (holder.clone(), 1i64..20, 0i64..=100, 0u32..60).prop_map(
            |(to, quantity, paid_percent, day)| Op::Issue {
                to,
                quantity,
                paid_percent,
                day
            }
        ),
        (holder.clone(), holder.clone(), 1i64..15, 0u32..60).prop_map(
            |(from, to, quantity, day)| Op::Transfer {
                from,
                to,
                quantity,
                day
            }
        ),
        (holder.clone(), 1i64..10, 0u32..60).prop_map(|(from, quantity, day)| Op::Redemption {
            from,
            quantity,
            day
        }),
        (holder, 1i64..5000, 0u32..60).prop_map(|(to, cents, day)| Op::Payment { to, cents, day }),
        (0usize..100).prop_map(|pick| Op::Reversal { pick }),
    ]
}

struct Register {
    class: ClassTerms,
    holders: Vec<ShareholderId>,
    /// Accepted movements with their ids; index + 1 is the sequence number.
    entries: Vec<(EntryId, Movement)>,
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(i64::from(day))
}

impl Register {
    fn new() -> Self {
        Register {
            class: ClassTerms {
                id: ShareClassId::new(),
                code: "A".into(),
                issue_price: Money::from_cents(1000).unwrap(),
                transfer_rule: TransferRule::Free,
                max_shares_per_holder: None,
            },
            holders: (0..4).map(|_| ShareholderId::new()).collect(),
            entries: Vec::new(),
        }
    }

    fn legs_of(&self, holder: ShareholderId) -> Vec<Leg> {
        self.entries
            .iter()
            .flat_map(|(_, m)| m.legs())
            .filter(|(h, _)| *h == holder)
            .map(|(_, l)| l)
            .collect()
    }

    fn state(&self, holder: ShareholderId) -> HolderState {
        HolderState {
            id: holder,
            label: HolderLabel {
                register_number: 1,
                name: String::new(),
            },
            admitted: NaiveDate::MIN,
            status: ShareholderStatus::Active,
            legs: self.legs_of(holder),
        }
    }

    fn draft(&self, op: &Op) -> (EntryDraft, Option<ReversalTarget>) {
        let h = |i: usize| self.holders[i];
        let q = |n: i64| ShareCount::new(n).unwrap();
        let at = |day: u32| Some(date(day));
        let draft = |action, effective_date, reason: Option<&str>| EntryDraft {
            action,
            effective_date,
            reason: reason.map(str::to_string),
            external_reference: None,
        };
        match *op {
            Op::Issue {
                to,
                quantity,
                paid_percent,
                day,
            } => {
                let paid = Money::from_cents(quantity * 1000 * paid_percent / 100).unwrap();
                (
                    draft(
                        DraftAction::Issue {
                            share_class: "A".into(),
                            to: h(to),
                            quantity: q(quantity),
                            price_per_share: None,
                            paid: Some(paid),
                        },
                        at(day),
                        None,
                    ),
                    None,
                )
            }
            Op::Transfer {
                from,
                to,
                quantity,
                day,
            } => (
                draft(
                    DraftAction::Transfer {
                        share_class: "A".into(),
                        from: h(from),
                        to: h(to),
                        quantity: q(quantity),
                        price_per_share: None,
                        moved: None,
                    },
                    at(day),
                    None,
                ),
                None,
            ),
            Op::Redemption {
                from,
                quantity,
                day,
            } => (
                draft(
                    DraftAction::Redemption {
                        share_class: "A".into(),
                        from: h(from),
                        quantity: q(quantity),
                        amount: Money::ZERO,
                        moved: None,
                    },
                    at(day),
                    Some("uittreding"),
                ),
                None,
            ),
            Op::Payment { to, cents, day } => (
                draft(
                    DraftAction::Payment {
                        share_class: "A".into(),
                        to: h(to),
                        amount: Money::from_cents(cents).unwrap(),
                    },
                    at(day),
                    None,
                ),
                None,
            ),
            Op::Reversal { pick } => {
                let Some(index) = (!self.entries.is_empty()).then(|| pick % self.entries.len())
                else {
                    return (
                        draft(
                            DraftAction::Reversal {
                                reverses: EntryId::new(),
                            },
                            None,
                            Some("x"),
                        ),
                        None,
                    );
                };
                let (id, movement) = &self.entries[index];
                let seq = index as i64 + 1;
                let already_reversed = self
                    .entries
                    .iter()
                    .any(|(_, m)| m.reverses_seq == Some(seq));
                (
                    draft(
                        DraftAction::Reversal { reverses: *id },
                        at(70),
                        Some("vergissing"),
                    ),
                    Some(ReversalTarget {
                        seq,
                        movement: movement.clone(),
                        already_reversed,
                    }),
                )
            }
        }
    }

    /// Proposes `op`; returns whether the rules accepted it.
    fn propose(&mut self, op: &Op) -> bool {
        let (draft, target) = self.draft(op);
        if matches!(draft.action, DraftAction::Reversal { .. }) && target.is_none() {
            return false;
        }
        let (from, to) = match &target {
            Some(t) => (t.movement.from, t.movement.to),
            None => draft.holders(),
        };
        let ctx = PlanContext {
            period: Period {
                today: date(80),
                locked_until: None,
            },
            class: self.class.clone(),
            from: from.map(|h| self.state(h)),
            to: to.map(|h| self.state(h)),
            reversal_target: target,
        };
        match plan(&draft, &ctx) {
            Ok(movement) => {
                self.entries.push((EntryId::new(), movement));
                true
            }
            Err(_) => false,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn accepted_entries_never_break_a_holding_and_conserve_shares(ops in proptest::collection::vec(op(), 1..60)) {
        let mut register = Register::new();
        for op in &ops {
            register.propose(op);
            for holder in register.holders.clone() {
                let legs = register.legs_of(holder);
                prop_assert_eq!(holdings::first_violation(&legs, None), None, "holder broke a rule after {:?}", op);
            }
            // Conservation at every date: outstanding = issued − redeemed.
            for day in [0u32, 15, 30, 45, 59, 70] {
                let outstanding: i64 = register.holders.iter().map(|h| holdings::position_at(&register.legs_of(*h), date(day)).quantity).sum();
                let signed = |kind: EntryKind| -> i64 {
                    register.entries.iter().map(|(_, m)| {
                        let effective_kind = if m.kind == EntryKind::Reversal {
                            register.entries[(m.reverses_seq.unwrap() - 1) as usize].1.kind
                        } else { m.kind };
                        if effective_kind == kind && m.movement_date <= date(day) { i64::from(m.sign) * m.quantity } else { 0 }
                    }).sum()
                };
                prop_assert_eq!(outstanding, signed(EntryKind::Issue) - signed(EntryKind::Redemption));
            }
        }
    }

    #[test]
    fn a_reversed_entry_leaves_the_register_as_if_it_was_never_posted(ops in proptest::collection::vec(op(), 1..30), pick in 0usize..100) {
        let mut register = Register::new();
        for op in &ops {
            register.propose(op);
        }
        let before: Vec<Vec<Leg>> = register.holders.iter().map(|h| register.legs_of(*h)).collect();
        let count = register.entries.len();
        if register.propose(&Op::Reversal { pick }) {
            let target_seq = register.entries[count].1.reverses_seq.unwrap();
            let target = register.entries[(target_seq - 1) as usize].1.clone();
            for (i, h) in register.holders.clone().iter().enumerate() {
                for day in 0u32..=70 {
                    let with_reversal = holdings::position_at(&register.legs_of(*h), date(day));
                                        let mut expected = holdings::position_at(&before[i], date(day));
                    for (holder, leg) in target.legs() {
                        if holder == *h && leg.date <= date(day) {
                            expected.quantity -= leg.quantity;
                            expected.paid_cents -= leg.paid_cents;
                            expected.capital_cents -= leg.capital_cents;
                        }
                    }
                    prop_assert_eq!(with_reversal, expected);
                }
            }
        }
    }
}
