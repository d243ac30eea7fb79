DROP TABLE live_participants;
DROP INDEX live_updates_document;
DROP TABLE live_updates;
DROP TABLE live_documents;
