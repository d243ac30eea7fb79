-- The content generation (issue 9): one number, bumped in the same transaction as
-- every change of what a page view shows, so that every process can tell in one cheap
-- query whether a page it rendered earlier is still current (crates/web/src/page_cache.rs).
-- Not bumped by the render cache, sessions, rate limits, live documents, search or
-- watchlists: reading a page never invalidates it.
--
-- The triggers are deferred constraint triggers: the bump runs once per transaction
-- (a transaction-local setting remembers it), at commit, after every other statement.
-- So the one row's lock is held only while committing — writers on different pages do
-- not queue behind each other for the whole transaction, and no lock is taken after it
-- (no deadlock) — and the new number is visible exactly when the changes are.
CREATE TABLE content_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO content_generation (id, generation, changed_at)
    VALUES (1, 1, clock_timestamp() AT TIME ZONE 'UTC');

CREATE FUNCTION carnet_bump_content_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('carnet.content_generation_txid', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('carnet.content_generation_txid', txid_current()::text, true);
        UPDATE content_generation SET generation = generation + 1,
            changed_at = clock_timestamp() AT TIME ZONE 'UTC' WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER content_generation_pages_change AFTER INSERT OR DELETE ON pages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_pages_update AFTER UPDATE ON pages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_revisions_change AFTER INSERT OR DELETE ON revisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
-- Not on the storage columns (text, format, content, keyframe_id, chain_bytes): the
-- compaction rewrites how a text is stored, never what it says.
CREATE CONSTRAINT TRIGGER content_generation_revisions_update AFTER UPDATE ON revisions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.page_id, OLD.parent_id, OLD.author, OLD.created_at, OLD.comment, OLD.minor, OLD.size, OLD.sha256, OLD.user_id, OLD.text_hidden, OLD.deleted) IS DISTINCT FROM
          (NEW.page_id, NEW.parent_id, NEW.author, NEW.created_at, NEW.comment, NEW.minor, NEW.size, NEW.sha256, NEW.user_id, NEW.text_hidden, NEW.deleted))
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_page_links_change AFTER INSERT OR DELETE ON page_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_page_links_update AFTER UPDATE ON page_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_template_links_change AFTER INSERT OR DELETE ON template_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_template_links_update AFTER UPDATE ON template_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_file_links_change AFTER INSERT OR DELETE ON file_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_file_links_update AFTER UPDATE ON file_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_category_links_change AFTER INSERT OR DELETE ON category_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_category_links_update AFTER UPDATE ON category_links
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_listed_categories_change AFTER INSERT OR DELETE ON listed_categories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_listed_categories_update AFTER UPDATE ON listed_categories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_protections_change AFTER INSERT OR DELETE ON protections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_protections_update AFTER UPDATE ON protections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_log_entries_change AFTER INSERT OR DELETE ON log_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_log_entries_update AFTER UPDATE ON log_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_portal_features_change AFTER INSERT OR DELETE ON portal_features
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_portal_features_update AFTER UPDATE ON portal_features
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_portal_sections_change AFTER INSERT OR DELETE ON portal_sections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_portal_sections_update AFTER UPDATE ON portal_sections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_portal_animateurs_change AFTER INSERT OR DELETE ON portal_animateurs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_portal_animateurs_update AFTER UPDATE ON portal_animateurs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_file_versions_change AFTER INSERT OR DELETE ON file_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION carnet_bump_content_generation();
CREATE CONSTRAINT TRIGGER content_generation_file_versions_update AFTER UPDATE ON file_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION carnet_bump_content_generation();
