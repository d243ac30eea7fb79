ALTER TABLE revisions DROP COLUMN user_id;
DROP TABLE sessions;
DROP TABLE users;
