-- Full-text search (crates/store/src/search.rs). Rows are written in the save's own
-- transaction, so the index is never behind the pages.

-- Folded titles ("ecole jean mace") for suggestions as one types: a prefix LIKE uses a
-- text_pattern_ops index whatever the database's collation.
CREATE TABLE search_titles (
    page_id BIGINT PRIMARY KEY NOT NULL REFERENCES pages (id),
    folded TEXT NOT NULL
);
CREATE INDEX search_titles_folded ON search_titles (folded text_pattern_ops);

-- Title and text as tsvectors of the configured language (`french` by default), fed
-- with words Carnet has already folded (no accents), the title weighted A.
CREATE TABLE search_documents (
    page_id BIGINT PRIMARY KEY NOT NULL REFERENCES pages (id),
    title tsvector NOT NULL,
    document tsvector NOT NULL
);
CREATE INDEX search_documents_document ON search_documents USING GIN (document);

CREATE TABLE search_settings (
    id INTEGER PRIMARY KEY NOT NULL,
    language TEXT NOT NULL
);
