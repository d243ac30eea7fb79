-- Compact revision storage (issue 9): a revision's text is stored compressed in
-- `content`, as a zstd `keyframe` or as a `delta` compressed against its page's keyframe
-- `keyframe_id` (see crates/core/src/storage.rs). Rows written before this migration
-- are `plain`: their text stays in `text` until `carnet compact` (or the background
-- compaction of `carnet serve`) rewrites them; new rows leave `text` empty.
-- `chain_bytes`: stored bytes of the deltas against the same keyframe up to this row,
-- so a save knows when a new keyframe pays without reading the chain.
ALTER TABLE revisions ADD COLUMN format TEXT NOT NULL DEFAULT 'plain'
    CHECK (format IN ('plain', 'keyframe', 'delta'));
ALTER TABLE revisions ADD COLUMN content BYTEA;
ALTER TABLE revisions ADD COLUMN keyframe_id BIGINT REFERENCES revisions (id);
ALTER TABLE revisions ADD COLUMN chain_bytes BIGINT NOT NULL DEFAULT 0;
-- Already compressed: stored out of line as it is, without PostgreSQL's own compression.
ALTER TABLE revisions ALTER COLUMN content SET STORAGE EXTERNAL;

-- The rows compaction still has to rewrite, by page (empty once it has run).
CREATE INDEX revisions_plain ON revisions (page_id, id) WHERE format = 'plain';
