-- Watchlists: the pages a person follows (by title, so a page deleted and created again
-- stays followed), when they last looked, and whether their own edits add pages.
CREATE TABLE watchlist (
    user_id BIGINT NOT NULL REFERENCES users (id),
    namespace INTEGER NOT NULL,
    name TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, namespace, name)
);
CREATE INDEX watchlist_page ON watchlist (namespace, name);

ALTER TABLE users ADD COLUMN watch_own_edits BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN watchlist_seen_at TIMESTAMP;
