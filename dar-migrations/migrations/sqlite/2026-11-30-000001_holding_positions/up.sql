-- Derived state kept beside the ledger: every holding's end-of-day position (shares,
-- subscribed and paid-up capital) on each date it changed. The ledger stays the single
-- source of truth; this table is maintained by the ledger's insert triggers in the same
-- statement as the entry, recomputed and compared by `verify`, and carries the register's
-- per-date rules as CHECK constraints: a holding is never negative, never paid up beyond
-- what is subscribed, and never above its class's cap, on any date (SPEC §2, invariants 2
-- and 4). Checking an entry therefore costs what it can affect (its holders' rows on or
-- after its date), not the length of their history. (The same table as on PostgreSQL.)
CREATE TABLE holding_positions (
    tenant_id      TEXT NOT NULL,
    shareholder_id TEXT NOT NULL,
    share_class_id TEXT NOT NULL,
    movement_date  DATE NOT NULL,
    quantity       BIGINT NOT NULL,
    capital_cents  BIGINT NOT NULL,
    paid_cents     BIGINT NOT NULL,
    max_quantity   BIGINT,
    PRIMARY KEY (tenant_id, shareholder_id, share_class_id, movement_date),
    FOREIGN KEY (tenant_id, shareholder_id) REFERENCES shareholders (tenant_id, id),
    FOREIGN KEY (tenant_id, share_class_id) REFERENCES share_classes (tenant_id, id),
    -- Nothing below zero: an overdraw takes shares and their capital out together, so it
    -- breaks this constraint and no other.
    CONSTRAINT holding_invariant_quantity CHECK (quantity >= 0 AND capital_cents >= 0 AND paid_cents >= 0),
    CONSTRAINT holding_invariant_paid CHECK (paid_cents <= capital_cents),
    CONSTRAINT holding_invariant_maximum CHECK (max_quantity IS NULL OR quantity <= max_quantity)
) WITHOUT ROWID;

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

-- The constraints on holding_positions now carry the holding rules.
DROP TRIGGER ledger_entries_check_to;
DROP TRIGGER ledger_entries_check_from;

-- A class's terms are copied into positions and trusted by the rules: they never change.
CREATE TRIGGER share_classes_terms_fixed BEFORE UPDATE OF max_shares_per_holder, transfer_rule, tenant_id, id ON share_classes
WHEN NEW.max_shares_per_holder IS NOT OLD.max_shares_per_holder OR NEW.transfer_rule IS NOT OLD.transfer_rule
  OR NEW.tenant_id IS NOT OLD.tenant_id OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'dar:class_terms_fixed: a share class''s cap and transfer rule cannot change');
END;

-- Each leg of a new entry: a row for its date holding the position before it, then every
-- row of the holding on or after that date moves by the leg.
CREATE TRIGGER ledger_entries_position_to AFTER INSERT ON ledger_entries
WHEN NEW.to_shareholder_id IS NOT NULL
BEGIN
    INSERT INTO holding_positions
    SELECT NEW.tenant_id, NEW.to_shareholder_id, NEW.share_class_id, NEW.movement_date,
           COALESCE((SELECT quantity FROM holding_positions WHERE tenant_id = NEW.tenant_id
                       AND shareholder_id = NEW.to_shareholder_id AND share_class_id = NEW.share_class_id
                       AND movement_date < NEW.movement_date ORDER BY movement_date DESC LIMIT 1), 0),
           COALESCE((SELECT capital_cents FROM holding_positions WHERE tenant_id = NEW.tenant_id
                       AND shareholder_id = NEW.to_shareholder_id AND share_class_id = NEW.share_class_id
                       AND movement_date < NEW.movement_date ORDER BY movement_date DESC LIMIT 1), 0),
           COALESCE((SELECT paid_cents FROM holding_positions WHERE tenant_id = NEW.tenant_id
                       AND shareholder_id = NEW.to_shareholder_id AND share_class_id = NEW.share_class_id
                       AND movement_date < NEW.movement_date ORDER BY movement_date DESC LIMIT 1), 0),
           c.max_shares_per_holder
      FROM share_classes c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.share_class_id
    ON CONFLICT DO NOTHING;
    UPDATE holding_positions
       SET quantity = quantity + NEW.sign * NEW.quantity,
           capital_cents = capital_cents + NEW.sign * NEW.capital_cents,
           paid_cents = paid_cents + NEW.sign * NEW.paid_cents
     WHERE tenant_id = NEW.tenant_id AND shareholder_id = NEW.to_shareholder_id
       AND share_class_id = NEW.share_class_id AND movement_date >= NEW.movement_date;
END;

CREATE TRIGGER ledger_entries_position_from AFTER INSERT ON ledger_entries
WHEN NEW.from_shareholder_id IS NOT NULL
BEGIN
    INSERT INTO holding_positions
    SELECT NEW.tenant_id, NEW.from_shareholder_id, NEW.share_class_id, NEW.movement_date,
           COALESCE((SELECT quantity FROM holding_positions WHERE tenant_id = NEW.tenant_id
                       AND shareholder_id = NEW.from_shareholder_id AND share_class_id = NEW.share_class_id
                       AND movement_date < NEW.movement_date ORDER BY movement_date DESC LIMIT 1), 0),
           COALESCE((SELECT capital_cents FROM holding_positions WHERE tenant_id = NEW.tenant_id
                       AND shareholder_id = NEW.from_shareholder_id AND share_class_id = NEW.share_class_id
                       AND movement_date < NEW.movement_date ORDER BY movement_date DESC LIMIT 1), 0),
           COALESCE((SELECT paid_cents FROM holding_positions WHERE tenant_id = NEW.tenant_id
                       AND shareholder_id = NEW.from_shareholder_id AND share_class_id = NEW.share_class_id
                       AND movement_date < NEW.movement_date ORDER BY movement_date DESC LIMIT 1), 0),
           c.max_shares_per_holder
      FROM share_classes c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.share_class_id
    ON CONFLICT DO NOTHING;
    UPDATE holding_positions
       SET quantity = quantity - NEW.sign * NEW.quantity,
           capital_cents = capital_cents - NEW.sign * NEW.capital_cents,
           paid_cents = paid_cents - NEW.sign * NEW.paid_cents
     WHERE tenant_id = NEW.tenant_id AND shareholder_id = NEW.from_shareholder_id
       AND share_class_id = NEW.share_class_id AND movement_date >= NEW.movement_date;
END;
