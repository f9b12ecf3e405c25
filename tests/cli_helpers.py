"""Running the installed `counterdesk` console script from tests, and demo homes for it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from desktop.cli_staff import PASSWORD_ENV, USER_ENV
from models.db import close_register
from models.demo.people import DEMO_STAFF_PASSWORD
from models.enums import Role
from models.home import OfficeHome
from models.schema import StaffUser
from models.staff import hash_password
from tests.pinned_clock import AS_OF

COUNTERDESK = Path(sys.executable).with_name("counterdesk")
# The staff account commands act as (one of every demo roster): a command that reads personal
# data or makes a document signs in as it. A test about signing in overrides these.
STAFF_USER = "supervisor01"
STAFF = {USER_ENV: STAFF_USER, PASSWORD_ENV: DEMO_STAFF_PASSWORD}


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment without COUNTERDESK_HOME, signed in as the demo roster's
    supervisor (`STAFF`), plus `extra` (an empty value removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k != "COUNTERDESK_HOME"}
    env.update(STAFF)
    env.update(extra or {})
    return {k: v for k, v in env.items() if v != ""}


def run(
    *args: str,
    home: Path | None = None,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run counterdesk with `args` (--home first when given) and wait for it."""
    argv = [str(COUNTERDESK), *(["--home", str(home)] if home else []), *args]
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=cli_env(env),
        timeout=120,
        input=stdin,
    )


def sample(home: Path, label: str) -> dict[str, str]:
    """A demo sample (label, name, card_no) of the home, from `status --json`."""
    status = json.loads(run("status", "--json", home=home).stdout)
    return next(s for s in status["demo_samples"] if s["label"] == label)


@pytest.fixture(scope="session")
def demo_home_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An office home with a 200-person demo district, made through the command line."""
    home = tmp_path_factory.mktemp("cli") / "home"
    assert run("init", "--district", "370102", home=home).returncode == 0
    done = run(
        "demo", "--persons", "200", "--seed", "3", "--as-of", AS_OF.strftime("%Y-%m"), home=home
    )
    assert done.returncode == 0, done.stderr
    assert "200 people" in done.stderr
    return home


@pytest.fixture
def demo_home(demo_home_template: Path, tmp_path: Path) -> Path:
    """A private copy of the command-line demo home."""
    target = tmp_path / "home"
    shutil.copytree(demo_home_template, target)
    return target


def add_staff_account() -> None:
    """Add the `STAFF_USER` account (password DEMO_STAFF_PASSWORD) to the open register: for
    a register without the demo roster."""
    StaffUser.create(
        username=STAFF_USER,
        display_name="测试主管",
        role=Role.SUPERVISOR.value,
        password_hash=hash_password(DEMO_STAFF_PASSWORD),
    )


def add_cli_staff(monkeypatch: pytest.MonkeyPatch) -> None:
    """For a command run in this process on a register without the demo roster: add the
    `STAFF_USER` account (register open) and sign commands in as it through the environment."""
    add_staff_account()
    for key, value in STAFF.items():
        monkeypatch.setenv(key, value)


def init_home(home: Path, *args: str) -> Path:
    """`counterdesk init` of a new office home (`args` added), with the `STAFF_USER` account
    that `run` signs commands in as."""
    done = run("init", *args, home=home)
    assert done.returncode == 0, done.stderr
    OfficeHome(home).open()
    try:
        add_staff_account()
    finally:
        close_register()
    return home
