"""What the command line's modules share: exit codes, argument types, the office home, output."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from models.home import OfficeHome

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DAMAGED = 3
EXIT_TOO_NEW = 4
EXIT_DENIED = 5
EXIT_SYNC_INCOMPLETE = 6


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
    """The office home the command names (or the default one)."""
    return OfficeHome.resolve(args.home)


def open_home(args: argparse.Namespace) -> OfficeHome:
    """The office home, with its register open."""
    home = home_of(args)
    home.open()
    return home


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    """Print `data` as JSON with --json, else `text`."""
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)
