//! The share ledger: what a requested entry means for the register, and whether it may be
//! posted. Plain functions over data the storage layer has loaded; no I/O here.
//!
//! Posting is two steps. The edge turns JSON into an [`EntryDraft`] (validated types only).
//! Storage loads the [`PlanContext`] the draft needs (class terms, the holders' legs in that
//! class, the entry a reversal cancels) and calls [`plan`], which returns the [`Movement`] to
//! store or the rule it would break. The database checks the same rules again on insert.

use chrono::NaiveDate;
use serde::Serialize;

use crate::holdings::{self, Leg, Violation};
use crate::ids::{EntryId, ShareClassId, ShareholderId};
use crate::money::{Money, ShareCount};
use crate::types::{EntryKind, ShareholderStatus, TransferRule};

/// Longest free text (reason, external reference) kept on an entry.
pub const TEXT_MAX_CHARS: usize = 500;

/// A validated request for one ledger entry.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryDraft {
    pub action: DraftAction,
    /// The legal date. Required for everything but a reversal, which defaults to today.
    pub effective_date: Option<NaiveDate>,
    pub reason: Option<String>,
    pub external_reference: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DraftAction {
    Issue {
        share_class: String,
        to: ShareholderId,
        quantity: ShareCount,
        /// Defaults to the class's issue price.
        price_per_share: Option<Money>,
        /// Paid up at issue; defaults to the full subscription.
        paid: Option<Money>,
    },
    Transfer {
        share_class: String,
        from: ShareholderId,
        to: ShareholderId,
        quantity: ShareCount,
        /// What the buyer paid the seller, if the register should show it.
        price_per_share: Option<Money>,
        /// The capital the shares take with them; `None` for their share of the holding.
        moved: Option<CapitalMoved>,
    },
    Redemption {
        share_class: String,
        from: ShareholderId,
        quantity: ShareCount,
        /// What the cooperative repays.
        amount: Money,
        /// The capital the shares take with them; `None` for their share of the holding.
        moved: Option<CapitalMoved>,
    },
    Payment {
        share_class: String,
        to: ShareholderId,
        amount: Money,
    },
    Reversal {
        reverses: EntryId,
    },
}

/// The subscribed and paid-up capital that shares leaving a holding take with them, as a
/// register brought in from elsewhere recorded it. An entry posted in DAR leaves it out:
/// the shares then take their share, pro rata, of the holding on the entry's date. An
/// imported history gives it because it posts entries in date order, and a holding on a
/// date may then include entries that were back-dated after the original was posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapitalMoved {
    pub capital: Money,
    pub paid: Money,
}

impl EntryDraft {
    pub fn kind(&self) -> EntryKind {
        match self.action {
            DraftAction::Issue { .. } => EntryKind::Issue,
            DraftAction::Transfer { .. } => EntryKind::Transfer,
            DraftAction::Redemption { .. } => EntryKind::Redemption,
            DraftAction::Payment { .. } => EntryKind::Payment,
            DraftAction::Reversal { .. } => EntryKind::Reversal,
        }
    }

    /// The class code the draft names; a reversal takes the class of the entry it cancels.
    pub fn share_class(&self) -> Option<&str> {
        match &self.action {
            DraftAction::Issue { share_class, .. }
            | DraftAction::Transfer { share_class, .. }
            | DraftAction::Redemption { share_class, .. }
            | DraftAction::Payment { share_class, .. } => Some(share_class),
            DraftAction::Reversal { .. } => None,
        }
    }

    /// The holders the draft names, as (from, to).
    pub fn holders(&self) -> (Option<ShareholderId>, Option<ShareholderId>) {
        match &self.action {
            DraftAction::Issue { to, .. } | DraftAction::Payment { to, .. } => (None, Some(*to)),
            DraftAction::Transfer { from, to, .. } => (Some(*from), Some(*to)),
            DraftAction::Redemption { from, .. } => (Some(*from), None),
            DraftAction::Reversal { .. } => (None, None),
        }
    }
}

/// The terms of a share class that the ledger rules need.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassTerms {
    pub id: ShareClassId,
    pub code: String,
    pub issue_price: Money,
    pub transfer_rule: TransferRule,
    pub max_shares_per_holder: Option<i64>,
}

/// A holder as the rules see it: who they are (for the messages), since when they are a
/// member, their status and every leg they have in the class concerned.
#[derive(Clone, Debug, PartialEq)]
pub struct HolderState {
    pub id: ShareholderId,
    pub label: HolderLabel,
    pub admitted: NaiveDate,
    pub status: ShareholderStatus,
    pub legs: Vec<Leg>,
}

/// A holder as a refusal names them: the way the register itself does, by name and
/// register number, not by an internal id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolderLabel {
    pub register_number: i64,
    pub name: String,
}

impl std::fmt::Display for HolderLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.name.is_empty() {
            write!(f, "shareholder no. {}", self.register_number)
        } else {
            write!(f, "{} (no. {})", self.name, self.register_number)
        }
    }
}

/// The dates that bound what may be posted: not on or before `locked_until`, not after `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub today: NaiveDate,
    pub locked_until: Option<NaiveDate>,
}

/// What one entry does to the register; the stored row is this plus sequence and hashes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub kind: EntryKind,
    pub effective_date: NaiveDate,
    /// When the holdings change: the effective date, or for a reversal the cancelled entry's.
    pub movement_date: NaiveDate,
    pub share_class_id: ShareClassId,
    pub quantity: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
    pub price_per_share_cents: Option<i64>,
    pub amount_cents: Option<i64>,
    pub from: Option<ShareholderId>,
    pub to: Option<ShareholderId>,
    /// -1 only for a reversal: the movement runs backwards.
    pub sign: i32,
    pub reverses_seq: Option<i64>,
    pub reason: Option<String>,
    pub external_reference: Option<String>,
}

impl Movement {
    /// The legs this movement adds, as (holder, leg).
    pub fn legs(&self) -> Vec<(ShareholderId, Leg)> {
        let s = i64::from(self.sign);
        let leg = |sign: i64| Leg {
            date: self.movement_date,
            quantity: sign * self.quantity,
            capital_cents: sign * self.capital_cents,
            paid_cents: sign * self.paid_cents,
        };
        let mut out = Vec::with_capacity(2);
        if let Some(to) = self.to {
            out.push((to, leg(s)));
        }
        if let Some(from) = self.from {
            out.push((from, leg(-s)));
        }
        out
    }
}

/// An earlier entry that a reversal wants to cancel.
#[derive(Clone, Debug, PartialEq)]
pub struct ReversalTarget {
    pub seq: i64,
    pub movement: Movement,
    pub already_reversed: bool,
}

/// Everything `plan` needs beyond the draft.
#[derive(Clone, Debug)]
pub struct PlanContext {
    pub period: Period,
    pub class: ClassTerms,
    pub from: Option<HolderState>,
    pub to: Option<HolderState>,
    pub reversal_target: Option<ReversalTarget>,
}

/// Which rule of a class a holding would break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldingRule {
    /// More paid up than subscribed.
    PaidAboveCapital,
    /// More shares than the class allows one holder.
    AboveMaximum { max: i64 },
}

impl std::fmt::Display for HoldingRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HoldingRule::PaidAboveCapital => {
                f.write_str("the paid-up amount would exceed the subscribed capital")
            }
            HoldingRule::AboveMaximum { max } => write!(
                f,
                "the class's maximum number of shares per holder ({max}) would be exceeded"
            ),
        }
    }
}

/// Why an entry may not be posted. Each variant is one rule of SPEC §2.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("effective_date is required")]
    MissingEffectiveDate,
    #[error("{date} lies in the closed period (the register is locked up to {locked_until})")]
    PeriodLocked {
        date: NaiveDate,
        locked_until: NaiveDate,
    },
    #[error("{date} is in the future (today is {today})")]
    FutureDate { date: NaiveDate, today: NaiveDate },
    #[error("{date} lies before {floor}, the earliest date a register can speak of")]
    BeforeRegisterEpoch { date: NaiveDate, floor: NaiveDate },
    #[error("{holder} was admitted on {admitted}; an entry for them cannot be dated {date}")]
    BeforeAdmission {
        holder: HolderLabel,
        admitted: NaiveDate,
        date: NaiveDate,
    },
    #[error("{holder} holds too few shares of class {class} on {date}: {available} available")]
    InsufficientShares {
        holder: HolderLabel,
        class: String,
        date: NaiveDate,
        available: i64,
    },
    #[error("the holding of {holder} in class {class} would break on {date}: {rule}")]
    HoldingRule {
        holder: HolderLabel,
        class: String,
        date: NaiveDate,
        rule: HoldingRule,
    },
    #[error("{holder} is {status} and cannot receive shares")]
    HolderNotActive {
        holder: HolderLabel,
        status: ShareholderStatus,
    },
    #[error("a transfer needs two different shareholders")]
    SameHolder,
    #[error("shares of class {class} are not transferable")]
    NotTransferable { class: String },
    #[error(
        "a transfer of class {class} needs board approval: give the decision as external_reference"
    )]
    ApprovalRequired { class: String },
    #[error("paid ({paid}) exceeds the subscription ({subscription})")]
    PaidAboveSubscription { paid: Money, subscription: Money },
    #[error(
        "the repayment ({amount}) exceeds the paid-up capital of the redeemed shares ({paid_up})"
    )]
    RepaymentAbovePaidUp { amount: Money, paid_up: Money },
    #[error(
        "the capital given for the shares ({capital} subscribed, {paid} paid up) does not fit the holding of {holder} in class {class} on {date} ({held_capital} subscribed, {held_paid} paid up)"
    )]
    CapitalMovedMismatch {
        holder: HolderLabel,
        class: String,
        date: NaiveDate,
        capital: Money,
        paid: Money,
        held_capital: Money,
        held_paid: Money,
    },
    #[error("the amount is too large")]
    AmountTooLarge,
    #[error("a payment must be more than zero")]
    ZeroPayment,
    #[error("entry {seq} is itself a reversal; post the entry again instead")]
    ReversalOfReversal { seq: i64 },
    #[error("entry {seq} is already reversed")]
    AlreadyReversed { seq: i64 },
    #[error("a reversal cannot be dated before the entry it cancels ({date})")]
    ReversalBeforeEntry { date: NaiveDate },
    #[error("a reversal needs a reason")]
    ReasonRequired,
    #[error("{field} is longer than {max} characters")]
    TextTooLong { field: &'static str, max: usize },
}

impl LedgerError {
    /// The request field the refusal is about, so a form can show it next to that field.
    pub fn field(&self) -> &'static str {
        match self {
            LedgerError::MissingEffectiveDate
            | LedgerError::PeriodLocked { .. }
            | LedgerError::FutureDate { .. }
            | LedgerError::BeforeRegisterEpoch { .. }
            | LedgerError::BeforeAdmission { .. }
            | LedgerError::ReversalBeforeEntry { .. } => "effective_date",
            LedgerError::InsufficientShares { .. } | LedgerError::HoldingRule { .. } => "quantity",
            LedgerError::CapitalMovedMismatch { .. } => "capital",
            LedgerError::HolderNotActive { .. } | LedgerError::SameHolder => "to",
            LedgerError::NotTransferable { .. } => "share_class",
            LedgerError::ApprovalRequired { .. } => "external_reference",
            LedgerError::PaidAboveSubscription { .. } => "paid",
            LedgerError::RepaymentAbovePaidUp { .. }
            | LedgerError::AmountTooLarge
            | LedgerError::ZeroPayment => "amount",
            LedgerError::ReversalOfReversal { .. } | LedgerError::AlreadyReversed { .. } => {
                "reverses"
            }
            LedgerError::ReasonRequired => "reason",
            LedgerError::TextTooLong { field, .. } => field,
        }
    }
}

/// Decides what `draft` does to the register, or which rule it would break.
pub fn plan(draft: &EntryDraft, ctx: &PlanContext) -> Result<Movement, LedgerError> {
    check_text("reason", draft.reason.as_deref())?;
    check_text("external_reference", draft.external_reference.as_deref())?;
    let class = &ctx.class;
    let movement = match &draft.action {
        DraftAction::Reversal { .. } => plan_reversal(draft, ctx)?,
        action => {
            let date = draft
                .effective_date
                .ok_or(LedgerError::MissingEffectiveDate)?;
            check_period(date, &ctx.period)?;
            check_admission(date, ctx)?;
            let base = Movement {
                kind: draft.kind(),
                effective_date: date,
                movement_date: date,
                share_class_id: class.id,
                quantity: 0,
                capital_cents: 0,
                paid_cents: 0,
                price_per_share_cents: None,
                amount_cents: None,
                from: None,
                to: None,
                sign: 1,
                reverses_seq: None,
                reason: draft.reason.clone(),
                external_reference: draft.external_reference.clone(),
            };
            match action {
                DraftAction::Issue {
                    to,
                    quantity,
                    price_per_share,
                    paid,
                    ..
                } => {
                    let price = price_per_share.unwrap_or(class.issue_price);
                    let subscription = price
                        .checked_mul(quantity.get())
                        .ok_or(LedgerError::AmountTooLarge)?;
                    let paid = paid.unwrap_or(subscription);
                    if paid > subscription {
                        return Err(LedgerError::PaidAboveSubscription { paid, subscription });
                    }
                    Movement {
                        to: Some(*to),
                        quantity: quantity.get(),
                        capital_cents: subscription.cents(),
                        paid_cents: paid.cents(),
                        price_per_share_cents: Some(price.cents()),
                        amount_cents: Some(subscription.cents()),
                        ..base
                    }
                }
                DraftAction::Transfer {
                    from,
                    to,
                    quantity,
                    price_per_share,
                    moved,
                    ..
                } => {
                    if from == to {
                        return Err(LedgerError::SameHolder);
                    }
                    match class.transfer_rule {
                        TransferRule::Free => {}
                        TransferRule::NotTransferable => {
                            return Err(LedgerError::NotTransferable {
                                class: class.code.clone(),
                            });
                        }
                        TransferRule::Approval if draft.external_reference.is_none() => {
                            return Err(LedgerError::ApprovalRequired {
                                class: class.code.clone(),
                            });
                        }
                        TransferRule::Approval => {}
                    }
                    let (capital, paid) =
                        outgoing(ctx.from.as_ref(), class, date, quantity.get(), *moved)?;
                    let amount = match price_per_share {
                        Some(p) => Some(
                            p.checked_mul(quantity.get())
                                .ok_or(LedgerError::AmountTooLarge)?
                                .cents(),
                        ),
                        None => None,
                    };
                    Movement {
                        from: Some(*from),
                        to: Some(*to),
                        quantity: quantity.get(),
                        capital_cents: capital,
                        paid_cents: paid,
                        price_per_share_cents: price_per_share.map(|p| p.cents()),
                        amount_cents: amount,
                        ..base
                    }
                }
                DraftAction::Redemption {
                    from,
                    quantity,
                    amount,
                    moved,
                    ..
                } => {
                    let (capital, paid) =
                        outgoing(ctx.from.as_ref(), class, date, quantity.get(), *moved)?;
                    if amount.cents() > paid {
                        let paid_up =
                            Money::from_cents(paid).map_err(|_| LedgerError::AmountTooLarge)?;
                        return Err(LedgerError::RepaymentAbovePaidUp {
                            amount: *amount,
                            paid_up,
                        });
                    }
                    Movement {
                        from: Some(*from),
                        quantity: quantity.get(),
                        capital_cents: capital,
                        paid_cents: paid,
                        amount_cents: Some(amount.cents()),
                        ..base
                    }
                }
                DraftAction::Payment { to, amount, .. } => {
                    if amount.cents() == 0 {
                        return Err(LedgerError::ZeroPayment);
                    }
                    Movement {
                        to: Some(*to),
                        paid_cents: amount.cents(),
                        amount_cents: Some(amount.cents()),
                        ..base
                    }
                }
                DraftAction::Reversal { .. } => plan_reversal(draft, ctx)?,
            }
        }
    };
    check_receiver(&movement, ctx)?;
    check_holders(&movement, ctx)?;
    Ok(movement)
}

fn plan_reversal(draft: &EntryDraft, ctx: &PlanContext) -> Result<Movement, LedgerError> {
    let target = ctx
        .reversal_target
        .as_ref()
        .expect("storage loads the reversal target before planning a reversal");
    if target.movement.kind == EntryKind::Reversal {
        return Err(LedgerError::ReversalOfReversal { seq: target.seq });
    }
    if target.already_reversed {
        return Err(LedgerError::AlreadyReversed { seq: target.seq });
    }
    if draft.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(LedgerError::ReasonRequired);
    }
    let date = draft.effective_date.unwrap_or(ctx.period.today);
    check_period(date, &ctx.period)?;
    // Cancelling an entry changes the register from that entry's own date: that date must
    // still be open too.
    check_period(target.movement.movement_date, &ctx.period)?;
    if date < target.movement.movement_date {
        return Err(LedgerError::ReversalBeforeEntry {
            date: target.movement.movement_date,
        });
    }
    Ok(Movement {
        kind: EntryKind::Reversal,
        effective_date: date,
        sign: -1,
        reverses_seq: Some(target.seq),
        reason: draft.reason.clone(),
        external_reference: draft.external_reference.clone(),
        ..target.movement.clone()
    })
}

/// The subscribed and paid-up capital that leave a holding with `quantity` shares on `date`:
/// the holding's own amounts pro rata, so that partly paid shares carry what was paid on them.
fn outgoing_share(
    holder: Option<&HolderState>,
    class: &ClassTerms,
    date: NaiveDate,
    quantity: i64,
) -> Result<(i64, i64), LedgerError> {
    let holder = holder.expect("storage loads the giving holder before planning");
    let available = holdings::available_from(&holder.legs, date);
    let at_date = holdings::position_at(&holder.legs, date);
    if quantity > available || quantity > at_date.quantity {
        return Err(LedgerError::InsufficientShares {
            holder: holder.label.clone(),
            class: class.code.clone(),
            date,
            available: available.clamp(0, at_date.quantity.max(0)),
        });
    }
    let share = |amount: i64| -> i64 {
        // `quantity <= at_date.quantity` was checked above, so this never exceeds `amount`.
        (i128::from(amount) * i128::from(quantity) / i128::from(at_date.quantity)) as i64
    };
    Ok((share(at_date.capital_cents), share(at_date.paid_cents)))
}

/// The capital outgoing shares take: `moved` when given and it fits the holding on the
/// date (no more than it holds, paid up no more than subscribed, and all of it when all
/// the shares go), else their share, pro rata.
fn outgoing(
    holder: Option<&HolderState>,
    class: &ClassTerms,
    date: NaiveDate,
    quantity: i64,
    moved: Option<CapitalMoved>,
) -> Result<(i64, i64), LedgerError> {
    let share = outgoing_share(holder, class, date, quantity)?;
    let (Some(moved), Some(holder)) = (moved, holder) else {
        return Ok(share);
    };
    let held = holdings::position_at(&holder.legs, date);
    let (capital, paid) = (moved.capital.cents(), moved.paid.cents());
    let all = quantity == held.quantity;
    let fits = paid <= capital
        && capital <= held.capital_cents
        && paid <= held.paid_cents
        && (!all || (capital == held.capital_cents && paid == held.paid_cents));
    if fits {
        return Ok((capital, paid));
    }
    let money = |cents: i64| Money::from_cents(cents).map_err(|_| LedgerError::AmountTooLarge);
    Err(LedgerError::CapitalMovedMismatch {
        holder: holder.label.clone(),
        class: class.code.clone(),
        date,
        capital: moved.capital,
        paid: moved.paid,
        held_capital: money(held.capital_cents)?,
        held_paid: money(held.paid_cents)?,
    })
}

fn check_receiver(movement: &Movement, ctx: &PlanContext) -> Result<(), LedgerError> {
    // Reversals only undo; anything else must not hand shares to someone who left.
    if movement.kind == EntryKind::Reversal || movement.quantity == 0 {
        return Ok(());
    }
    if let (Some(_), Some(to)) = (movement.to, ctx.to.as_ref())
        && to.status != ShareholderStatus::Active
    {
        return Err(LedgerError::HolderNotActive {
            holder: to.label.clone(),
            status: to.status,
        });
    }
    Ok(())
}

/// Nobody holds shares before they were admitted: an entry dated earlier is a typo in the
/// date or the wrong holder. Reversals take the cancelled entry's date and are exempt.
fn check_admission(date: NaiveDate, ctx: &PlanContext) -> Result<(), LedgerError> {
    for holder in [ctx.from.as_ref(), ctx.to.as_ref()].into_iter().flatten() {
        if date < holder.admitted {
            return Err(LedgerError::BeforeAdmission {
                holder: holder.label.clone(),
                admitted: holder.admitted,
                date,
            });
        }
    }
    Ok(())
}

/// Every holder the movement touches must keep the rules at every date afterwards.
fn check_holders(movement: &Movement, ctx: &PlanContext) -> Result<(), LedgerError> {
    for (holder_id, leg) in movement.legs() {
        if ctx.class.max_shares_per_holder.is_none() && only_grows(&leg) {
            continue;
        }
        let state = [ctx.from.as_ref(), ctx.to.as_ref()]
            .into_iter()
            .flatten()
            .find(|h| h.id == holder_id)
            .expect("storage loads every holder a movement touches");
        let mut legs = state.legs.clone();
        legs.push(leg);
        if let Some((date, violation)) =
            holdings::first_violation(&legs, ctx.class.max_shares_per_holder)
        {
            let class = ctx.class.code.clone();
            let holder = state.label.clone();
            return Err(match violation {
                Violation::NegativeQuantity => LedgerError::InsufficientShares {
                    holder,
                    class,
                    date,
                    available: holdings::available_from(&state.legs, movement.movement_date).max(0),
                },
                Violation::PaidAboveCapital => LedgerError::HoldingRule {
                    holder,
                    class,
                    date,
                    rule: HoldingRule::PaidAboveCapital,
                },
                Violation::AboveMaximum { max } => LedgerError::HoldingRule {
                    holder,
                    class,
                    date,
                    rule: HoldingRule::AboveMaximum { max },
                },
            });
        }
    }
    Ok(())
}

/// A leg that adds shares, subscribed and paid-up capital, paying no more than it
/// subscribes, cannot make any date of a valid holding invalid: every running sum only
/// grows, and paid-up grows no faster than subscribed. Such legs need no history to check.
pub fn only_grows(leg: &Leg) -> bool {
    leg.quantity >= 0
        && leg.capital_cents >= 0
        && leg.paid_cents >= 0
        && leg.paid_cents <= leg.capital_cents
}

/// Whether the rules need the receiving holder's history for `draft`: only when the class
/// caps holdings per holder, or the entry can shrink or overpay the receiver's position
/// (a payment, or a reversal, which runs backwards). Storage skips the read otherwise.
pub fn receiver_needs_history(draft: &EntryDraft, class: &ClassTerms) -> bool {
    class.max_shares_per_holder.is_some()
        || matches!(
            draft.action,
            DraftAction::Payment { .. } | DraftAction::Reversal { .. }
        )
}

fn check_period(date: NaiveDate, period: &Period) -> Result<(), LedgerError> {
    if date < crate::time::REGISTER_EPOCH {
        return Err(LedgerError::BeforeRegisterEpoch {
            date,
            floor: crate::time::REGISTER_EPOCH,
        });
    }
    if let Some(locked_until) = period.locked_until
        && date <= locked_until
    {
        return Err(LedgerError::PeriodLocked { date, locked_until });
    }
    if date > period.today {
        return Err(LedgerError::FutureDate {
            date,
            today: period.today,
        });
    }
    Ok(())
}

fn check_text(field: &'static str, value: Option<&str>) -> Result<(), LedgerError> {
    match value {
        Some(v) if v.chars().count() > TEXT_MAX_CHARS => Err(LedgerError::TextTooLong {
            field,
            max: TEXT_MAX_CHARS,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn class(rule: TransferRule) -> ClassTerms {
        ClassTerms {
            id: ShareClassId::new(),
            code: "B".into(),
            issue_price: Money::from_cents(5000).unwrap(),
            transfer_rule: rule,
            max_shares_per_holder: None,
        }
    }

    fn holder(legs: Vec<Leg>) -> HolderState {
        HolderState {
            id: ShareholderId::new(),
            label: HolderLabel {
                register_number: 1,
                name: "Janssens, Anna".into(),
            },
            admitted: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
            status: ShareholderStatus::Active,
            legs,
        }
    }

    fn leg(date: &str, quantity: i64, capital_cents: i64, paid_cents: i64) -> Leg {
        Leg {
            date: d(date),
            quantity,
            capital_cents,
            paid_cents,
        }
    }

    fn ctx(class: ClassTerms, from: Option<HolderState>, to: Option<HolderState>) -> PlanContext {
        PlanContext {
            period: Period {
                today: d("2025-12-31"),
                locked_until: Some(d("2024-12-31")),
            },
            class,
            from,
            to,
            reversal_target: None,
        }
    }

    fn draft(action: DraftAction, date: &str) -> EntryDraft {
        EntryDraft {
            action,
            effective_date: Some(d(date)),
            reason: Some("r".into()),
            external_reference: None,
        }
    }

    #[test]
    fn an_issue_subscribes_quantity_times_the_class_price_fully_paid_by_default() {
        let to = holder(vec![]);
        let action = DraftAction::Issue {
            share_class: "B".into(),
            to: to.id,
            quantity: ShareCount::new(4).unwrap(),
            price_per_share: None,
            paid: None,
        };
        let m = plan(
            &draft(action, "2025-02-01"),
            &ctx(class(TransferRule::Free), None, Some(to)),
        )
        .unwrap();
        assert_eq!(
            (m.quantity, m.capital_cents, m.paid_cents),
            (4, 20000, 20000)
        );
    }

    #[test]
    fn paying_more_than_the_subscription_at_issue_is_refused() {
        let to = holder(vec![]);
        let action = DraftAction::Issue {
            share_class: "B".into(),
            to: to.id,
            quantity: ShareCount::new(1).unwrap(),
            price_per_share: None,
            paid: Some(Money::from_cents(5001).unwrap()),
        };
        let err = plan(
            &draft(action, "2025-02-01"),
            &ctx(class(TransferRule::Free), None, Some(to)),
        )
        .unwrap_err();
        assert!(matches!(err, LedgerError::PaidAboveSubscription { .. }));
    }

    #[test]
    fn a_transfer_carries_the_paid_up_capital_pro_rata() {
        // 10 shares of 50.00, 250.00 paid: moving 4 moves 200.00 subscribed and 100.00 paid.
        let from = holder(vec![leg("2025-01-01", 10, 50000, 25000)]);
        let to = holder(vec![]);
        let action = DraftAction::Transfer {
            share_class: "B".into(),
            from: from.id,
            to: to.id,
            quantity: ShareCount::new(4).unwrap(),
            price_per_share: None,
            moved: None,
        };
        let m = plan(
            &draft(action, "2025-02-01"),
            &ctx(class(TransferRule::Free), Some(from), Some(to)),
        )
        .unwrap();
        assert_eq!((m.capital_cents, m.paid_cents), (20000, 10000));
    }

    fn transfer_moving(quantity: i64, capital: i64, paid: i64) -> (DraftAction, PlanContext) {
        // 10 shares: 4 of 100.00 and 6 of 50.00, 500.00 paid.
        let from = holder(vec![leg("2025-01-01", 10, 70000, 50000)]);
        let to = holder(vec![]);
        let action = DraftAction::Transfer {
            share_class: "B".into(),
            from: from.id,
            to: to.id,
            quantity: ShareCount::new(quantity).unwrap(),
            price_per_share: None,
            moved: Some(CapitalMoved {
                capital: Money::from_cents(capital).unwrap(),
                paid: Money::from_cents(paid).unwrap(),
            }),
        };
        (action, ctx(class(TransferRule::Free), Some(from), Some(to)))
    }

    #[test]
    fn capital_given_for_outgoing_shares_is_kept_when_it_fits_the_holding() {
        let (action, ctx) = transfer_moving(4, 40000, 20000);
        let m = plan(&draft(action, "2025-02-01"), &ctx).unwrap();
        assert_eq!((m.capital_cents, m.paid_cents), (40000, 20000));
    }

    #[test]
    fn capital_given_for_all_the_shares_must_be_all_of_the_holding() {
        let (action, ctx) = transfer_moving(10, 60000, 50000);
        let err = plan(&draft(action, "2025-02-01"), &ctx).unwrap_err();
        assert!(
            matches!(err, LedgerError::CapitalMovedMismatch { .. }),
            "{err}"
        );
        assert_eq!(err.field(), "capital");
    }

    #[test]
    fn capital_given_above_the_holding_or_paid_above_it_is_refused() {
        for (capital, paid) in [(70001, 100), (30000, 30001), (60000, 50001)] {
            let (action, ctx) = transfer_moving(4, capital, paid);
            let err = plan(&draft(action, "2025-02-01"), &ctx).unwrap_err();
            assert!(
                matches!(err, LedgerError::CapitalMovedMismatch { .. }),
                "{err}"
            );
        }
    }

    #[test]
    fn an_entry_on_the_locked_date_is_refused() {
        let to = holder(vec![]);
        let action = DraftAction::Payment {
            share_class: "B".into(),
            to: to.id,
            amount: Money::from_cents(1).unwrap(),
        };
        let err = plan(
            &draft(action, "2024-12-31"),
            &ctx(class(TransferRule::Free), None, Some(to)),
        )
        .unwrap_err();
        assert!(matches!(err, LedgerError::PeriodLocked { .. }));
    }

    #[test]
    fn a_repayment_above_the_paid_up_capital_of_the_redeemed_shares_is_refused() {
        let from = holder(vec![leg("2025-01-01", 2, 10000, 5000)]);
        let action = DraftAction::Redemption {
            share_class: "B".into(),
            from: from.id,
            quantity: ShareCount::new(2).unwrap(),
            amount: Money::from_cents(5001).unwrap(),
            moved: None,
        };
        let err = plan(
            &draft(action, "2025-06-30"),
            &ctx(class(TransferRule::Free), Some(from), None),
        )
        .unwrap_err();
        assert!(matches!(err, LedgerError::RepaymentAbovePaidUp { .. }));
    }

    #[test]
    fn shares_cannot_go_to_someone_who_left() {
        let from = holder(vec![leg("2025-01-01", 2, 10000, 10000)]);
        let mut to = holder(vec![]);
        to.status = ShareholderStatus::Exited;
        let action = DraftAction::Transfer {
            share_class: "B".into(),
            from: from.id,
            to: to.id,
            quantity: ShareCount::new(1).unwrap(),
            price_per_share: None,
            moved: None,
        };
        let err = plan(
            &draft(action, "2025-02-01"),
            &ctx(class(TransferRule::Free), Some(from), Some(to)),
        )
        .unwrap_err();
        assert!(matches!(err, LedgerError::HolderNotActive { .. }));
    }

    #[test]
    fn a_reversal_of_a_reversal_is_refused() {
        let to = holder(vec![]);
        let reversal = Movement {
            kind: EntryKind::Reversal,
            effective_date: d("2025-03-01"),
            movement_date: d("2025-02-01"),
            share_class_id: ShareClassId::new(),
            quantity: 1,
            capital_cents: 0,
            paid_cents: 0,
            price_per_share_cents: None,
            amount_cents: None,
            from: None,
            to: Some(to.id),
            sign: -1,
            reverses_seq: Some(1),
            reason: Some("x".into()),
            external_reference: None,
        };
        let mut c = ctx(class(TransferRule::Free), None, Some(to));
        c.reversal_target = Some(ReversalTarget {
            seq: 2,
            movement: reversal,
            already_reversed: false,
        });
        let err = plan(
            &draft(
                DraftAction::Reversal {
                    reverses: EntryId::new(),
                },
                "2025-03-02",
            ),
            &c,
        )
        .unwrap_err();
        assert!(matches!(err, LedgerError::ReversalOfReversal { seq: 2 }));
    }
}
