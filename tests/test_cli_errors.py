"""Failures the command line must turn into a message and an exit code (run in-process)."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from desktop import cli
from models import outbox
from models.db import close_register
from models.home import OfficeHome
from models.schema import Card
from tests.factories import add_card, add_person


def test_a_full_disk_during_a_card_operation_exits_2_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = OfficeHome(tmp_path / "home")
    home.create("370102", "x")
    add_card(add_person(), "A12345678")
    close_register()

    def full(*_args, **_kwargs):
        raise peewee.OperationalError("database or disk is full")

    monkeypatch.setattr(outbox, "enqueue", full)
    code = cli.run(["--home", str(home.path), "card", "report-lost", "A12345678"])
    assert code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "is full" in err and "nothing was lost" in err
    home.open()
    assert Card.get(Card.card_no == "A12345678").status == "active"
    close_register()
