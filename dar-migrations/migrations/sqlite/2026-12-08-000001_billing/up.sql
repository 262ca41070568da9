-- Billing of the cooperatives by the coordinator (SPEC §4). Platform data: no table here is
-- a cooperative's register, and none holds a shareholder's personal data.

-- The coordinator's invoicing identity: one row, the seller on every invoice.
CREATE TABLE billing_identity (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    name               TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    street             TEXT NOT NULL,
    postal_code        TEXT NOT NULL,
    city               TEXT NOT NULL,
    country            TEXT NOT NULL CHECK (length(country) = 2 AND country NOT GLOB '*[^A-Z]*'),
    enterprise_number  TEXT NOT NULL CHECK (length(enterprise_number) = 10 AND enterprise_number NOT GLOB '*[^0-9]*' AND substr(enterprise_number, 1, 1) IN ('0', '1')),
    vat_number         TEXT NOT NULL CHECK (length(vat_number) = 12 AND substr(vat_number, 1, 2) = 'BE' AND substr(vat_number, 3) NOT GLOB '*[^0-9]*' AND substr(vat_number, 3, 1) IN ('0', '1')),
    iban               TEXT NOT NULL,
    bic                TEXT,
    peppol_id          TEXT NOT NULL,
    email              TEXT NOT NULL,
    footer             TEXT NOT NULL,
    payment_term_days  INTEGER NOT NULL CHECK (payment_term_days BETWEEN 0 AND 120),
    updated_at         TIMESTAMP NOT NULL
);

CREATE TABLE billing_plans (
    id                    TEXT PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40 AND code NOT GLOB '*[^a-z0-9-]*' AND substr(code, 1, 1) <> '-'),
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    onboarding_fee_cents  BIGINT NOT NULL CHECK (onboarding_fee_cents >= 0),
    migration_fee_cents   BIGINT NOT NULL CHECK (migration_fee_cents >= 0),
    vat_rate              TEXT NOT NULL CHECK (vat_rate IN ('21', '12', '6', 'exempt')),
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);

-- A plan's tiers, by rising limit; the last one has none.
CREATE TABLE billing_plan_tiers (
    plan_id               TEXT NOT NULL REFERENCES billing_plans (id),
    position              INTEGER NOT NULL CHECK (position >= 0),
    up_to                 BIGINT CHECK (up_to >= 0),
    member_fee_cents      BIGINT NOT NULL CHECK (member_fee_cents >= 0),
    non_member_fee_cents  BIGINT NOT NULL CHECK (non_member_fee_cents >= 0),
    PRIMARY KEY (plan_id, position)
);

-- How a cooperative is billed: its plan, prices of its own, and the buyer's details.
CREATE TABLE billing_profiles (
    tenant_id             TEXT PRIMARY KEY REFERENCES tenants (id),
    plan_id               TEXT NOT NULL REFERENCES billing_plans (id),
    member                BOOLEAN NOT NULL,
    billing_start         DATE NOT NULL,
    migration             BOOLEAN NOT NULL,
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    street                TEXT NOT NULL,
    postal_code           TEXT NOT NULL,
    city                  TEXT NOT NULL,
    country               TEXT NOT NULL CHECK (length(country) = 2 AND country NOT GLOB '*[^A-Z]*'),
    enterprise_number     TEXT NOT NULL CHECK (length(enterprise_number) = 10 AND enterprise_number NOT GLOB '*[^0-9]*' AND substr(enterprise_number, 1, 1) IN ('0', '1')),
    vat_number            TEXT CHECK (length(vat_number) = 12 AND substr(vat_number, 1, 2) = 'BE' AND substr(vat_number, 3) NOT GLOB '*[^0-9]*' AND substr(vat_number, 3, 1) IN ('0', '1')),
    peppol_id             TEXT,
    email                 TEXT NOT NULL,
    language              TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'en')),
    yearly_fee_cents      BIGINT CHECK (yearly_fee_cents >= 0),
    onboarding_fee_cents  BIGINT CHECK (onboarding_fee_cents >= 0),
    migration_fee_cents   BIGINT CHECK (migration_fee_cents >= 0),
    updated_at            TIMESTAMP NOT NULL
);

-- The last number given in each series (a kind of document and a year). Issuing a document
-- takes the next number in the same transaction, holding this row until it commits: numbers
-- are given in order, and a transaction that fails gives its number back.
CREATE TABLE billing_series (
    kind      TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    year      INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    last_seq  INTEGER NOT NULL CHECK (last_seq BETWEEN 1 AND 999999),
    PRIMARY KEY (kind, year)
);

-- Invoices and credit notes, as issued: never changed, never deleted. The seller and buyer
-- are kept as they were on the day (JSON), so the document can be printed again identically.
CREATE TABLE billing_documents (
    id                        TEXT PRIMARY KEY,
    kind                      TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    year                      INTEGER NOT NULL,
    seq                       INTEGER NOT NULL CHECK (seq >= 1),
    number                    TEXT NOT NULL UNIQUE,
    tenant_id                 TEXT NOT NULL REFERENCES tenants (id),
    corrects_id               TEXT,
    billing_year              INTEGER,
    issue_date                DATE NOT NULL,
    due_date                  DATE,
    language                  TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'en')),
    net_cents                 BIGINT NOT NULL CHECK (net_cents >= 0),
    vat_cents                 BIGINT NOT NULL CHECK (vat_cents >= 0),
    gross_cents               BIGINT NOT NULL CHECK (gross_cents = net_cents + vat_cents),
    structured_communication  TEXT CHECK (length(structured_communication) = 12 AND structured_communication NOT GLOB '*[^0-9]*'),
    seller                    TEXT NOT NULL,
    buyer                     TEXT NOT NULL,
    note                      TEXT,
    idempotency_key           TEXT,
    request_hash              TEXT,
    created_by                TEXT NOT NULL,
    created_at                TIMESTAMP NOT NULL,
    UNIQUE (kind, year, seq),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, corrects_id) REFERENCES billing_documents (tenant_id, id),
    CHECK ((kind = 'credit_note') = (corrects_id IS NOT NULL)),
    CHECK ((kind = 'invoice') = (due_date IS NOT NULL AND structured_communication IS NOT NULL)),
    CHECK (billing_year IS NULL OR kind = 'invoice'),
    CHECK (due_date IS NULL OR due_date >= issue_date),
    CHECK (year = CAST(substr(issue_date, 1, 4) AS INTEGER)),
    CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
);
-- A yearly run invoices a cooperative once per year.
CREATE UNIQUE INDEX billing_documents_yearly ON billing_documents (tenant_id, billing_year)
    WHERE billing_year IS NOT NULL;
CREATE UNIQUE INDEX billing_documents_idempotency ON billing_documents (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX billing_documents_tenant ON billing_documents (tenant_id, issue_date);
-- A payment names its invoice by the structured communication.
CREATE UNIQUE INDEX billing_documents_communication ON billing_documents (structured_communication)
    WHERE structured_communication IS NOT NULL;
CREATE INDEX billing_documents_corrects ON billing_documents (corrects_id)
    WHERE corrects_id IS NOT NULL;

CREATE TABLE billing_lines (
    document_id      TEXT NOT NULL REFERENCES billing_documents (id),
    position         INTEGER NOT NULL CHECK (position >= 1),
    description      TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
    quantity         TEXT NOT NULL,
    unit_price_cents BIGINT NOT NULL CHECK (unit_price_cents >= 0),
    vat_rate         TEXT NOT NULL CHECK (vat_rate IN ('21', '12', '6', 'exempt')),
    net_cents        BIGINT NOT NULL CHECK (net_cents >= 0),
    vat_cents        BIGINT NOT NULL CHECK (vat_cents >= 0),
    PRIMARY KEY (document_id, position)
);

-- Payments received for invoices: typed in, or read from a bank statement (whose entry
-- reference then makes a second import of the same statement add nothing).
CREATE TABLE billing_payments (
    id               TEXT PRIMARY KEY,
    invoice_id       TEXT NOT NULL REFERENCES billing_documents (id),
    amount_cents     BIGINT NOT NULL CHECK (amount_cents > 0),
    paid_on          DATE NOT NULL,
    method           TEXT NOT NULL CHECK (method IN ('manual', 'coda', 'camt053')),
    bank_reference   TEXT UNIQUE,
    payer            TEXT,
    note             TEXT,
    idempotency_key  TEXT UNIQUE,
    request_hash     TEXT,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    CHECK ((method = 'manual') OR bank_reference IS NOT NULL),
    CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
);
CREATE INDEX billing_payments_invoice ON billing_payments (invoice_id);

-- The numbering rules, in the database: a document takes the number after the last one of
-- its series, on or after that one's date, and only a credit note of an invoice with enough
-- left to credit; a series starts at 1 and only moves on by one.
CREATE TRIGGER billing_documents_numbering BEFORE INSERT ON billing_documents
WHEN NEW.seq <> COALESCE((SELECT max(d.seq) FROM billing_documents d
                          WHERE d.kind = NEW.kind AND d.year = NEW.year), 0) + 1
BEGIN SELECT RAISE(ABORT, 'dar:numbering_gap: a document takes the number after the last one of its series'); END;
CREATE TRIGGER billing_documents_chronological BEFORE INSERT ON billing_documents
WHEN NEW.issue_date < (SELECT d.issue_date FROM billing_documents d
                       WHERE d.kind = NEW.kind AND d.year = NEW.year ORDER BY d.seq DESC LIMIT 1)
BEGIN SELECT RAISE(ABORT, 'dar:numbering_gap: a document is not dated before the number before it'); END;
CREATE TRIGGER billing_documents_credit_limit BEFORE INSERT ON billing_documents
WHEN NEW.kind = 'credit_note' AND (
    (SELECT i.kind FROM billing_documents i WHERE i.id = NEW.corrects_id) <> 'invoice'
    OR (SELECT COALESCE(sum(c.gross_cents), 0) FROM billing_documents c WHERE c.corrects_id = NEW.corrects_id)
       + NEW.gross_cents > (SELECT i.gross_cents FROM billing_documents i WHERE i.id = NEW.corrects_id))
BEGIN SELECT RAISE(ABORT, 'dar:credit_above_invoice: a credit note credits at most what is left of the invoice it corrects'); END;

CREATE TRIGGER billing_series_first BEFORE INSERT ON billing_series WHEN NEW.last_seq <> 1
BEGIN SELECT RAISE(ABORT, 'dar:numbering_gap: a series starts at 1 and moves on one number at a time'); END;
CREATE TRIGGER billing_series_step BEFORE UPDATE ON billing_series
WHEN NEW.kind <> OLD.kind OR NEW.year <> OLD.year OR NEW.last_seq <> OLD.last_seq + 1
BEGIN SELECT RAISE(ABORT, 'dar:numbering_gap: a series starts at 1 and moves on one number at a time'); END;
CREATE TRIGGER billing_series_no_delete BEFORE DELETE ON billing_series
BEGIN SELECT RAISE(ABORT, 'dar:append_only: billing_series is append-only'); END;
CREATE TRIGGER billing_documents_no_update BEFORE UPDATE ON billing_documents
BEGIN SELECT RAISE(ABORT, 'dar:append_only: billing_documents is append-only'); END;
CREATE TRIGGER billing_documents_no_delete BEFORE DELETE ON billing_documents
BEGIN SELECT RAISE(ABORT, 'dar:append_only: billing_documents is append-only'); END;
CREATE TRIGGER billing_lines_no_update BEFORE UPDATE ON billing_lines
BEGIN SELECT RAISE(ABORT, 'dar:append_only: billing_lines is append-only'); END;
CREATE TRIGGER billing_lines_no_delete BEFORE DELETE ON billing_lines
BEGIN SELECT RAISE(ABORT, 'dar:append_only: billing_lines is append-only'); END;
CREATE TRIGGER billing_payments_no_update BEFORE UPDATE ON billing_payments
BEGIN SELECT RAISE(ABORT, 'dar:append_only: billing_payments is append-only'); END;
CREATE TRIGGER billing_payments_no_delete BEFORE DELETE ON billing_payments
BEGIN SELECT RAISE(ABORT, 'dar:append_only: billing_payments is append-only'); END;
