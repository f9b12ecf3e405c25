"""The register's tables as peewee models, bound to the late-initialised database `db`.

Money is integer fen, periods are integers YYYYMM, dates ISO dates, times UTC. The big tables
(monthly contributions, yearly summaries) are WITHOUT ROWID tables clustered on their lookup key,
so a person's 36 months are one contiguous range on disk. Since schema v9 the monthly
contributions are stored as runs of equal months; since v10 the account entries in blocks of up
to 16 and the yearly summaries as a packed row a year; the views `contribution`,
`account_entry` and `contribution_year` show them in their old shape (the models of the same
names read them; `ALL_MODELS` lists the stored tables).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

from models.account_entries import COLUMNS as ENTRY_BLOCK_COLUMNS
from models.clock import utc_now
from models.fields import UtcDateTimeField

# Created late: `models.db.open_register` calls `db.init(path, pragmas=...)`.
db = SqliteDatabase(None)


def beside_register(name: str) -> Path | None:
    """The path of the file `name` in the folder of the open register (None for an in-memory
    register): the files that must outlive the register itself (marks, keys)."""
    database = db.database
    if not database or database.startswith((":memory:", "file::memory:")):
        return None
    return Path(database).absolute().parent / name


def write_transaction() -> AbstractContextManager[object]:
    """A transaction that takes the write lock at BEGIN (BEGIN IMMEDIATE).

    For every transaction that reads and then writes: a deferred one would have to upgrade its
    lock, and SQLite answers "database is locked" at once, without waiting, when another
    process wrote in between. With IMMEDIATE, the busy timeout applies and writers queue.
    """
    return db.atomic(lock_type="IMMEDIATE")


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class OfficeSetting(BaseModel):
    """Facts about this office's register (district code, office name, demo parameters)."""

    key = CharField(primary_key=True)
    value = TextField()


class Person(BaseModel):
    """An insured person; the social security number is the resident ID number."""

    id = AutoField()
    ssn = CharField(max_length=18, unique=True)
    name = CharField(max_length=40, index=True)
    gender = CharField(max_length=1)  # "M" / "F"
    birth_date = DateField()
    ethnicity = CharField(max_length=2, default="01")  # GB 3304 code, 01 = Han
    region_code = CharField(max_length=6)
    phone = CharField(max_length=20, null=True)
    address = CharField(max_length=200, null=True)
    status = CharField(max_length=12, default="insured")
    updated_at = UtcDateTimeField(default=utc_now)


# Name search looks for text at the start of the name, of the given name after a one-character
# surname (character 2) and after a two-character one (character 3), each through an index.
Person.add_index(SQL('CREATE INDEX "person_name_from_2" ON "person" (substr("name", 2))'))
Person.add_index(SQL('CREATE INDEX "person_name_from_3" ON "person" (substr("name", 3))'))


class Employer(BaseModel):
    """A contributing unit (单位), identified by its unified social credit code."""

    id = AutoField()
    unit_code = CharField(max_length=18, unique=True)
    name = CharField(max_length=100, index=True)
    region_code = CharField(max_length=6)
    work_injury_rate_bp = IntegerField(default=50)


class Enrolment(BaseModel):
    """A person's participation in one insurance type."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="enrolments", on_delete="CASCADE", index=False)
    employer = ForeignKeyField(Employer, null=True, backref="enrolments")
    insurance = IntegerField()  # enums.Insurance
    start_date = DateField()
    end_date = DateField(null=True)
    status = CharField(max_length=10, default="active")

    class Meta:
        indexes = ((("person", "insurance", "start_date"), True),)


class Card(BaseModel):
    """A social security card; a replacement card points back through `replaced_by`."""

    id = AutoField()
    card_no = CharField(max_length=9, unique=True)
    identifier = CharField(max_length=32, unique=True)
    person = ForeignKeyField(Person, backref="cards", on_delete="CASCADE")
    generation = IntegerField()  # 1, 2 or 3
    region_code = CharField(max_length=6)
    issue_date = DateField()
    expiry_date = DateField()
    status = CharField(max_length=10, default="active")
    status_changed_at = UtcDateTimeField(null=True)
    replaced_by = ForeignKeyField("self", null=True, backref="replaces")


class Contribution(BaseModel):
    """One month's contribution of one person to one insurance type: a row of the view
    `contribution` (schema v9), which unfolds the runs of `ContributionRun`. Read only; writes
    go to the runs (`models.contribution_runs`)."""

    person = ForeignKeyField(Person, on_delete="CASCADE", index=False)
    period = IntegerField()  # YYYYMM
    insurance = IntegerField()  # enums.Insurance
    employer = ForeignKeyField(Employer, null=True, index=False)
    base_fen = IntegerField()
    employer_fen = IntegerField()
    personal_fen = IntegerField()
    status = IntegerField()  # enums.ContributionStatus
    posted_date = DateField(null=True)

    class Meta:
        primary_key = CompositeKey("person", "period", "insurance")
        without_rowid = True


class ContributionRun(BaseModel):
    """Consecutive months of one person and insurance type with the same contribution (v9).

    Most months repeat the month before (the same employer, base, amounts and status, posted
    the same number of months later on the same day), so a person's 36 months of a type are a
    few runs. `first_month` is a month number (year * 12 + month - 1); `posted` codes the posted
    date (`models.contribution_runs`). No secondary indexes: the key serves every read.
    """

    person = ForeignKeyField(Person, on_delete="CASCADE", index=False)
    insurance = IntegerField()  # enums.Insurance
    first_month = IntegerField()
    months = IntegerField()
    employer = ForeignKeyField(Employer, null=True, index=False)
    base_fen = IntegerField()
    employer_fen = IntegerField()
    personal_fen = IntegerField()
    status = IntegerField()  # enums.ContributionStatus
    posted = IntegerField(null=True)

    class Meta:
        primary_key = CompositeKey("person", "insurance", "first_month")
        without_rowid = True


class MonthStep(BaseModel):
    """The numbers 0 .. MAX_RUN - 1: the view `contribution` joins a run with its months."""

    n = IntegerField(primary_key=True)


class ContributionYear(BaseModel):
    """Totals of one year and insurance type, for months before the monthly window: a row of
    the view `contribution_year` (schema v10) over `ContributionYearPack`. Read only."""

    person = ForeignKeyField(Person, on_delete="CASCADE", index=False)
    year = IntegerField()
    insurance = IntegerField()
    months_paid = IntegerField()
    base_total_fen = IntegerField()  # sum of monthly bases; average = total / months
    employer_fen = IntegerField()
    personal_fen = IntegerField()

    class Meta:
        primary_key = CompositeKey("person", "year", "insurance")
        without_rowid = True


class ContributionYearPack(BaseModel):
    """The yearly summaries of one person and year, packed (schema v10; `models.year_totals`):
    the types present (bit i - 1 for type i), months and monthly base of the first type, the
    work-injury employer rate, and `odd` (JSON) with every number these do not give. The view
    `contribution_year` shows the rows of `ContributionYear`."""

    person = ForeignKeyField(Person, on_delete="CASCADE", index=False)
    year = IntegerField()
    types = IntegerField()
    months = IntegerField(null=True)
    base = IntegerField(null=True)
    injury_bp = IntegerField(null=True)
    odd = TextField(null=True)

    class Meta:
        primary_key = CompositeKey("person", "year")
        without_rowid = True


class Account(BaseModel):
    """A personal account (pension or medical) and its current balance."""

    id = AutoField()
    person = ForeignKeyField(Person, backref="accounts", on_delete="CASCADE", index=False)
    kind = CharField(max_length=8)  # enums.AccountKind
    balance_fen = IntegerField(default=0)
    opened_date = DateField()
    updated_at = UtcDateTimeField(default=utc_now)

    class Meta:
        indexes = ((("person", "kind"), True),)


class AccountEntry(BaseModel):
    """One movement on a personal account, with the balance after it: a row of the view
    `account_entry` (schema v10) over `AccountEntryBlock`. Read only: writers go through
    `models.account_entries`."""

    id = AutoField()
    account = ForeignKeyField(Account, backref="entries", on_delete="CASCADE", index=False)
    posted_date = DateField()
    kind = IntegerField()  # enums.EntryKind
    amount_fen = IntegerField()  # signed: spending is negative
    balance_after_fen = IntegerField()
    counterparty = CharField(max_length=60, null=True)  # hospital or pharmacy
    period = IntegerField(null=True)


class Counterparty(BaseModel):
    """A hospital or pharmacy named by account entries, stored once (schema v9)."""

    id = AutoField()
    name = CharField(max_length=60, unique=True)


class AccountEntryBlock(BaseModel):
    """Up to `models.account_entries.SLOTS` stored account entries of one account whose ids
    and balances follow each other (schema v10): the first id, the count, the first entry's
    day (days since 1970-01-01) and balance, and per slot j its kind `k<j>`, amount `a<j>`,
    counterparty id `c<j>`, period lag `l<j>` and, from slot 1, days since the entry before
    `d<j>`. The view `account_entry` shows the rows of `AccountEntry`."""

    account = ForeignKeyField(Account, on_delete="CASCADE", index=False)
    first_id = IntegerField()
    count = IntegerField()
    day = IntegerField()
    balance = IntegerField()

    class Meta:
        primary_key = CompositeKey("account", "first_id")
        without_rowid = True


for _column in ENTRY_BLOCK_COLUMNS[5:]:
    AccountEntryBlock._meta.add_field(_column, IntegerField(null=True))


class BenefitPayment(BaseModel):
    """One month's benefit paid to one person (schema v8): a pension or unemployment benefit.

    The payment account is held masked (6217********1234); the bank holds the full number.
    Since schema v9 a row of the view `benefit_payment` over `BenefitRun`; read only.
    """

    person = ForeignKeyField(Person, on_delete="CASCADE", index=False)
    period = IntegerField()  # YYYYMM
    kind = IntegerField()  # enums.BenefitKind
    amount_fen = IntegerField()
    paid_date = DateField(null=True)  # None: due, not paid yet
    account_masked = CharField(max_length=24, null=True)

    class Meta:
        primary_key = CompositeKey("person", "period", "kind")
        without_rowid = True


class BenefitRun(BaseModel):
    """Consecutive months of one person and benefit with the same payment (schema v9;
    `models.benefit_runs`): `paid` codes the paid date as `ContributionRun.posted` does."""

    person = ForeignKeyField(Person, on_delete="CASCADE", index=False)
    kind = IntegerField()  # enums.BenefitKind
    first_month = IntegerField()
    months = IntegerField()
    amount_fen = IntegerField()
    paid = IntegerField(null=True)
    account_masked = CharField(max_length=24, null=True)

    class Meta:
        primary_key = CompositeKey("person", "kind", "first_month")
        without_rowid = True


class PensionCheck(BaseModel):
    """A retiree's yearly pension eligibility check (资格认证, schema v8): one per year."""

    person = ForeignKeyField(Person, on_delete="CASCADE", index=False)
    year = IntegerField()
    checked_date = DateField()
    channel = CharField(max_length=10)  # enums.CheckChannel
    next_due = DateField()

    class Meta:
        primary_key = CompositeKey("person", "year")
        without_rowid = True


class QueryCredential(BaseModel):
    """The holder's query password. No row, or a NULL hash, means the initial password."""

    person = ForeignKeyField(Person, primary_key=True, on_delete="CASCADE")
    password_hash = CharField(max_length=200, null=True)
    failed_attempts = IntegerField(default=0)
    locked_until = UtcDateTimeField(null=True)
    changed_at = UtcDateTimeField(default=utc_now)


class StaffUser(BaseModel):
    """A member of staff who may sign in at this office.

    Headquarters manages the accounts of the district (schema v5): `origin` 'hq' marks its copy
    (upserted by username, so `id` stays for the visits pointing at it), 'local' an account of
    this office only (the first admin of `init`, the offline demo roster), 'pending' one added
    here that headquarters has not confirmed yet. The failure count and lock stay local.
    """

    id = AutoField()
    username = CharField(max_length=40, unique=True)
    display_name = CharField(max_length=40)
    role = CharField(max_length=12)  # enums.Role
    password_hash = CharField(max_length=200, null=True)
    active = BooleanField(default=True)
    created_at = UtcDateTimeField(default=utc_now)
    updated_at = UtcDateTimeField(null=True, default=utc_now)
    origin = CharField(max_length=8, default="local", constraints=[SQL("DEFAULT 'local'")])
    failed_attempts = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    locked_until = UtcDateTimeField(null=True)


class ServiceVisit(BaseModel):
    """A citizen served at the counter or the kiosk."""

    id = AutoField()
    person = ForeignKeyField(Person, null=True, on_delete="SET NULL", index=False)
    staff = ForeignKeyField(StaffUser, null=True)
    channel = CharField(max_length=10)  # counter / kiosk
    purpose = CharField(max_length=40)
    card_no = CharField(max_length=9, null=True)
    started_at = UtcDateTimeField(default=utc_now)
    note = TextField(null=True)

    class Meta:
        indexes = ((("started_at",), False), (("person", "started_at"), False))


class AuditEvent(BaseModel):
    """Who did or looked at what, and when. Reads are logged too."""

    id = AutoField()
    at = UtcDateTimeField(default=utc_now, index=True)
    actor = CharField(max_length=60)
    action = CharField(max_length=40)
    person = ForeignKeyField(Person, null=True, on_delete="SET NULL", index=False)
    detail = TextField(null=True)  # JSON
    # the chain (schema v3): each event holds the hash of the one before and its own
    prev_hash = CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])
    hash = CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("person", "at"), False), (("actor", "at"), False))


class Outbox(BaseModel):
    """A command applied locally and queued for headquarters, in the same transaction."""

    seq = AutoField()
    uuid = CharField(max_length=36, unique=True)
    created_at = UtcDateTimeField(default=utc_now)
    actor = CharField(max_length=60)
    command = CharField(max_length=40)
    payload = TextField()  # JSON
    status = CharField(max_length=10, default="pending", index=True)
    attempts = IntegerField(default=0)
    last_attempt_at = UtcDateTimeField(null=True)
    last_error = TextField(null=True)
    resolved_at = UtcDateTimeField(null=True)
    reason = TextField(null=True)  # headquarters' reason for a rejection
    acknowledged_by = CharField(max_length=60, null=True)  # the supervisor who saw a rejection
    acknowledged_at = UtcDateTimeField(null=True)


class SyncState(BaseModel):
    """Progress of sync with headquarters, one row per channel."""

    channel = CharField(primary_key=True)
    cursor = TextField(null=True)
    last_success_at = UtcDateTimeField(null=True)
    last_attempt_at = UtcDateTimeField(null=True)
    last_error = TextField(null=True)
    consecutive_errors = IntegerField(default=0)
    # never | online | offline | failing
    status = CharField(max_length=10, default="never", constraints=[SQL("DEFAULT 'never'")])
    next_attempt_at = UtcDateTimeField(null=True)  # when the retry timer tries again
    data_as_of = UtcDateTimeField(null=True)  # headquarters' time of the last complete pull
    clock_skew_s = FloatField(null=True)  # this machine's clock minus headquarters' clock
    # the sanity check found a divergence: the next sync is a full one
    resync_required = BooleanField(default=False, constraints=[SQL("DEFAULT 0")])
    detail = TextField(null=True)  # JSON: progress of a bootstrap, last check, ...


class Statement(BaseModel):
    """A statement or report printed by this office: numbered, signed, recorded (schema v2)."""

    id = AutoField()
    number = CharField(max_length=32, unique=True)
    kind = CharField(max_length=12)  # rights / medical / daily / audit
    person = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    actor = CharField(max_length=60)
    lang = CharField(max_length=2)
    printed_at = UtcDateTimeField(default=utc_now, index=True)
    data_as_of = UtcDateTimeField(null=True)
    offline = BooleanField(default=False)
    sha256 = CharField(max_length=64, null=True)  # of the PDF, once written
    pages = IntegerField(null=True)


class OfficeVisit(BaseModel):
    """A visit served at another workstation of the office (the office's journal, v7)."""

    uuid = CharField(max_length=36, primary_key=True)  # of the visit.record command
    workstation = CharField(max_length=8, null=True)
    person_id = IntegerField(null=True)
    card_no = CharField(max_length=9, null=True)
    channel = CharField(max_length=10)
    purpose = CharField(max_length=40)
    staff = CharField(max_length=60, null=True)
    at = UtcDateTimeField(index=True)
    note = TextField(null=True)


class OfficeStatement(BaseModel):
    """A statement issued at another workstation of the office (the office's journal, v7)."""

    number = CharField(max_length=32, primary_key=True)
    workstation = CharField(max_length=8, null=True)
    kind = CharField(max_length=12)
    person_id = IntegerField(null=True)
    printed_at = UtcDateTimeField(index=True)
    offline = BooleanField()
    sha256 = CharField(max_length=64, null=True)
    pages = IntegerField(null=True)


class OfficeEvent(BaseModel):
    """An audit event of another workstation of the office (the office's journal, v7)."""

    workstation = CharField(max_length=8)
    event_id = IntegerField()
    at = TextField(index=True)
    actor = CharField(max_length=60)
    action = CharField(max_length=40)
    person_id = IntegerField(null=True)
    detail = TextField(null=True)

    class Meta:
        primary_key = CompositeKey("workstation", "event_id")


class OfficeStaffLock(BaseModel):
    """The latest sign-in failure count of a member of staff at a workstation of the office
    (the office's journal, v7); applied to `staff_user` as it arrives."""

    username = CharField(max_length=40, primary_key=True)
    workstation = CharField(max_length=8, null=True)
    failed_attempts = IntegerField()
    locked_until = UtcDateTimeField(null=True)
    at = UtcDateTimeField()


ALL_MODELS: tuple[type[BaseModel], ...] = (
    OfficeSetting,
    Person,
    Employer,
    Enrolment,
    Card,
    ContributionRun,
    MonthStep,
    ContributionYearPack,
    Account,
    Counterparty,
    AccountEntryBlock,
    BenefitRun,
    PensionCheck,
    QueryCredential,
    StaffUser,
    ServiceVisit,
    AuditEvent,
    Outbox,
    SyncState,
    Statement,
    OfficeVisit,
    OfficeStatement,
    OfficeEvent,
    OfficeStaffLock,
)
# The views of schema v9 that show compact tables in their old shape (the wire's shape).
VIEW_MODELS: tuple[type[BaseModel], ...] = (
    Contribution,
    ContributionYear,
    AccountEntry,
    BenefitPayment,
)
