"""The `counterdesk` command line: office home, demo district, lookups and card operations.

Exit codes: 0 ok; 1 not found or invalid input; 2 usage or environment error (e.g. a home
folder that cannot be written); 3 damaged register; 4 register of a newer schema; 5 not allowed
for the role.
Messages for people go to stderr and say what to do.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import peewee

from cards.errors import CardError, ReaderError
from desktop import render
from desktop.cli_cards import add_card_commands, read_card
from desktop.cli_reports import add_report_commands
from models import audit, cardops, lookup
from models.actor import Actor
from models.backup import backup as backup_register
from models.backup import restore as restore_register
from models.db import classify_database_error, close_register
from models.demo.generator import DemoParams, generate
from models.demo.vocabulary import JINAN_REGIONS
from models.errors import (
    CredentialLocked,
    DamagedRegister,
    InvalidRequest,
    NotFound,
    RegisterUnavailable,
    SchemaTooNew,
)
from models.home import HOME_ENV, OfficeHome, setting
from models.idnumber import InvalidIdNumber, parse_id_number
from models.migrations import SCHEMA_VERSION
from models.people import InvalidCardNumber, InvalidNameQuery
from models.permissions import Permission, PermissionDenied, require
from models.schema import Card, Person
from models.sync_status import describe, freshness
from reports.errors import FontUnavailable

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DAMAGED = 3
EXIT_TOO_NEW = 4
EXIT_DENIED = 5

JINAN_DISTRICTS = tuple(JINAN_REGIONS)


class CliError(Exception):
    """A failure with its exit code and a message for the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (also used to check the README documents them)."""
    parser = argparse.ArgumentParser(
        prog="counterdesk",
        description="Counter client of a district social insurance office.",
        epilog=f"The office home can also be set with ${HOME_ENV}. Exit codes: 0 ok, "
        "1 not found or invalid, 2 usage or environment error, 3 damaged register, "
        "4 register of a newer counterdesk, 5 not allowed for the role.",
    )
    parser.add_argument(
        "--home", help=f"office home folder (default ${HOME_ENV}, else the user data folder)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "init",
        help="create a new office home with an empty register",
        description="Create a new office home with an empty register.",
    )
    p.add_argument(
        "--district",
        default="370102",
        choices=JINAN_DISTRICTS,
        help="region code of the office's district (default 370102 历下区)",
    )
    p.add_argument("--office-name", default=None, help="the office's name")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "demo",
        help="fill an empty register with a demo district",
        description="Fill the office's empty register with a deterministic "
        "demo district (same seed, same district).",
    )
    p.add_argument("--persons", type=_positive, default=5000, help="number of people")
    p.add_argument(
        "--chunk", type=_positive, default=20_000, help="people per transaction (default 20000)"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--district",
        choices=JINAN_DISTRICTS,
        default=None,
        help="district code (default: the office's)",
    )
    p.add_argument(
        "--as-of",
        type=_month,
        default=None,
        metavar="YYYY-MM",
        help="month the data runs up to (default: this month)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "lookup",
        help="show a person's overview",
        description="Show a person's overview: cards, enrolments, the last 36 "
        "months, yearly totals, account balances. Every lookup is logged.",
    )
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument("--id", help="ID number (social security number)")
    key.add_argument("--card", help="social security card number")
    key.add_argument("--name", help="name or part of it; lists the matches")
    key.add_argument(
        "--from-card",
        action="store_true",
        help="read the social security card in the reader and open its holder's record",
    )
    p.add_argument("--reader", help="with --from-card: the reader (default: the first with a card)")
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="with --from-card: wait this long for a card to be inserted",
    )
    p.add_argument("--pick", type=_positive, help="with --name: open the N-th match")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")
    p.add_argument(
        "--reveal",
        action="store_true",
        help="show the full ID number and phone (logged as a reveal)",
    )
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser(
        "check-id",
        help="validate an ID number",
        description="Validate a resident ID number (GB 11643): exit 0 if valid, "
        "1 with the reason if not.",
    )
    p.add_argument("id_number", metavar="ID")
    p.set_defaults(func=cmd_check_id)

    p = sub.add_parser(
        "card",
        help="card operations (report lost, cancel the report)",
        description="Card operations for scripts and support staff.",
    )
    card_sub = p.add_subparsers(dest="card_command", required=True, metavar="ACTION")
    add_card_commands(card_sub)
    q = card_sub.add_parser(
        "report-lost",
        help="report a card lost (挂失)",
        description="Report an active card lost; queued for headquarters.",
    )
    q.add_argument("number", metavar="NUMBER")
    q.set_defaults(func=cmd_card_report_lost)
    q = card_sub.add_parser(
        "cancel-loss",
        help="cancel a loss report (解挂)",
        description="Cancel the loss report of a card that was found.",
    )
    q.add_argument("number", metavar="NUMBER")
    q.set_defaults(func=cmd_card_cancel_loss)

    p = sub.add_parser(
        "audit",
        help="check the audit log",
        description="Commands on the audit log (who looked at or changed whose data).",
    )
    audit_sub = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    q = audit_sub.add_parser(
        "verify",
        help="check that no audit event was changed or removed",
        description="Walk the chained audit log; exit 0 if intact, 1 with the first broken "
        "event if a stored event was changed or removed.",
    )
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_audit_verify)

    p = sub.add_parser(
        "backup",
        help="copy the register to a backup folder (safe while the application runs)",
        description="Copy the register with SQLite's online backup, check the copy, and keep "
        "the newest --keep backups of this office in the folder.",
    )
    p.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="backup folder (default: backups/ in the office home)",
    )
    p.add_argument("--keep", type=_positive, default=None, help="keep only the newest N backups")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="replace the register by a backup, after checking it",
        description="Check the backup (a counterdesk register of a known schema that passes "
        "SQLite's integrity check), then put it in place; the replaced register is kept beside "
        "it as register.db.before-restore-<time>.",
    )
    p.add_argument("backup", type=Path, metavar="FILE")
    p.set_defaults(func=cmd_restore)

    add_report_commands(sub)

    p = sub.add_parser(
        "status",
        help="show the office home, its data and its freshness",
        description="Show the office home, register size, how fresh the data "
        "is, what waits for headquarters, and demo samples to try.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-11") from exc


def _home(args: argparse.Namespace) -> OfficeHome:
    return OfficeHome.resolve(args.home)


def _open(args: argparse.Namespace) -> OfficeHome:
    home = _home(args)
    home.open()
    return home


def cmd_init(args: argparse.Namespace) -> int:
    """counterdesk init."""
    home = _home(args)
    name = args.office_name or f"济南市{JINAN_REGIONS[args.district]}社会保险服务中心"
    home.create(args.district, name)
    print(
        f"Created the office home {home.path} (district {args.district}, schema "
        f"v{SCHEMA_VERSION}).",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """counterdesk demo."""
    _open(args)
    district = args.district or setting("district", "370102")
    params = DemoParams(
        args.persons,
        args.seed,
        district,
        args.as_of or date.today().replace(day=1),
        chunk=args.chunk,
    )

    def progress(message: str) -> None:
        print(f"  {message}", file=sys.stderr)

    report = generate(params, progress)
    print(
        f"Demo district {district}: {report.persons:,} people, {report.cards:,} cards, "
        f"{report.contributions:,} monthly contributions, {report.yearly_summaries:,} yearly "
        f"summaries, {report.account_entries:,} account entries in "
        f"{report.seconds['total']} s.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace) -> int:
    """counterdesk lookup."""
    _open(args)
    actor = Actor.command_line()
    if args.pick and not args.name:
        raise CliError(EXIT_USAGE, "--pick goes with --name")
    if args.name is not None:
        found = lookup.search_people(args.name, actor)
        if not found:
            raise CliError(
                EXIT_NOT_FOUND, f"nobody named like {args.name.strip()!r} in this office's register"
            )
        if args.pick is None and len(found) > 1:
            _emit(args, render.search_json(found, args.name.strip()), render.search_text(found))
            return EXIT_OK
        index = (args.pick or 1) - 1
        if index >= len(found):
            raise CliError(EXIT_NOT_FOUND, f"there are only {len(found)} matches")
        kind, value = lookup.KeyKind.ID_NUMBER, found[index].ssn
    elif args.from_card:
        kind, value = _key_from_card(args.reader, args.wait)
    elif args.id is not None:
        kind, value = lookup.KeyKind.ID_NUMBER, args.id
    else:
        kind, value = lookup.KeyKind.CARD, args.card
    overview = lookup.open_overview(kind, value, actor, reveal=args.reveal)
    _emit(
        args,
        render.overview_json(overview, args.reveal),
        render.overview_text(overview, args.reveal),
    )
    return EXIT_OK


def _key_from_card(reader: str | None, wait_s: float) -> tuple[lookup.KeyKind, str]:
    """Read the card; choose its number if this register knows it, else its ID number."""
    reader_name, record = read_card(reader, None, wait_s)
    print(f"Read card {record.card_no} in {reader_name}.", file=sys.stderr)
    if record.card_no and lookup.card_known(record.card_no):
        return lookup.KeyKind.CARD, record.card_no
    if record.ssn:
        return lookup.KeyKind.ID_NUMBER, record.ssn
    region = (record.card_identifier or "")[:6] or "unknown"
    raise NotFound(
        f"card {record.card_no} (issued in region {region}) is not in this office's register, "
        "and its ID number could not be read: ask for the holder's ID card"
    )


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def cmd_check_id(args: argparse.Namespace) -> int:
    """counterdesk check-id."""
    parsed = parse_id_number(args.id_number)
    print(
        f"valid: born {parsed.birth_date}, {'male' if parsed.gender == 'M' else 'female'}, "
        f"region {parsed.region_code}"
    )
    return EXIT_OK


def cmd_card_report_lost(args: argparse.Namespace) -> int:
    """counterdesk card report-lost."""
    _open(args)
    card = cardops.report_card_lost(args.number, Actor.command_line())
    print(f"Card {card.card_no} is now reported lost; the report waits to be sent to headquarters.")
    return EXIT_OK


def cmd_card_cancel_loss(args: argparse.Namespace) -> int:
    """counterdesk card cancel-loss."""
    _open(args)
    card = cardops.cancel_card_loss(args.number, Actor.command_line())
    print(f"Card {card.card_no} is active again; the change waits to be sent to headquarters.")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """counterdesk backup."""
    home = _open(args)
    info = backup_register(home, args.dir or home.path / "backups", args.keep)
    print(
        f"Backup {info.path} ({info.persons:,} people, {info.size / 1e6:.1f} MB) checked.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """counterdesk restore."""
    home = _home(args)
    if not home.exists():
        home.ensure_writable()
    kept = restore_register(home, args.backup)
    print(f"Restored {args.backup}; the register it replaced is kept as {kept}.", file=sys.stderr)
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """counterdesk audit verify."""
    _open(args)
    require(Actor.command_line(), Permission.AUDIT)
    report = audit.verify_chain()
    data = {
        "format": "counterdesk.audit-verify/1",
        "events": report.events,
        "intact": report.intact,
        "broken_at": report.broken_at,
        "reason": report.reason,
    }
    if report.intact:
        text = f"Audit log intact: {report.events:,} events, every link checked."
    else:
        text = (
            f"Audit log BROKEN at event {report.broken_at} ({report.reason}); "
            f"{report.events:,} events checked. Keep this register as it is and tell "
            "headquarters: its copy of the chain shows what was there."
        )
    _emit(args, data, text)
    return EXIT_OK if report.intact else EXIT_NOT_FOUND


def cmd_status(args: argparse.Namespace) -> int:
    """counterdesk status."""
    home = _open(args)
    fresh = freshness()
    samples = json.loads(setting("demo_samples", "[]") or "[]")
    data = {
        "home": str(home.path),
        "schema_version": SCHEMA_VERSION,
        "district": setting("district"),
        "office_name": setting("office_name"),
        "persons": Person.select().count(),
        "cards": Card.select().count(),
        "demo_state": setting("demo_state"),
        "demo_samples": samples,
        "freshness": render.freshness_json(fresh),
    }
    lines = [
        f"Office home: {home.path}",
        f"Office: {data['office_name']} (district {data['district']}), register schema "
        f"v{SCHEMA_VERSION}",
        f"Register: {data['persons']:,} people, {data['cards']:,} cards",
        f"Data as of: {describe(fresh, datetime.now(UTC))}",
    ]
    if data["demo_state"] == "incomplete":
        lines.append("WARNING: demo generation was interrupted; this register is incomplete.")
    if samples:
        lines.append("Demo people to try (counterdesk lookup --card NUMBER):")
        lines += [f"  {s['card_no']}  {s['name']}  ({s['label']})" for s in samples]
    _emit(args, data, "\n".join(lines))
    return EXIT_OK


HANDLED: tuple[tuple[type[BaseException], int], ...] = (
    (PermissionDenied, EXIT_DENIED),
    (ReaderError, EXIT_USAGE),
    (FontUnavailable, EXIT_USAGE),
    (CardError, EXIT_NOT_FOUND),
    (SchemaTooNew, EXIT_TOO_NEW),
    (DamagedRegister, EXIT_DAMAGED),
    (RegisterUnavailable, EXIT_USAGE),
    (NotFound, EXIT_NOT_FOUND),
    (InvalidIdNumber, EXIT_NOT_FOUND),
    (InvalidCardNumber, EXIT_NOT_FOUND),
    (InvalidNameQuery, EXIT_NOT_FOUND),
    (InvalidRequest, EXIT_NOT_FOUND),
    (CredentialLocked, EXIT_NOT_FOUND),
)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command, and turn known failures into messages and exit codes."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as exc:
        print(f"counterdesk: {exc}", file=sys.stderr)
        return exc.code
    except peewee.DatabaseError as exc:
        error = classify_database_error(exc, OfficeHome.resolve(args.home).register_path)
        code = EXIT_DAMAGED if isinstance(error, DamagedRegister) else EXIT_USAGE
        print(f"counterdesk: {error}", file=sys.stderr)
        return code
    except OSError as exc:
        hint = "free some disk space" if exc.errno == errno.ENOSPC else "check the office home"
        print(
            f"counterdesk: {exc.strerror or exc} ({exc.filename or 'no file'}): {hint}; "
            "nothing already stored was lost",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except Exception as exc:
        for kind, code in HANDLED:
            if isinstance(exc, kind):
                print(f"counterdesk: {exc}", file=sys.stderr)
                return code
        raise
    finally:
        close_register()


def main() -> None:
    """Console entry point."""
    sys.exit(run())
