DROP TRIGGER ledger_entries_position_to;
DROP TRIGGER ledger_entries_position_from;
DROP TRIGGER share_classes_terms_fixed;
DROP TABLE holding_positions;

CREATE TRIGGER ledger_entries_check_to AFTER INSERT ON ledger_entries
WHEN NEW.to_shareholder_id IS NOT NULL
 AND (NEW.sign = -1 OR NEW.paid_cents > NEW.capital_cents
      OR EXISTS (SELECT 1 FROM share_classes WHERE tenant_id = NEW.tenant_id AND id = NEW.share_class_id
                   AND max_shares_per_holder IS NOT NULL))
BEGIN
    SELECT RAISE(ABORT, 'dar:holding_invariant: the holding would break the register rules')
     WHERE EXISTS (
        SELECT 1 FROM (
            SELECT sum(sum(quantity)) OVER w AS q, sum(sum(capital_cents)) OVER w AS cap,
                   sum(sum(paid_cents)) OVER w AS paid
              FROM ledger_legs
             WHERE tenant_id = NEW.tenant_id AND shareholder_id = NEW.to_shareholder_id
               AND share_class_id = NEW.share_class_id
             GROUP BY movement_date
            WINDOW w AS (ORDER BY movement_date)
        ) s
        WHERE q < 0 OR cap < 0 OR paid < 0 OR paid > cap
           OR q > (SELECT max_shares_per_holder FROM share_classes
                    WHERE tenant_id = NEW.tenant_id AND id = NEW.share_class_id));
END;

CREATE TRIGGER ledger_entries_check_from AFTER INSERT ON ledger_entries
WHEN NEW.from_shareholder_id IS NOT NULL
 AND (NEW.sign = 1 OR NEW.paid_cents > NEW.capital_cents
      OR EXISTS (SELECT 1 FROM share_classes WHERE tenant_id = NEW.tenant_id AND id = NEW.share_class_id
                   AND max_shares_per_holder IS NOT NULL))
BEGIN
    SELECT RAISE(ABORT, 'dar:holding_invariant: the holding would break the register rules')
     WHERE EXISTS (
        SELECT 1 FROM (
            SELECT sum(sum(quantity)) OVER w AS q, sum(sum(capital_cents)) OVER w AS cap,
                   sum(sum(paid_cents)) OVER w AS paid
              FROM ledger_legs
             WHERE tenant_id = NEW.tenant_id AND shareholder_id = NEW.from_shareholder_id
               AND share_class_id = NEW.share_class_id
             GROUP BY movement_date
            WINDOW w AS (ORDER BY movement_date)
        ) s
        WHERE q < 0 OR cap < 0 OR paid < 0 OR paid > cap
           OR q > (SELECT max_shares_per_holder FROM share_classes
                    WHERE tenant_id = NEW.tenant_id AND id = NEW.share_class_id));
END;

