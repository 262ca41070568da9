-- Documents: the images a cooperative prints on them, who signs, every certificate issued,
-- and the batch jobs that issue certificates in bulk.

-- Logos and signatures, kept by the SHA-256 of their bytes and never changed or removed,
-- so a certificate issued with an image can always be reproduced with it.
CREATE TABLE document_images (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    sha256     TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
    bytes      BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);

-- What the cooperative's documents carry now: its signatory and images.
CREATE TABLE document_settings (
    tenant_id        TEXT PRIMARY KEY REFERENCES tenants (id),
    signatory_name   TEXT CHECK (length(signatory_name) BETWEEN 1 AND 200),
    signatory_title  TEXT CHECK (length(signatory_title) BETWEEN 1 AND 200),
    logo_sha256      TEXT,
    signature_sha256 TEXT,
    updated_at       TIMESTAMP NOT NULL,
    FOREIGN KEY (tenant_id, logo_sha256) REFERENCES document_images (tenant_id, sha256),
    FOREIGN KEY (tenant_id, signature_sha256) REFERENCES document_images (tenant_id, sha256)
);

-- A batch of certificates issued in the background; progress is kept here so any
-- instance can report it.
CREATE TABLE certificate_batches (
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    id            TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    as_of         DATE,
    -- JSON array of shareholder ids, or NULL for every active shareholder up to
    -- up_to_register_number (the last one when the batch was asked for).
    selection     TEXT,
    up_to_register_number BIGINT NOT NULL,
    total         BIGINT NOT NULL CHECK (total >= 0),
    done          BIGINT NOT NULL DEFAULT 0 CHECK (done >= 0 AND done <= total),
    -- The last register number issued, so a batch resumes where it stopped.
    last_register_number BIGINT NOT NULL DEFAULT 0,
    error         TEXT,
    requested_by  TEXT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    heartbeat_at  TIMESTAMP,
    finished_at   TIMESTAMP,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX certificate_batches_open_idx ON certificate_batches (status) WHERE status IN ('queued', 'running');

-- Every certificate issued: what it showed (content, a JSON record the PDF is rendered
-- from), the ledger point it reflects and the SHA-256 of the PDF. A newer certificate for
-- the same holder names the one it supersedes; each is superseded at most once, so a
-- holder's certificates form one line and the last one is current.
CREATE TABLE certificates (
    tenant_id      TEXT NOT NULL REFERENCES tenants (id),
    id             TEXT NOT NULL,
    number         BIGINT NOT NULL CHECK (number >= 1),
    shareholder_id TEXT NOT NULL,
    as_of          DATE NOT NULL,
    -- NULL while the ledger is still empty.
    ledger_seq     BIGINT,
    ledger_hash    TEXT,
    language       TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'en')),
    layout         INTEGER NOT NULL CHECK (layout >= 1),
    content        TEXT NOT NULL,
    pdf_sha256     TEXT NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    supersedes     TEXT,
    batch_id       TEXT,
    issued_by      TEXT NOT NULL REFERENCES users (id),
    issued_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number),
    UNIQUE (tenant_id, shareholder_id, id),
    UNIQUE (tenant_id, supersedes),
    CHECK ((ledger_seq IS NULL) = (ledger_hash IS NULL)),
    FOREIGN KEY (tenant_id, shareholder_id) REFERENCES shareholders (tenant_id, id),
    FOREIGN KEY (tenant_id, ledger_seq, ledger_hash) REFERENCES ledger_entries (tenant_id, seq, hash),
    FOREIGN KEY (tenant_id, shareholder_id, supersedes) REFERENCES certificates (tenant_id, shareholder_id, id),
    FOREIGN KEY (tenant_id, batch_id) REFERENCES certificate_batches (tenant_id, id)
);
-- /verify looks a certificate up by its id alone.
CREATE INDEX certificates_id_idx ON certificates (id);
CREATE INDEX certificates_holder_idx ON certificates (tenant_id, shareholder_id, number);

CREATE TRIGGER certificates_append_only BEFORE UPDATE OR DELETE ON certificates
    FOR EACH ROW EXECUTE FUNCTION dar_append_only();
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates
    FOR EACH STATEMENT EXECUTE FUNCTION dar_append_only();
CREATE TRIGGER document_images_append_only BEFORE UPDATE OR DELETE ON document_images
    FOR EACH ROW EXECUTE FUNCTION dar_append_only();

-- Numbers run 1, 2, 3… per tenant without gaps, and a holder's first certificate is the
-- only one that supersedes nothing.
CREATE FUNCTION dar_certificate_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.number <> (SELECT COALESCE(MAX(number), 0) + 1 FROM certificates WHERE tenant_id = NEW.tenant_id) THEN
        RAISE EXCEPTION 'dar:certificate_number: certificate numbers run on without gaps';
    END IF;
    IF NEW.supersedes IS NULL AND EXISTS (SELECT 1 FROM certificates
                                           WHERE tenant_id = NEW.tenant_id AND shareholder_id = NEW.shareholder_id) THEN
        RAISE EXCEPTION 'dar:certificate_supersede: a new certificate must supersede the holder''s current one';
    END IF;
    IF NEW.ledger_seq > (SELECT ledger_head_seq FROM tenants WHERE id = NEW.tenant_id) THEN
        RAISE EXCEPTION 'dar:certificate_ledger: a certificate cannot reflect entries beyond the ledger head';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER certificates_before_insert BEFORE INSERT ON certificates
    FOR EACH ROW EXECUTE FUNCTION dar_certificate_before_insert();
