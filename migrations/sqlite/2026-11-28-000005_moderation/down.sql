DROP TABLE log_entries;
DROP TABLE blocks;
DROP TABLE protections;
ALTER TABLE revisions DROP COLUMN deleted;
ALTER TABLE revisions DROP COLUMN text_hidden;
ALTER TABLE users DROP COLUMN temporary;
