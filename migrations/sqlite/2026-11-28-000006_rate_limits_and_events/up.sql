-- Rate limit counters, shared by every Carnet process on the database. One row per key
-- and fixed window; `key` is a keyed SHA-256 of e.g. "save:ip:203.0.113.9", so no
-- address is stored. `expires_at` (Unix seconds) lets old windows be pruned by index.
CREATE TABLE rate_limit_hits (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_hits_expiry ON rate_limit_hits (expires_at);

-- The secret of the keyed hash, drawn once per database.
CREATE TABLE rate_limit_secret (
    id INTEGER PRIMARY KEY,
    secret TEXT NOT NULL
);
INSERT INTO rate_limit_secret (id, secret) VALUES (1, lower(hex(randomblob(32))));

-- Workshop event windows: per-IP limits are relaxed for the addresses in `ip_range`
-- (CIDR; NULL for every address) from `starts_at` to `ends_at`, or until `ended_at`.
CREATE TABLE event_windows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    ip_range TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    ended_by BIGINT REFERENCES users (id)
);
CREATE INDEX event_windows_ends ON event_windows (ends_at);
