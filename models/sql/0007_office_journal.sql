-- counterdesk register, schema version 7: the office's journal.
-- What the other workstations of the office did (visits, statements, audit events, staff
-- sign-in failures), as headquarters or the office relay shares it (sync protocol 2), so the
-- daily report and the audit extract cover the whole office and a locked account is locked at
-- every window. Each row names its workstation's code; this workstation's own rows stay in
-- service_visit, statement and audit_event.
-- No foreign keys: a visitor of another district is not in this register.
-- Frozen once released: later versions add migrations; never edit this file.
CREATE TABLE "office_visit" (
    "uuid" VARCHAR(36) NOT NULL PRIMARY KEY,
    "workstation" VARCHAR(8),
    "person_id" INTEGER,
    "card_no" VARCHAR(9),
    "channel" VARCHAR(10) NOT NULL,
    "purpose" VARCHAR(40) NOT NULL,
    "staff" VARCHAR(60),
    "at" TEXT NOT NULL,
    "note" TEXT
);
CREATE INDEX "office_visit_at" ON "office_visit" ("at");
CREATE TABLE "office_statement" (
    "number" VARCHAR(32) NOT NULL PRIMARY KEY,
    "workstation" VARCHAR(8),
    "kind" VARCHAR(12) NOT NULL,
    "person_id" INTEGER,
    "printed_at" TEXT NOT NULL,
    "offline" INTEGER NOT NULL,
    "sha256" VARCHAR(64),
    "pages" INTEGER
);
CREATE INDEX "office_statement_printed_at" ON "office_statement" ("printed_at");
CREATE TABLE "office_event" (
    "workstation" VARCHAR(8) NOT NULL,
    "event_id" INTEGER NOT NULL,
    "at" TEXT NOT NULL,
    "actor" VARCHAR(60) NOT NULL,
    "action" VARCHAR(40) NOT NULL,
    "person_id" INTEGER,
    "detail" TEXT,
    PRIMARY KEY ("workstation", "event_id")
);
CREATE INDEX "office_event_at" ON "office_event" ("at");
CREATE TABLE "office_staff_lock" (
    "username" VARCHAR(40) NOT NULL PRIMARY KEY,
    "workstation" VARCHAR(8),
    "failed_attempts" INTEGER NOT NULL,
    "locked_until" TEXT,
    "at" TEXT NOT NULL
);
