"""Headquarters' answers as typed values, each parsed and checked whole before it is used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from models.replica import EMPLOYER, OFFICE_TABLES, PERSON_TABLES, STAFF_USER, TABLES, Table
from sync.errors import BadAnswer
from sync.wire import (
    check_key,
    check_rows,
    check_tables,
    non_negative,
    obj,
    req,
    table_named,
    timestamp,
)

# "pending": the office relay holds the item and has forwarded it, headquarters has not
# answered yet (the item stays pending here: only headquarters settles it).
OUTCOMES = ("accepted", "rejected", "pending")
WORKSTATION_CODE = re.compile(r"^[A-Z][0-9]{2,5}$")


@dataclass(frozen=True)
class OfficeInfo:
    """Who headquarters takes this office for."""

    id: str
    districts: tuple[str, ...]
    workstation_code: str | None = None  # this workstation's code (a headquarters before
    # workstations had codes sends none)


@dataclass(frozen=True)
class Hello:
    """GET /v1/hello."""

    min_protocol: int
    max_protocol: int
    schema_version: int
    office: OfficeInfo | None
    server_time: datetime
    service: str = "counterdesk-hq"  # or "counterdesk-relay": the office relay


@dataclass(frozen=True)
class Enrolled:
    """POST /v1/enrol."""

    office: OfficeInfo
    head_seq: int
    server_time: datetime


@dataclass(frozen=True)
class PushResult:
    """Headquarters' answer for one outbox item."""

    uuid: str
    status: str  # accepted | rejected
    code: str | None
    reason: str | None


@dataclass(frozen=True)
class PushAnswer:
    """POST /v1/push."""

    results: tuple[PushResult, ...]
    head_seq: int
    server_time: datetime


@dataclass(frozen=True)
class AuditAnswer:
    """POST /v1/audit."""

    accepted: int
    last_id: int
    broken_at: int | None
    server_time: datetime
    head_problem: str | None = None
    held_id: int | None = None  # an office relay: the last event it holds (headquarters: None)


@dataclass(frozen=True)
class Change:
    """One change of the feed: an upsert (`row`) or a delete (`key`)."""

    seq: int
    table: Table
    op: str  # upsert | delete
    values: list[Any]  # the row in wire order, or the key values


@dataclass(frozen=True)
class ChangesPage:
    """GET /v1/changes."""

    changes: tuple[Change, ...]
    next: int
    head_seq: int
    more: bool
    server_time: datetime
    feed: str | None = None  # an office relay's feed (None: headquarters' own)
    upstream: Upstream | None = None  # an office relay's link to headquarters


@dataclass(frozen=True)
class Upstream:
    """What an office relay says of its link to headquarters."""

    status: str  # online | offline | never
    data_as_of: datetime | None  # headquarters' time of the relay's last complete pull
    last_success_at: datetime | None
    waiting: int  # commands held for headquarters
    error: str | None
    workstations: tuple[dict[str, Any], ...] = ()  # the office's, with their last contact


@dataclass(frozen=True)
class BootstrapPage:
    """GET /v1/bootstrap: one self-contained page of employers or persons."""

    phase: str
    after: int
    next: int
    done: bool
    head_seq: int
    tables: dict[str, list[list[Any]]]
    server_time: datetime
    feed: str | None = None  # an office relay's feed (None: headquarters' own)

    @property
    def rows(self) -> int:
        """How many rows the page holds, all tables together."""
        return sum(len(rows) for rows in self.tables.values())


@dataclass(frozen=True)
class Digest:
    """GET /v1/scope/digest: per table, the row count and (or None) the checksum."""

    head_seq: int
    tables: dict[str, tuple[int | None, int | None]]
    server_time: datetime


@dataclass(frozen=True)
class RemotePerson:
    """GET /v1/persons: a person of another district, all their rows, not stored locally."""

    district: str
    tables: dict[str, list[list[Any]]]
    server_time: datetime


@dataclass(frozen=True)
class Verification:
    """POST /v1/statements/verify."""

    genuine: bool
    reason: str | None
    statement: dict[str, Any] | None
    server_time: datetime


def _office(data: Any, where: str) -> OfficeInfo:
    office = obj(data, f"{where}: office")
    districts = req(office, "districts", list, f"{where}: office")
    if not all(type(d) is str for d in districts):
        raise_bad(f"{where}: office districts must be text")
    code = None
    station = office.get("workstation")
    if station is not None:
        code = obj(station, f"{where}: workstation").get("code")
        if code is not None and (type(code) is not str or not WORKSTATION_CODE.match(code)):
            raise_bad(f"{where}: a workstation code is a capital letter and 2-5 digits")
    return OfficeInfo(req(office, "id", str, f"{where}: office"), tuple(districts), code)


def _feed(data: dict[str, Any], where: str) -> str | None:
    feed = data.get("feed")
    if feed is not None and (type(feed) is not str or not 1 <= len(feed) <= 64):
        raise_bad(f"{where}: feed must be short text")
    return feed


def parse_upstream(data: Any, where: str) -> Upstream:
    """Check what an office relay says of its link to headquarters."""
    data = obj(data, f"{where}: upstream")
    status = req(data, "status", str, f"{where}: upstream")
    if status not in ("online", "offline", "never"):
        raise_bad(f"{where}: unknown upstream status {status[:20]!r}")
    times = {}
    for name in ("data_as_of", "last_success_at"):
        value = data.get(name)
        times[name] = timestamp(value, f"{where}: upstream {name}") if value else None
    error = data.get("error")
    stations = data.get("workstations")
    return Upstream(
        status,
        times["data_as_of"],
        times["last_success_at"],
        non_negative(data, "waiting", f"{where}: upstream"),
        error[:500] if type(error) is str else None,
        tuple(_station(w) for w in stations[:200]) if type(stations) is list else (),
    )


def _station(data: Any) -> dict[str, Any]:
    """One workstation as the relay lists it: short texts only (shown on the link screen)."""
    found = data if type(data) is dict else {}
    return {
        key: (found[key][:100] if type(found.get(key)) is str else None)
        for key in ("code", "kind", "name", "last_seen_at")
    }


def raise_bad(message: str) -> NoReturn:
    """Raise BadAnswer."""
    raise BadAnswer(message)


def _time(data: dict[str, Any], where: str) -> datetime:
    return timestamp(data.get("server_time"), where)


def parse_hello(data: Any) -> Hello:
    """Check and type a hello answer."""
    where = "the answer to hello"
    data = obj(data, where)
    office = data.get("office")
    return Hello(
        req(data, "min_protocol", int, where),
        req(data, "max_protocol", int, where),
        req(data, "schema_version", int, where),
        _office(office, where) if office is not None else None,
        _time(data, where),
        data["service"] if type(data.get("service")) is str else "counterdesk-hq",
    )


def parse_enrolled(data: Any) -> Enrolled:
    """Check and type an enrol answer."""
    where = "the answer to enrol"
    data = obj(data, where)
    return Enrolled(
        _office(data.get("office"), where),
        non_negative(data, "head_seq", where),
        _time(data, where),
    )


def parse_push(data: Any, sent: list[str]) -> PushAnswer:
    """Check a push answer: one result per item sent, in the same order."""
    where = "the answer to push"
    data = obj(data, where)
    raw = req(data, "results", list, where)
    if len(raw) != len(sent):
        raise_bad(f"{where}: {len(raw)} results for {len(sent)} commands")
    results = []
    for item, uuid in zip(raw, sent, strict=True):
        item = obj(item, f"{where}: a result")
        if req(item, "uuid", str, f"{where}: a result") != uuid:
            raise_bad(f"{where}: results are not in the order of the commands sent")
        status = req(item, "status", str, f"{where}: a result")
        if status not in OUTCOMES:
            raise_bad(f"{where}: unknown status {status[:20]!r}")
        results.append(
            PushResult(
                uuid,
                status,
                req(item, "code", str, f"{where}: a result", null=True),
                req(item, "reason", str, f"{where}: a result", null=True),
            )
        )
    return PushAnswer(tuple(results), non_negative(data, "head_seq", where), _time(data, where))


def parse_audit(data: Any) -> AuditAnswer:
    """Check an audit push answer."""
    where = "the answer to the audit push"
    data = obj(data, where)
    return AuditAnswer(
        non_negative(data, "accepted", where),
        non_negative(data, "last_id", where),
        req(data, "broken_at", int, where, null=True),
        _time(data, where),
        data.get("head_problem") if isinstance(data.get("head_problem"), str) else None,
        non_negative(data, "held_id", where) if data.get("held_id") is not None else None,
    )


def parse_changes(data: Any, after: int) -> ChangesPage:
    """Check a page of the change feed: known tables, rows and keys of the right shape."""
    where = "the answer to changes"
    data = obj(data, where)
    raw = req(data, "changes", list, where)
    changes = []
    for item in raw:
        item = obj(item, f"{where}: a change")
        seq = non_negative(item, "seq", f"{where}: a change")
        table = table_named(item.get("table"), f"{where}: change {seq}")
        op = req(item, "op", str, f"{where}: change {seq}")
        if op == "upsert":
            values = check_rows(table, [item.get("row")], f"{where}: change {seq}")[0]
        elif op == "delete":
            values = check_key(table, item.get("key"), f"{where}: change {seq}")
        else:
            raise_bad(f"{where}: change {seq} has an unknown op {op[:20]!r}")
        changes.append(Change(seq, table, op, values))
    seqs = [c.seq for c in changes]
    if seqs != sorted(seqs) or len(set(seqs)) != len(seqs) or (seqs and seqs[0] <= after):
        raise_bad(f"{where}: the changes are not in increasing order after {after}")
    page = ChangesPage(
        tuple(changes),
        non_negative(data, "next", where),
        non_negative(data, "head_seq", where),
        req(data, "more", bool, where),
        _time(data, where),
        _feed(data, where),
        parse_upstream(data.get("upstream"), where) if data.get("upstream") else None,
    )
    if page.next < after or (seqs and page.next < seqs[-1]):
        raise_bad(f"{where}: the next cursor {page.next} goes backwards")
    return page


def parse_bootstrap(data: Any, phase: str, after: int) -> BootstrapPage:
    """Check a bootstrap page: its tables, and that every row belongs to the page's range."""
    where = f"the answer to bootstrap ({phase} after {after})"
    data = obj(data, where)
    if req(data, "phase", str, where) != phase or req(data, "after", int, where) != after:
        raise_bad(f"{where}: the page is not the one asked for")
    names = {"employer": (EMPLOYER,), "staff": (STAFF_USER,), "office": OFFICE_TABLES}.get(
        phase, PERSON_TABLES
    )
    page = BootstrapPage(
        phase,
        after,
        non_negative(data, "next", where),
        req(data, "done", bool, where),
        non_negative(data, "head_seq", where),
        check_tables(data.get("tables"), names, where),
        _time(data, where),
        _feed(data, where),
    )
    if page.next < after:
        raise_bad(f"{where}: next ({page.next}) is before after ({after})")
    _check_page_range(page, where)
    return page


def _check_page_range(page: BootstrapPage, where: str) -> None:
    """Ids of the page's employers or persons lie in (after, next]; children belong to them.
    The staff page (every account of the scope) has no range: its usernames are distinct; nor
    has the office's journal (keyed by its rows' own keys)."""
    if page.phase == "office":
        return
    if page.phase == "staff":
        names = [row[0] for row in page.tables[STAFF_USER.name]]
        if len(set(names)) != len(names):
            raise_bad(f"{where}: a staff account is listed twice")
        return
    first = page.tables["employer" if page.phase == "employer" else "person"]
    ids = [row[0] for row in first]
    if ids and (min(ids) <= page.after or max(ids) > page.next or len(set(ids)) != len(ids)):
        raise_bad(f"{where}: ids outside ({page.after}, {page.next}] or repeated")
    if page.phase == "employer":
        return
    persons = set(ids)
    accounts = {row[0] for row in page.tables["account"]}
    for table in PERSON_TABLES[1:]:
        index = table.columns.index(table.person_key)
        parents = accounts if table.name == "account_entry" else persons
        if not {row[index] for row in page.tables[table.name]} <= parents:
            raise_bad(f"{where}: {table.name} rows of persons that are not in the page")


def parse_digest(data: Any) -> Digest:
    """Check a scope digest: a count (and checksum or null) for every replicated table."""
    where = "the answer to digest"
    data = obj(data, where)
    raw = obj(data.get("tables"), f"{where}: tables")
    tables: dict[str, tuple[int | None, int | None]] = {}
    for table in TABLES:
        part = obj(raw.get(table.name), f"{where}: table {table.name}")
        count = req(part, "count", int, f"{where}: {table.name}", null=True)
        if count is not None and count < 0:
            raise_bad(f"{where}: {table.name}: a negative count")
        checksum = req(part, "checksum", int, f"{where}: {table.name}", null=True)
        tables[table.name] = (count, checksum)
    return Digest(non_negative(data, "head_seq", where), tables, _time(data, where))


def parse_person(data: Any) -> RemotePerson:
    """Check a remote person answer: exactly one person and their rows."""
    where = "the answer to the person lookup"
    data = obj(data, where)
    tables = check_tables(data.get("tables"), PERSON_TABLES, where)
    if len(tables["person"]) != 1:
        raise_bad(f"{where}: {len(tables['person'])} persons instead of one")
    return RemotePerson(req(data, "district", str, where), tables, _time(data, where))


def parse_verification(data: Any) -> Verification:
    """Check a statement verification answer."""
    where = "the answer to verify"
    data = obj(data, where)
    statement = data.get("statement")
    return Verification(
        req(data, "genuine", bool, where),
        req(data, "reason", str, where, null=True),
        obj(statement, f"{where}: statement") if statement is not None else None,
        _time(data, where),
    )
