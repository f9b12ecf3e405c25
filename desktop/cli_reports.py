"""`counterdesk statement`, `report daily|audit` and `statements batch`: PDFs from the register."""

from __future__ import annotations

import argparse
import signal
import sys
from datetime import date
from pathlib import Path

from desktop.cli_common import open_home
from desktop.cli_staff import staff_actor
from models.clock import local_today, year_ago
from models.document_kinds import Span, document_kind, statement_kinds
from models.errors import InvalidRequest
from models.lookup import KeyKind, find_one
from reports.batch import BatchSummary, people_from_ids, people_of_district, run_batch
from reports.issue import IssuedDocument, issue


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-28") from exc


def _add_output(parser: argparse.ArgumentParser, out_help: str) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    parser.add_argument("--out", type=Path, required=True, help=out_help)


def add_report_commands(sub: argparse._SubParsersAction) -> None:
    """Add statement, report and statements to the command line."""
    p = sub.add_parser(
        "statement",
        help="print a person's statement to a PDF",
        description="Write a personal rights record (个人权益记录单) for a year, or a medical "
        "personal account statement for a period, as a numbered, signed PDF.",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--id", help="the person's ID number")
    who.add_argument("--card", help="the person's card number")
    p.add_argument(
        "--kind",
        choices=[k.name for k in statement_kinds()],
        required=True,
        help="which statement",
    )
    p.add_argument("--year", type=int, help="a statement of a year: the year (default: last year)")
    p.add_argument("--from", dest="date_from", type=_day, help="a statement of a period: first day")
    p.add_argument("--to", dest="date_to", type=_day, help="its last day (default today)")
    _add_output(p, "the PDF file to write")
    p.set_defaults(func=cmd_statement)

    p = sub.add_parser(
        "report",
        help="print an office report to a PDF",
        description="Write the office's daily report, or an audit extract (who looked at whom).",
    )
    which = p.add_subparsers(dest="report_kind", required=True, metavar="KIND")
    q = which.add_parser(
        "daily",
        help="the office's daily report",
        description="Visits, statements, card operations and sync of a day.",
    )
    q.add_argument("--date", type=_day, default=None, help="the day (default today)")
    _add_output(q, "the PDF file to write")
    q.set_defaults(func=cmd_report_daily)
    q = which.add_parser(
        "audit",
        help="who looked at whom, over a period",
        description="An extract of the audit log between two days.",
    )
    q.add_argument("--from", dest="date_from", type=_day, required=True, help="first day")
    q.add_argument("--to", dest="date_to", type=_day, required=True, help="last day")
    _add_output(q, "the PDF file to write")
    q.set_defaults(func=cmd_report_audit)

    p = sub.add_parser(
        "statements",
        help="statements for many people at once",
        description="Batch printing of personal rights records.",
    )
    many = p.add_subparsers(dest="statements_command", required=True, metavar="ACTION")
    q = many.add_parser(
        "batch",
        help="a rights record per person, on all cores, resumable",
        description="Write one personal rights record per person into a folder, using every "
        "core. Files already there are kept (a new run resumes); failures are listed in "
        "rights-YEAR-failures.csv.",
    )
    src = q.add_mutually_exclusive_group(required=True)
    src.add_argument("--ids", type=Path, help="a file of ID numbers, one a line")
    src.add_argument("--district", help="everyone whose ID carries this region code")
    q.add_argument("--year", type=int, required=True, help="the year")
    q.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    _add_output(q, "the folder to write into")
    q.set_defaults(func=cmd_statements_batch)


def _done(doc: IssuedDocument) -> int:
    print(f"Statement {doc.number}: {doc.path} ({doc.pages} page(s)).", file=sys.stderr)
    return 0


def cmd_statement(args: argparse.Namespace) -> int:
    """counterdesk statement."""
    home = open_home(args)
    kind, value = (KeyKind.ID_NUMBER, args.id) if args.id else (KeyKind.CARD, args.card)
    person = find_one(kind, value)
    today = local_today()
    if document_kind(args.kind).span is Span.YEAR:
        if args.date_from or args.date_to:
            raise InvalidRequest(
                f"--from/--to go with a statement of a period; use --year for {args.kind}"
            )
        return _done(
            issue(
                home,
                staff_actor(args),
                args.kind,
                args.out,
                person=person,
                year=args.year or today.year - 1,
                lang=args.lang,
            )
        )
    if args.year:
        raise InvalidRequest(
            f"--year goes with a statement of a year; use --from/--to for {args.kind}"
        )
    date_to = args.date_to or today
    date_from = args.date_from or year_ago(date_to)
    return _done(
        issue(
            home,
            staff_actor(args),
            args.kind,
            args.out,
            person=person,
            date_from=date_from,
            date_to=date_to,
            lang=args.lang,
        )
    )


def cmd_report_daily(args: argparse.Namespace) -> int:
    """counterdesk report daily."""
    home = open_home(args)
    return _done(
        issue(
            home,
            staff_actor(args),
            "daily",
            args.out,
            date_from=args.date or local_today(),
            lang=args.lang,
        )
    )


def cmd_report_audit(args: argparse.Namespace) -> int:
    """counterdesk report audit."""
    home = open_home(args)
    return _done(
        issue(
            home,
            staff_actor(args),
            "audit",
            args.out,
            date_from=args.date_from,
            date_to=args.date_to,
            lang=args.lang,
        )
    )


def cmd_statements_batch(args: argparse.Namespace) -> int:
    """counterdesk statements batch."""
    home = open_home(args)
    if args.ids:
        try:
            lines = args.ids.read_text("utf-8").splitlines()
        except OSError as exc:
            raise InvalidRequest(f"cannot read {args.ids}: {exc.strerror}") from exc
        ids, failed = people_from_ids(lines)
    else:
        ids, failed = people_of_district(args.district), []

    def progress(s: BatchSummary) -> None:
        print(
            f"  {s.made + s.skipped:,} of {s.total:,} done, {len(s.failed):,} failed "
            f"({s.per_second:.1f}/s)",
            file=sys.stderr,
        )

    interrupted: list[bool] = []

    def on_interrupt(_signum: int, _frame: object) -> None:
        if not interrupted:
            print(
                "Stopping after the statements in progress (they are finished and recorded)...",
                file=sys.stderr,
            )
        interrupted.append(True)

    before = signal.signal(signal.SIGINT, on_interrupt)
    try:
        summary = run_batch(
            home,
            staff_actor(args),
            ids,
            args.year,
            args.out,
            args.lang,
            args.workers,
            progress,
            failed,
            should_stop=lambda: bool(interrupted),
        )
    finally:
        signal.signal(signal.SIGINT, before)
    if summary.cancelled:
        print(
            "Cancelled: run the same command again to make the remaining statements.",
            file=sys.stderr,
        )
    print(
        f"{summary.made:,} statement(s) made, {summary.skipped:,} already there, "
        f"{len(summary.failed):,} failed, in {summary.seconds:.1f} s "
        f"({summary.per_second:.1f}/s); failures in "
        f"{args.out / f'rights-{args.year}-failures.csv'}",
        file=sys.stderr,
    )
    return 0 if not summary.failed and not summary.cancelled else 1
