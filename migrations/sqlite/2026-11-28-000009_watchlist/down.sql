ALTER TABLE users DROP COLUMN watchlist_seen_at;
ALTER TABLE users DROP COLUMN watch_own_edits;
DROP TABLE watchlist;
