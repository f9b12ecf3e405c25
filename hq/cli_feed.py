"""`counterdesk hq prune-feed`: delete the change feed's changes older than a number of days
(hq/feed_prune.py), acting as a named headquarters admin (`--as`, as `hq lookup` does).

An office not synced for longer than that copies its register again at its next sync (the
feed answers its old cursor with `feed_pruned`); `--dry-run` says how many changes would go.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import timedelta

from hq import feed_prune, store
from hq.cli_signin import add_sign_in_options, signed_in
from models.clock import utc_now
from models.enums import Role

Handler = Callable[[argparse.Namespace], int]
MIN_DAYS = 7  # an office closed for a long weekend must not have to copy its register again


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from exc
    if days < MIN_DAYS:
        raise argparse.ArgumentTypeError(
            f"keep at least {MIN_DAYS} days of changes (an office closed that long would have to "
            "copy its whole register again)"
        )
    return days


def cmd_prune_feed(args: argparse.Namespace) -> int:
    """hq prune-feed."""
    store.connect(args.db)
    signed_in(args, (Role.ADMIN.value,), "prune headquarters' change feed: an admin may")
    before = utc_now() - timedelta(days=args.older_than_days)
    plan = feed_prune.plan(before) if args.dry_run else feed_prune.prune(before)
    verb = "would delete" if args.dry_run else "deleted"
    facts = {
        "before": before.isoformat(timespec="seconds"),
        "deleted": 0 if args.dry_run else plan.changes,
        "would_delete": plan.changes if args.dry_run else 0,
        "pruned_through": plan.last,
        "head_seq": plan.head,
    }
    if args.json:
        print(json.dumps(facts))
    else:
        print(
            f"{verb} {plan.changes:,} changes recorded before {facts['before']} (the feed now "
            f"starts after {plan.last:,}; head {plan.head:,}). Offices not synced since then copy "
            "their register again at their next sync."
        )
    return 0


def add_feed_command(
    commands: argparse._SubParsersAction,
    with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    guarded: Callable[[Handler], Handler],
) -> None:
    """Add `hq prune-feed` to the `hq` subcommands."""
    p = with_db(
        commands.add_parser(
            "prune-feed",
            help="delete change-feed entries older than N days (admin)",
            description="Delete the change feed's entries recorded more than N days ago, "
            "oldest first in batches (offices keep syncing meanwhile); the newest entry is "
            "always kept. An office not synced for longer copies its register again at its next "
            "sync. Acts as a headquarters admin: --as USER or $COUNTERDESK_USER, its password "
            "asked on a terminal, else read from $COUNTERDESK_PASSWORD or --password-stdin.",
        )
    )
    add_sign_in_options(p)
    p.add_argument(
        "--older-than-days",
        type=_days,
        required=True,
        metavar="N",
        help=f"delete what is older than N days (at least {MIN_DAYS})",
    )
    p.add_argument("--dry-run", action="store_true", help="only say how many would be deleted")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=guarded(cmd_prune_feed))
