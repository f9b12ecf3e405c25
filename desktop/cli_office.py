"""The office: `init` (with its first admin), `demo`, `status`, `backup`, `restore` and
`audit verify`."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from desktop.cli_common import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    emit,
    home_of,
    month,
    open_home,
    positive,
)
from desktop.cli_db import read_new_passphrase
from desktop.cli_staff import staff_actor
from desktop.render import freshness_json
from models import audit, keystore
from models.actor import Actor
from models.backup import backup as backup_register
from models.backup import restore as restore_register
from models.clock import this_month, utc_now
from models.demo.generator import DemoParams, generate
from models.demo.vocabulary import JINAN_REGIONS, office_name
from models.enums import Role
from models.errors import InvalidRequest
from models.home import OfficeHome, setting
from models.migrations import SCHEMA_VERSION
from models.permissions import Permission, require
from models.schema import Card, OfficeSetting, Person, write_transaction
from models.staff import (
    NO_ADMIN_HINT,
    WeakStaffPassword,
    check_new_account,
    create_first_admin,
    has_admin,
    password_problem,
)
from models.sync_status import describe, freshness
from reports.issue import OFFICE_ADDRESS, VERIFY_URL
from sync import state as sync_state

JINAN_DISTRICTS = tuple(JINAN_REGIONS)


def add_office_commands(sub: argparse._SubParsersAction) -> None:
    """Add init, demo, audit, backup, restore and status."""
    p = sub.add_parser(
        "init",
        help="create a new office home with an empty register and its first admin",
        description="Create a new office home with an empty register and its first admin "
        "account: the username and the password (twice, without echo) are asked on a "
        "terminal, else read as one line each from standard input (nothing there: no admin "
        "yet). Run again on a home without any admin account to create one.",
    )
    p.add_argument(
        "--district",
        default="370102",
        choices=JINAN_DISTRICTS,
        help="region code of the office's district (default 370102 历下区)",
    )
    p.add_argument("--office-name", default=None, help="the office's name")
    p.add_argument(
        "--office-address",
        default=None,
        help="the office's street address, printed on every statement",
    )
    p.add_argument(
        "--verify-url",
        default=None,
        help="the page of headquarters where a statement's QR code is checked, printed on "
        "every statement",
    )
    admin = p.add_mutually_exclusive_group()
    admin.add_argument(
        "--admin",
        metavar="NAME",
        help="username of the first admin account (its password is read as for passwd)",
    )
    admin.add_argument(
        "--no-admin",
        action="store_true",
        help="create no admin account now (scripts, demo districts: their roster has one)",
    )
    p.add_argument(
        "--encrypt",
        action="store_true",
        help="create the register encrypted (SQLCipher) with a new office passphrase, asked "
        "first (twice without echo on a terminal, else the first line of standard input)",
    )
    p.add_argument(
        "--remember",
        action="store_true",
        help="with --encrypt: store the passphrase in this computer's keyring",
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "demo",
        help="fill an empty register with a demo district",
        description="Fill the office's empty register with a deterministic "
        "demo district (same seed, same district).",
    )
    p.add_argument("--persons", type=positive, default=5000, help="number of people")
    p.add_argument(
        "--chunk", type=positive, default=20_000, help="people per transaction (default 20000)"
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
        type=month,
        default=None,
        metavar="YYYY-MM",
        help="month the data runs up to (default: this month)",
    )
    p.set_defaults(func=cmd_demo)

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
    p.add_argument("--keep", type=positive, default=None, help="keep only the newest N backups")
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

    p = sub.add_parser(
        "status",
        help="show the office home, its data and its freshness",
        description="Show the office home, register size, how fresh the data "
        "is, what waits for headquarters, and demo samples to try.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)


def _line(prompt: str) -> str | None:
    """One line: asked on a terminal, else read from standard input (None at its end)."""
    if sys.stdin.isatty():
        return input(prompt)
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def _admin_credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """The first admin's username and password, checked; None when standard input (not a
    terminal) holds nothing and no --admin was given."""
    username = args.admin if args.admin is not None else _line("Username of the first admin: ")
    if username is None:
        return None
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {username.strip()}: ")
        if getpass.getpass("The same password again: ") != password:
            raise CliError(EXIT_NOT_FOUND, "the two passwords differ; nothing was created")
    else:
        password = _line("") or ""
        if not password:
            raise CliError(
                EXIT_NOT_FOUND,
                "no password for the first admin on standard input (the line after the "
                "username, or the first with --admin); nothing was created",
            )
    try:
        name, _shown, _role = check_new_account(username, username, Role.ADMIN.value)
    except InvalidRequest as exc:
        raise CliError(EXIT_NOT_FOUND, f"{exc}; nothing was created") from exc
    problem = password_problem(name, password)
    if problem is not None:
        raise CliError(EXIT_NOT_FOUND, f"{WeakStaffPassword(problem)}; nothing was created")
    return name, password


def cmd_init(args: argparse.Namespace) -> int:
    """counterdesk init."""
    home = home_of(args)
    if home.exists():
        return _first_admin_of_existing(args, home)
    if args.remember and not args.encrypt:
        raise CliError(EXIT_USAGE, "--remember goes with --encrypt; nothing was created")
    passphrase = _new_register_passphrase(args) if args.encrypt else None
    credentials = None if args.no_admin else _admin_credentials(args)
    name = args.office_name or office_name(args.district)
    home.create(args.district, name, passphrase=passphrase)
    _store_office_details(args)
    state = "encrypted" if passphrase else "plain"
    print(
        f"Created the office home {home.path} (district {args.district}, schema "
        f"v{SCHEMA_VERSION}, {state} register).",
        file=sys.stderr,
    )
    if passphrase is not None and args.remember:
        keystore.remember(home.register_path, passphrase)
        print("The passphrase is stored in this computer's keyring.", file=sys.stderr)
    if credentials is not None:
        create_first_admin(*credentials, Actor.tool("setup"))
        print(f"Created the first admin account {credentials[0]}.", file=sys.stderr)
    else:
        print(f"No admin account yet: {NO_ADMIN_HINT}.", file=sys.stderr)
    return EXIT_OK


def _store_office_details(args: argparse.Namespace) -> None:
    """The address and verification page the statements print, as given to init."""
    details = {OFFICE_ADDRESS: args.office_address, VERIFY_URL: args.verify_url}
    with write_transaction():
        for key, value in details.items():
            if value and value.strip():
                OfficeSetting.replace(key=key, value=value.strip()).execute()


def _new_register_passphrase(args: argparse.Namespace) -> str:
    """The new register's passphrase (checked), before anything is created."""
    if args.remember and not keystore.has_keyring():
        raise CliError(
            EXIT_USAGE,
            "this computer has no usable keyring to remember the passphrase in: run without "
            "--remember; nothing was created",
        )
    return read_new_passphrase()


def _first_admin_of_existing(args: argparse.Namespace, home: OfficeHome) -> int:
    """init on an existing home: refused, unless it has no admin account (then one is made)."""
    exists = f"{home.register_path} already exists; it was left as it is"
    open_home(args)
    if has_admin() or args.no_admin:
        raise CliError(EXIT_NOT_FOUND, f"{exists} (use another --home for a new office)")
    credentials = _admin_credentials(args)
    if credentials is None:
        raise CliError(
            EXIT_NOT_FOUND,
            f"{exists}, without any admin account: give the first admin's username and "
            "password (one line each on standard input, or --admin NAME and the password)",
        )
    create_first_admin(*credentials, Actor.tool("setup"))
    print(
        f"Created the first admin account {credentials[0]} of the office home {home.path}.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """counterdesk demo."""
    open_home(args)
    district = args.district or setting("district", "370102")
    params = DemoParams(
        args.persons,
        args.seed,
        district,
        args.as_of or this_month(),
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


def cmd_backup(args: argparse.Namespace) -> int:
    """counterdesk backup."""
    home = open_home(args)
    info = backup_register(home, args.dir or home.path / "backups", args.keep)
    print(
        f"Backup {info.path} ({info.persons:,} people, {info.size / 1e6:.1f} MB) checked.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """counterdesk restore."""
    home = home_of(args)
    if not home.exists():
        home.ensure_writable()
    kept = restore_register(home, args.backup)
    print(f"Restored {args.backup}; the register it replaced is kept as {kept}.", file=sys.stderr)
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """counterdesk audit verify."""
    open_home(args)
    require(staff_actor(args), Permission.AUDIT)
    report = audit.verify_chain()
    confirmed = sync_state.read(sync_state.AUDIT).cursor or 0
    local_only = max(0, report.last_id - confirmed)
    data = {
        "format": "counterdesk.audit-verify/2",
        "events": report.events,
        "intact": report.intact,
        "broken_at": report.broken_at,
        "reason": report.reason,
        "signed_head_checked": report.head_checked,
        "confirmed_by_headquarters_up_to": confirmed,
        "checked_locally_only": local_only,
    }
    coverage = [
        "every link checked"
        + (", and the end against the signed head" if report.head_checked else "")
    ]
    if not report.head_checked:
        coverage.append(
            "no signed head yet (a register from before heads): an emptied or cut log cannot be "
            "seen here until the next event is logged"
        )
    if confirmed:
        coverage.append(f"headquarters holds the events up to {confirmed:,}")
    if local_only:
        coverage.append(f"the {local_only:,} events after the last push are checked locally only")
    if report.intact:
        text = f"Audit log intact: {report.events:,} events; " + "; ".join(coverage) + "."
    else:
        text = (
            f"Audit log BROKEN at event {report.broken_at} ({report.reason}); "
            f"{report.events:,} events checked. Keep this register as it is and tell "
            "headquarters: its copy of the chain shows what was there."
        )
    emit(args, data, text)
    return EXIT_OK if report.intact else EXIT_NOT_FOUND


def cmd_status(args: argparse.Namespace) -> int:
    """counterdesk status."""
    home = open_home(args)
    fresh = freshness()
    from reports.pdf.mode import current_choice  # reportlab only when asked

    pdf_choice = current_choice()
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
        "freshness": freshness_json(fresh),
        "has_admin": has_admin(),
        "pdf_writer": pdf_choice.mode.value,
    }
    lines = [
        f"Office home: {home.path}",
        f"Office: {data['office_name']} (district {data['district']}), register schema "
        f"v{SCHEMA_VERSION}",
        f"Register: {data['persons']:,} people, {data['cards']:,} cards",
        f"Data as of: {describe(fresh, utc_now())}",
        pdf_choice.describe(),
    ]
    if not data["has_admin"]:
        lines.append(f"No admin account: {NO_ADMIN_HINT}.")
    if data["demo_state"] == "incomplete":
        lines.append("WARNING: demo generation was interrupted; this register is incomplete.")
    if samples:
        lines.append("Demo people to try (counterdesk lookup --card NUMBER):")
        lines += [f"  {s['card_no']}  {s['name']}  ({s['label']})" for s in samples]
    emit(args, data, "\n".join(lines))
    return EXIT_OK
