-- counterdesk register, schema version 9: a compact register (issue 19, at most 4 KB a person).
-- Monthly contributions are stored as runs of equal consecutive months (`contribution_run`);
-- the view `contribution` unfolds them into the old rows, so every reader keeps its SQL. The
-- months are copied over by the migration's data step (models.contribution_runs), which then
-- drops the old table. Account entries are stored with the date as a day number and the
-- counterparty by id (`account_entry_row`, one narrow index by account); the view
-- `account_entry` shows the old rows, and inserting into it (an upsert: INSERT OR REPLACE by id)
-- or deleting from it goes to the stored rows through triggers.
-- Frozen once released: later versions add migrations; never edit this file.
CREATE TABLE "month_step" ("n" INTEGER NOT NULL PRIMARY KEY);
WITH RECURSIVE step(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM step WHERE n < 1199) INSERT INTO "month_step" ("n") SELECT n FROM step;
CREATE TABLE "contribution_run" ("person_id" INTEGER NOT NULL, "insurance" INTEGER NOT NULL, "first_month" INTEGER NOT NULL, "months" INTEGER NOT NULL, "employer_id" INTEGER, "base_fen" INTEGER NOT NULL, "employer_fen" INTEGER NOT NULL, "personal_fen" INTEGER NOT NULL, "status" INTEGER NOT NULL, "posted" INTEGER, PRIMARY KEY ("person_id", "insurance", "first_month"), FOREIGN KEY ("person_id") REFERENCES "person" ("id") ON DELETE CASCADE, FOREIGN KEY ("employer_id") REFERENCES "employer" ("id")) WITHOUT ROWID;
ALTER TABLE "contribution" RENAME TO "contribution_v8";
CREATE VIEW "contribution" AS SELECT r."person_id" AS "person_id", (r."first_month" + s."n") / 12 * 100 + (r."first_month" + s."n") % 12 + 1 AS "period", r."insurance" AS "insurance", r."employer_id" AS "employer_id", r."base_fen" AS "base_fen", r."employer_fen" AS "employer_fen", r."personal_fen" AS "personal_fen", r."status" AS "status", CASE WHEN r."posted" IS NULL THEN NULL WHEN r."posted" >= 10000 THEN printf('%04d-%02d-%02d', r."posted" / 10000, r."posted" / 100 % 100, r."posted" % 100) ELSE printf('%04d-%02d-%02d', (r."first_month" + s."n" + r."posted" / 100) / 12, (r."first_month" + s."n" + r."posted" / 100) % 12 + 1, r."posted" % 100) END AS "posted_date" FROM "contribution_run" r JOIN "month_step" s ON s."n" < r."months";
CREATE TABLE "counterparty" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(60) NOT NULL);
CREATE UNIQUE INDEX "counterparty_name" ON "counterparty" ("name");
CREATE TABLE "account_entry_row" ("id" INTEGER NOT NULL PRIMARY KEY, "account_id" INTEGER NOT NULL, "posted_day" INTEGER NOT NULL, "kind" INTEGER NOT NULL, "amount_fen" INTEGER NOT NULL, "balance_after_fen" INTEGER NOT NULL, "counterparty_id" INTEGER, "period" INTEGER, FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE CASCADE, FOREIGN KEY ("counterparty_id") REFERENCES "counterparty" ("id"));
CREATE INDEX "account_entry_row_account_id" ON "account_entry_row" ("account_id");
INSERT INTO "counterparty" ("name") SELECT DISTINCT "counterparty" FROM "account_entry" WHERE "counterparty" IS NOT NULL ORDER BY 1;
INSERT INTO "account_entry_row" ("id", "account_id", "posted_day", "kind", "amount_fen", "balance_after_fen", "counterparty_id", "period") SELECT e."id", e."account_id", CAST(julianday(e."posted_date") - 2440587.5 AS INTEGER), e."kind", e."amount_fen", e."balance_after_fen", c."id", e."period" FROM "account_entry" e LEFT JOIN "counterparty" c ON c."name" = e."counterparty" ORDER BY e."id";
DROP TABLE "account_entry";
CREATE VIEW "account_entry" AS SELECT e."id" AS "id", e."account_id" AS "account_id", date(e."posted_day" * 86400, 'unixepoch') AS "posted_date", e."kind" AS "kind", e."amount_fen" AS "amount_fen", e."balance_after_fen" AS "balance_after_fen", c."name" AS "counterparty", e."period" AS "period" FROM "account_entry_row" e LEFT JOIN "counterparty" c ON c."id" = e."counterparty_id";
CREATE TRIGGER "account_entry_insert" INSTEAD OF INSERT ON "account_entry" BEGIN INSERT OR IGNORE INTO "counterparty" ("name") SELECT NEW."counterparty" WHERE NEW."counterparty" IS NOT NULL; INSERT OR REPLACE INTO "account_entry_row" ("id", "account_id", "posted_day", "kind", "amount_fen", "balance_after_fen", "counterparty_id", "period") VALUES (NEW."id", NEW."account_id", CAST(julianday(NEW."posted_date") - 2440587.5 AS INTEGER), NEW."kind", NEW."amount_fen", NEW."balance_after_fen", (SELECT "id" FROM "counterparty" WHERE "name" = NEW."counterparty"), NEW."period"); END;
CREATE TRIGGER "account_entry_delete" INSTEAD OF DELETE ON "account_entry" BEGIN DELETE FROM "account_entry_row" WHERE "id" = OLD."id"; END;
