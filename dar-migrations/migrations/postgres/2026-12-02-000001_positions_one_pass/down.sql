-- The two-pass maintenance of holding_positions, as 2026-12-01-000001_ledger_write_cost left it.
CREATE OR REPLACE FUNCTION dar_ledger_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad RECORD;
    v_all TEXT[]; v_tenants TEXT[]; v_passes INT; v_pass INT;
    e_tenant TEXT[]; e_seq BIGINT[]; e_prev_hash TEXT[]; e_hash TEXT[]; e_kind TEXT[];
    e_effective DATE[]; e_movement DATE[]; e_class TEXT[]; e_quantity BIGINT[];
    e_capital BIGINT[]; e_paid BIGINT[]; e_from TEXT[]; e_to TEXT[]; e_sign INT[];
    e_external TEXT[]; e_reverses BIGINT[];
    l_tenant TEXT[]; l_holder TEXT[]; l_class TEXT[]; l_date DATE[];
    l_quantity BIGINT[]; l_capital BIGINT[]; l_paid BIGINT[];
BEGIN
    -- Copied into arrays first: on Citus a query that joins the transition table with
    -- another distributed table fails ("could not find named tuplestore").
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

    v_all := ARRAY(SELECT DISTINCT u.t FROM unnest(e_tenant) AS u(t) ORDER BY u.t);
    v_passes := CASE WHEN current_setting('citus.version', true) IS NULL THEN 1 ELSE cardinality(v_all) END;
    FOR v_pass IN 1 .. v_passes LOOP
        v_tenants := CASE WHEN v_passes = 1 THEN v_all ELSE v_all[v_pass:v_pass] END;

        -- Each tenant's first entry in the statement extends the head its tenant row records;
        -- the composite foreign key (tenant_id, prev_seq, prev_hash) links every later entry
        -- to its predecessor and the primary key forbids a second entry with the same number.
        SELECT n.seq INTO bad
          FROM (SELECT DISTINCT ON (u.tenant_id) u.tenant_id, u.seq, u.prev_hash
                  FROM unnest(e_tenant, e_seq, e_prev_hash) AS u(tenant_id, seq, prev_hash)
                 WHERE u.tenant_id = ANY (v_tenants)
                 ORDER BY u.tenant_id, u.seq) n
          JOIN tenants t ON t.id = n.tenant_id AND t.id = ANY (v_tenants)
         WHERE n.seq <> t.ledger_head_seq + 1 OR n.prev_hash <> t.ledger_head_hash
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'dar:chain_conflict: entry % does not extend the ledger', bad.seq;
        END IF;

        SELECT t.locked_until INTO bad
          FROM unnest(e_tenant, e_effective, e_movement) AS n(tenant_id, effective_date, movement_date)
          JOIN tenants t ON t.id = n.tenant_id AND t.id = ANY (v_tenants)
         WHERE n.tenant_id = ANY (v_tenants) AND t.locked_until IS NOT NULL
           AND (n.effective_date <= t.locked_until OR n.movement_date <= t.locked_until)
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'dar:period_locked: the register is closed up to %', bad.locked_until;
        END IF;

        SELECT c.transfer_rule INTO bad
          FROM unnest(e_tenant, e_kind, e_class, e_external) AS n(tenant_id, kind, share_class_id, external_reference)
          JOIN share_classes c ON c.tenant_id = n.tenant_id AND c.tenant_id = ANY (v_tenants)
                              AND c.id = n.share_class_id
         WHERE n.tenant_id = ANY (v_tenants) AND n.kind = 'transfer'
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

        -- The legs, netted per holding and date.
        SELECT array_agg(tenant_id), array_agg(holder), array_agg(share_class_id), array_agg(movement_date),
               array_agg(quantity), array_agg(capital_cents), array_agg(paid_cents)
          INTO l_tenant, l_holder, l_class, l_date, l_quantity, l_capital, l_paid
          FROM (SELECT n.tenant_id, l.holder, n.share_class_id, n.movement_date,
                       SUM(l.dir * n.sign * n.quantity) AS quantity,
                       SUM(l.dir * n.sign * n.capital_cents) AS capital_cents,
                       SUM(l.dir * n.sign * n.paid_cents) AS paid_cents
                  FROM unnest(e_tenant, e_class, e_movement, e_quantity, e_capital, e_paid, e_from, e_to, e_sign)
                       AS n(tenant_id, share_class_id, movement_date, quantity, capital_cents, paid_cents,
                            from_shareholder_id, to_shareholder_id, sign)
                 CROSS JOIN LATERAL (VALUES (n.to_shareholder_id, 1), (n.from_shareholder_id, -1)) AS l(holder, dir)
                 WHERE n.tenant_id = ANY (v_tenants) AND l.holder IS NOT NULL
                 GROUP BY n.tenant_id, l.holder, n.share_class_id, n.movement_date) legs;

        -- A row for each leg's date, holding the position before the leg.
        INSERT INTO holding_positions
        SELECT l.tenant_id, l.holder, l.share_class_id, l.movement_date,
               COALESCE(p.quantity, 0), COALESCE(p.capital_cents, 0), COALESCE(p.paid_cents, 0),
               c.max_shares_per_holder
          FROM unnest(l_tenant, l_holder, l_class, l_date) AS l(tenant_id, holder, share_class_id, movement_date)
          JOIN share_classes c ON c.tenant_id = l.tenant_id AND c.tenant_id = ANY (v_tenants)
                              AND c.id = l.share_class_id
          LEFT JOIN LATERAL (
                SELECT q.quantity, q.capital_cents, q.paid_cents FROM holding_positions q
                 WHERE q.tenant_id = l.tenant_id AND q.tenant_id = ANY (v_tenants)
                   AND q.shareholder_id = l.holder AND q.share_class_id = l.share_class_id
                   AND q.movement_date < l.movement_date
                 ORDER BY q.movement_date DESC LIMIT 1) p ON true
        ON CONFLICT DO NOTHING;

        -- Every row on or after a leg's date moves by it, all in one statement, so that each
        -- row is checked with every leg before it; the CHECK constraints of holding_positions
        -- refuse a holding that breaks a rule on any date.
        UPDATE holding_positions p
           SET quantity = p.quantity + s.quantity,
               capital_cents = p.capital_cents + s.capital_cents,
               paid_cents = p.paid_cents + s.paid_cents
          FROM (SELECT q.tenant_id, q.shareholder_id, q.share_class_id, q.movement_date,
                       SUM(l.quantity) AS quantity, SUM(l.capital_cents) AS capital_cents,
                       SUM(l.paid_cents) AS paid_cents
                  FROM unnest(l_tenant, l_holder, l_class, l_date, l_quantity, l_capital, l_paid)
                       AS l(tenant_id, holder, share_class_id, movement_date, quantity, capital_cents, paid_cents)
                  JOIN holding_positions q ON q.tenant_id = l.tenant_id AND q.tenant_id = ANY (v_tenants)
                                          AND q.shareholder_id = l.holder
                                          AND q.share_class_id = l.share_class_id
                                          AND q.movement_date >= l.movement_date
                 GROUP BY q.tenant_id, q.shareholder_id, q.share_class_id, q.movement_date) s
         WHERE p.tenant_id = s.tenant_id AND p.tenant_id = ANY (v_tenants)
           AND p.shareholder_id = s.shareholder_id
           AND p.share_class_id = s.share_class_id AND p.movement_date = s.movement_date;

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
