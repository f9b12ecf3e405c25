"""People and cards: `lookup`, `check-id`, `card report-lost|cancel-loss` (and the card reader's
commands from cli_cards)."""

from __future__ import annotations

import argparse
import sys

from desktop import render
from desktop.cli_cards import add_card_commands, read_card
from desktop.cli_common import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    emit,
    open_home,
    positive,
)
from desktop.cli_staff import staff_actor
from desktop.core import services
from desktop.core.i18n import set_language
from desktop.core.loading import StillLoading, still_loading_message
from models import cardops, lookup
from models.clock import utc_now
from models.errors import NotFound
from models.idnumber import parse_id_number
from models.register_loading import register_loading


def add_people_commands(sub: argparse._SubParsersAction) -> None:
    """Add lookup, check-id and card."""
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
    p.add_argument("--pick", type=positive, help="with --name: open the N-th match")
    p.add_argument("--json", action="store_true", help="print JSON (see docs/formats.md)")
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


def cmd_lookup(args: argparse.Namespace) -> int:
    """counterdesk lookup."""
    open_home(args)
    actor = staff_actor(args)
    if args.pick and not args.name:
        raise CliError(EXIT_USAGE, "--pick goes with --name")
    if args.name is not None:
        matches = lookup.search_people(args.name, actor)
        found = matches.people
        if not found:
            loading = register_loading()
            still = (
                ""
                if loading is None
                else " yet: its first copy from headquarters is still loading "
                f"({loading.received:,} persons received), so they may not have arrived"
            )
            raise CliError(
                EXIT_NOT_FOUND,
                f"nobody named like {args.name.strip()!r} in this office's register{still}",
            )
        if args.pick is None and len(found) > 1:
            emit(
                args,
                render.search_json(matches, args.name.strip()),
                render.search_text(matches),
            )
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
    try:
        overview = services.open_person(kind, value, actor, reveal=args.reveal)
    except StillLoading as exc:
        set_language("en")  # the command line speaks English
        message = still_loading_message(exc, utc_now()).replace("\n", " ")
        raise CliError(EXIT_NOT_FOUND, message) from exc
    emit(
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
    open_home(args)
    card = cardops.report_card_lost(args.number, staff_actor(args))
    print(f"Card {card.card_no} is now reported lost; the report waits to be sent to headquarters.")
    return EXIT_OK


def cmd_card_cancel_loss(args: argparse.Namespace) -> int:
    """counterdesk card cancel-loss."""
    open_home(args)
    card = cardops.cancel_card_loss(args.number, staff_actor(args))
    print(f"Card {card.card_no} is active again; the change waits to be sent to headquarters.")
    return EXIT_OK
