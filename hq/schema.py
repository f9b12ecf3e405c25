"""Headquarters' tables as peewee models, bound to the late-initialised proxy `hq_db`.

The replicated tables carry exactly the columns of the office register (`models.schema`, wire
order in `models.replica`), plus `person.district`: the district whose offices serve the person
(the scope of every pull). Integers are BIGINT on PostgreSQL (rebased demo ids, sums of fen).
Foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED), so a transaction may write
a batch of rows in any order.

Headquarters' own tables: offices, their districts and signing keys, the districts of staff
accounts, the change feed, commands
and audit events received from offices, visits, statements and the access log of person reads.
"""

from __future__ import annotations

from peewee import (
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from models.clock import utc_now
from models.fields import UtcDateTimeField

# Initialised by `hq.store.connect` with a SQLite or PostgreSQL database.
hq_db = DatabaseProxy()

# Bump it whenever a table or an index is added: a database at this version gets no DDL when a
# worker starts (`hq.store._migrate`). Each version's name is recorded in `schema_version`.
VERSION_NAMES = {
    1: "headquarters register and feed",
    2: "staff accounts at headquarters",
    3: "workstations of an office",
    4: "benefits",
    5: "statements headquarters issues itself (the citizen's downloaded record) and their key",
    6: "hotline desk: calls, their audit events, staff sign-in failures",
    7: "scope indexes: the feed by district and by office journal, persons by district and id",
}
SCHEMA_VERSION = max(VERSION_NAMES)
DEFERRED = "INITIALLY DEFERRED"


class HqModel(Model):
    class Meta:
        database = hq_db
        legacy_table_names = False


# -- the replicated register ------------------------------------------------------------------


class Employer(HqModel):
    """A contributing unit; city-wide (every office receives every employer)."""

    id = BigAutoField()
    unit_code = CharField(max_length=18, unique=True)
    name = CharField(max_length=100, index=True)
    region_code = CharField(max_length=6)
    work_injury_rate_bp = IntegerField(default=50)

    class Meta:
        table_name = "employer"


class Person(HqModel):
    """An insured person, and the district whose offices serve them."""

    id = BigAutoField()
    ssn = CharField(max_length=18, unique=True)
    name = CharField(max_length=40, index=True)
    gender = CharField(max_length=1)
    birth_date = DateField()
    ethnicity = CharField(max_length=2, default="01")
    region_code = CharField(max_length=6)
    phone = CharField(max_length=20, null=True)
    address = CharField(max_length=200, null=True)
    status = CharField(max_length=12, default="insured")
    updated_at = UtcDateTimeField(default=utc_now)
    district = CharField(max_length=6, index=False)  # headquarters only: the scope

    class Meta:
        table_name = "person"
        # a bootstrap page walks one district's persons in id order (v7; it was `district`)
        indexes = ((("district", "id"), False),)


class Enrolment(HqModel):
    """A person's participation in one insurance type."""

    id = BigAutoField()
    person = ForeignKeyField(Person, deferrable=DEFERRED, index=False)
    employer = ForeignKeyField(Employer, null=True, deferrable=DEFERRED)
    insurance = IntegerField()
    start_date = DateField()
    end_date = DateField(null=True)
    status = CharField(max_length=10, default="active")

    class Meta:
        table_name = "enrolment"
        indexes = ((("person", "insurance", "start_date"), True),)


class Card(HqModel):
    """A social security card."""

    id = BigAutoField()
    card_no = CharField(max_length=9, unique=True)
    identifier = CharField(max_length=32, unique=True)
    person = ForeignKeyField(Person, deferrable=DEFERRED)
    generation = IntegerField()
    region_code = CharField(max_length=6)
    issue_date = DateField()
    expiry_date = DateField()
    status = CharField(max_length=10, default="active")
    status_changed_at = UtcDateTimeField(null=True)
    replaced_by = ForeignKeyField("self", null=True, deferrable=DEFERRED)

    class Meta:
        table_name = "card"


class Contribution(HqModel):
    """One month's contribution of one person to one insurance type."""

    person = ForeignKeyField(Person, deferrable=DEFERRED, index=False)
    period = IntegerField()
    insurance = IntegerField()
    employer = ForeignKeyField(Employer, null=True, deferrable=DEFERRED, index=False)
    base_fen = BigIntegerField()
    employer_fen = BigIntegerField()
    personal_fen = BigIntegerField()
    status = IntegerField()
    posted_date = DateField(null=True)

    class Meta:
        table_name = "contribution"
        primary_key = CompositeKey("person", "period", "insurance")


class ContributionYear(HqModel):
    """Totals of one year and insurance type, for months before the monthly window."""

    person = ForeignKeyField(Person, deferrable=DEFERRED, index=False)
    year = IntegerField()
    insurance = IntegerField()
    months_paid = IntegerField()
    base_total_fen = BigIntegerField()
    employer_fen = BigIntegerField()
    personal_fen = BigIntegerField()

    class Meta:
        table_name = "contribution_year"
        primary_key = CompositeKey("person", "year", "insurance")


class Account(HqModel):
    """A personal account (pension or medical) and its current balance."""

    id = BigAutoField()
    person = ForeignKeyField(Person, deferrable=DEFERRED, index=False)
    kind = CharField(max_length=8)
    balance_fen = BigIntegerField(default=0)
    opened_date = DateField()
    updated_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "account"
        indexes = ((("person", "kind"), True),)


class AccountEntry(HqModel):
    """One movement on a personal account, with the balance after it."""

    id = BigAutoField()
    account = ForeignKeyField(Account, deferrable=DEFERRED, index=False)
    posted_date = DateField()
    kind = IntegerField()
    amount_fen = BigIntegerField()
    balance_after_fen = BigIntegerField()
    counterparty = CharField(max_length=60, null=True)
    period = IntegerField(null=True)

    class Meta:
        table_name = "account_entry"
        indexes = ((("account", "posted_date"), False),)


class BenefitPayment(HqModel):
    """One month's benefit paid to one person (a pension or unemployment benefit); the payment
    account masked."""

    person = ForeignKeyField(Person, deferrable=DEFERRED, index=False)
    period = IntegerField()
    kind = IntegerField()
    amount_fen = BigIntegerField()
    paid_date = DateField(null=True)
    account_masked = CharField(max_length=24, null=True)

    class Meta:
        table_name = "benefit_payment"
        primary_key = CompositeKey("person", "period", "kind")


class PensionCheck(HqModel):
    """A retiree's yearly pension eligibility check (资格认证): one per year."""

    person = ForeignKeyField(Person, deferrable=DEFERRED, index=False)
    year = IntegerField()
    checked_date = DateField()
    channel = CharField(max_length=10)
    next_due = DateField()

    class Meta:
        table_name = "pension_check"
        primary_key = CompositeKey("person", "year")


class QueryCredential(HqModel):
    """The holder's query password state (no row: the initial password)."""

    person = ForeignKeyField(Person, primary_key=True, deferrable=DEFERRED)
    password_hash = CharField(max_length=200, null=True)
    failed_attempts = IntegerField(default=0)
    locked_until = UtcDateTimeField(null=True)
    changed_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "query_credential"


class StaffAccount(HqModel):
    """A staff account (username unique city-wide); `active` is 0 or 1, as on the wire. The
    districts it serves, its scope, are in StaffDistrict."""

    id = BigAutoField()
    username = CharField(max_length=40, unique=True)
    display_name = CharField(max_length=40)
    role = CharField(max_length=12)
    password_hash = CharField(max_length=200, null=True)
    active = IntegerField(default=1)
    created_at = UtcDateTimeField(default=utc_now)
    updated_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "staff_user"


REPLICATED_MODELS: tuple[type[HqModel], ...] = (
    Employer,
    Person,
    Enrolment,
    Card,
    Contribution,
    ContributionYear,
    Account,
    AccountEntry,
    BenefitPayment,
    PensionCheck,
    QueryCredential,
    StaffAccount,
)


# -- headquarters' own tables -----------------------------------------------------------------


class SchemaVersion(HqModel):
    """The schema versions applied to this database."""

    version = IntegerField(primary_key=True)
    name = CharField(max_length=100)
    applied_at = UtcDateTimeField(default=utc_now)


class Office(HqModel):
    """An enrolled district office or one of its workstations (schema v3), each with its own
    token: only the SHA-256 of the token's secret is stored.

    An office's own row (`parent` null) holds its districts and is a workstation too (the PC of
    a one-PC office); a workstation's row names its office in `parent`. Every row has a short
    `code`, unique in the city, that statement numbers carry; `kind` is counter, kiosk,
    supervisor or relay. Keys, commands, audit chains and statements belong to the row that
    sent them; the scope (districts) to the office.
    """

    id = CharField(max_length=40, primary_key=True)
    name = CharField(max_length=100, null=True)
    token_hash = CharField(max_length=64)
    created_at = UtcDateTimeField(default=utc_now)
    revoked_at = UtcDateTimeField(null=True)
    client_version = CharField(max_length=40, null=True)
    enrolled_at = UtcDateTimeField(null=True)  # last POST /v1/enrol
    parent = ForeignKeyField("self", null=True, deferrable=DEFERRED, backref="workstations")
    code = CharField(max_length=8, null=True, unique=True)
    kind = CharField(max_length=12, null=True)
    last_seen_at = UtcDateTimeField(null=True)


class OfficeDistrict(HqModel):
    """A district an office serves (its scope)."""

    office = ForeignKeyField(Office, backref="districts", deferrable=DEFERRED, index=False)
    district = CharField(max_length=6, index=True)

    class Meta:
        primary_key = CompositeKey("office", "district")


class StaffDistrict(HqModel):
    """A district a staff account serves: offices of the district receive the account."""

    staff = ForeignKeyField(StaffAccount, backref="districts", deferrable=DEFERRED, index=False)
    district = CharField(max_length=6, index=True)

    class Meta:
        primary_key = CompositeKey("staff", "district")


class OfficeKey(HqModel):
    """A statement signing key an office registered; every key ever registered is kept."""

    id = BigAutoField()
    office = ForeignKeyField(Office, backref="keys", deferrable=DEFERRED, index=False)
    key_hex = CharField(max_length=64)
    registered_at = UtcDateTimeField(default=utc_now)

    class Meta:
        indexes = ((("office", "key_hex"), True),)


class FeedChange(HqModel):
    """One change of the register: seq is strictly increasing and gapless, in commit order.

    `data` is the JSON list of the row's values in wire order (upsert) or of its key (delete);
    `district` is the scope it belongs to (NULL: city-wide, every office), or `office` names
    the one office whose journal it is (its workstations only).
    """

    seq = BigIntegerField(primary_key=True)
    table_name = CharField(max_length=32)
    op = CharField(max_length=6)
    district = CharField(max_length=6, null=True)
    data = TextField()
    at = UtcDateTimeField(default=utc_now)
    office = CharField(max_length=40, null=True)  # the office's journal (v3): that office only

    class Meta:
        # a page reads each part of its scope as one ordered range (v7; `hq.feed.pull`)
        indexes = ((("district", "seq"), False), (("office", "seq"), False))


class Command(HqModel):
    """A command pushed by an office, with headquarters' answer (deduplicated by uuid)."""

    id = BigAutoField()
    office = ForeignKeyField(Office, deferrable=DEFERRED, index=False)
    uuid = CharField(max_length=64)
    command = CharField(max_length=40)
    payload = TextField()
    actor = CharField(max_length=60)
    created_at = UtcDateTimeField()
    received_at = UtcDateTimeField(default=utc_now)
    person_id = BigIntegerField(null=True, index=True)
    status = CharField(max_length=10)
    code = CharField(max_length=20, null=True)
    reason = TextField(null=True)

    class Meta:
        indexes = ((("office", "uuid"), True),)


class Visit(HqModel):
    """A citizen served at an office (from `visit.record`)."""

    id = BigAutoField()
    office = ForeignKeyField(Office, deferrable=DEFERRED, index=False)
    person_id = BigIntegerField(null=True, index=True)
    card_no = CharField(max_length=9, null=True)
    channel = CharField(max_length=10)
    purpose = CharField(max_length=40)
    staff = CharField(max_length=60, null=True)
    at = UtcDateTimeField()
    note = TextField(null=True)
    received_at = UtcDateTimeField(default=utc_now)
    uuid = CharField(max_length=64, null=True)  # the command's (v3): the office's journal key


class Statement(HqModel):
    """A statement or report an office issued (and printed), for verifying its QR code."""

    number = CharField(max_length=32, primary_key=True)
    office = ForeignKeyField(Office, deferrable=DEFERRED, index=False)
    kind = CharField(max_length=12)
    person_id = BigIntegerField(null=True, index=True)
    sha256 = CharField(max_length=64, null=True)
    pages = IntegerField(null=True)
    printed_at = UtcDateTimeField()
    offline = BooleanField(default=False)
    received_at = UtcDateTimeField(default=utc_now)
    print_count = IntegerField(default=0)
    last_printer = CharField(max_length=100, null=True)
    last_printed_at = UtcDateTimeField(null=True)


class HqSigningKey(HqModel):
    """Headquarters' own statement signing key (the citizen's downloaded record); every key
    ever used is kept, so an older statement stays verifiable."""

    id = BigAutoField()
    key_hex = CharField(max_length=64, unique=True)
    created_at = UtcDateTimeField(default=utc_now)


class HqStatement(HqModel):
    """A statement headquarters numbered, signed and served itself (numbers DISTRICT-YYYYMMDD-
    HQ-NNNNN: no workstation code is HQ, so no office's number can be the same)."""

    number = CharField(max_length=32, primary_key=True)
    kind = CharField(max_length=12)
    person_id = BigIntegerField(index=True)
    year = IntegerField(null=True)
    lang = CharField(max_length=5)
    sha256 = CharField(max_length=64, null=True)  # None: numbered, not (yet) written
    pages = IntegerField(null=True)
    printed_at = UtcDateTimeField()
    key = ForeignKeyField(HqSigningKey, deferrable=DEFERRED, index=False)


class OfficeAuditEvent(HqModel):
    """An office's audit event, as the office chained it (`at` kept as the office wrote it)."""

    office = ForeignKeyField(Office, deferrable=DEFERRED, index=False)
    event_id = BigIntegerField()
    at = TextField()
    actor = CharField(max_length=60)
    action = CharField(max_length=40)
    person_id = BigIntegerField(null=True)
    detail = TextField(null=True)
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)
    link_ok = BooleanField()  # False: prev_hash or hash did not check out on arrival
    received_at = UtcDateTimeField(default=utc_now)

    class Meta:
        primary_key = CompositeKey("office", "event_id")


class AccessLog(HqModel):
    """A read of a person's record at headquarters (GET /v1/persons, `hq lookup`)."""

    id = BigAutoField()
    at = UtcDateTimeField(default=utc_now)
    office = ForeignKeyField(Office, null=True, deferrable=DEFERRED, index=False)
    actor = CharField(max_length=60)
    person_id = BigIntegerField()
    key_kind = CharField(max_length=8)  # ssn / card / id

    class Meta:
        indexes = ((("person_id", "at"), False),)


class StaffSignIn(HqModel):
    """Wrong passwords in a row of a staff account at headquarters' own consoles (the 12333
    hotline desk), and the lock they caused; kept apart from the replicated `staff_user` row."""

    staff = ForeignKeyField(StaffAccount, primary_key=True, deferrable=DEFERRED)
    failed_attempts = IntegerField(default=0)
    locked_until = UtcDateTimeField(null=True)

    class Meta:
        table_name = "staff_signin"


class HotlineCall(HqModel):
    """One call answered at the 12333 hotline desk: the agent, the caller found (None until
    a lookup finds someone), the purpose, how the caller was verified, the outcome noted."""

    id = BigAutoField()
    agent = CharField(max_length=40)
    person_id = BigIntegerField(null=True)
    purpose = CharField(max_length=16)
    started_at = UtcDateTimeField()
    verified_by = CharField(max_length=12, null=True)  # password / questions
    verified_at = UtcDateTimeField(null=True)
    outcome = TextField(null=True)
    noted_at = UtcDateTimeField(null=True)

    class Meta:
        table_name = "hotline_call"
        indexes = ((("started_at",), False),)


class HotlineEvent(HqModel):
    """The hotline desk's audit log: who (agent), whom (person), when, why (the call's
    purpose), what (action) and a short detail without personal data."""

    id = BigAutoField()
    at = UtcDateTimeField()
    agent = CharField(max_length=40)
    call = ForeignKeyField(HotlineCall, null=True, deferrable=DEFERRED, index=False)
    person_id = BigIntegerField(null=True)
    action = CharField(max_length=24)
    purpose = CharField(max_length=16, null=True)
    detail = CharField(max_length=200, null=True)

    class Meta:
        table_name = "hotline_event"
        indexes = ((("at",), False), (("agent", "at"), False))


OWN_MODELS: tuple[type[HqModel], ...] = (
    SchemaVersion,
    Office,
    OfficeDistrict,
    StaffDistrict,
    OfficeKey,
    FeedChange,
    Command,
    Visit,
    Statement,
    OfficeAuditEvent,
    AccessLog,
    HqSigningKey,
    HqStatement,
    StaffSignIn,
    HotlineCall,
    HotlineEvent,
)
ALL_MODELS: tuple[type[HqModel], ...] = REPLICATED_MODELS + OWN_MODELS
