-- The content generation (issue 9): one number, bumped in the same transaction as
-- every change of what a page view shows, so that every process can tell in one cheap
-- query whether a page it rendered earlier is still current (crates/web/src/page_cache.rs).
-- Not bumped by the render cache, sessions, rate limits, live documents, search or
-- watchlists: reading a page never invalidates it.
CREATE TABLE content_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO content_generation (id, generation, changed_at)
    VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'));
CREATE TRIGGER content_generation_pages_insert AFTER INSERT ON pages BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_pages_delete AFTER DELETE ON pages BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_revisions_insert AFTER INSERT ON revisions BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_revisions_delete AFTER DELETE ON revisions BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_page_links_insert AFTER INSERT ON page_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_page_links_delete AFTER DELETE ON page_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_template_links_insert AFTER INSERT ON template_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_template_links_delete AFTER DELETE ON template_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_file_links_insert AFTER INSERT ON file_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_file_links_delete AFTER DELETE ON file_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_category_links_insert AFTER INSERT ON category_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_category_links_delete AFTER DELETE ON category_links BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_listed_categories_insert AFTER INSERT ON listed_categories BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_listed_categories_delete AFTER DELETE ON listed_categories BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_protections_insert AFTER INSERT ON protections BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_protections_delete AFTER DELETE ON protections BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_log_entries_insert AFTER INSERT ON log_entries BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_log_entries_delete AFTER DELETE ON log_entries BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_features_insert AFTER INSERT ON portal_features BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_features_delete AFTER DELETE ON portal_features BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_sections_insert AFTER INSERT ON portal_sections BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_sections_delete AFTER DELETE ON portal_sections BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_animateurs_insert AFTER INSERT ON portal_animateurs BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_animateurs_delete AFTER DELETE ON portal_animateurs BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_file_versions_insert AFTER INSERT ON file_versions BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_file_versions_delete AFTER DELETE ON file_versions BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_pages_update AFTER UPDATE ON pages
WHEN OLD.id IS NOT NEW.id OR OLD.namespace IS NOT NEW.namespace OR OLD.name IS NOT NEW.name OR OLD.latest_revision_id IS NOT NEW.latest_revision_id OR OLD.created_at IS NOT NEW.created_at OR OLD.touched_at IS NOT NEW.touched_at OR OLD.redirect_namespace IS NOT NEW.redirect_namespace OR OLD.redirect_name IS NOT NEW.redirect_name OR OLD.uses_page_count IS NOT NEW.uses_page_count
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- Not on the storage columns (text, format, content, keyframe_id, chain_bytes): the
-- compaction rewrites how a text is stored, never what it says.
CREATE TRIGGER content_generation_revisions_update AFTER UPDATE ON revisions
WHEN OLD.id IS NOT NEW.id OR OLD.page_id IS NOT NEW.page_id OR OLD.parent_id IS NOT NEW.parent_id OR OLD.author IS NOT NEW.author OR OLD.created_at IS NOT NEW.created_at OR OLD.comment IS NOT NEW.comment OR OLD.minor IS NOT NEW.minor OR OLD.size IS NOT NEW.size OR OLD.sha256 IS NOT NEW.sha256 OR OLD.user_id IS NOT NEW.user_id OR OLD.text_hidden IS NOT NEW.text_hidden OR OLD.deleted IS NOT NEW.deleted
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_page_links_update AFTER UPDATE ON page_links
WHEN OLD.from_page IS NOT NEW.from_page OR OLD.to_namespace IS NOT NEW.to_namespace OR OLD.to_name IS NOT NEW.to_name
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_template_links_update AFTER UPDATE ON template_links
WHEN OLD.from_page IS NOT NEW.from_page OR OLD.to_namespace IS NOT NEW.to_namespace OR OLD.to_name IS NOT NEW.to_name
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_file_links_update AFTER UPDATE ON file_links
WHEN OLD.from_page IS NOT NEW.from_page OR OLD.to_name IS NOT NEW.to_name
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_category_links_update AFTER UPDATE ON category_links
WHEN OLD.from_page IS NOT NEW.from_page OR OLD.category IS NOT NEW.category OR OLD.sort_key IS NOT NEW.sort_key OR OLD.page_created_at IS NOT NEW.page_created_at OR OLD.page_touched_at IS NOT NEW.page_touched_at
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_listed_categories_update AFTER UPDATE ON listed_categories
WHEN OLD.from_page IS NOT NEW.from_page OR OLD.category IS NOT NEW.category
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_protections_update AFTER UPDATE ON protections
WHEN OLD.page_id IS NOT NEW.page_id OR OLD.level IS NOT NEW.level OR OLD.reason IS NOT NEW.reason OR OLD.expires_at IS NOT NEW.expires_at OR OLD.user_id IS NOT NEW.user_id OR OLD.created_at IS NOT NEW.created_at
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_log_entries_update AFTER UPDATE ON log_entries
WHEN OLD.id IS NOT NEW.id OR OLD.action IS NOT NEW.action OR OLD.actor_id IS NOT NEW.actor_id OR OLD.actor_name IS NOT NEW.actor_name OR OLD.target_namespace IS NOT NEW.target_namespace OR OLD.target_name IS NOT NEW.target_name OR OLD.reason IS NOT NEW.reason OR OLD.details IS NOT NEW.details OR OLD.created_at IS NOT NEW.created_at
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_features_update AFTER UPDATE ON portal_features
WHEN OLD.portal_id IS NOT NEW.portal_id OR OLD.namespace IS NOT NEW.namespace OR OLD.name IS NOT NEW.name OR OLD.position IS NOT NEW.position OR OLD.blurb IS NOT NEW.blurb OR OLD.picture IS NOT NEW.picture OR OLD.added_by IS NOT NEW.added_by OR OLD.added_at IS NOT NEW.added_at
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_sections_update AFTER UPDATE ON portal_sections
WHEN OLD.portal_id IS NOT NEW.portal_id OR OLD.category IS NOT NEW.category OR OLD.sort IS NOT NEW.sort OR OLD.position IS NOT NEW.position OR OLD.size IS NOT NEW.size
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_portal_animateurs_update AFTER UPDATE ON portal_animateurs
WHEN OLD.portal_id IS NOT NEW.portal_id OR OLD.user_id IS NOT NEW.user_id OR OLD.added_by IS NOT NEW.added_by OR OLD.added_at IS NOT NEW.added_at
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
CREATE TRIGGER content_generation_file_versions_update AFTER UPDATE ON file_versions
WHEN OLD.id IS NOT NEW.id OR OLD.page_id IS NOT NEW.page_id OR OLD.sha256 IS NOT NEW.sha256 OR OLD.kind IS NOT NEW.kind OR OLD.bytes IS NOT NEW.bytes OR OLD.width IS NOT NEW.width OR OLD.height IS NOT NEW.height OR OLD.uploader_id IS NOT NEW.uploader_id OR OLD.uploader IS NOT NEW.uploader OR OLD.author IS NOT NEW.author OR OLD.source IS NOT NEW.source OR OLD.licence IS NOT NEW.licence OR OLD.comment IS NOT NEW.comment OR OLD.uploaded_at IS NOT NEW.uploaded_at OR OLD.restored_from IS NOT NEW.restored_from
BEGIN
    UPDATE content_generation SET generation = generation + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
