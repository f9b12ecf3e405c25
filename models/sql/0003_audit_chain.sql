-- counterdesk register, schema version 3: audit events chained by hash.
-- Existing events are chained by the migration's data step, oldest first.
-- Frozen once released: later versions add migrations; never edit this file.
ALTER TABLE "audit_event" ADD COLUMN "prev_hash" VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE "audit_event" ADD COLUMN "hash" VARCHAR(64) NOT NULL DEFAULT '';
