"""`counterdesk statements batch`: Ctrl-C asks the batch to stop cleanly (wiring, in process)."""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

import pytest

from desktop import cli_reports
from models.actor import Actor
from models.enums import Role
from reports.batch import BatchSummary

SUPERVISOR = Actor("supervisor01", Role.SUPERVISOR)


def test_ctrl_c_asks_the_batch_to_stop_and_says_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_reports, "open_home", lambda args: object())
    monkeypatch.setattr(cli_reports, "people_of_district", lambda district: [1, 2, 3])
    monkeypatch.setattr(cli_reports, "staff_actor", lambda args: SUPERVISOR)
    asked: list[bool] = []

    def fake_run_batch(*args: object, should_stop, **kwargs: object) -> BatchSummary:
        asked.append(should_stop())
        os.kill(os.getpid(), signal.SIGINT)  # the clerk presses Ctrl-C during the batch
        asked.append(should_stop())
        return BatchSummary(total=3, made=1, cancelled=True)

    monkeypatch.setattr(cli_reports, "run_batch", fake_run_batch)
    before = signal.getsignal(signal.SIGINT)
    args = argparse.Namespace(
        ids=None, district="370102", year=2025, out=tmp_path, lang="zh", workers=1
    )
    assert cli_reports.cmd_statements_batch(args) == 1
    assert asked == [False, True]
    assert signal.getsignal(signal.SIGINT) == before
    err = capsys.readouterr().err
    assert "Stopping after the statements in progress" in err
    assert "Cancelled: run the same command again" in err
