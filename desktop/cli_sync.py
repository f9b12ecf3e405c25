"""`counterdesk sync ...`: sync the office with headquarters, see how it stands, enrol, review
rejected commands, and ask headquarters for a customer of another district."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from desktop.cli_common import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_SYNC_INCOMPLETE,
    EXIT_USAGE,
    emit,
    open_home,
)
from desktop.cli_staff import staff_actor
from models.actor import Actor
from models.clock import local_now, utc_now
from models.lookup import KeyKind
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import connect, enrol, open_client
from sync.errors import (
    EnrolmentRefused,
    InvalidRequest,
    NotEnrolled,
    SyncError,
    Unauthorized,
)
from sync.rejections import acknowledge, rejected_awaiting
from sync.remote import ask_headquarters
from sync.scheduler import SyncWorker, WorkerUpdate
from sync.status import read_status

REMOTE_FORMAT = "counterdesk.remote-person/1"
REJECTED_FORMAT = "counterdesk.rejected-commands/1"


def add_sync_commands(sub: argparse._SubParsersAction) -> None:
    """Add `sync [--once]`, `sync status`, `sync enrol`, `sync rejected`, `sync acknowledge`,
    `sync ask-hq`."""
    p = sub.add_parser(
        "sync",
        help="sync the office with headquarters (continuously, or --once)",
        description="Push the office's queued commands and audit log to headquarters, then pull "
        "what changed (a whole copy the first time). Without --once, keep syncing in the "
        "foreground (every minute, retrying with backoff when offline) until interrupted.",
    )
    p.add_argument(
        "--once",
        action="store_true",
        help="sync once and exit; exit status 6 if the sync did not complete",
    )
    p.set_defaults(func=cmd_sync)
    actions = p.add_subparsers(dest="sync_command", metavar="[ACTION]")

    q = actions.add_parser(
        "status",
        help="show how the office stands with headquarters",
        description="Online, offline or failing (with the error), last success, data as of, "
        "pending commands, rejected commands awaiting a supervisor, clock skew, bootstrap "
        "progress and whether a full resync is due.",
    )
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_status)

    q = actions.add_parser(
        "enrol",
        help="enrol this office with headquarters",
        description="Register the office's statement signing key at headquarters and store "
        "headquarters' address and the office's token in the register. Refused for a register "
        "holding people that did not come from headquarters (e.g. demo data).",
    )
    q.add_argument("--hq", required=True, metavar="URL", help="headquarters' address")
    q.add_argument("--token", required=True, help="the office's token from headquarters")
    q.set_defaults(func=cmd_enrol)

    q = actions.add_parser(
        "rejected",
        help="list commands headquarters rejected that no supervisor has acknowledged",
        description="Commands headquarters rejected, with its reason, until a supervisor "
        "acknowledges each one.",
    )
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_rejected)

    q = actions.add_parser(
        "acknowledge",
        help="acknowledge a rejected command (supervisor)",
        description="A supervisor states they saw a command headquarters rejected.",
    )
    q.add_argument("uuid", metavar="UUID", help="the command's id (from `sync rejected`)")
    q.set_defaults(func=cmd_acknowledge)

    q = actions.add_parser(
        "ask-hq",
        help="ask headquarters for a person of another district",
        description="For a customer the office's register lacks: ask headquarters (online "
        "only). Logged in the audit log as person.read_remote; nothing is stored.",
    )
    key = q.add_mutually_exclusive_group(required=True)
    key.add_argument("--id", metavar="ID", help="18-character ID number")
    key.add_argument("--card", metavar="NUMBER", help="social security card number")
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_ask_hq)


def _say(message: str) -> None:
    print(f"counterdesk: {message}", file=sys.stderr)


def _code(exc: SyncError) -> int:
    if isinstance(exc, NotEnrolled | Unauthorized):
        return EXIT_USAGE
    if isinstance(exc, InvalidRequest | EnrolmentRefused):
        return EXIT_NOT_FOUND
    return EXIT_SYNC_INCOMPLETE


def _summary(report: SyncReport) -> str:
    parts = []
    if report.push.accepted or report.push.rejected:
        parts.append(f"{report.push.accepted} command(s) accepted, {report.push.rejected} rejected")
    if report.push.waiting:
        parts.append(
            f"{report.push.waiting} command(s) held by the office relay, waiting for "
            "headquarters' answer"
        )
    if report.audit.sent:
        parts.append(f"{report.audit.sent} audit event(s) sent")
    if report.bootstrap is not None:
        parts.append(
            f"copied the register ({report.bootstrap.rows:,} rows in "
            f"{report.bootstrap.pages} pages)"
        )
    if report.pull is not None:
        parts.append(f"{report.pull.changes} change(s) pulled")
    if report.check is not None:
        parts.append(f"data check {report.check.outcome}")
    return ", ".join(parts) or "nothing to do"


def cmd_sync(args: argparse.Namespace) -> int:
    """counterdesk sync [--once]."""
    home = open_home(args)
    actor = Actor.tool("sync").name
    if not args.once:
        return _run_continuously(home, actor)
    try:
        client = connect(actor=actor)
    except SyncError as exc:
        _say(f"sync did not complete: {exc.message}")
        return EXIT_SYNC_INCOMPLETE

    def progress(at: dict[str, Any]) -> None:
        print(
            f"  copying the register: {at['applied']} page done ({at['pages']} page(s), "
            f"{at['rows']:,} rows so far)",
            file=sys.stderr,
        )

    with client:
        report = SyncEngine(client, progress=progress).run_once()
    for warning in report.warnings:
        _say(f"warning: {warning}")
    if report.error is not None:
        _say(f"sync did not complete ({report.status.value}): {report.error.message}")
        return EXIT_SYNC_INCOMPLETE
    print(f"Sync complete: {_summary(report)}.")
    return EXIT_OK


def _run_continuously(home: Any, actor: str) -> int:
    def show(update: WorkerUpdate) -> None:
        s = update.snapshot
        now = local_now()
        line = f"{now:%Y-%m-%d %H:%M:%S} {s.status}"
        if update.report is not None:
            line += f": {_summary(update.report)}"
        problem = update.error or s.last_error
        if problem and s.status != "online":
            line += f" - {problem}"
        line += f"; pending {s.pending}, rejected awaiting a supervisor {s.rejected_awaiting}"
        if s.next_attempt_at is not None:
            line += f"; next {s.next_attempt_at.astimezone():%H:%M:%S}"
        print(line, flush=True)

    stop = threading.Event()
    # Ctrl+C, and SIGTERM from a service manager; set explicitly, because a program started in
    # the background by a shell inherits SIGINT ignored (Python then leaves it so)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    worker = SyncWorker(home, lambda: connect(actor=actor), listeners=[show]).start()
    worker.wake()
    print("Syncing with headquarters; press Ctrl+C to stop.", file=sys.stderr)
    try:
        while worker.alive and not stop.wait(0.5):
            pass
        if stop.is_set():
            print("Stopping after the current step...", file=sys.stderr)
    finally:
        worker.stop()
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """counterdesk sync status."""
    open_home(args)
    snapshot = read_status()
    emit(args, snapshot.as_json(), "\n".join(snapshot.lines(utc_now())))
    return EXIT_OK


def cmd_enrol(args: argparse.Namespace) -> int:
    """counterdesk sync enrol --hq URL --token TOKEN."""
    home = open_home(args)
    actor = Actor.tool("enrol")
    with open_client(args.hq, args.token, actor=actor.name) as client:
        try:
            result = enrol(home, client, args.hq, actor)
        except SyncError as exc:
            _say(f"enrolment failed: {exc.message}")
            return _code(exc)
    office = result.enrolled.office
    where = "the office relay" if result.through_relay else "headquarters"
    station = f", workstation {office.workstation_code}" if office.workstation_code else ""
    print(
        f"Enrolled as office {office.id}{station} (districts {', '.join(office.districts)}) "
        f"with {where} at {args.hq}. The token is stored in this office's register.",
        file=sys.stderr,
    )
    if result.resync_required:
        print(
            "The office or its districts changed: the next sync copies the whole register.",
            file=sys.stderr,
        )
    print("Next: counterdesk sync --once (the first sync copies the register).", file=sys.stderr)
    return EXIT_OK


def cmd_rejected(args: argparse.Namespace) -> int:
    """counterdesk sync rejected."""
    open_home(args)
    found = rejected_awaiting()
    data = {"format": REJECTED_FORMAT, "commands": [c.as_json() for c in found]}
    if not found:
        text = "No rejected command awaits a supervisor."
    else:
        lines = [f"{len(found)} command(s) rejected by headquarters await a supervisor:"]
        for c in found:
            what = ", ".join(f"{k} {v}" for k, v in c.summary.items())
            lines.append(
                f"  {c.uuid}  {c.created_at.astimezone():%Y-%m-%d %H:%M}  {c.command}"
                f" ({what}) by {c.actor}: {c.reason or 'no reason given'}"
            )
        lines.append("Acknowledge each with: counterdesk sync acknowledge UUID")
        text = "\n".join(lines)
    emit(args, data, text)
    return EXIT_OK


def cmd_acknowledge(args: argparse.Namespace) -> int:
    """counterdesk sync acknowledge UUID."""
    open_home(args)
    done = acknowledge(args.uuid, staff_actor(args))
    print(f"Acknowledged {done.command} {done.uuid} (rejected: {done.reason}).", file=sys.stderr)
    return EXIT_OK


def cmd_ask_hq(args: argparse.Namespace) -> int:
    """counterdesk sync ask-hq (--id ID | --card NUMBER)."""
    open_home(args)
    actor = staff_actor(args)
    kind, value = (KeyKind.ID_NUMBER, args.id) if args.id else (KeyKind.CARD, args.card)
    try:
        client = connect(actor=actor.name)
    except NotEnrolled:
        client = None
    try:
        record = ask_headquarters(client, kind, value, actor)
    except SyncError as exc:
        _say(exc.message)
        return _code(exc)
    finally:
        if client is not None:
            client.close()
    person = record.person
    cards = [
        {k: c[k] for k in ("card_no", "generation", "status", "issue_date", "expiry_date")}
        for c in record.tables["card"]
    ]
    data = {
        "format": REMOTE_FORMAT,
        "district": record.district,
        "person": {
            "ssn_masked": record.masked_ssn,
            "name": person["name"],
            "gender": person["gender"],
            "birth_date": person["birth_date"],
            "region_code": person["region_code"],
            "status": person["status"],
        },
        "cards": cards,
        "rows": {name: len(rows) for name, rows in record.tables.items()},
        "server_time": record.server_time.isoformat(),
    }
    lines = [
        f"At headquarters (district {record.district}, not in this office's register):",
        f"  {person['name']}  {record.masked_ssn}  {person['gender']}  born "
        f"{person['birth_date']}  {person['status']}",
    ]
    lines += [f"  card {c['card_no']} (generation {c['generation']}): {c['status']}" for c in cards]
    lines.append(
        "  " + ", ".join(f"{n} {name}" for name, n in data["rows"].items() if name != "person")
    )
    emit(args, data, "\n".join(lines))
    return EXIT_OK
