ALTER TABLE pages DROP CONSTRAINT pages_latest_revision_id_fkey;
DROP TABLE revisions;
DROP TABLE pages;
