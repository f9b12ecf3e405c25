"""The relay's link to headquarters: copy the office's scope, forward, pull.

One run (`run_once`): forward the workstations' commands (and signing keys) that headquarters
has not answered, oldest first, each as its workstation (`"workstation": CODE`, so headquarters
deduplicates by the workstation's own uuid, whichever way the command came); forward their
audit events; then pull headquarters' feed into the relay's store, which publishes every change
in the relay's feed. Nothing is pulled while a forward failed: the pull could undo what a
waiting command did. Every step commits what it learned before the next request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hq import offices, store
from hq.schema import Office, OfficeDistrict
from models.clock import utc_now
from models.commands import CommandName
from relay import mirror, settings
from relay.schema import RelayAuditMark, RelayForward
from sync.answers import parse_audit
from sync.client import HqClient
from sync.enrolment import open_client
from sync.errors import LinkStatus, SyncError

BATCH = 500  # commands per push (the protocol's limit)
AUDIT_BATCH = 1000
PAGE = 1000  # feed changes per pull
BOOTSTRAP_PAGE = 500
PHASES = ("employer", "person", "staff", "office")
REFRESH_S = 60.0  # how often the relay asks headquarters for the office's workstations
Progress = Callable[[str, int], None]


class NotInitialised(SyncError):
    """The relay has no link to headquarters yet: run `counterdesk relay init`."""

    code = "relay_not_initialised"


def connect(timeout: float = 30.0) -> HqClient:
    """A client of headquarters with the relay's own token."""
    url, token = settings.get(settings.HQ_URL), settings.get(settings.TOKEN)
    if not url or not token:
        raise NotInitialised(
            "this relay is not linked to headquarters yet: run `counterdesk relay init --hq URL "
            "--token TOKEN` with the token of a workstation of kind relay"
        )
    return open_client(url, token, actor="relay", timeout=timeout)


# -- who the relay is, and the office's workstations -----------------------------------------


def refresh_office(client: HqClient) -> settings.OfficeFacts:
    """Ask headquarters who the relay is and which workstations the office has (their token
    hashes: the relay lets in the same tokens); store both."""
    data = client.call("GET", "/v1/office")
    office = data["office"]
    facts = settings.OfficeFacts(
        office["id"], tuple(office["districts"]), office["workstation"]["code"]
    )
    now = utc_now()
    with store.write_transaction():
        for row in data["workstations"]:
            parent = None if row["id"] == facts.id else facts.id
            values = {
                "name": row.get("name"),
                "token_hash": row["token_hash"],
                "revoked_at": now if row["revoked"] else None,
                "parent": parent,
                "code": row["code"],
                "kind": row["kind"],
            }
            if Office.get_or_none(Office.id == row["id"]) is None:
                Office.insert(id=row["id"], created_at=now, **values).execute()
            else:
                Office.update(**values).where(Office.id == row["id"]).execute()
        OfficeDistrict.delete().where(OfficeDistrict.office == facts.id).execute()
        OfficeDistrict.insert_many(
            [{"office": facts.id, "district": d} for d in facts.districts]
        ).execute()
    settings.set_office(facts)
    return facts


def _facts() -> settings.OfficeFacts:
    found = settings.office()
    if found is None:
        raise NotInitialised("this relay does not know its office yet: run `relay init`")
    return found


# -- the first copy of the office's scope ----------------------------------------------------


def bootstrapped() -> bool:
    """True once the relay holds a whole copy of the office's scope."""
    return settings.get(settings.BOOTSTRAP) == "done"


def bootstrap(client: HqClient, progress: Progress | None = None) -> int:
    """Copy the office's scope from headquarters page by page (resuming where it stopped);
    the rows written."""
    facts = _facts()
    if bootstrapped():
        return 0
    at = json.loads(settings.get(settings.BOOTSTRAP) or "null") or {
        "phase": PHASES[0],
        "after": 0,
        "snapshot": None,
    }
    written = 0
    while True:
        page = client.bootstrap(at["phase"], at["after"], BOOTSTRAP_PAGE)
        with store.write_transaction():
            mirror.write_page(page, facts.districts, facts.id, utc_now())
            snapshot = at["snapshot"] if at["snapshot"] is not None else page.head_seq
            if not page.done:
                at = {**at, "after": page.next, "snapshot": snapshot}
            elif PHASES.index(at["phase"]) + 1 < len(PHASES):
                following = PHASES[PHASES.index(at["phase"]) + 1]
                at = {"phase": following, "after": 0, "snapshot": snapshot}
            else:
                at = {**at, "phase": "finished", "snapshot": snapshot}
            finished = at["phase"] == "finished"
            settings.put(
                **{
                    settings.BOOTSTRAP: "done" if finished else json.dumps(at),
                    settings.CURSOR: snapshot if finished else None,
                    settings.DATA_AS_OF: page.server_time if finished else None,
                }
            )
        written += page.rows
        if progress is not None:
            progress(page.phase, written)
        if finished:
            return written


# -- forwarding -----------------------------------------------------------------------------


@dataclass
class Forwarded:
    """What headquarters answered to the commands forwarded in one run."""

    accepted: int = 0
    rejected: int = 0
    keys: int = 0


def waiting() -> int:
    """Commands (and keys) held for headquarters, not answered yet."""
    return RelayForward.select().where(RelayForward.status == "pending").count()


def forward(client: HqClient, clock: Callable[[], datetime] = utc_now) -> Forwarded:
    """Forward every waiting command, oldest first, in batches; store each answer."""
    done = Forwarded()
    after = 0
    while True:
        rows = list(
            RelayForward.select()
            .where((RelayForward.status == "pending") & (RelayForward.id > after))
            .order_by(RelayForward.id)
            .limit(BATCH)
        )
        if not rows:
            return done
        after = rows[-1].id
        keys = [r for r in rows if r.kind == "enrol"]
        for row in keys:
            _send(row, lambda r: client.call("POST", "/v1/enrol", body=json.loads(r.body)), clock)
            _answer([row], [("accepted", None, None)], clock)
            done.keys += 1
        items = [r for r in rows if r.kind == "push"]
        if not items:
            continue
        bodies = [{**json.loads(r.body), "workstation": r.workstation} for r in items]
        answer = _send(items, lambda _rows, sent=bodies: client.push(sent), clock)
        _answer(items, [(x.status, x.code, x.reason) for x in answer.results], clock)
        done.accepted += sum(x.status == "accepted" for x in answer.results)
        done.rejected += sum(x.status == "rejected" for x in answer.results)


def _send(rows: Any, call: Callable[[Any], Any], clock: Callable[[], datetime]) -> Any:
    """Make one upstream call for `rows`; on failure note it on them and raise."""
    try:
        return call(rows)
    except SyncError as exc:
        ids = [r.id for r in (rows if isinstance(rows, list) else [rows])]
        with store.write_transaction():
            RelayForward.update(
                attempts=RelayForward.attempts + 1, last_error=exc.message[:500]
            ).where(RelayForward.id.in_(ids)).execute()
        raise


def _answer(
    rows: list[RelayForward],
    answers: list[tuple[str, str | None, str | None]],
    clock: Callable[[], datetime],
) -> None:
    now = clock()
    with store.write_transaction():
        for row, (status, code, reason) in zip(rows, answers, strict=True):
            RelayForward.update(
                status=status,
                code=code,
                reason=reason,
                answered_at=now,
                attempts=RelayForward.attempts + 1,
                last_error=None,
            ).where(RelayForward.id == row.id).execute()


def forward_audit(client: HqClient) -> int:
    """Forward the workstations' audit events headquarters does not hold yet; how many."""
    sent = 0
    # a list first: no read cursor may stay open while this loop writes (SQLite: "locked")
    rows = list(Office.select(Office.id, Office.code).where(Office.code.is_null(False)))
    for row in rows:
        mark = RelayAuditMark.get_or_none(RelayAuditMark.workstation == row.code)
        last = mark.upstream_last_id if mark else 0
        while True:
            events = store.execute(
                "SELECT event_id, at, actor, action, person_id, detail, prev_hash, hash FROM "
                "office_audit_event WHERE office_id = ? AND event_id > ? ORDER BY event_id "
                "LIMIT ?",
                (row.id, last, AUDIT_BATCH),
            ).fetchall()
            if not events:
                break
            body = {
                "events": [
                    dict(
                        zip(
                            ("id", "at", "actor", "action", "person_id", "detail"),
                            e[:6],
                            strict=True,
                        )
                    )
                    | {"prev_hash": e[6], "hash": e[7]}
                    for e in events
                ],
                "workstation": row.code,
            }
            answer = parse_audit(client.call("POST", "/v1/audit", body=body))
            upstream = min(answer.last_id, events[-1][0])
            with store.write_transaction():
                RelayAuditMark.insert(workstation=row.code, upstream_last_id=upstream).on_conflict(
                    conflict_target=[RelayAuditMark.workstation],
                    update={RelayAuditMark.upstream_last_id: upstream},
                ).execute()
            sent += sum(1 for e in events if last < e[0] <= upstream)
            if upstream <= last or upstream < events[-1][0]:
                break
            last = upstream
    return sent


_EVENT_FIELDS = ("id", "at", "actor", "action", "person_id", "detail", "prev_hash", "hash")


def audit_mark(code: str | None) -> int:
    """The last audit event of a workstation that headquarters holds (0: none)."""
    mark = RelayAuditMark.get_or_none(RelayAuditMark.workstation == code)
    return mark.upstream_last_id if mark else 0


# -- pulling --------------------------------------------------------------------------------


def protected() -> mirror.Protected:
    """Rows owned by commands still waiting for headquarters' answer."""
    cards: set[str] = set()
    ssns: set[str] = set()
    check_ssns: set[str] = set()
    usernames: set[str] = set()
    for (body,) in (
        RelayForward.select(RelayForward.body)
        .where((RelayForward.status == "pending") & (RelayForward.kind == "push"))
        .tuples()
    ):
        item = json.loads(body)
        payload = item.get("payload") or {}
        command = str(item.get("command", ""))
        if command.startswith("card.") and payload.get("card_no"):
            cards.add(str(payload["card_no"]))
        elif command.startswith("query_password.") and payload.get("ssn"):
            ssns.add(str(payload["ssn"]))
        elif command.startswith("pension.") and payload.get("ssn"):
            check_ssns.add(str(payload["ssn"]))
        elif (
            command.startswith("staff.")
            and command != CommandName.STAFF_SIGN_IN_STATE
            and (payload.get("username"))
        ):
            usernames.add(str(payload["username"]))
    return mirror.Protected(
        frozenset(cards),
        _person_ids(ssns),
        frozenset(usernames),
        check_persons=_person_ids(check_ssns),
    )


def _person_ids(ssns: set[str]) -> frozenset[int]:
    """The relay store's ids of the persons with these ID numbers."""
    if not ssns:
        return frozenset()
    marks = ", ".join("?" * len(ssns))
    found = store.execute(f"SELECT id FROM person WHERE ssn IN ({marks})", tuple(ssns))
    return frozenset(r[0] for r in found)


def pull(client: HqClient) -> int:
    """Apply headquarters' feed after the stored cursor, page by page; the changes applied."""
    facts = _facts()
    applied = 0
    while True:
        cursor = int(settings.get(settings.CURSOR) or 0)
        page = client.changes(cursor, PAGE)
        with store.write_transaction():
            if int(settings.get(settings.CURSOR) or 0) != cursor:
                continue  # another run moved on meanwhile
            applied += mirror.apply_changes(
                page.changes, facts.districts, facts.id, protected(), utc_now()
            )
            done = {} if page.more else {settings.DATA_AS_OF: page.server_time}
            settings.put(**{settings.CURSOR: page.next}, **done)
        if not page.more:
            return applied


# -- one run, and what it says ---------------------------------------------------------------


@dataclass
class LinkReport:
    """What one run of the link did, or where it stopped."""

    forwarded: Forwarded = field(default_factory=Forwarded)
    audit_events: int = 0
    pulled: int = 0
    error: SyncError | None = None


def run_once(client: HqClient, clock: Callable[[], datetime] = utc_now) -> LinkReport:
    """Forward, forward audit events, pull; the outcome is stored for `status()`."""
    report = LinkReport()
    settings.put(**{settings.LAST_ATTEMPT: clock()})
    try:
        if not bootstrapped():
            bootstrap(client)
        last_refresh = settings.time_of(settings.OFFICE_REFRESHED)
        if last_refresh is None or (clock() - last_refresh).total_seconds() > REFRESH_S:
            refresh_office(client)  # new and revoked workstations
            settings.put(**{settings.OFFICE_REFRESHED: clock()})
        report.forwarded = forward(client, clock)
        report.audit_events = forward_audit(client)
        report.pulled = pull(client)
    except SyncError as exc:
        report.error = exc
        offline = exc.status is LinkStatus.OFFLINE
        settings.put(
            **{settings.STATUS: "offline" if offline else "failing", settings.ERROR: exc.message}
        )
        return report
    settings.put(
        **{settings.STATUS: "online", settings.ERROR: None, settings.LAST_SUCCESS: clock()}
    )
    return report


def status() -> dict[str, Any]:
    """The upstream link as the relay tells its workstations (and `relay status`)."""
    state = settings.get(settings.STATUS) or "never"
    data_as_of = settings.time_of(settings.DATA_AS_OF)
    last = settings.time_of(settings.LAST_SUCCESS)
    return {
        "status": "online" if state == "online" else ("never" if state == "never" else "offline"),
        "data_as_of": data_as_of.isoformat() if data_as_of else None,
        "last_success_at": last.isoformat() if last else None,
        "waiting": waiting(),
        "error": settings.get(settings.ERROR),
        "workstations": seen_workstations(),
    }


def seen_workstations() -> list[dict[str, Any]]:
    """The office's workstations as the relay knows them, with their last contact."""
    facts = settings.office()
    if facts is None:
        return []
    rows = Office.select().where(
        ((Office.id == facts.id) | (Office.parent == facts.id)) & Office.revoked_at.is_null()
    )
    return [offices.row_facts(r) for r in sorted(rows, key=lambda r: r.code or "")]
