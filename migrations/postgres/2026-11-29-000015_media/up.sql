-- Uploaded files (issue 7): every version of a `Fichier:` page's file, never updated
-- nor deleted. The current version of a file is its page's newest row; a restore is a
-- new row naming the blob of an old one. The bytes live in the blob store (object
-- store keyed by SHA-256), written before the row.
CREATE TABLE file_versions (
    id BIGSERIAL PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES pages (id),
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    width INTEGER,
    height INTEGER,
    uploader_id BIGINT REFERENCES users (id),
    uploader TEXT NOT NULL,
    author TEXT NOT NULL,
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    comment TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    restored_from BIGINT REFERENCES file_versions (id)
);
CREATE INDEX file_versions_page ON file_versions (page_id, id);
CREATE INDEX file_versions_sha256 ON file_versions (sha256);
CREATE INDEX file_versions_uploaded_at ON file_versions (uploaded_at);
