-- `carnet import mediawiki`: which pages and revisions came from which wiki, by their
-- ids there, so that importing the same dump (or a newer one) again adds nothing twice.
-- `source` names the wiki (its database name, e.g. "frwikiquote").
CREATE TABLE imported_pages (
    source TEXT NOT NULL,
    source_page_id BIGINT NOT NULL,
    page_id BIGINT NOT NULL REFERENCES pages (id),
    PRIMARY KEY (source, source_page_id)
);
CREATE INDEX imported_pages_page ON imported_pages (page_id);

CREATE TABLE imported_revisions (
    source TEXT NOT NULL,
    source_revision_id BIGINT NOT NULL,
    revision_id BIGINT NOT NULL REFERENCES revisions (id),
    PRIMARY KEY (source, source_revision_id)
);
-- "Was the page's current revision imported?" (local edits since the last import).
CREATE INDEX imported_revisions_revision ON imported_revisions (revision_id);
