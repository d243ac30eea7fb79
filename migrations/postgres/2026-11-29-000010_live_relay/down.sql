ALTER TABLE live_documents DROP COLUMN closings;
ALTER TABLE live_documents DROP COLUMN checkpoint_request;
ALTER TABLE live_documents DROP COLUMN checkpointer_until;
ALTER TABLE live_documents DROP COLUMN checkpointer;
