"""What the command line's modules share: exit codes, argument types, the office home (with
the passphrase of an encrypted register), output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from models.errors import KeyRequired
from models.home import OfficeHome

PASSPHRASE_FILE_ENV = "COUNTERDESK_PASSPHRASE_FILE"
PASSPHRASE_HELP = (
    "An encrypted register is opened with the passphrase in this computer's keyring "
    f"(`counterdesk db remember`), else the first line of the file named by ${PASSPHRASE_FILE_ENV} "
    "(readable by its owner only), else the passphrase typed without echo on a terminal."
)

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DAMAGED = 3
EXIT_TOO_NEW = 4
EXIT_DENIED = 5
EXIT_SYNC_INCOMPLETE = 6
EXIT_BUSY = 7  # another program held the register's write lock: try again
EXIT_IO = 8  # the disk failed a read or write (not damage)


class CliError(Exception):
    """A failure with its exit code and a message for the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def positive(text: str) -> int:
    """An argparse type: an integer of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def month(text: str) -> date:
    """An argparse type: a month like 2026-11, as its first day."""
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-11") from exc


def home_of(args: argparse.Namespace) -> OfficeHome:
    """The office home the command names (or the default one), carrying the passphrase given
    through $COUNTERDESK_PASSPHRASE_FILE or --passphrase-stdin (if any)."""
    home = OfficeHome.resolve(args.home)
    passphrase = given_passphrase(args)
    return home.with_passphrase(passphrase) if passphrase else home


def open_home(args: argparse.Namespace) -> OfficeHome:
    """The office home, with its register open.

    An encrypted register whose passphrase was neither given nor found in the keyring is
    opened with the passphrase typed on the terminal (without echo); without a terminal the
    command stops and says how to give it.
    """
    home = home_of(args)
    try:
        home.open()
    except KeyRequired as exc:
        if not sys.stdin.isatty():
            raise CliError(EXIT_USAGE, f"{exc}. {PASSPHRASE_HELP}") from exc
        home = home.with_passphrase(getpass.getpass("Office passphrase: "))
        home.open()
    return home


def given_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase given to this command without a prompt: the first line of the file named
    by $COUNTERDESK_PASSPHRASE_FILE, or one line of standard input with --passphrase-stdin.

    Read once per command. Never taken from the command line itself (visible to every user).
    """
    if hasattr(args, "_given_passphrase"):
        return args._given_passphrase
    passphrase = None
    named = os.environ.get(PASSPHRASE_FILE_ENV)
    if named:
        passphrase = read_passphrase_file(Path(named))
    elif getattr(args, "passphrase_stdin", False):
        passphrase = sys.stdin.readline().rstrip("\r\n") or None
        if passphrase is None:
            raise CliError(EXIT_USAGE, "no passphrase on standard input (one line)")
    args._given_passphrase = passphrase
    return passphrase


def read_passphrase_file(path: Path) -> str:
    """The first line of the passphrase file `path`, refused if others may read it."""
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            raise CliError(
                EXIT_USAGE,
                f"the passphrase file {path} (${PASSPHRASE_FILE_ENV}) may be read by other "
                f"users: make it readable by its owner only (chmod 600 {path})",
            )
        with path.open(encoding="utf-8") as handle:
            line = handle.readline().rstrip("\r\n")
    except OSError as exc:
        raise CliError(
            EXIT_USAGE,
            f"cannot read the passphrase file {path} (${PASSPHRASE_FILE_ENV}): {exc.strerror}",
        ) from exc
    if not line:
        raise CliError(EXIT_USAGE, f"the passphrase file {path} is empty")
    return line


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    """Print `data` as JSON with --json, else `text`."""
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)
