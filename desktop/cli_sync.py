"""`counterdesk sync ...`: sync the office with headquarters (placeholder until built)."""

from __future__ import annotations

import argparse


def add_sync_commands(sub: argparse._SubParsersAction) -> None:
    """Add `sync [--once]`, `sync status`, `sync enrol`."""
