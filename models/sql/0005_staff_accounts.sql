-- counterdesk register, schema version 5: staff accounts managed at headquarters.
-- staff_user rows become headquarters' copy (origin 'hq', upserted by username, so the local
-- id that service_visit.staff_id points at stays) or the office's own (origin 'local': the
-- first admin of `counterdesk init`, the offline demo roster; 'pending': added here, waiting
-- for headquarters). The sign-in failure count and lock are local and move here from the
-- office settings `staff.failures.<username>` (the migration's data step).
-- Frozen once released: later versions add migrations; never edit this file.
ALTER TABLE "staff_user" ADD COLUMN "updated_at" TEXT;
ALTER TABLE "staff_user" ADD COLUMN "origin" VARCHAR(8) NOT NULL DEFAULT 'local';
ALTER TABLE "staff_user" ADD COLUMN "failed_attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "staff_user" ADD COLUMN "locked_until" TEXT;
UPDATE "staff_user" SET "updated_at" = "created_at";
