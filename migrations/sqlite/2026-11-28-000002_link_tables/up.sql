-- What each page's current revision links to, kept up to date on every save, and the
-- cache of rendered HTML that these tables tell when to throw away.
CREATE TABLE page_links (
    from_page BIGINT NOT NULL REFERENCES pages (id),
    to_namespace INTEGER NOT NULL,
    to_name TEXT NOT NULL,
    PRIMARY KEY (from_page, to_namespace, to_name)
);
CREATE INDEX page_links_target ON page_links (to_namespace, to_name);

CREATE TABLE template_links (
    from_page BIGINT NOT NULL REFERENCES pages (id),
    to_namespace INTEGER NOT NULL,
    to_name TEXT NOT NULL,
    PRIMARY KEY (from_page, to_namespace, to_name)
);
CREATE INDEX template_links_target ON template_links (to_namespace, to_name);

CREATE TABLE file_links (
    from_page BIGINT NOT NULL REFERENCES pages (id),
    to_name TEXT NOT NULL,
    PRIMARY KEY (from_page, to_name)
);
CREATE INDEX file_links_target ON file_links (to_name);

-- sort_key is carnet_core::collation_key of the key written or of the page name.
CREATE TABLE category_links (
    from_page BIGINT NOT NULL REFERENCES pages (id),
    category TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    PRIMARY KEY (from_page, category)
);
CREATE INDEX category_links_members ON category_links (category, sort_key);

-- Categories whose members a page lists with {{#catégorie:…}}.
CREATE TABLE listed_categories (
    from_page BIGINT NOT NULL REFERENCES pages (id),
    category TEXT NOT NULL,
    PRIMARY KEY (from_page, category)
);
CREATE INDEX listed_categories_category ON listed_categories (category);

ALTER TABLE pages ADD COLUMN redirect_namespace INTEGER;
ALTER TABLE pages ADD COLUMN redirect_name TEXT;
ALTER TABLE pages ADD COLUMN uses_page_count BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE render_cache (
    page_id BIGINT PRIMARY KEY REFERENCES pages (id),
    revision_id BIGINT NOT NULL,
    html TEXT NOT NULL,
    rendered_at TIMESTAMP NOT NULL
);
