"""The part of the register that headquarters owns and offices replicate: the wire's tables.

Headquarters (`hq/`) and the office's sync engine (`sync/`) both read this module, so a row
travels as a list of values in the order of `Table.columns`, the same on both sides, for a given
protocol version. Values on the wire are JSON: integers, text, null; dates as "YYYY-MM-DD";
times as UTC ISO 8601 with microseconds, "2026-11-28T03:04:05.000006+00:00" (exactly what the
office register stores).

Scope: an office receives the employers of the whole city (they hold no personal data), the
staff accounts serving one of its districts (`staff_scope`: headquarters keeps each account's
districts in its own table), and every other table only for the persons of its districts.
`person_key` names the column that leads to the person (directly, or through `account` for
account entries).
"""

from __future__ import annotations

from dataclasses import dataclass

# Version of the sync protocol this code speaks; headquarters states the range it accepts.
# Version 2 adds the office's journal (`OFFICE_TABLES`): offices speaking 1 never receive it.
# Version 3 adds benefits (`BENEFIT_PAYMENT`, `PENSION_CHECK`): offices speaking 1 or 2 never
# receive their rows (bootstrap, feed, person lookup), nor are they in their digest.
PROTOCOL_VERSION = 3
JOURNAL_PROTOCOL = 2
BENEFITS_PROTOCOL = 3
PROTOCOL_HEADER = "Counterdesk-Protocol"
SERVER_TIME_HEADER = "Counterdesk-Server-Time"
ACTOR_HEADER = "Counterdesk-Actor"


@dataclass(frozen=True)
class Table:
    """One replicated table: its columns in wire order, its key, and how it reaches a person.

    `checksum` is an SQL expression over the table's columns, valid in SQLite and PostgreSQL,
    summed by the sanity check (with the row count) on both sides.
    """

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    person_key: str | None  # None: not scoped by person (see `city_wide`)
    checksum: str
    large: bool = False  # summed only by the full check, counted by the quick one as well
    staff_scope: bool = False  # scoped by the districts of a staff account
    office_scope: bool = False  # the office's journal: only the office's own workstations
    # The office's rows that are headquarters' copy (an SQL condition; None: every row). The
    # office counts and sums only these; its own rows (e.g. a local staff account) stay out.
    office_rows: str | None = None
    since_protocol: int = 1  # the first protocol version whose offices receive the table

    @property
    def city_wide(self) -> bool:
        """True if every office receives every row (no scope)."""
        return self.person_key is None and not self.staff_scope and not self.office_scope

    def key_of(self, row: list | tuple) -> tuple:
        """The key values of a row given in wire order."""
        return tuple(row[self.columns.index(k)] for k in self.key)


EMPLOYER = Table(
    "employer",
    ("id", "unit_code", "name", "region_code", "work_injury_rate_bp"),
    ("id",),
    None,
    "id + work_injury_rate_bp",
)
PERSON = Table(
    "person",
    (
        "id",
        "ssn",
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "region_code",
        "phone",
        "address",
        "status",
        "updated_at",
    ),
    ("id",),
    "id",
    "id * 7 + length(status) + length(name)",
)
ENROLMENT = Table(
    "enrolment",
    ("id", "person_id", "employer_id", "insurance", "start_date", "end_date", "status"),
    ("id",),
    "person_id",
    "id + insurance + length(status)",
)
CARD = Table(
    "card",
    (
        "id",
        "card_no",
        "identifier",
        "person_id",
        "generation",
        "region_code",
        "issue_date",
        "expiry_date",
        "status",
        "status_changed_at",
        "replaced_by_id",
    ),
    ("id",),
    "person_id",
    "id * 7 + generation + length(status)",
)
CONTRIBUTION = Table(
    "contribution",
    (
        "person_id",
        "period",
        "insurance",
        "employer_id",
        "base_fen",
        "employer_fen",
        "personal_fen",
        "status",
        "posted_date",
    ),
    ("person_id", "period", "insurance"),
    "person_id",
    "employer_fen + personal_fen + status",
    large=True,
)
CONTRIBUTION_YEAR = Table(
    "contribution_year",
    (
        "person_id",
        "year",
        "insurance",
        "months_paid",
        "base_total_fen",
        "employer_fen",
        "personal_fen",
    ),
    ("person_id", "year", "insurance"),
    "person_id",
    "months_paid + employer_fen + personal_fen",
    large=True,
)
ACCOUNT = Table(
    "account",
    ("id", "person_id", "kind", "balance_fen", "opened_date", "updated_at"),
    ("id",),
    "person_id",
    "id + balance_fen",
)
ACCOUNT_ENTRY = Table(
    "account_entry",
    (
        "id",
        "account_id",
        "posted_date",
        "kind",
        "amount_fen",
        "balance_after_fen",
        "counterparty",
        "period",
    ),
    ("id",),
    "account_id",  # through account.person_id
    "amount_fen + balance_after_fen + kind",
    large=True,
)
BENEFIT_PAYMENT = Table(
    "benefit_payment",
    ("person_id", "period", "kind", "amount_fen", "paid_date", "account_masked"),
    ("person_id", "period", "kind"),
    "person_id",
    "amount_fen + kind",
    large=True,
    since_protocol=BENEFITS_PROTOCOL,
)
PENSION_CHECK = Table(
    "pension_check",
    ("person_id", "year", "checked_date", "channel", "next_due"),
    ("person_id", "year"),
    "person_id",
    "year + length(channel)",
    since_protocol=BENEFITS_PROTOCOL,
)
QUERY_CREDENTIAL = Table(
    "query_credential",
    ("person_id", "password_hash", "failed_attempts", "locked_until", "changed_at"),
    ("person_id",),
    "person_id",
    "person_id + failed_attempts",
)

STAFF_USER = Table(
    "staff_user",
    ("username", "display_name", "role", "password_hash", "active", "created_at", "updated_at"),
    ("username",),
    None,
    "length(username) + 3 * length(display_name) + 5 * length(role) + 7 * active "
    "+ 11 * length(coalesce(password_hash, ''))",
    staff_scope=True,
    office_rows="origin = 'hq'",
)

# In an order that respects foreign keys: parents before children.
TABLES: tuple[Table, ...] = (
    EMPLOYER,
    PERSON,
    ENROLMENT,
    CARD,
    CONTRIBUTION,
    CONTRIBUTION_YEAR,
    ACCOUNT,
    ACCOUNT_ENTRY,
    BENEFIT_PAYMENT,
    PENSION_CHECK,
    QUERY_CREDENTIAL,
    STAFF_USER,
)
BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
# The tables of a person, in foreign-key order (everything but the city-wide employers).
PERSON_TABLES: tuple[Table, ...] = tuple(t for t in TABLES if t.person_key is not None)


def tables_for(version: int, tables: tuple[Table, ...] = TABLES) -> tuple[Table, ...]:
    """The tables of `tables` that an office speaking protocol `version` receives."""
    return tuple(t for t in tables if t.since_protocol <= version)


def newer_than(version: int) -> tuple[str, ...]:
    """Names of the replicated tables an office speaking `version` must not receive."""
    return tuple(t.name for t in TABLES if t.since_protocol > version)


# -- the office's journal (protocol 2) --------------------------------------------------------
# What the workstations of one office did, shared with the others through headquarters (or the
# office relay): visits, statements and audit events. Each row names the workstation (its code)
# that wrote it; a workstation keeps its own rows in its own tables and reads these for the
# others'. Not in `TABLES`: they are not counted by the digest and not part of a person's rows.
OFFICE_VISIT = Table(
    "office_visit",
    ("uuid", "workstation", "person_id", "card_no", "channel", "purpose", "staff", "at", "note"),
    ("uuid",),  # the visit.record command's: the same visit shared by the relay, then by HQ
    None,
    "length(uuid)",
    office_scope=True,
)
OFFICE_STATEMENT = Table(
    "office_statement",
    ("number", "workstation", "kind", "person_id", "printed_at", "offline", "sha256", "pages"),
    ("number",),
    None,
    "length(number)",
    office_scope=True,
)
OFFICE_EVENT = Table(
    "office_event",
    ("workstation", "event_id", "at", "actor", "action", "person_id", "detail"),
    ("workstation", "event_id"),
    None,
    "event_id",
    office_scope=True,
)
# A member of staff's sign-in failures at one workstation: the others apply the count (the
# highest wins, 0 clears it: a correct password somewhere), so a guesser cannot walk to the next
# window. Only the latest state is kept, by username.
OFFICE_STAFF_LOCK = Table(
    "office_staff_lock",
    ("username", "workstation", "failed_attempts", "locked_until", "at"),
    ("username",),
    None,
    "failed_attempts",
    office_scope=True,
)
OFFICE_TABLES: tuple[Table, ...] = (
    OFFICE_VISIT,
    OFFICE_STATEMENT,
    OFFICE_EVENT,
    OFFICE_STAFF_LOCK,
)
JOURNAL_DAYS = 31  # how far back a workstation's bootstrap copies the office's journal
BY_NAME.update({t.name: t for t in OFFICE_TABLES})
