-- Personal API tokens for scripts and bots. Only a SHA-256 of the token is stored, as
-- for sessions: a leaked table opens nothing. Revoked tokens are kept (revoked_at set)
-- so the account page and the logs can still name them.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    read_only BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
