-- Pages point at their current revision; revisions are immutable and point at their page
-- and at the revision they were saved on top of.
CREATE TABLE pages (
    id BIGSERIAL PRIMARY KEY,
    namespace INTEGER NOT NULL,
    name TEXT NOT NULL,
    latest_revision_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    touched_at TIMESTAMP NOT NULL,
    UNIQUE (namespace, name)
);

CREATE TABLE revisions (
    id BIGSERIAL PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES pages (id),
    parent_id BIGINT REFERENCES revisions (id),
    author TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    comment TEXT NOT NULL,
    minor BOOLEAN NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL
);

ALTER TABLE pages
    ADD CONSTRAINT pages_latest_revision_id_fkey
    FOREIGN KEY (latest_revision_id) REFERENCES revisions (id);

-- History of one page, newest first, without scanning other pages' revisions.
CREATE INDEX revisions_page_id_id ON revisions (page_id, id);
