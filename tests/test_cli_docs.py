"""Every command of the command line has help text and is documented in docs/commands.md; the
links between the README and the docs lead somewhere."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from desktop.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "docs" / "commands.md").read_text("utf-8")


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


def test_every_command_is_in_the_command_reference() -> None:
    missing = [name for name in commands(build_parser()) if f"counterdesk {name}" not in REFERENCE]
    assert missing == []


def test_every_option_of_lookup_is_in_the_command_reference() -> None:
    lookup = build_parser()._subparsers._group_actions[0].choices["lookup"]
    options = [o for a in lookup._actions for o in a.option_strings if o.startswith("--")]
    assert [o for o in options if o != "--help" and o not in REFERENCE] == []


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)
    return {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.M)}


def test_every_link_in_the_readme_and_docs_leads_to_a_page_and_heading() -> None:
    pages = [ROOT / "README.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        text = re.sub(r"```.*?```", "", page.read_text("utf-8"), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists() or (anchor and anchor not in _anchors(linked)):
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
