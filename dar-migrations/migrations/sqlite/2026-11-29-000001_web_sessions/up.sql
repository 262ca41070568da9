-- Sessions of the web application. The cookie carries a random token; only its SHA-256 is
-- kept, so a copy of the database cannot be used to sign in. Each session has its own CSRF
-- token, an idle expiry (moved on use) and an absolute one.
CREATE TABLE web_sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    CHECK (last_seen_at >= created_at),
    CHECK (expires_at > created_at)
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_expiry_idx ON web_sessions (expires_at);
