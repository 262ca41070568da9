-- Whether the cooperative's shareholders may ask for a current certificate themselves
-- (on their own page); the administrator decides, and by default they may not.
ALTER TABLE document_settings ADD COLUMN holders_may_request_certificates BOOLEAN NOT NULL DEFAULT FALSE;
