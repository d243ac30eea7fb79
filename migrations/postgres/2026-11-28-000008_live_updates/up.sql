-- Live co-editing sessions (issue 5). One Yjs document per page title, kept across
-- sessions so a reconnecting client's document always merges with the server's. Every
-- update is stored before anyone is told of it; a compaction folds the stored updates
-- into the snapshot. Titles rather than page ids: a live session may start a new page.
CREATE TABLE live_documents (
    id BIGSERIAL PRIMARY KEY,
    namespace INTEGER NOT NULL,
    name TEXT NOT NULL,
    -- The revision whose text the document last took in (or was checkpointed as).
    synced_revision_id BIGINT REFERENCES revisions (id),
    snapshot BYTEA NOT NULL,
    -- Updates up to this id are folded into the snapshot.
    snapshot_through BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (namespace, name)
);
CREATE TABLE live_updates (
    id BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES live_documents (id),
    data BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX live_updates_document ON live_updates (document_id, id);
-- Who typed since the last checkpoint: named in the next revision, even after a crash.
CREATE TABLE live_participants (
    document_id BIGINT NOT NULL REFERENCES live_documents (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    PRIMARY KEY (document_id, name)
);
