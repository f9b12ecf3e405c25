"""The `counterdesk` command line: office home, demo district, lookups and card operations.

Exit codes: 0 ok; 1 not found or invalid input; 2 usage or environment error (e.g. a home
folder that cannot be written, a full disk); 3 damaged register (confirmed by SQLite's check);
4 register of a newer schema; 5 not allowed for the role; 6 sync with headquarters did not
complete; 7 register busy (try again); 8 disk I/O error.
Messages for people go to stderr and say what to do.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence

import peewee

from cards.errors import CardError, ReaderError
from desktop.cli_app import add_app_commands
from desktop.cli_common import (
    EXIT_BUSY,
    EXIT_DAMAGED,
    EXIT_DENIED,
    EXIT_IO,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_TOO_NEW,
    EXIT_USAGE,
    CliError,
)
from desktop.cli_db import add_db_commands
from desktop.cli_demo_city import add_demo_city_commands
from desktop.cli_office import add_office_commands
from desktop.cli_people import add_people_commands
from desktop.cli_reports import add_report_commands
from desktop.cli_staff import add_staff_options
from desktop.cli_sync import add_sync_commands
from hq.cli import add_hq_commands
from models.cipher import DATABASE_ERRORS
from models.db import classify_database_error, close_register
from models.errors import (
    CredentialLocked,
    DamagedRegister,
    InvalidRequest,
    NotFound,
    RegisterBusy,
    RegisterIOError,
    RegisterUnavailable,
    SchemaTooNew,
)
from models.home import HOME_ENV, OfficeHome
from models.idnumber import InvalidIdNumber
from models.people import InvalidCardNumber, InvalidNameQuery
from models.permissions import PermissionDenied
from relay.cli import add_relay_commands
from reports.errors import FontUnavailable


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (also used to check docs/commands.md documents them)."""
    parser = argparse.ArgumentParser(
        prog="counterdesk",
        description="Counter client of a district social insurance office.",
        epilog=f"The office home can also be set with ${HOME_ENV}. Exit codes: 0 ok, "
        "1 not found or invalid, 2 usage or environment error, 3 damaged register, "
        "4 register of a newer counterdesk, 5 not allowed for the role, "
        "6 sync with headquarters did not complete, 7 register busy (try again), "
        "8 disk I/O error.",
    )
    parser.add_argument(
        "--home", help=f"office home folder (default ${HOME_ENV}, else the user data folder)"
    )
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the passphrase of an encrypted register as the first line of standard input",
    )
    add_staff_options(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add_office_commands(sub)
    add_people_commands(sub)
    add_report_commands(sub)
    add_sync_commands(sub)
    add_hq_commands(sub)
    add_relay_commands(sub)
    add_app_commands(sub)
    add_db_commands(sub)
    add_demo_city_commands(sub)
    return parser


HANDLED: tuple[tuple[type[BaseException], int], ...] = (
    (PermissionDenied, EXIT_DENIED),
    (ReaderError, EXIT_USAGE),
    (FontUnavailable, EXIT_USAGE),
    (CardError, EXIT_NOT_FOUND),
    (SchemaTooNew, EXIT_TOO_NEW),
    (DamagedRegister, EXIT_DAMAGED),
    (RegisterBusy, EXIT_BUSY),
    (RegisterIOError, EXIT_IO),
    (RegisterUnavailable, EXIT_USAGE),
    (NotFound, EXIT_NOT_FOUND),
    (InvalidIdNumber, EXIT_NOT_FOUND),
    (InvalidCardNumber, EXIT_NOT_FOUND),
    (InvalidNameQuery, EXIT_NOT_FOUND),
    (InvalidRequest, EXIT_NOT_FOUND),
    (CredentialLocked, EXIT_NOT_FOUND),
)


# The third-party modules of each product's extra (setup.cfg): a command that needs one the
# installation lacks says which extra to install (an office PC has no headquarters server...).
EXTRAS = {
    "fastapi": "hq",
    "uvicorn": "hq",
    "starlette": "hq",
    "psycopg2": "pg",
    "smartcard": "office",
    "ttkbootstrap": "office",
    "reportlab": "office",
    "keyring": "office",
    "isal": "office",
}


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
    except (peewee.DatabaseError, *DATABASE_ERRORS) as exc:
        error = classify_database_error(exc, OfficeHome.resolve(args.home).register_path)
        print(f"counterdesk: {error}", file=sys.stderr)
        return next(code for kind, code in HANDLED if isinstance(error, kind))
    except BrokenPipeError:
        return _reader_went_away()
    except ModuleNotFoundError as exc:
        extra = EXTRAS.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        print(
            f"counterdesk: this command needs {exc.name}, which this installation lacks: "
            f"install counterdesk's '{extra}' extra (pip install 'counterdesk[{extra}]')",
            file=sys.stderr,
        )
        return EXIT_USAGE
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


def _reader_went_away() -> int:
    """The program reading our output (`| head`) stopped reading: not an error of ours. Python
    would complain again when it flushes stdout at exit, so stdout is pointed at /dev/null."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_OK


def main() -> None:
    """Console entry point."""
    try:
        code = run()
    except BrokenPipeError:
        code = _reader_went_away()
    sys.exit(code)


if __name__ == "__main__":
    main()
