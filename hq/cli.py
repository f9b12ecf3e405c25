"""`counterdesk hq ...`: run headquarters, enrol offices, seed a demo city, support look-ups,
staff accounts (`hq/cli_staff.py`).

Exit codes as for every counterdesk command: 0 ok; 1 not found or invalid input (also: a
statement that is not genuine); 2 usage or environment error (database unreachable, missing
certificate, no staff account named); 4 database of a newer counterdesk; 5 the staff account
cannot sign in or may not do this. Messages go to stderr and say what to do.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import peewee

from hq import lookup, offices, persons, statements, store
from hq.cli_feed import add_feed_command
from hq.cli_hotline import add_hotline_command
from hq.cli_signin import SignInRefused, add_sign_in_options, signed_in
from hq.cli_staff import add_staff_command
from hq.errors import HqError, InvalidInput, NotFound, SchemaTooNew, StoreUnavailable
from models.clock import this_month, utc_now

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_TOO_NEW = 4
EXIT_DENIED = 5
DEMO_DISTRICTS = ("370102", "370103", "370104")  # 历下区, 市中区, 槐荫区
DB_HELP = (
    "headquarters' database: sqlite:////abs/path.db or postgresql://user@host:port/dbname "
    f"(default ${store.DB_ENV}, else hq/hq.db in the user data folder)"
)

Handler = Callable[[argparse.Namespace], int]


def _say(message: str) -> None:
    print(f"counterdesk hq: {message}", file=sys.stderr)


def _guarded(func: Handler) -> Handler:
    """Turn headquarters' errors into a message and an exit code."""

    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except (NotFound, InvalidInput) as exc:
            _say(str(exc))
            return EXIT_NOT_FOUND
        except SchemaTooNew as exc:
            _say(str(exc))
            return EXIT_TOO_NEW
        except SignInRefused as exc:
            _say(str(exc))
            return EXIT_DENIED
        except (StoreUnavailable, HqError) as exc:
            _say(str(exc))
            return EXIT_USAGE
        except peewee.DatabaseError as exc:
            _say(
                f"headquarters' database failed ({str(exc).strip()}): check --db and that the "
                "database server runs"
            )
            return EXIT_USAGE
        finally:
            store.close()

    return run


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-11") from exc


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str) if args.json else text)


# -- commands ---------------------------------------------------------------------------------


@_guarded
def cmd_serve(args: argparse.Namespace) -> int:
    """Run the HTTP API with uvicorn until interrupted."""
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        _say("TLS needs both --ssl-certfile and --ssl-keyfile")
        return EXIT_USAGE
    for option, value in (
        ("--ssl-certfile", args.ssl_certfile),
        ("--ssl-keyfile", args.ssl_keyfile),
    ):
        if value and not Path(value).is_file():
            _say(f"{option} {value}: no such file")
            return EXIT_USAGE
    store.connect(args.db)  # creates or migrates the schema once, before the workers start
    store.close()
    import uvicorn

    from hq.api import MAX_BODY_ENV, RATE_ENV

    os.environ[store.DB_ENV] = args.db
    if args.rate_limit is not None:
        os.environ[RATE_ENV] = str(args.rate_limit)
    if args.max_body is not None:
        os.environ[MAX_BODY_ENV] = str(args.max_body)
    scheme = "https" if args.ssl_certfile else "http"
    _say(f"serving on {scheme}://{args.host}:{args.port}/v1 (Ctrl+C stops)")
    uvicorn.run(
        "hq.api:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        log_level="info",
    )
    return EXIT_OK


@_guarded
def cmd_enrol_office(args: argparse.Namespace) -> int:
    """Enrol an office and print its token once."""
    store.connect(args.db)
    token = offices.enrol_office(
        args.office, args.district, args.name, new_token=args.new_token, kind=args.kind
    )
    found = offices.find_office(args.office)
    print(token)
    _say(
        f"office {args.office} enrolled for {', '.join(sorted(set(args.district)))}; its own "
        f"workstation is {found.code if found else '?'}. The token above is shown only this "
        "once: give it to the office over a safe channel (it is stored only as a hash). More "
        "workstations: `counterdesk hq enrol-workstation`"
    )
    return EXIT_OK


@_guarded
def cmd_enrol_workstation(args: argparse.Namespace) -> int:
    """Enrol a workstation of an office and print its token once."""
    store.connect(args.db)
    made = offices.enrol_workstation(args.office, args.kind, code=args.code, name=args.name)
    print(made.token)
    how = (
        "link the office relay with it (`counterdesk relay init --hq URL --token TOKEN`)"
        if made.kind == "relay"
        else "enrol the workstation's home with it (`counterdesk sync enrol`)"
    )
    _say(
        f"workstation {made.code} ({made.kind}) of office {args.office} enrolled as {made.id}. "
        f"The token above is shown only this once: {how}"
    )
    return EXIT_OK


@_guarded
def cmd_revoke(args: argparse.Namespace) -> int:
    """Revoke an office's token (and so its workstations') or one workstation's."""
    store.connect(args.db)
    offices.revoke_office(args.id)
    _say(
        f"{args.id} is revoked: its requests are refused from now on (an office relay learns "
        "it within a minute while it reaches headquarters)"
    )
    return EXIT_OK


@_guarded
def cmd_offices(args: argparse.Namespace) -> int:
    """List the enrolled offices and their workstations."""
    store.connect(args.db)
    rows = offices.listing()
    lines = [
        f"{r['office']:<16} {r['code'] or '-':<6} {r['kind'] or '-':<10} {r['id']:<24} "
        f"{'revoked' if r['revoked'] else 'active':<8} {r['last_seen_at'] or 'never'}"
        for r in rows
    ]
    _emit(args, {"workstations": rows}, "\n".join(lines) or "no office is enrolled")
    return EXIT_OK


@_guarded
def cmd_demo(args: argparse.Namespace) -> int:
    """Seed a demo city: several districts of generated people."""
    store.connect(args.db)
    codes = args.district or list(DEMO_DISTRICTS)
    as_of = args.as_of or this_month()
    from hq.demo import seed

    counts = seed({code: args.persons for code in codes}, args.seed, as_of, _say)
    _say(
        f"{counts['person']:,} people in {len(set(codes))} districts, {counts['card']:,} cards, "
        f"{counts['contribution']:,} monthly contributions, {counts['employer']:,} employers"
    )
    return EXIT_OK


@_guarded
def cmd_lookup(args: argparse.Namespace) -> int:
    """Show a person's register at headquarters with the commands received for them, as a
    named staff account (the read is logged under its username)."""
    store.connect(args.db)
    actor = signed_in(args)
    kind = persons.KeyKind.SSN if args.id else persons.KeyKind.CARD
    record = lookup.describe(kind, args.id or args.card, actor, utc_now())
    _emit(args, record, lookup.as_text(record))
    return EXIT_OK


@_guarded
def cmd_verify_statement(args: argparse.Namespace) -> int:
    """Check a scanned statement code: exit 0 if genuine, 1 if not."""
    store.connect(args.db)
    result = statements.verify_statement(args.payload)
    data = {"genuine": result.genuine, "reason": result.reason, "statement": result.statement}
    if result.genuine and result.statement:
        s = result.statement
        text = "\n".join(
            [
                f"GENUINE: statement {s['number']} ({s['kind']}) printed {s['printed_at']} "
                f"by office {s['office']}",
                f"person {s['person'] or '-'}, {s['pages'] or '?'} pages, sha256 "
                f"{s['sha256'] or '-'}",
                "headquarters holds the office's record of it"
                if s["recorded"]
                else "headquarters has not yet received the office's record of it (the office "
                "has not synced since): the signature alone is confirmed",
            ]
        )
    else:
        text = f"NOT GENUINE: {result.reason}"
    _emit(args, data, text)
    return EXIT_OK if result.genuine else EXIT_NOT_FOUND


# -- the parser -------------------------------------------------------------------------------


def _with_db(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--db", default=store.default_url(), metavar="URL", help=DB_HELP)
    return parser


def add_hq_commands(sub: argparse._SubParsersAction) -> None:
    """Add `hq serve`, `hq enrol-office`, `hq demo`, `hq lookup`, `hq verify-statement`,
    `hq staff`, `hq hotline-audit` and `hq prune-feed`."""
    hq = sub.add_parser(
        "hq",
        help="headquarters: serve the sync API, enrol offices, demo city, support look-ups",
        description="Headquarters' service: the register's owner that district offices sync "
        "with (docs/sync-protocol.md).",
    )
    commands = hq.add_subparsers(dest="hq_command", required=True, metavar="COMMAND")

    p = _with_db(
        commands.add_parser(
            "serve",
            help="run the headquarters HTTP API",
            description="Run the headquarters HTTP API (JSON under /v1, OpenAPI at "
            "/openapi.json) until interrupted.",
            epilog="For training and tests only: $COUNTERDESK_HQ_CLOCK_OFFSET_S adds that "
            "many seconds (may be negative) to the clock headquarters reports, to show offices "
            "a skewed clock.",
        )
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8700, help="port to listen on (default 8700)")
    p.add_argument(
        "--workers", type=_positive, default=1, help="API processes (default 1; stateless)"
    )
    p.add_argument("--ssl-certfile", metavar="FILE", help="TLS certificate (PEM), with the key")
    p.add_argument("--ssl-keyfile", metavar="FILE", help="TLS private key (PEM)")
    p.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        metavar="PER_S",
        help="requests per second allowed per office (default 50; 0: no limit)",
    )
    p.add_argument(
        "--max-body",
        type=_positive,
        default=None,
        metavar="BYTES",
        help="largest body of a push or audit upload (default 8 MiB; larger ones get 413)",
    )
    p.set_defaults(func=cmd_serve)

    p = _with_db(
        commands.add_parser(
            "enrol-office",
            help="enrol an office and print its token once",
            description="Enrol a district office for its districts and print its token (shown "
            "once; headquarters keeps only a hash).",
        )
    )
    p.add_argument("--office", required=True, metavar="ID", help="office id (letters, digits, -)")
    p.add_argument(
        "--district",
        required=True,
        nargs="+",
        metavar="CODE",
        help="district codes the office serves (e.g. 370102)",
    )
    p.add_argument("--name", help="the office's name")
    p.add_argument(
        "--new-token",
        action="store_true",
        help="the office exists: give it a new token (the old one stops working)",
    )
    p.add_argument(
        "--kind",
        choices=sorted(offices.KINDS),
        default="counter",
        help="what the office's own PC is (default counter)",
    )
    p.set_defaults(func=cmd_enrol_office)

    p = _with_db(
        commands.add_parser(
            "enrol-workstation",
            help="enrol a workstation of an office and print its token once",
            description="Enrol one more workstation (counter, kiosk, supervisor's desk, or the "
            "office relay) of an enrolled office: its own token and code (statement numbers "
            "carry it), the office's districts. The token is shown once.",
        )
    )
    p.add_argument("--office", required=True, metavar="ID", help="the office's id")
    p.add_argument("--kind", required=True, choices=sorted(offices.KINDS), help="what it is")
    p.add_argument(
        "--code", metavar="CODE", help="its code, a capital letter and 2-5 digits (default: next)"
    )
    p.add_argument("--name", help="a name people know it by (window 3, hall kiosk)")
    p.set_defaults(func=cmd_enrol_workstation)

    p = _with_db(
        commands.add_parser(
            "revoke",
            help="revoke an office's or a workstation's token",
            description="Revoke the token of an office (its workstations stop too) or of one "
            "workstation (its id, as `hq offices` lists it: lixia-C03). Enrolling again gives a "
            "new token.",
        )
    )
    p.add_argument("id", metavar="ID", help="the office's or workstation's id")
    p.set_defaults(func=cmd_revoke)

    p = _with_db(
        commands.add_parser(
            "offices",
            help="list the offices and their workstations",
            description="List every enrolled office and workstation: code, kind, whether "
            "revoked, last contact.",
        )
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_offices)

    p = _with_db(
        commands.add_parser(
            "demo",
            help="fill an empty headquarters database with a demo city",
            description="Fill an empty headquarters database with generated districts "
            f"(default {' '.join(DEMO_DISTRICTS)}: 历下区, 市中区, 槐荫区).",
        )
    )
    p.add_argument(
        "--persons", type=_positive, default=1000, help="people per district (default 1000)"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--district", nargs="+", metavar="CODE", help="district codes to generate")
    p.add_argument(
        "--as-of", type=_month, metavar="YYYY-MM", help="month the data runs up to (default: now)"
    )
    p.set_defaults(func=cmd_demo)

    p = _with_db(
        commands.add_parser(
            "lookup",
            help="show a person's register at headquarters",
            description="Show a person's register as headquarters holds it, with the commands, "
            "visits and statements offices sent for them. The read is logged under the staff "
            "account the command acts as (a supervisor or an admin of `hq staff`): --as USER "
            "or $COUNTERDESK_USER, its password asked on a terminal, else read from "
            "$COUNTERDESK_PASSWORD or --password-stdin.",
        )
    )
    add_sign_in_options(p)
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument("--id", help="ID number (social security number)")
    key.add_argument("--card", help="social security card number")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_lookup)

    p = _with_db(
        commands.add_parser(
            "verify-statement",
            help="check a scanned statement QR code",
            description="Check a statement's QR code (CD1|...): genuine or not, and what it "
            "covered. Exit 0 if genuine, 1 if not.",
        )
    )
    p.add_argument("payload", metavar="PAYLOAD", help="the scanned code, CD1|...")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_verify_statement)

    add_staff_command(commands, _with_db, _guarded)
    add_hotline_command(commands, _with_db, _guarded)
    add_feed_command(commands, _with_db, _guarded)
