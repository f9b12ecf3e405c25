"""`counterdesk card readers | read | emulate`: the card reader from the command line."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from cards.errors import FIELD_LABELS, InvalidPin
from cards.record import CardRecord
from cards.session import SocialSecurityCardSession
from cards.virtual import (
    VPCD_PORT,
    VPCD_READERS,
    CardProfile,
    Fault,
    VirtualCard,
    VpcdLink,
)
from models.errors import InvalidRequest
from models.idnumber import mask_id_number
from models.names import ethnicity_name, region_name


def add_card_commands(card_sub: argparse._SubParsersAction) -> None:
    """Add readers, read and emulate to the `card` command."""
    p = card_sub.add_parser(
        "readers",
        help="list card readers and whether a card is in each",
        description="List the PC/SC card readers and whether each holds a card.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_card_readers)

    p = card_sub.add_parser(
        "read",
        help="read the social security card in a reader",
        description="Read the social security card in the reader: issuer data (EF05) and "
        "holder data (EF06). Fields a third-generation card protects are listed as unreadable.",
    )
    p.add_argument("--reader", help="reader name (default: the first one holding a card)")
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait this long for a card to be inserted (default: read at once)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (see docs/formats.md)")
    p.add_argument("--reveal", action="store_true", help="show the full ID number")
    p.add_argument(
        "--verify-pin",
        action="store_true",
        help="also verify the card PIN (asked without echo; one line of stdin if not a terminal)",
    )
    p.set_defaults(func=cmd_card_read)

    p = card_sub.add_parser(
        "emulate",
        help="insert a virtual social security card into the vpcd reader",
        description="Connect a virtual social security card to pcscd's vpcd reader until "
        "interrupted (Ctrl-C removes it). With pcscd and vsmartcard-vpcd installed, `counterdesk "
        "card read` then reads it. For training, demos and tests: never on a counter PC.",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--ssn", help="the holder's ID number (with --name, --card-no)")
    who.add_argument(
        "--person-from-home",
        action="store_true",
        help="a person of the office home: --card NUMBER, else the first demo sample",
    )
    p.add_argument("--name", default="张三", help="with --ssn: the holder's name")
    p.add_argument("--card-no", help="with --ssn: the card number (default made from the ID)")
    p.add_argument("--card", help="with --person-from-home: which card of the register")
    p.add_argument("--generation", type=int, choices=(1, 2, 3), help="card generation")
    p.add_argument("--pin", default="123456", help="the card's PIN (default 123456)")
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=[f.value for f in Fault],
        help="make the card misbehave (repeatable)",
    )
    p.add_argument(
        "--slot",
        type=int,
        choices=(0, 1),
        default=0,
        help="vpcd reader: 0 = 'Virtual PCD 00 00' (default), 1 = '... 00 01'",
    )
    p.set_defaults(func=cmd_card_emulate)


def cmd_card_emulate(args: argparse.Namespace) -> int:
    """counterdesk card emulate."""
    if args.person_from_home:
        from desktop.virtual_holder import profile_from_home  # opens the register

        profile = profile_from_home(args.home, args.card, args.generation, args.pin, args.fault)
    else:
        if args.card:
            raise InvalidRequest("--card goes with --person-from-home; use --card-no with --ssn")
        try:
            profile = CardProfile.from_holder(
                args.ssn.strip().upper(),
                args.name,
                card_no=args.card_no,
                generation=args.generation or 3,
                pin=args.pin,
                faults=args.fault,
            )
        except ValueError as exc:
            raise InvalidRequest(f"cannot make that card: {exc}") from exc
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started in the background
        signal.signal(signum, lambda *_: stop.set())
    link = VpcdLink(VirtualCard(profile), port=VPCD_PORT + args.slot)
    link.connect()
    print(
        f"Virtual card {profile.card_no} ({profile.name}, generation {profile.generation}) is "
        f"in {list(VPCD_READERS)[args.slot]}; Ctrl-C takes it out.",
        file=sys.stderr,
        flush=True,
    )
    end = link.serve_forever(stop)
    print(f"Card taken out ({end.value}).", file=sys.stderr)
    return 0


def read_card(
    reader: str | None, pin: str | None = None, wait_s: float = 0
) -> tuple[str, CardRecord]:
    """Read the card in `reader` (or the first reader with a card); verify `pin` if given."""
    from cards.pcsc import PcscContext  # pyscard (the office extra), for card commands only

    with PcscContext() as context, context.connect(reader, int(wait_s * 1000)) as transport:
        session = SocialSecurityCardSession(transport)
        record = session.read()
        if pin is not None:
            session.verify_pin(pin)
        return transport.reader, record


def cmd_card_readers(args: argparse.Namespace) -> int:
    """counterdesk card readers."""
    from cards.pcsc import PcscContext

    with PcscContext() as context:
        states = context.states()
    if args.json:
        print(
            json.dumps(
                {
                    "format": "counterdesk.readers/1",
                    "readers": [
                        {"name": s.name, "card_present": s.card_present, "atr": s.atr.hex().upper()}
                        for s in states
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif not states:
        print("No card reader is attached.")
    else:
        for s in states:
            print(f"{s.name}: {'card present' if s.card_present else 'no card'}")
    return 0


def _ask_pin() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Card PIN (6 digits): ")
    line = sys.stdin.readline().strip()
    if not line:
        raise InvalidPin("no PIN given on standard input (one line of 6 digits)")
    return line


def cmd_card_read(args: argparse.Namespace) -> int:
    """counterdesk card read."""
    pin = _ask_pin() if args.verify_pin else None
    reader, record = read_card(args.reader, pin, args.wait)
    data = card_json(record, reveal=args.reveal)
    data["reader"] = reader
    data["pin_verified"] = True if pin is not None else None
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(card_text(reader, record, args.reveal))
        if pin is not None:
            print("PIN verified.")
    return 0


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def card_json(record: CardRecord, reveal: bool = False) -> dict[str, Any]:
    """The stable JSON form of a card read (format counterdesk.card/1)."""
    data: dict[str, Any] = {
        "format": "counterdesk.card/1",
        "generation": record.generation,
        "spec_version": record.spec_version,
        "card_no": record.card_no,
        "card_identifier": record.card_identifier,
        "card_type": record.card_type,
        "initialising_org": record.initialising_org,
        "issue_date": _iso(record.issue_date),
        "expiry_date": _iso(record.expiry_date),
        "ssn_masked": mask_id_number(record.ssn) if record.ssn else None,
        "name": record.name,
        "gender": record.gender,
        "ethnicity": record.ethnicity,
        "birthplace": record.birthplace,
        "birth_date": _iso(record.birth_date),
        "unreadable": dict(record.unreadable),
        "apdus": record.apdus,
    }
    if reveal:
        data["ssn"] = record.ssn
    return data


def _named(code: str | None, name: Callable[[str, str], str]) -> str:
    """A code with its name in English ('01 (Han)'), '-' for none."""
    return "-" if code is None else f"{code} ({name(code, 'en')})"


def card_text(reader: str, record: CardRecord, reveal: bool = False) -> str:
    """A card read as lines of text."""

    def show(value: object) -> str:
        return "-" if value is None else str(value)

    ssn = record.ssn if reveal else (mask_id_number(record.ssn) if record.ssn else None)
    gender = {"M": "male", "F": "female"}.get(record.gender or "")
    lines = [
        f"Card in {reader}: generation {show(record.generation)} (spec "
        f"{show(record.spec_version)}), number {show(record.card_no)}",
        f"  identifier {show(record.card_identifier)}",
        f"  issued {show(record.issue_date)}, expires {show(record.expiry_date)}",
        f"Holder: {show(record.name)}  {show(gender)}  born {show(record.birth_date)}  "
        f"ID {show(ssn)}",
        f"  ethnicity {_named(record.ethnicity, ethnicity_name)}  "
        f"birthplace {_named(record.birthplace, region_name)}",
    ]
    for field_name, reason in record.unreadable.items():
        lines.append(f"  not read: {FIELD_LABELS.get(field_name, field_name)} ({reason})")
    lines.append(f"({record.apdus} commands sent to the card)")
    return "\n".join(lines)
