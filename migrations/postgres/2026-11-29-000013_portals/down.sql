DROP TABLE portal_animateurs;
DROP TABLE portal_sections;
DROP TABLE portal_features;
DROP INDEX category_links_alpha;
DROP INDEX category_links_recent;
DROP INDEX category_links_newest;
ALTER TABLE category_links DROP COLUMN page_touched_at;
ALTER TABLE category_links DROP COLUMN page_created_at;
