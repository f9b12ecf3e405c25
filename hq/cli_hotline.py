"""`counterdesk hq hotline-audit`: the supervisor's extract of the 12333 hotline desk's audit
log (who, whom, when, why, what), as a table or CSV, acting as a named headquarters supervisor
or admin (`--as`, as `hq lookup` does). ID numbers are masked.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from hq import hotline_store, store
from hq.cli_signin import add_sign_in_options, signed_in
from hq.errors import InvalidInput

Handler = Callable[[argparse.Namespace], int]
COLUMNS = ("at", "agent", "action", "call", "purpose", "person", "detail")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-11-16") from exc


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def _shown(row: dict[str, object]) -> list[str]:
    at = row["at"]
    when = at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if isinstance(at, datetime) else ""
    return [when] + ["" if row[c] is None else str(row[c]) for c in COLUMNS[1:]]


def cmd_hotline_audit(args: argparse.Namespace) -> int:
    """hq hotline-audit."""
    store.connect(args.db)
    signed_in(args)
    if args.to < args.start:
        raise InvalidInput(f"--to {args.to} is before --from {args.start}")
    rows = hotline_store.audit_extract(
        _local_midnight(args.start), _local_midnight(args.to + timedelta(days=1)), args.agent
    )
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(COLUMNS)
        writer.writerows(_shown(r) for r in rows)
        return 0
    if not rows:
        print("No hotline events in that period.")
    for r in rows:
        at, agent, action, call, purpose, person, detail = _shown(r)
        print(f"{at}  {agent:<14} {action:<16} {call:>6} {purpose:<15} {person:<18} {detail}")
    return 0


def add_hotline_command(
    commands: argparse._SubParsersAction,
    with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    guarded: Callable[[Handler], Handler],
) -> None:
    """Add `hq hotline-audit` to the `hq` subcommands."""
    p = with_db(
        commands.add_parser(
            "hotline-audit",
            help="the 12333 hotline desk's audit extract (supervisor)",
            description="Print the hotline desk's audit log for a period: when, the agent, "
            "what was done (sign-in, lookup, verification and its failures, record read, card "
            "reported lost, note), the call and its purpose, the person (ID number masked). "
            "Acts as a headquarters supervisor or admin: --as USER or $COUNTERDESK_USER, its "
            "password asked on a terminal, else read from $COUNTERDESK_PASSWORD or "
            "--password-stdin.",
        )
    )
    add_sign_in_options(p)
    p.add_argument(
        "--from", dest="start", type=_day, required=True, metavar="DAY", help="first day"
    )
    p.add_argument("--to", type=_day, required=True, metavar="DAY", help="last day (included)")
    p.add_argument("--agent", metavar="USER", help="only this agent's events")
    p.add_argument("--csv", action="store_true", help="print CSV with a header row")
    p.set_defaults(func=guarded(cmd_hotline_audit))
