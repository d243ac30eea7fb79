-- Full-text search (crates/store/src/search.rs). Rows are written in the save's own
-- transaction, so the index is never behind the pages.

-- Folded titles ("ecole jean mace") for suggestions as one types: a prefix LIKE on a
-- NOCASE column uses the index.
CREATE TABLE search_titles (
    page_id BIGINT PRIMARY KEY NOT NULL REFERENCES pages (id),
    folded TEXT NOT NULL COLLATE NOCASE
);
CREATE INDEX search_titles_folded ON search_titles (folded);

-- The stems of every current page's title and text, made by Carnet's analyzer
-- (Snowball, accents folded) so that FTS5 and PostgreSQL match the same pages.
-- rowid is pages.id.
CREATE VIRTUAL TABLE search_index USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0');

-- Which stemming language the index was built with; a different setting reindexes.
CREATE TABLE search_settings (
    id INTEGER PRIMARY KEY NOT NULL,
    language TEXT NOT NULL
);
