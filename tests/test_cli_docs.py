"""Every command of the command line has help text and is documented in the README."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, str | None]:
    """'card report-lost' -> its help text, for every (sub)command."""
    found: dict[str, str | None] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                full = f"{prefix}{name}"
                found[full] = helps.get(name)
                found.update(commands(sub, full + " "))
    return found


def test_the_parser_lists_the_commands_of_this_version() -> None:
    assert set(commands(build_parser())) >= {
        "init",
        "demo",
        "lookup",
        "check-id",
        "card",
        "card report-lost",
        "card cancel-loss",
        "status",
    }


def test_every_command_has_help_text() -> None:
    missing = [name for name, text in commands(build_parser()).items() if not text]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in commands(build_parser()) if f"counterdesk {name}" not in README]
    assert missing == []


def test_every_option_of_lookup_is_in_the_readme() -> None:
    lookup = build_parser()._subparsers._group_actions[0].choices["lookup"]
    options = [o for a in lookup._actions for o in a.option_strings if o.startswith("--")]
    assert [o for o in options if o != "--help" and o not in README] == []
