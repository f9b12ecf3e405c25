-- counterdesk register, schema version 8: benefits (Order 14 art. 2, part 3).
-- Benefit payments month by month (a retiree's pension, an unemployed person's benefit), the
-- yearly pension eligibility check (资格认证) of a retiree. Headquarters owns both (sync
-- protocol 3); an office holds the same window as for contributions (36 months of payments,
-- the checks of the last three years). The payment account is held masked only: the full
-- number stays with the paying bank.
-- Frozen once released: later versions add migrations; never edit this file.
CREATE TABLE "benefit_payment" ("person_id" INTEGER NOT NULL, "period" INTEGER NOT NULL, "kind" INTEGER NOT NULL, "amount_fen" INTEGER NOT NULL, "paid_date" DATE, "account_masked" VARCHAR(24), PRIMARY KEY ("person_id", "period", "kind"), FOREIGN KEY ("person_id") REFERENCES "person" ("id") ON DELETE CASCADE) WITHOUT ROWID;
CREATE TABLE "pension_check" ("person_id" INTEGER NOT NULL, "year" INTEGER NOT NULL, "checked_date" DATE NOT NULL, "channel" VARCHAR(10) NOT NULL, "next_due" DATE NOT NULL, PRIMARY KEY ("person_id", "year"), FOREIGN KEY ("person_id") REFERENCES "person" ("id") ON DELETE CASCADE) WITHOUT ROWID;
