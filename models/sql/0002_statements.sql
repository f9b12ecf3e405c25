-- counterdesk register, schema version 2: statements and reports printed by the office.
-- Frozen once released: later versions add migrations; never edit this file.
CREATE TABLE "statement" ("id" INTEGER NOT NULL PRIMARY KEY, "number" VARCHAR(32) NOT NULL, "kind" VARCHAR(12) NOT NULL, "person_id" INTEGER, "actor" VARCHAR(60) NOT NULL, "lang" VARCHAR(2) NOT NULL, "printed_at" TEXT NOT NULL, "data_as_of" TEXT, "offline" INTEGER NOT NULL, "sha256" VARCHAR(64), "pages" INTEGER, FOREIGN KEY ("person_id") REFERENCES "person" ("id") ON DELETE SET NULL);
CREATE UNIQUE INDEX "statement_number" ON "statement" ("number");
CREATE INDEX "statement_person_id" ON "statement" ("person_id");
CREATE INDEX "statement_printed_at" ON "statement" ("printed_at");
