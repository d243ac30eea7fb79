-- Moderation: temporary identities, hidden and deleted revisions, protections, blocks
-- and the public log.

-- Logged-out writers get a temporary identity (~2026-42): an account without password,
-- so history, blocks and limits treat them like everyone else.
ALTER TABLE users ADD COLUMN temporary BOOLEAN NOT NULL DEFAULT FALSE;

-- Hiding a revision's text keeps its history line; deleting a page marks its revisions
-- (and empties pages.latest_revision_id, so every existence check sees it missing).
ALTER TABLE revisions ADD COLUMN text_hidden BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE revisions ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE protections (
    page_id BIGINT PRIMARY KEY REFERENCES pages (id),
    level TEXT NOT NULL,
    reason TEXT NOT NULL,
    expires_at TIMESTAMP,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE blocks (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    expires_at TIMESTAMP,
    blocked_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP
);
CREATE INDEX blocks_user ON blocks (user_id);

-- Actor and target are kept as text too: the log reads the same after a rename.
CREATE TABLE log_entries (
    id BIGSERIAL PRIMARY KEY,
    action TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    actor_name TEXT NOT NULL,
    target_namespace INTEGER,
    target_name TEXT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX log_entries_target ON log_entries (target_namespace, target_name);
