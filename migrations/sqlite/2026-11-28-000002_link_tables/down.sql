DROP TABLE render_cache;
ALTER TABLE pages DROP COLUMN uses_page_count;
ALTER TABLE pages DROP COLUMN redirect_name;
ALTER TABLE pages DROP COLUMN redirect_namespace;
DROP TABLE listed_categories;
DROP TABLE category_links;
DROP TABLE file_links;
DROP TABLE template_links;
DROP TABLE page_links;
