//! What happens in the demo cooperative over the years: the schedule of subscriptions,
//! call-up payments, transfers, exits and a double booking reversed, and the register the
//! generator keeps in step with what the ledger posted.

use super::*;

/// What happens on a day, declared in the order things happen within one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Step {
    Subscribe {
        holder: usize,
        partly_paid: bool,
    },
    /// The same subscription booked a second time by mistake, reversed a week later.
    BookTwice(usize),
    Pay(usize),
    TransferB,
    TransferA {
        decided: NaiveDate,
    },
    Exit,
    Reverse,
}

pub(super) fn schedule(
    rng: &mut StdRng,
    plan: &[NewShareholder],
    yesterday: NaiveDate,
) -> Vec<(NaiveDate, Step)> {
    let twice = double_booked(rng, plan);
    let mut steps = Vec::new();
    for (holder, new) in plan.iter().enumerate() {
        let partly_paid = holder != twice && rng.random_bool(PARTLY_PAID);
        steps.push((
            new.admission_date,
            Step::Subscribe {
                holder,
                partly_paid,
            },
        ));
        if partly_paid {
            let called_up = new.admission_date + Days::new(rng.random_range(30..=240));
            steps.push((called_up.min(yesterday), Step::Pay(holder)));
        }
    }
    let booked = plan[twice].admission_date;
    steps.push((booked, Step::BookTwice(twice)));
    steps.push(((booked + Days::new(7)).min(yesterday), Step::Reverse));
    for _ in 0..TRANSFERS_B {
        steps.push((
            random_date(rng, date(2023, 3, 1), yesterday),
            Step::TransferB,
        ));
    }
    for _ in 0..TRANSFERS_A {
        let decided = random_date(rng, date(2024, 1, 15), yesterday - Days::new(30));
        steps.push((
            decided + Days::new(rng.random_range(1..=14)),
            Step::TransferA { decided },
        ));
    }
    steps.extend(
        exit_dates(rng, yesterday)
            .into_iter()
            .map(|d| (d, Step::Exit)),
    );
    steps.sort();
    steps
}

/// A natural person who joined in 2024 or later, whose subscription gets booked twice.
pub(super) fn double_booked(rng: &mut StdRng, plan: &[NewShareholder]) -> usize {
    let candidates: Vec<usize> = (FOUNDERS..plan.len())
        .filter(|&i| plan[i].kind == "natural" && plan[i].admission_date >= date(2024, 1, 1))
        .collect();
    candidates.choose(rng).copied().unwrap_or(plan.len() - 1)
}

/// A member may withdraw only in the first half of the financial year (Belgian company law),
/// so every withdrawal takes effect on 30 June.
pub(super) fn exit_dates(rng: &mut StdRng, yesterday: NaiveDate) -> Vec<NaiveDate> {
    let junes: Vec<NaiveDate> = (2024..=yesterday.year())
        .map(|y| date(y, 6, 30))
        .filter(|d| *d <= yesterday)
        .collect();
    (0..EXITS)
        .filter_map(|_| junes.choose(rng).copied())
        .collect()
}

pub(super) fn entry(date: NaiveDate, action: DraftAction) -> EntryDraft {
    EntryDraft {
        action,
        effective_date: Some(date),
        reason: None,
        external_reference: None,
    }
}

pub(super) fn issue(
    date: NaiveDate,
    class: &str,
    to: ShareholderId,
    quantity: i64,
    paid_cents: Option<i64>,
) -> anyhow::Result<EntryDraft> {
    let action = DraftAction::Issue {
        share_class: class.into(),
        to,
        quantity: ShareCount::new(quantity)?,
        price_per_share: None,
        paid: paid_cents.map(Money::from_cents).transpose()?,
    };
    Ok(entry(date, action))
}

/// A member as the generator tracks it.
pub(super) struct Holder {
    pub(super) id: ShareholderId,
    pub(super) register_number: i64,
    pub(super) name: String,
    pub(super) natural: bool,
    pub(super) founder: bool,
    pub(super) admission: NaiveDate,
    /// Their subscription is booked.
    pub(super) admitted: bool,
    pub(super) active: bool,
    /// Holds a double booking that is still to be reversed: nothing may leave the holding.
    pub(super) protected: bool,
    pub(super) a: Position,
    pub(super) b: Position,
    /// What a partly paid subscriber still owes on class B. Known when the issue is queued,
    /// so the call-up payment can be queued too: nothing changes it meanwhile, since only
    /// paid-up shares leave a holding.
    pub(super) due_cents: i64,
}

impl Holder {
    pub(super) fn from_row(index: usize, row: &ShareholderRow) -> anyhow::Result<Self> {
        Ok(Holder {
            id: row.id.parse()?,
            register_number: row.register_number,
            name: row.display_name(),
            natural: row.kind == "natural",
            founder: index < FOUNDERS,
            admission: row.admission_date,
            admitted: false,
            active: true,
            protected: false,
            a: Position::default(),
            b: Position::default(),
            due_cents: 0,
        })
    }

    /// Only fully paid-up shares leave a holding, so a payment due stays with the subscriber.
    pub(super) fn may_give(&self) -> bool {
        let paid_up = |p: &Position| p.paid_cents == p.capital_cents;
        self.active && self.admitted && !self.protected && paid_up(&self.a) && paid_up(&self.b)
    }

    pub(super) fn may_receive(&self) -> bool {
        self.active && self.admitted
    }
}

/// The register as the generator knows it, kept in step with what the ledger posted.
pub(super) struct Register {
    pub(super) tenant: TenantId,
    pub(super) class_a: ShareClassId,
    pub(super) holders: Vec<Holder>,
    pub(super) by_id: HashMap<ShareholderId, usize>,
    pub(super) entries: usize,
    /// The double booking still to reverse, and whose it is.
    pub(super) double_booking: Option<(usize, EntryId)>,
    /// Issues of new members not posted yet: they need nothing the register knows, so they
    /// go to the ledger a thousand at a time.
    pub(super) pending: Vec<EntryDraft>,
}

impl Register {
    pub(super) fn new(
        tenant: TenantId,
        class_a: ShareClassId,
        rows: &[ShareholderRow],
    ) -> anyhow::Result<Self> {
        let holders = rows
            .iter()
            .enumerate()
            .map(|(i, row)| Holder::from_row(i, row))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let by_id = holders.iter().enumerate().map(|(i, h)| (h.id, i)).collect();
        Ok(Register {
            tenant,
            class_a,
            holders,
            by_id,
            entries: 0,
            double_booking: None,
            pending: Vec::new(),
        })
    }

    pub(super) fn run(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
        step: Step,
    ) -> anyhow::Result<()> {
        if !matches!(step, Step::Subscribe { .. } | Step::Pay(_)) {
            // Every other step reads positions, which the queued entries change.
            self.flush(conn)?;
        }
        match step {
            Step::Subscribe {
                holder,
                partly_paid,
            } => self.subscribe(conn, rng, date, holder, partly_paid),
            Step::BookTwice(holder) => self.book_twice(conn, date, holder),
            Step::Pay(holder) => self.pay(conn, date, holder),
            Step::TransferB => self.transfer_b(conn, rng, date),
            Step::TransferA { decided } => self.transfer_a(conn, rng, date, decided),
            Step::Exit => self.exit(conn, rng, date),
            Step::Reverse => self.reverse(conn, date),
        }
    }

    pub(super) fn subscribe(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
        holder: usize,
        partly_paid: bool,
    ) -> anyhow::Result<()> {
        let id = self.holders[holder].id;
        let quantity = if rng.random_bool(0.7) {
            rng.random_range(1..=10)
        } else {
            rng.random_range(11..=40)
        };
        // Partly paid members pay half at subscription and the rest when it is called up.
        let paid = partly_paid.then_some(quantity * B_PRICE_CENTS / 2);
        self.holders[holder].due_cents = paid.map_or(0, |paid| quantity * B_PRICE_CENTS - paid);
        self.queue(conn, issue(date, "B", id, quantity, paid)?)?;
        if self.holders[holder].founder {
            self.queue(conn, issue(date, "A", id, rng.random_range(1..=4), None)?)?;
        }
        self.holders[holder].admitted = true;
        Ok(())
    }

    pub(super) fn book_twice(
        &mut self,
        conn: &mut DbConnection,
        date: NaiveDate,
        holder: usize,
    ) -> anyhow::Result<()> {
        let h = &mut self.holders[holder];
        h.protected = true;
        let draft = issue(date, "B", h.id, h.b.quantity, None)?;
        let record = self.post(conn, draft)?;
        self.double_booking = Some((holder, record.id));
        Ok(())
    }

    pub(super) fn reverse(
        &mut self,
        conn: &mut DbConnection,
        date: NaiveDate,
    ) -> anyhow::Result<()> {
        let Some((holder, target)) = self.double_booking.take() else {
            return Ok(());
        };
        let draft = EntryDraft {
            reason: Some("Inschrijving per vergissing twee keer geboekt".into()),
            ..entry(date, DraftAction::Reversal { reverses: target })
        };
        self.post(conn, draft)?;
        self.holders[holder].protected = false;
        Ok(())
    }

    pub(super) fn pay(
        &mut self,
        conn: &mut DbConnection,
        date: NaiveDate,
        holder: usize,
    ) -> anyhow::Result<()> {
        let h = &self.holders[holder];
        let due = h.due_cents;
        if due <= 0 {
            return Ok(());
        }
        let communication = StructuredCommunication::from_base(u64::try_from(h.register_number)?);
        let draft = EntryDraft {
            reason: Some("Volstorting".into()),
            external_reference: Some(communication.to_string()),
            ..entry(
                date,
                DraftAction::Payment {
                    share_class: "B".into(),
                    to: h.id,
                    amount: Money::from_cents(due)?,
                },
            )
        };
        self.holders[holder].due_cents = 0;
        self.queue(conn, draft)
    }

    pub(super) fn transfer_b(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
    ) -> anyhow::Result<()> {
        // The giver keeps at least one share, and with it their membership.
        let Some(from) = self.pick(rng, |_, h| h.may_give() && h.b.quantity >= 2) else {
            return Ok(());
        };
        let Some(to) = self.pick(rng, |i, h| i != from && h.may_receive()) else {
            return Ok(());
        };
        let quantity = rng.random_range(1..=(self.holders[from].b.quantity - 1).min(10));
        let sold = rng.random_bool(0.5);
        let action = DraftAction::Transfer {
            share_class: "B".into(),
            from: self.holders[from].id,
            to: self.holders[to].id,
            quantity: ShareCount::new(quantity)?,
            price_per_share: sold.then_some(Money::from_cents(B_PRICE_CENTS)?),
            moved: None,
        };
        let reason = if sold {
            "Verkoop tussen vennoten"
        } else {
            "Schenking"
        };
        self.post(
            conn,
            EntryDraft {
                reason: Some(reason.into()),
                ..entry(date, action)
            },
        )?;
        Ok(())
    }

    pub(super) fn transfer_a(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
        decided: NaiveDate,
    ) -> anyhow::Result<()> {
        let Some(from) = self.pick(rng, |_, h| h.may_give() && h.a.quantity >= 2) else {
            return Ok(());
        };
        let quantity = rng.random_range(1..self.holders[from].a.quantity).min(3);
        let fits = |h: &Holder| h.a.quantity + quantity <= A_MAX_PER_HOLDER;
        let Some(to) = self.pick(rng, |i, h| i != from && h.may_receive() && fits(h)) else {
            return Ok(());
        };
        let action = DraftAction::Transfer {
            share_class: "A".into(),
            from: self.holders[from].id,
            to: self.holders[to].id,
            quantity: ShareCount::new(quantity)?,
            price_per_share: Some(Money::from_cents(A_PRICE_CENTS)?),
            moved: None,
        };
        // Class A needs the board's approval; the decision is the external reference.
        let draft = EntryDraft {
            external_reference: Some(format!("Raad van bestuur {decided}")),
            ..entry(date, action)
        };
        self.post(conn, draft)?;
        Ok(())
    }

    /// A member who joined at least a year before withdraws: every share is redeemed at its
    /// paid-up value and the member leaves the register.
    pub(super) fn exit(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        date: NaiveDate,
    ) -> anyhow::Result<()> {
        let joined_by = date - Days::new(365);
        let eligible =
            |h: &Holder| h.may_give() && !h.founder && h.admission <= joined_by && h.b.quantity > 0;
        let Some(who) = self.pick(rng, |_, h| eligible(h)) else {
            return Ok(());
        };
        let id = self.holders[who].id;
        for (class, position) in [("A", self.holders[who].a), ("B", self.holders[who].b)] {
            if position.quantity == 0 {
                continue;
            }
            let action = DraftAction::Redemption {
                share_class: class.into(),
                from: id,
                quantity: ShareCount::new(position.quantity)?,
                amount: Money::from_cents(position.paid_cents)?,
                moved: None,
            };
            self.post(
                conn,
                EntryDraft {
                    reason: Some("uittreding".into()),
                    ..entry(date, action)
                },
            )?;
        }
        shareholders::set_status(
            conn,
            &self.tenant,
            &id,
            "exited",
            Some(date),
            Some("uittreding".into()),
        )?;
        self.holders[who].active = false;
        Ok(())
    }

    pub(super) fn pick(
        &self,
        rng: &mut StdRng,
        ok: impl Fn(usize, &Holder) -> bool,
    ) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.holders.len())
            .filter(|&i| ok(i, &self.holders[i]))
            .collect();
        candidates.choose(rng).copied()
    }

    /// Queues an entry that needs nothing the register knows; posted by [`Self::flush`].
    pub(super) fn queue(
        &mut self,
        conn: &mut DbConnection,
        draft: EntryDraft,
    ) -> anyhow::Result<()> {
        self.pending.push(draft);
        if self.pending.len() >= ledger::BATCH_MAX_ENTRIES {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Posts the queued entries as one group, through the ledger's bulk path.
    pub(super) fn flush(&mut self, conn: &mut DbConnection) -> anyhow::Result<()> {
        let drafts = std::mem::take(&mut self.pending);
        self.post_all(conn, drafts)?;
        Ok(())
    }

    pub(super) fn post(
        &mut self,
        conn: &mut DbConnection,
        draft: EntryDraft,
    ) -> anyhow::Result<EntryRecord> {
        self.flush(conn)?;
        self.post_all(conn, vec![draft])?
            .pop()
            .context("the ledger answered no entry")
    }

    /// Posts each draft as its own request, all in one group in the load's transaction (no
    /// savepoints), and follows what the ledger posted.
    pub(super) fn post_all(
        &mut self,
        conn: &mut DbConnection,
        drafts: Vec<EntryDraft>,
    ) -> anyhow::Result<Vec<EntryRecord>> {
        if drafts.is_empty() {
            return Ok(Vec::new());
        }
        let requests: Vec<ledger::AppendRequest> = drafts
            .into_iter()
            .enumerate()
            .map(|(i, draft)| ledger::AppendRequest {
                tenant_id: self.tenant,
                actor: ACTOR.into(),
                idempotency_key: None,
                request_hash: format!("demo-{}", self.entries + i + 1),
                drafts: vec![draft],
                audit: None,
            })
            .collect();
        let results = ledger::append_within(conn, &requests, Utc::now())?;
        let mut records = Vec::with_capacity(results.len());
        for (request, result) in requests.iter().zip(results) {
            let draft = &request.drafts[0];
            let what = || format!("demo entry: {} on {:?}", draft.kind(), draft.effective_date);
            let record = result
                .with_context(what)?
                .entries()
                .first()
                .cloned()
                .with_context(what)?;
            self.apply(&record.movement);
            records.push(record);
        }
        let before = self.entries;
        self.entries += records.len();
        // Fresh statistics once the ledger has some rows, and every 10,000 entries after.
        if (before < 1_000 && self.entries >= 1_000) || self.entries / 10_000 > before / 10_000 {
            dar_db::refresh_statistics(conn, &["ledger_entries", "holding_positions"])?;
        }
        if self.entries / 10_000 > before / 10_000 {
            tracing::info!(entries.done = self.entries, "demo: ledger entries posted");
        }
        Ok(records)
    }

    /// Follows the legs the ledger computed, so pro-rata amounts match it to the cent.
    pub(super) fn apply(&mut self, movement: &Movement) {
        for (holder, leg) in movement.legs() {
            let h = &mut self.holders[self.by_id[&holder]];
            let position = if movement.share_class_id == self.class_a {
                &mut h.a
            } else {
                &mut h.b
            };
            position.quantity += leg.quantity;
            position.capital_cents += leg.capital_cents;
            position.paid_cents += leg.paid_cents;
        }
    }

    /// The member the shareholder login sees: preferably a founder still in, who holds both classes.
    pub(super) fn showcase(&self) -> Option<&Holder> {
        let members: Vec<&Holder> = self
            .holders
            .iter()
            .filter(|h| h.natural && h.active && h.b.quantity > 0)
            .collect();
        members
            .iter()
            .find(|h| h.a.quantity > 0)
            .or(members.first())
            .copied()
    }
}
