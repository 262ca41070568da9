-- Derived state kept beside the ledger: every holding's end-of-day position (shares,
-- subscribed and paid-up capital) on each date it changed. The ledger stays the single
-- source of truth; this table is maintained by the ledger's insert trigger in the same
-- statement as the entries, recomputed and compared by `verify`, and carries the register's
-- per-date rules as CHECK constraints: a holding is never negative, never paid up beyond
-- what is subscribed, and never above its class's cap, on any date (SPEC §2, invariants 2
-- and 4). Checking an entry therefore costs what it can affect (its holders' rows on or
-- after its date), not the length of their history.
CREATE TABLE holding_positions (
    tenant_id      TEXT NOT NULL,
    shareholder_id TEXT NOT NULL,
    share_class_id TEXT NOT NULL,
    movement_date  DATE NOT NULL,
    quantity       BIGINT NOT NULL,
    capital_cents  BIGINT NOT NULL,
    paid_cents     BIGINT NOT NULL,
    -- The class's cap, copied so that a constraint can carry the rule (share class terms
    -- never change once the class exists).
    max_quantity   BIGINT,
    PRIMARY KEY (tenant_id, shareholder_id, share_class_id, movement_date),
    FOREIGN KEY (tenant_id, shareholder_id) REFERENCES shareholders (tenant_id, id),
    FOREIGN KEY (tenant_id, share_class_id) REFERENCES share_classes (tenant_id, id),
    -- Nothing below zero: an overdraw takes shares and their capital out together, so it
    -- breaks this constraint and no other.
    CONSTRAINT holding_invariant_quantity CHECK (quantity >= 0 AND capital_cents >= 0 AND paid_cents >= 0),
    CONSTRAINT holding_invariant_paid CHECK (paid_cents <= capital_cents),
    CONSTRAINT holding_invariant_maximum CHECK (max_quantity IS NULL OR quantity <= max_quantity)
);

-- "Reversed at most once" needs only the reversals in its unique index. Over every entry, it
-- was an index on (tenant_id, …) that PostgreSQL, without statistics yet, chose for
-- lookups by (tenant_id, seq) and walked the tenant's whole ledger with.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_tenant_id_reverses_seq_key;
CREATE UNIQUE INDEX ledger_entries_reversed_once ON ledger_entries (tenant_id, reverses_seq)
    WHERE reverses_seq IS NOT NULL;

-- The register of a class on a date reads each holder's last row on or before it.
CREATE INDEX holding_positions_class_idx ON holding_positions (tenant_id, share_class_id, shareholder_id, movement_date);

INSERT INTO holding_positions
SELECT d.tenant_id, d.shareholder_id, d.share_class_id, d.movement_date,
       SUM(d.quantity) OVER w, SUM(d.capital_cents) OVER w, SUM(d.paid_cents) OVER w,
       c.max_shares_per_holder
  FROM (SELECT tenant_id, shareholder_id, share_class_id, movement_date,
               SUM(quantity) AS quantity, SUM(capital_cents) AS capital_cents, SUM(paid_cents) AS paid_cents
          FROM ledger_legs GROUP BY tenant_id, shareholder_id, share_class_id, movement_date) d
  JOIN share_classes c ON c.tenant_id = d.tenant_id AND c.id = d.share_class_id
WINDOW w AS (PARTITION BY d.tenant_id, d.shareholder_id, d.share_class_id ORDER BY d.movement_date);

-- Only the ledger's trigger writes positions: a statement issued by a client (trigger depth
-- 1) is refused, so nobody can make a holding look larger than the ledger says.
CREATE FUNCTION dar_positions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'dar:derived_state: holding_positions is kept by the ledger and cannot be written directly';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER holding_positions_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON holding_positions
    FOR EACH STATEMENT EXECUTE FUNCTION dar_positions_guard();

-- A class's terms are copied into positions and trusted by the rules: they never change.
CREATE FUNCTION dar_class_terms_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.max_shares_per_holder, NEW.transfer_rule, NEW.tenant_id, NEW.id)
       IS DISTINCT FROM (OLD.max_shares_per_holder, OLD.transfer_rule, OLD.tenant_id, OLD.id) THEN
        RAISE EXCEPTION 'dar:class_terms_fixed: a share class''s cap and transfer rule cannot change';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER share_classes_terms_fixed BEFORE UPDATE ON share_classes
    FOR EACH ROW EXECUTE FUNCTION dar_class_terms_fixed();

-- After every INSERT statement on the ledger, over all the rows it inserted at once. The
-- function is written so that it also runs on Citus, where the ledger is distributed by
-- tenant and the trigger runs on each shard:
--   * the transition table is copied into arrays first and only `unnest` of them is read
--     afterwards (a query joining the transition table with another distributed table fails
--     there: "could not find named tuplestore");
--   * the checks run tenant by tenant, every query naming the tenant as a constant, so each
--     is routed to that tenant's shard (a statement of the ledger writer holds one tenant,
--     or a handful when it groups several tenants' requests).
-- For each tenant:
--   * each entry extends the tenant's chain, lies after the closed period and not in the
--     future, respects the class's transfer rule, and a reversal copies the movement of
--     the entry it cancels exactly;
--   * each holding the entries touch gets a row for the entry's date (seeded with the
--     position before it) and every row on or after that date moves by the entry's legs;
--     the CHECK constraints of holding_positions refuse a holding that breaks a rule;
--   * the tenant's head moves to its last entry.
CREATE OR REPLACE FUNCTION dar_ledger_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad RECORD;
    v_tenant TEXT;
    e_tenant TEXT[]; e_seq BIGINT[]; e_prev_hash TEXT[]; e_hash TEXT[]; e_kind TEXT[];
    e_effective DATE[]; e_movement DATE[]; e_class TEXT[]; e_quantity BIGINT[];
    e_capital BIGINT[]; e_paid BIGINT[]; e_from TEXT[]; e_to TEXT[]; e_sign INT[];
    e_external TEXT[]; e_reverses BIGINT[];
    l_holder TEXT[]; l_class TEXT[]; l_date DATE[];
    l_quantity BIGINT[]; l_capital BIGINT[]; l_paid BIGINT[];
    v_seq BIGINT; v_hash TEXT;
BEGIN
    SELECT array_agg(tenant_id), array_agg(seq), array_agg(prev_hash), array_agg(hash), array_agg(kind),
           array_agg(effective_date), array_agg(movement_date), array_agg(share_class_id), array_agg(quantity),
           array_agg(capital_cents), array_agg(paid_cents), array_agg(from_shareholder_id),
           array_agg(to_shareholder_id), array_agg(sign), array_agg(external_reference), array_agg(reverses_seq)
      INTO e_tenant, e_seq, e_prev_hash, e_hash, e_kind, e_effective, e_movement, e_class, e_quantity,
           e_capital, e_paid, e_from, e_to, e_sign, e_external, e_reverses
      FROM new_entries;

    -- One day of slack: the application decides "today" in Europe/Brussels, ahead of UTC.
    SELECT n.effective_date INTO bad FROM unnest(e_effective) AS n(effective_date)
     WHERE n.effective_date > CURRENT_DATE + 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dar:future_date: % is in the future', bad.effective_date;
    END IF;

    FOR v_tenant IN SELECT DISTINCT u.t FROM unnest(e_tenant) AS u(t) ORDER BY u.t LOOP
        -- The statement's first entry of the tenant extends the head the tenant row records;
        -- the composite foreign key (tenant_id, prev_seq, prev_hash) links every entry to its
        -- predecessor and the primary key forbids a second entry with the same number. (One
        -- row read, whatever the length of the ledger: a lookup of the predecessor among the
        -- tenant's entries was planned as a scan of all of them when statistics were thin.)
        SELECT n.seq INTO bad
          FROM (SELECT n.seq, n.prev_hash FROM unnest(e_tenant, e_seq, e_prev_hash) AS n(tenant_id, seq, prev_hash)
                 WHERE n.tenant_id = v_tenant ORDER BY n.seq LIMIT 1) n
          JOIN tenants t ON t.id = v_tenant
         WHERE n.seq <> t.ledger_head_seq + 1 OR n.prev_hash <> t.ledger_head_hash;
        IF FOUND THEN
            RAISE EXCEPTION 'dar:chain_conflict: entry % does not extend the ledger', bad.seq;
        END IF;

        SELECT t.locked_until INTO bad
          FROM unnest(e_tenant, e_effective, e_movement) AS n(tenant_id, effective_date, movement_date)
          JOIN tenants t ON t.id = v_tenant
         WHERE n.tenant_id = v_tenant AND t.locked_until IS NOT NULL
           AND (n.effective_date <= t.locked_until OR n.movement_date <= t.locked_until)
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'dar:period_locked: the register is closed up to %', bad.locked_until;
        END IF;

        SELECT c.transfer_rule INTO bad
          FROM unnest(e_tenant, e_kind, e_class, e_external) AS n(tenant_id, kind, share_class_id, external_reference)
          JOIN share_classes c ON c.tenant_id = v_tenant AND c.id = n.share_class_id
         WHERE n.tenant_id = v_tenant AND n.kind = 'transfer'
           AND (c.transfer_rule = 'none' OR (c.transfer_rule = 'approval' AND n.external_reference IS NULL))
         LIMIT 1;
        IF FOUND AND bad.transfer_rule = 'none' THEN
            RAISE EXCEPTION 'dar:not_transferable: shares of this class cannot be transferred';
        ELSIF FOUND THEN
            RAISE EXCEPTION 'dar:approval_required: a transfer of this class needs the board decision as external_reference';
        END IF;

        -- Only reversals are looked up, each by its primary key.
        SELECT n.seq INTO bad
          FROM unnest(e_tenant, e_seq, e_kind, e_reverses, e_class, e_quantity, e_capital, e_paid, e_movement, e_from, e_to)
               AS n(tenant_id, seq, kind, reverses_seq, share_class_id, quantity, capital_cents, paid_cents,
                    movement_date, from_shareholder_id, to_shareholder_id)
         WHERE n.tenant_id = v_tenant AND n.kind = 'reversal'
           AND NOT EXISTS (
                SELECT 1 FROM ledger_entries r
                 WHERE r.tenant_id = v_tenant AND r.seq = n.reverses_seq
                   AND r.kind <> 'reversal' AND r.share_class_id = n.share_class_id
                   AND r.quantity = n.quantity AND r.capital_cents = n.capital_cents AND r.paid_cents = n.paid_cents
                   AND r.movement_date = n.movement_date
                   AND r.from_shareholder_id IS NOT DISTINCT FROM n.from_shareholder_id
                   AND r.to_shareholder_id IS NOT DISTINCT FROM n.to_shareholder_id)
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'dar:bad_reversal: a reversal must cancel exactly one earlier non-reversal entry';
        END IF;

        -- The tenant's legs, netted per holding and date.
        SELECT array_agg(holder), array_agg(share_class_id), array_agg(movement_date),
               array_agg(quantity), array_agg(capital_cents), array_agg(paid_cents)
          INTO l_holder, l_class, l_date, l_quantity, l_capital, l_paid
          FROM (SELECT l.holder, n.share_class_id, n.movement_date,
                       SUM(l.dir * n.sign * n.quantity) AS quantity,
                       SUM(l.dir * n.sign * n.capital_cents) AS capital_cents,
                       SUM(l.dir * n.sign * n.paid_cents) AS paid_cents
                  FROM unnest(e_tenant, e_class, e_movement, e_quantity, e_capital, e_paid, e_from, e_to, e_sign)
                       AS n(tenant_id, share_class_id, movement_date, quantity, capital_cents, paid_cents,
                            from_shareholder_id, to_shareholder_id, sign)
                 CROSS JOIN LATERAL (VALUES (n.to_shareholder_id, 1), (n.from_shareholder_id, -1)) AS l(holder, dir)
                 WHERE n.tenant_id = v_tenant AND l.holder IS NOT NULL
                 GROUP BY l.holder, n.share_class_id, n.movement_date) legs;

        -- A row for each leg's date, holding the position before the leg.
        INSERT INTO holding_positions
        SELECT v_tenant, l.holder, l.share_class_id, l.movement_date,
               COALESCE(p.quantity, 0), COALESCE(p.capital_cents, 0), COALESCE(p.paid_cents, 0),
               c.max_shares_per_holder
          FROM unnest(l_holder, l_class, l_date) AS l(holder, share_class_id, movement_date)
          JOIN share_classes c ON c.tenant_id = v_tenant AND c.id = l.share_class_id
          LEFT JOIN LATERAL (
                SELECT q.quantity, q.capital_cents, q.paid_cents FROM holding_positions q
                 WHERE q.tenant_id = v_tenant AND q.shareholder_id = l.holder
                   AND q.share_class_id = l.share_class_id AND q.movement_date < l.movement_date
                 ORDER BY q.movement_date DESC LIMIT 1) p ON true
        ON CONFLICT DO NOTHING;

        -- Every row on or after a leg's date moves by it.
        UPDATE holding_positions p
           SET quantity = p.quantity + s.quantity,
               capital_cents = p.capital_cents + s.capital_cents,
               paid_cents = p.paid_cents + s.paid_cents
          FROM (SELECT q.shareholder_id, q.share_class_id, q.movement_date,
                       SUM(l.quantity) AS quantity, SUM(l.capital_cents) AS capital_cents,
                       SUM(l.paid_cents) AS paid_cents
                  FROM unnest(l_holder, l_class, l_date, l_quantity, l_capital, l_paid)
                       AS l(holder, share_class_id, movement_date, quantity, capital_cents, paid_cents)
                  JOIN holding_positions q ON q.tenant_id = v_tenant AND q.shareholder_id = l.holder
                                          AND q.share_class_id = l.share_class_id
                                          AND q.movement_date >= l.movement_date
                 GROUP BY q.shareholder_id, q.share_class_id, q.movement_date) s
         WHERE p.tenant_id = v_tenant AND p.shareholder_id = s.shareholder_id
           AND p.share_class_id = s.share_class_id AND p.movement_date = s.movement_date;

        SELECT n.seq, n.hash INTO v_seq, v_hash
          FROM unnest(e_tenant, e_seq, e_hash) AS n(tenant_id, seq, hash)
         WHERE n.tenant_id = v_tenant ORDER BY n.seq DESC LIMIT 1;
        UPDATE tenants SET ledger_head_seq = v_seq, ledger_head_hash = v_hash
         WHERE id = v_tenant AND ledger_head_seq < v_seq;
    END LOOP;
    RETURN NULL;
END $$;
