"""`counterdesk hq ...`: the headquarters service's commands (placeholder until built)."""

from __future__ import annotations

import argparse


def add_hq_commands(sub: argparse._SubParsersAction) -> None:
    """Add `hq serve`, `hq enrol-office`, `hq demo`, `hq lookup`, `hq verify-statement`."""
