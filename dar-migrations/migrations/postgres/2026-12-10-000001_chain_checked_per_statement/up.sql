-- The ledger trigger takes over the chain's foreign key and runs fewer statements.
--
-- * The composite foreign key (tenant_id, prev_seq, prev_hash) -> (tenant_id, seq, hash) made
--   PostgreSQL look up every inserted entry's predecessor and lock it (a heap write and a WAL
--   record each). The trigger already compared each tenant's first entry of a statement with
--   the head on its tenant row; it now also compares every later entry with the one before it
--   in the statement. With the primary key, CHECK (prev_seq = seq - 1) and the head guard (the
--   head moves only with an entry), an entry that does not extend the ledger is refused as
--   before, now always as `dar:chain_conflict`. The (tenant_id, seq, hash) key stays:
--   certificates reference the entry they were made at. SQLite keeps its foreign key, which it
--   checks in the same pass as the row, without a lock.
-- * The checks that read the cooperative's rows (references, chain, closed period, transfer
--   rule) are one statement instead of four, the future-date check and the list of tenants
--   come from the statement that copies the transition table, and the reversal check runs
--   only when the statement holds a reversal: each statement costs executor start-up and
--   shutdown, which for a group of a few transfers was more than its work.
-- Measured against 2026-12-09-000001 (bench/README.md, tenth session): PostgreSQL's CPU for a
-- group of six transfers into six tenants 2.2 -> 1.85 ms (pgbench scripts that insert like
-- the service); over HTTP, 32 tenants 3,019 -> 3,320 transfers/s (medians of four pairs) and
-- 1,000-entry batches into the 50,000-holder demo 16,605 -> 18,731 entries/s (of three).
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_tenant_id_prev_seq_prev_hash_fkey;

CREATE OR REPLACE FUNCTION dar_ledger_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad RECORD; v_latest DATE; v_reversals BOOLEAN;
    v_all TEXT[]; v_tenants TEXT[]; v_passes INT; v_pass INT;
    e_tenant TEXT[]; e_seq BIGINT[]; e_prev_hash TEXT[]; e_hash TEXT[]; e_kind TEXT[];
    e_effective DATE[]; e_movement DATE[]; e_class TEXT[]; e_quantity BIGINT[];
    e_capital BIGINT[]; e_paid BIGINT[]; e_from TEXT[]; e_to TEXT[]; e_sign INT[];
    e_external TEXT[]; e_reverses BIGINT[];
    l_tenant TEXT[]; l_holder TEXT[]; l_class TEXT[]; l_date DATE[];
    l_quantity BIGINT[]; l_capital BIGINT[]; l_paid BIGINT[];
BEGIN
    -- Copied into arrays first: on Citus a query that joins the transition table with
    -- another distributed table fails ("could not find named tuplestore"). What the checks
    -- below need of the whole statement comes from the same pass: every statement the trigger
    -- runs costs executor start-up and shutdown, which for a group of a few transfers was more
    -- than the work it did.
    SELECT array_agg(tenant_id), array_agg(seq), array_agg(prev_hash), array_agg(hash), array_agg(kind),
           array_agg(effective_date), array_agg(movement_date), array_agg(share_class_id), array_agg(quantity),
           array_agg(capital_cents), array_agg(paid_cents), array_agg(from_shareholder_id),
           array_agg(to_shareholder_id), array_agg(sign), array_agg(external_reference), array_agg(reverses_seq),
           array_agg(DISTINCT tenant_id ORDER BY tenant_id), MAX(effective_date), bool_or(kind = 'reversal')
      INTO e_tenant, e_seq, e_prev_hash, e_hash, e_kind, e_effective, e_movement, e_class, e_quantity,
           e_capital, e_paid, e_from, e_to, e_sign, e_external, e_reverses, v_all, v_latest, v_reversals
      FROM new_entries;

    -- One day of slack: the application decides "today" in Europe/Brussels, ahead of UTC.
    IF v_latest > CURRENT_DATE + 1 THEN
        RAISE EXCEPTION 'dar:future_date: % is in the future', v_latest;
    END IF;

    v_passes := CASE WHEN current_setting('citus.version', true) IS NULL THEN 1 ELSE cardinality(v_all) END;
    FOR v_pass IN 1 .. v_passes LOOP
        v_tenants := CASE WHEN v_passes = 1 THEN v_all ELSE v_all[v_pass:v_pass] END;

        -- Every entry, in one statement, against the rules that need the cooperative's rows;
        -- where entries break several, the first rule in this list speaks:
        -- 1. every class and holder an entry names is the cooperative's own. Checked here once
        --    per statement rather than by foreign keys, which fire a trigger and lock the
        --    referenced row for each entry and reference (a quarter of the database's work
        --    per transfer). Classes and holders are never deleted and never change key (the
        --    guards below), so what this finds stays there;
        -- 2. the chain: a tenant's first entry in the statement extends the head its tenant
        --    row records, and each later one the entry before it (the next number, that
        --    entry's hash as its previous hash). The primary key forbids a second entry with
        --    the same number, and the head moves only here, so every entry extends the ledger;
        -- 3. no entry is dated in the cooperative's closed period;
        -- 4. a transfer follows its class's transfer rule.
        SELECT x.problem, x.seq, x.locked_until INTO bad
          FROM (SELECT CASE WHEN c.id IS NULL THEN 1
                            WHEN n.from_shareholder_id IS NOT NULL AND f.id IS NULL THEN 2
                            WHEN n.to_shareholder_id IS NOT NULL AND h.id IS NULL THEN 3
                            WHEN CASE WHEN n.before_seq IS NULL
                                      THEN t.id IS NULL OR n.seq <> t.ledger_head_seq + 1
                                           OR n.prev_hash <> t.ledger_head_hash
                                      ELSE n.seq <> n.before_seq + 1 OR n.prev_hash <> n.before_hash END THEN 4
                            WHEN n.effective_date <= t.locked_until OR n.movement_date <= t.locked_until THEN 5
                            WHEN n.kind = 'transfer' AND c.transfer_rule = 'none' THEN 6
                            WHEN n.kind = 'transfer' AND c.transfer_rule = 'approval'
                                 AND n.external_reference IS NULL THEN 7
                       END AS problem, n.seq, t.locked_until
                  FROM (SELECT u.*, lag(u.seq) OVER w AS before_seq, lag(u.hash) OVER w AS before_hash
                          FROM unnest(e_tenant, e_seq, e_prev_hash, e_hash, e_kind, e_effective, e_movement,
                                      e_class, e_from, e_to, e_external)
                               AS u(tenant_id, seq, prev_hash, hash, kind, effective_date, movement_date,
                                    share_class_id, from_shareholder_id, to_shareholder_id, external_reference)
                         WHERE u.tenant_id = ANY (v_tenants)
                        WINDOW w AS (PARTITION BY u.tenant_id ORDER BY u.seq)) n
                  LEFT JOIN tenants t ON t.id = n.tenant_id AND t.id = ANY (v_tenants)
                  LEFT JOIN share_classes c ON c.tenant_id = n.tenant_id AND c.tenant_id = ANY (v_tenants)
                                           AND c.id = n.share_class_id
                  LEFT JOIN shareholders f ON f.tenant_id = n.tenant_id AND f.tenant_id = ANY (v_tenants)
                                          AND f.id = n.from_shareholder_id
                  LEFT JOIN shareholders h ON h.tenant_id = n.tenant_id AND h.tenant_id = ANY (v_tenants)
                                          AND h.id = n.to_shareholder_id) x
         WHERE x.problem IS NOT NULL
         ORDER BY x.problem
         LIMIT 1;
        IF FOUND THEN
            CASE bad.problem
            WHEN 1 THEN
                RAISE EXCEPTION 'dar:unknown_reference: share_class: this register has no such share class';
            WHEN 2 THEN
                RAISE EXCEPTION 'dar:unknown_reference: from: no shareholder with this id in this register';
            WHEN 3 THEN
                RAISE EXCEPTION 'dar:unknown_reference: to: no shareholder with this id in this register';
            WHEN 4 THEN
                RAISE EXCEPTION 'dar:chain_conflict: entry % does not extend the ledger', bad.seq;
            WHEN 5 THEN
                RAISE EXCEPTION 'dar:period_locked: the register is closed up to %', bad.locked_until;
            WHEN 6 THEN
                RAISE EXCEPTION 'dar:not_transferable: shares of this class cannot be transferred';
            ELSE
                RAISE EXCEPTION 'dar:approval_required: a transfer of this class needs the board decision as external_reference';
            END CASE;
        END IF;

        -- Only reversals are looked up, each by its primary key.
        IF v_reversals THEN
            SELECT n.seq INTO bad
              FROM unnest(e_tenant, e_seq, e_kind, e_reverses, e_class, e_quantity, e_capital, e_paid, e_movement, e_from, e_to)
                   AS n(tenant_id, seq, kind, reverses_seq, share_class_id, quantity, capital_cents, paid_cents,
                        movement_date, from_shareholder_id, to_shareholder_id)
             WHERE n.tenant_id = ANY (v_tenants) AND n.kind = 'reversal'
               AND NOT EXISTS (
                    SELECT 1 FROM ledger_entries r
                     WHERE r.tenant_id = n.tenant_id AND r.tenant_id = ANY (v_tenants) AND r.seq = n.reverses_seq
                       AND r.kind <> 'reversal' AND r.share_class_id = n.share_class_id
                       AND r.quantity = n.quantity AND r.capital_cents = n.capital_cents AND r.paid_cents = n.paid_cents
                       AND r.movement_date = n.movement_date
                       AND r.from_shareholder_id IS NOT DISTINCT FROM n.from_shareholder_id
                       AND r.to_shareholder_id IS NOT DISTINCT FROM n.to_shareholder_id)
             LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'dar:bad_reversal: a reversal must cancel exactly one earlier non-reversal entry';
            END IF;
        END IF;

        -- The legs, netted per holding and date, and first the common case: a holding whose
        -- legs in the statement fall on one date, on or after its last stored row (an entry
        -- dated today, a batch of issues). Its row on that date is its last stored position
        -- plus the legs, found by one probe of the key (the insert lands on that last row when
        -- the date is the same). Only the other holdings' legs (on several dates, or a
        -- back-dated leg that later rows must carry) are kept for the general upsert below,
        -- with its sorts and running sums, which is skipped when there are none: for a group
        -- of transfers or a batch of issues it was most of the trigger's work.
        WITH legs AS (
            SELECT n.tenant_id, l.holder, n.share_class_id, n.movement_date,
                   SUM(l.dir * n.sign * n.quantity) AS quantity,
                   SUM(l.dir * n.sign * n.capital_cents) AS capital_cents,
                   SUM(l.dir * n.sign * n.paid_cents) AS paid_cents
              FROM unnest(e_tenant, e_class, e_movement, e_quantity, e_capital, e_paid, e_from, e_to, e_sign)
                   AS n(tenant_id, share_class_id, movement_date, quantity, capital_cents, paid_cents,
                        from_shareholder_id, to_shareholder_id, sign)
             CROSS JOIN LATERAL (VALUES (n.to_shareholder_id, 1), (n.from_shareholder_id, -1)) AS l(holder, dir)
             WHERE n.tenant_id = ANY (v_tenants) AND l.holder IS NOT NULL
             GROUP BY n.tenant_id, l.holder, n.share_class_id, n.movement_date
        ), holdings AS (
            SELECT g.tenant_id, g.holder, g.share_class_id, MIN(g.movement_date) AS first,
                   MAX(g.movement_date) AS last, SUM(g.quantity) AS quantity,
                   SUM(g.capital_cents) AS capital_cents, SUM(g.paid_cents) AS paid_cents,
                   array_agg(g.movement_date) AS dates, array_agg(g.quantity) AS quantities,
                   array_agg(g.capital_cents) AS capitals, array_agg(g.paid_cents) AS paids
              FROM legs g
             GROUP BY g.tenant_id, g.holder, g.share_class_id
        ), probed AS (
            SELECT h.*, b.quantity AS b_quantity, b.capital_cents AS b_capital, b.paid_cents AS b_paid,
                   h.first = h.last AND (b.movement_date IS NULL OR b.movement_date <= h.first) AS simple
              FROM holdings h
              LEFT JOIN LATERAL (
                    SELECT q.movement_date, q.quantity, q.capital_cents, q.paid_cents FROM holding_positions q
                     WHERE q.tenant_id = h.tenant_id AND q.tenant_id = ANY (v_tenants)
                       AND q.shareholder_id = h.holder AND q.share_class_id = h.share_class_id
                     ORDER BY q.movement_date DESC LIMIT 1) b ON true
        ), appended AS (
            INSERT INTO holding_positions AS p
                   (tenant_id, shareholder_id, share_class_id, movement_date,
                    quantity, capital_cents, paid_cents, max_quantity)
            SELECT h.tenant_id, h.holder, h.share_class_id, h.first,
                   COALESCE(h.b_quantity, 0) + h.quantity, COALESCE(h.b_capital, 0) + h.capital_cents,
                   COALESCE(h.b_paid, 0) + h.paid_cents, c.max_shares_per_holder
              FROM probed h
              JOIN share_classes c ON c.tenant_id = h.tenant_id AND c.tenant_id = ANY (v_tenants)
                                  AND c.id = h.share_class_id
             WHERE h.simple
            ON CONFLICT (tenant_id, shareholder_id, share_class_id, movement_date) DO UPDATE
               SET quantity = EXCLUDED.quantity, capital_cents = EXCLUDED.capital_cents,
                   paid_cents = EXCLUDED.paid_cents
        )
        SELECT array_agg(h.tenant_id), array_agg(h.holder), array_agg(h.share_class_id), array_agg(d.movement_date),
               array_agg(d.quantity), array_agg(d.capital_cents), array_agg(d.paid_cents)
          INTO l_tenant, l_holder, l_class, l_date, l_quantity, l_capital, l_paid
          FROM probed h
         CROSS JOIN LATERAL unnest(h.dates, h.quantities, h.capitals, h.paids)
               AS d(movement_date, quantity, capital_cents, paid_cents)
         WHERE NOT h.simple;

        IF l_tenant IS NOT NULL THEN
            -- Every stored row on or after a holding's first leg in the statement, and a row on
            -- each leg's date, get their final value in one upsert: the position stored for that
            -- date (or, for a new row, the last one stored before it, or the position before the
            -- holding's first leg) plus every leg of the statement up to that date. Each row is
            -- written once and checked once, with every leg before it, so the CHECK constraints
            -- of holding_positions refuse a holding that breaks a rule on any date.
            WITH legs AS (
                SELECT * FROM unnest(l_tenant, l_holder, l_class, l_date, l_quantity, l_capital, l_paid)
                       AS l(tenant_id, holder, share_class_id, movement_date, quantity, capital_cents, paid_cents)
                 WHERE l.tenant_id = ANY (v_tenants)
            ), starts AS (
                SELECT s.tenant_id, s.holder, s.share_class_id, s.first,
                       COALESCE(b.quantity, 0) AS quantity, COALESCE(b.capital_cents, 0) AS capital_cents,
                       COALESCE(b.paid_cents, 0) AS paid_cents
                  FROM (SELECT tenant_id, holder, share_class_id, MIN(movement_date) AS first
                          FROM legs GROUP BY tenant_id, holder, share_class_id) s
                  LEFT JOIN LATERAL (
                        SELECT q.quantity, q.capital_cents, q.paid_cents FROM holding_positions q
                         WHERE q.tenant_id = s.tenant_id AND q.tenant_id = ANY (v_tenants)
                           AND q.shareholder_id = s.holder AND q.share_class_id = s.share_class_id
                           AND q.movement_date < s.first
                         ORDER BY q.movement_date DESC LIMIT 1) b ON true
            ), dated AS (
                -- One row per holding and date: what is stored there (NULL for a new date) and
                -- the statement's legs on that date.
                SELECT u.tenant_id, u.holder, u.share_class_id, u.movement_date,
                       MAX(u.s_quantity) AS s_quantity, MAX(u.s_capital) AS s_capital, MAX(u.s_paid) AS s_paid,
                       SUM(u.d_quantity) AS d_quantity, SUM(u.d_capital) AS d_capital, SUM(u.d_paid) AS d_paid
                  FROM (SELECT q.tenant_id, q.shareholder_id AS holder, q.share_class_id, q.movement_date,
                               q.quantity AS s_quantity, q.capital_cents AS s_capital, q.paid_cents AS s_paid,
                               0::BIGINT AS d_quantity, 0::BIGINT AS d_capital, 0::BIGINT AS d_paid
                          FROM starts s
                          JOIN holding_positions q ON q.tenant_id = s.tenant_id AND q.tenant_id = ANY (v_tenants)
                                                  AND q.shareholder_id = s.holder
                                                  AND q.share_class_id = s.share_class_id
                                                  AND q.movement_date >= s.first
                        UNION ALL
                        SELECT l.tenant_id, l.holder, l.share_class_id, l.movement_date, NULL, NULL, NULL,
                               l.quantity, l.capital_cents, l.paid_cents
                          FROM legs l) u
                 GROUP BY u.tenant_id, u.holder, u.share_class_id, u.movement_date
            ), running AS (
                -- The legs up to each date, and which stored row each date follows (0: none, the
                -- position before the first leg applies).
                SELECT d.*,
                       SUM(d.d_quantity) OVER w AS r_quantity, SUM(d.d_capital) OVER w AS r_capital,
                       SUM(d.d_paid) OVER w AS r_paid, COUNT(d.s_quantity) OVER w AS stored_before
                  FROM dated d
                WINDOW w AS (PARTITION BY d.tenant_id, d.holder, d.share_class_id ORDER BY d.movement_date)
            ), based AS (
                SELECT r.*,
                       MAX(r.s_quantity) OVER v AS b_quantity, MAX(r.s_capital) OVER v AS b_capital,
                       MAX(r.s_paid) OVER v AS b_paid
                  FROM running r
                WINDOW v AS (PARTITION BY r.tenant_id, r.holder, r.share_class_id, r.stored_before)
            )
            INSERT INTO holding_positions AS p
                   (tenant_id, shareholder_id, share_class_id, movement_date,
                    quantity, capital_cents, paid_cents, max_quantity)
            SELECT b.tenant_id, b.holder, b.share_class_id, b.movement_date,
                   CASE WHEN b.stored_before > 0 THEN b.b_quantity ELSE s.quantity END + b.r_quantity,
                   CASE WHEN b.stored_before > 0 THEN b.b_capital ELSE s.capital_cents END + b.r_capital,
                   CASE WHEN b.stored_before > 0 THEN b.b_paid ELSE s.paid_cents END + b.r_paid,
                   c.max_shares_per_holder
              FROM based b
              JOIN starts s ON s.tenant_id = b.tenant_id AND s.holder = b.holder AND s.share_class_id = b.share_class_id
              JOIN share_classes c ON c.tenant_id = b.tenant_id AND c.tenant_id = ANY (v_tenants)
                                  AND c.id = b.share_class_id
            ON CONFLICT (tenant_id, shareholder_id, share_class_id, movement_date) DO UPDATE
               SET quantity = EXCLUDED.quantity, capital_cents = EXCLUDED.capital_cents,
                   paid_cents = EXCLUDED.paid_cents;
        END IF;

        -- Each tenant's head moves to its last entry.
        UPDATE tenants t SET ledger_head_seq = h.seq, ledger_head_hash = h.hash
          FROM (SELECT DISTINCT ON (u.tenant_id) u.tenant_id, u.seq, u.hash
                  FROM unnest(e_tenant, e_seq, e_hash) AS u(tenant_id, seq, hash)
                 WHERE u.tenant_id = ANY (v_tenants)
                 ORDER BY u.tenant_id, u.seq DESC) h
         WHERE t.id = h.tenant_id AND t.id = ANY (v_tenants) AND t.ledger_head_seq < h.seq;
    END LOOP;
    RETURN NULL;
END $$ SET plan_cache_mode = force_generic_plan;
