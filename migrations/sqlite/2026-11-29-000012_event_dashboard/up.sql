-- The wiki-journée dashboard (issue 6): an event's optional target (a portal page or a
-- category, as namespace and name), its sign-up link's secret, and its participants.
ALTER TABLE event_windows ADD COLUMN target_namespace INTEGER;
ALTER TABLE event_windows ADD COLUMN target_name TEXT;
-- 32 hexadecimal characters; part of the sign-up link /events/{id}/join/{token}.
ALTER TABLE event_windows ADD COLUMN join_token TEXT;
UPDATE event_windows SET join_token = lower(hex(randomblob(16))) WHERE join_token IS NULL;

-- Who took part: accounts made (or joined) through the sign-up link, and writers who
-- saved from an address the event covers while it was open (recorded at save time:
-- no address is stored).
CREATE TABLE event_participants (
    event_id BIGINT NOT NULL REFERENCES event_windows (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    joined_at TIMESTAMP NOT NULL,
    via_link BOOLEAN NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_participants_user ON event_participants (user_id);

-- The dashboard reads the revisions of a time window.
CREATE INDEX revisions_created_at ON revisions (created_at);
