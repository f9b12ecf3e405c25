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
from tests.cli_helpers import add_cli_staff
from tests.factories import add_card, add_person


def test_a_full_disk_during_a_card_operation_exits_2_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = OfficeHome(tmp_path / "home")
    home.create("370102", "x")
    add_card(add_person(), "A12345678")
    add_cli_staff(monkeypatch)
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


_WITHOUT = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))

class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Missing())
sys.argv = ["counterdesk", *sys.argv[2:]]
from desktop.cli import main
main()
"""


@pytest.mark.parametrize(
    ("missing", "argv", "extra"),
    [
        # an office PC without the headquarters server's packages
        ("fastapi,uvicorn,starlette", ["hq", "serve", "--db", "sqlite:///{tmp}/hq.db"], "hq"),
        # headquarters without the counter's card reader and toolkit
        (
            "smartcard,tkinter,_tkinter,ttkbootstrap,reportlab,keyring",
            ["card", "readers"],
            "office",
        ),
    ],
)
def test_a_command_needing_another_product_s_extra_names_it(
    missing: str, argv: list[str], extra: str, tmp_path: Path
) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT, missing, *(a.format(tmp=tmp_path) for a in argv)],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"pip install 'counterdesk[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_product_s_commands_load_without_the_other_products_extras(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    office_only = "fastapi,uvicorn,starlette,psycopg2"
    hq_only = "smartcard,tkinter,_tkinter,ttkbootstrap,reportlab,keyring,isal,rl_accel"
    for missing, argv in ((office_only, ["status", "--help"]), (hq_only, ["hq", "--help"])):
        done = subprocess.run(
            [sys.executable, "-c", _WITHOUT, missing, *argv],
            capture_output=True, text=True, cwd=root, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
