-- Uploaded registers. An import is checked (a dry run, its report kept as JSON) as often
-- as the user changes its mapping or settings; only a clean one is queued for commit. The
-- commit writes the holders, the entries and the status 'committed' in one transaction, so
-- a job that dies leaves nothing and stays 'running' until a worker takes it over (its
-- heartbeat gone stale) and commits it again from the start.
CREATE TABLE imports (
    tenant_id           TEXT NOT NULL REFERENCES tenants (id),
    id                  TEXT NOT NULL,
    mode                TEXT NOT NULL CHECK (mode IN ('current', 'history')),
    file_name           TEXT NOT NULL,
    file                BYTEA NOT NULL,
    file_sha256         TEXT NOT NULL,
    effective_date      DATE,
    control_total_cents BIGINT,
    -- 'belgian' or 'english'; NULL: read from the file's own amounts.
    number_style        TEXT CHECK (number_style IN ('belgian', 'english')),
    -- JSON object: normalised header -> field key, or null for a column left out.
    mapping             TEXT NOT NULL,
    report              TEXT NOT NULL,
    clean               BOOLEAN NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('checked', 'queued', 'running', 'committed', 'failed')),
    total               BIGINT NOT NULL DEFAULT 0 CHECK (total >= 0),
    done                BIGINT NOT NULL DEFAULT 0 CHECK (done >= 0 AND done <= total),
    -- Raised by every claim: a worker whose claim was taken over cannot mark it committed.
    attempt             INTEGER NOT NULL DEFAULT 0,
    error               TEXT,
    created_by          TEXT NOT NULL REFERENCES users (id),
    created_at          TIMESTAMP NOT NULL,
    heartbeat_at        TIMESTAMP,
    finished_at         TIMESTAMP,
    PRIMARY KEY (tenant_id, id),
    -- Only a clean dry run is committed.
    CHECK (clean OR status IN ('checked', 'failed'))
);
CREATE INDEX imports_open_idx ON imports (status) WHERE status IN ('queued', 'running');

-- A cooperative's column choices, by normalised header, offered again at its next import.
CREATE TABLE import_mappings (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    header     TEXT NOT NULL,
    -- A field key, or NULL for a column the cooperative leaves out.
    field      TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, header)
);
