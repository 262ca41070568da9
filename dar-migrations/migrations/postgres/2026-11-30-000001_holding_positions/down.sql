-- Back to summing each touched holding's whole history in the trigger.
DROP TRIGGER share_classes_terms_fixed ON share_classes;
DROP FUNCTION dar_class_terms_fixed();
DROP TRIGGER holding_positions_guard ON holding_positions;
DROP FUNCTION dar_positions_guard();
DROP TABLE holding_positions;
DROP INDEX ledger_entries_reversed_once;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_tenant_id_reverses_seq_key UNIQUE (tenant_id, reverses_seq);

CREATE OR REPLACE FUNCTION dar_ledger_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad RECORD;
BEGIN
    SELECT n.seq INTO bad FROM new_entries n
     WHERE (n.seq > 1 AND NOT EXISTS (SELECT 1 FROM ledger_entries e
                                        WHERE e.tenant_id = n.tenant_id AND e.seq = n.seq - 1 AND e.hash = n.prev_hash))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dar:chain_conflict: entry % does not extend the ledger', bad.seq;
    END IF;

    SELECT n.seq, t.locked_until INTO bad FROM new_entries n JOIN tenants t ON t.id = n.tenant_id
     WHERE t.locked_until IS NOT NULL AND (n.effective_date <= t.locked_until OR n.movement_date <= t.locked_until)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dar:period_locked: the register is closed up to %', bad.locked_until;
    END IF;

    -- One day of slack: the application decides "today" in Europe/Brussels, ahead of UTC.
    SELECT n.effective_date INTO bad FROM new_entries n WHERE n.effective_date > CURRENT_DATE + 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dar:future_date: % is in the future', bad.effective_date;
    END IF;

    SELECT c.transfer_rule, n.external_reference INTO bad
      FROM new_entries n JOIN share_classes c ON c.tenant_id = n.tenant_id AND c.id = n.share_class_id
     WHERE n.kind = 'transfer' AND (c.transfer_rule = 'none' OR (c.transfer_rule = 'approval' AND n.external_reference IS NULL))
     LIMIT 1;
    IF FOUND AND bad.transfer_rule = 'none' THEN
        RAISE EXCEPTION 'dar:not_transferable: shares of this class cannot be transferred';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'dar:approval_required: a transfer of this class needs the board decision as external_reference';
    END IF;

    SELECT n.seq INTO bad
      FROM new_entries n LEFT JOIN ledger_entries r ON r.tenant_id = n.tenant_id AND r.seq = n.reverses_seq
     WHERE n.kind = 'reversal'
       AND (r.seq IS NULL OR r.kind = 'reversal' OR r.share_class_id <> n.share_class_id
            OR r.quantity <> n.quantity OR r.capital_cents <> n.capital_cents OR r.paid_cents <> n.paid_cents
            OR r.movement_date <> n.movement_date
            OR r.from_shareholder_id IS DISTINCT FROM n.from_shareholder_id
            OR r.to_shareholder_id IS DISTINCT FROM n.to_shareholder_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dar:bad_reversal: a reversal must cancel exactly one earlier non-reversal entry';
    END IF;

    -- A leg that only adds (shares, subscribed capital, and paid-up no faster than
    -- subscribed) cannot break a holding; such legs are checked only when the class caps
    -- the shares per holder. Every other touched holding is summed per date, in order.
    WITH touched AS (
        SELECT DISTINCT n.tenant_id, h.holder, n.share_class_id, c.max_shares_per_holder AS max_q
          FROM new_entries n
          JOIN share_classes c ON c.tenant_id = n.tenant_id AND c.id = n.share_class_id
         CROSS JOIN LATERAL (VALUES
                (n.to_shareholder_id, n.sign = -1 OR n.paid_cents > n.capital_cents),
                (n.from_shareholder_id, n.sign = 1 OR n.paid_cents > n.capital_cents)) AS h(holder, shrinks)
         WHERE h.holder IS NOT NULL AND (h.shrinks OR c.max_shares_per_holder IS NOT NULL)
    )
    SELECT t.holder, d.movement_date INTO bad
      FROM touched t
     CROSS JOIN LATERAL (
            SELECT s.movement_date, s.q, s.cap, s.paid FROM (
                SELECT l.movement_date,
                       sum(sum(l.quantity)) OVER w AS q,
                       sum(sum(l.capital_cents)) OVER w AS cap,
                       sum(sum(l.paid_cents)) OVER w AS paid
                  FROM ledger_legs l
                 WHERE l.tenant_id = t.tenant_id AND l.shareholder_id = t.holder AND l.share_class_id = t.share_class_id
                 GROUP BY l.movement_date
                WINDOW w AS (ORDER BY l.movement_date)
            ) s
            WHERE s.q < 0 OR s.cap < 0 OR s.paid < 0 OR s.paid > s.cap OR (t.max_q IS NOT NULL AND s.q > t.max_q)
         ) d
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dar:holding_invariant: the holding of % would break the register rules on %', bad.holder, bad.movement_date;
    END IF;

    UPDATE tenants t SET ledger_head_seq = m.seq, ledger_head_hash = m.hash
      FROM (SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash FROM new_entries ORDER BY tenant_id, seq DESC) m
     WHERE t.id = m.tenant_id AND t.ledger_head_seq < m.seq;
    RETURN NULL;
END $$;
