-- Live sessions shared by several Carnet processes on one database (issue 5).
-- The process that makes checkpoint revisions holds a lease (renewed every second);
-- others relay updates only. A "save a version" asked on another process waits here
-- for the holder. Ending a session (locking the notes) bumps `closings`: updates of
-- sessions opened before are refused from then on, in every process.
ALTER TABLE live_documents ADD COLUMN checkpointer TEXT;
ALTER TABLE live_documents ADD COLUMN checkpointer_until TIMESTAMP;
ALTER TABLE live_documents ADD COLUMN checkpoint_request TEXT;
ALTER TABLE live_documents ADD COLUMN closings BIGINT NOT NULL DEFAULT 0;
