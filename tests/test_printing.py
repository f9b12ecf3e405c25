"""Printing through `lp`: a stand-in `lp` on PATH records what it was asked."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models import statements
from models.actor import Actor
from models.enums import Role
from models.schema import Outbox
from reports.printing import PrintFailed, send_to_printer

SUPERVISOR = Actor("supervisor01", Role.SUPERVISOR)


def fake_lp(folder: Path, exit_code: int) -> Path:
    log = folder / "lp.log"
    script = folder / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        'echo "request id is counter-1-7 (1 file(s))"\n'
        + ("echo 'lp: The printer or class does not exist.' >&2\n" if exit_code else "")
        + f"exit {exit_code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return log


def test_a_print_goes_to_lp_and_is_recorded(home, tmp_path, monkeypatch) -> None:
    log = fake_lp(tmp_path, 0)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    number = statements.allocate(
        "daily", None, SUPERVISOR, "zh", "370102", None, True, datetime(2026, 11, 28, tzinfo=UTC)
    ).number
    job = send_to_printer(tmp_path / "d.pdf", number, SUPERVISOR, "counter-1")
    assert "request id" in job
    assert log.read_text().split() == ["-d", "counter-1", "-t", number, str(tmp_path / "d.pdf")]
    assert Outbox.get(Outbox.command == "statement.printed").status == "pending"


def test_a_refused_print_says_why_and_records_nothing(home, tmp_path, monkeypatch) -> None:
    fake_lp(tmp_path, 1)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    number = statements.allocate("daily", None, SUPERVISOR, "zh", "370102", None, True).number
    with pytest.raises(PrintFailed, match="does not exist"):
        send_to_printer(tmp_path / "d.pdf", number, SUPERVISOR, "nowhere")
    assert Outbox.select().where(Outbox.command == "statement.printed").count() == 0
