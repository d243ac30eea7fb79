-- Portals: curation tables, and the times that order a category's members copied into
-- category_links so that "newest" and "recently changed" lists are index range scans
-- (never a sort of the whole category).
ALTER TABLE category_links ADD COLUMN page_created_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
ALTER TABLE category_links ADD COLUMN page_touched_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE category_links SET
    page_created_at = (SELECT created_at FROM pages WHERE pages.id = category_links.from_page),
    page_touched_at = (SELECT touched_at FROM pages WHERE pages.id = category_links.from_page);
CREATE INDEX category_links_newest ON category_links (category, page_created_at, from_page);
CREATE INDEX category_links_recent ON category_links (category, page_touched_at, from_page);
CREATE INDEX category_links_alpha ON category_links (category, sort_key, from_page);

-- Pages pinned on a portal, in order, with an optional blurb and picture (a title).
CREATE TABLE portal_features (
    portal_id BIGINT NOT NULL REFERENCES pages (id),
    namespace INTEGER NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    blurb TEXT NOT NULL,
    picture TEXT NOT NULL,
    added_by BIGINT REFERENCES users (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (portal_id, namespace, name)
);
CREATE INDEX portal_features_order ON portal_features (portal_id, position);
CREATE INDEX portal_features_target ON portal_features (namespace, name);

-- Sections of a portal, each bound to a category and an order.
CREATE TABLE portal_sections (
    portal_id BIGINT NOT NULL REFERENCES pages (id),
    category TEXT NOT NULL,
    sort TEXT NOT NULL,
    position INTEGER NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (portal_id, category, sort)
);
CREATE INDEX portal_sections_order ON portal_sections (portal_id, position);
CREATE INDEX portal_sections_category ON portal_sections (category);

-- Animateurs appointed to a portal by an administrator.
CREATE TABLE portal_animateurs (
    portal_id BIGINT NOT NULL REFERENCES pages (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    added_by BIGINT REFERENCES users (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (portal_id, user_id)
);
CREATE INDEX portal_animateurs_user ON portal_animateurs (user_id);
