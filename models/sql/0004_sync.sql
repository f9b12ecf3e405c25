-- counterdesk register, schema version 4: sync with headquarters.
-- sync_state gains what the status bar and the retry timer need; outbox rows rejected by
-- headquarters are acknowledged by a supervisor (who and when).
-- Frozen once released: later versions add migrations; never edit this file.
ALTER TABLE "sync_state" ADD COLUMN "status" VARCHAR(10) NOT NULL DEFAULT 'never';
ALTER TABLE "sync_state" ADD COLUMN "next_attempt_at" TEXT;
ALTER TABLE "sync_state" ADD COLUMN "data_as_of" TEXT;
ALTER TABLE "sync_state" ADD COLUMN "clock_skew_s" REAL;
ALTER TABLE "sync_state" ADD COLUMN "resync_required" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "sync_state" ADD COLUMN "detail" TEXT;
ALTER TABLE "outbox" ADD COLUMN "acknowledged_by" VARCHAR(60);
ALTER TABLE "outbox" ADD COLUMN "acknowledged_at" TEXT;
CREATE INDEX "outbox_rejected_open" ON "outbox" ("status", "acknowledged_at");
