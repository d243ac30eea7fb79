DROP INDEX revisions_created_at;
DROP TABLE event_participants;
ALTER TABLE event_windows DROP COLUMN join_token;
ALTER TABLE event_windows DROP COLUMN target_name;
ALTER TABLE event_windows DROP COLUMN target_namespace;
