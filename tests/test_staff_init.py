"""`counterdesk init` creates the office's first admin account; a register without one says how
to create it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.cipher import FileKind, file_kind
from models.db import close_register
from models.home import OfficeHome
from models.schema import StaffUser
from models.staff import authenticate
from tests.cli_helpers import run
from tests.keyring_helpers import NO_KEYRING, PASSPHRASE

PASSWORD = "first-admin-26"


def _accounts(home: Path) -> list[tuple[str, str, str]]:
    OfficeHome(home).open()
    try:
        return [(r.username, r.role, r.origin) for r in StaffUser.select()]
    finally:
        close_register()


@pytest.mark.slow
def test_init_creates_the_first_admin_from_one_line_each_of_standard_input(tmp_path: Path) -> None:
    home = tmp_path / "office"
    done = run("init", home=home, stdin=f"chief\n{PASSWORD}\n")
    assert done.returncode == 0, done.stderr
    assert "Created the first admin account chief." in done.stderr
    assert _accounts(home) == [("chief", "admin", "local")]
    OfficeHome(home).open()
    try:
        assert authenticate("chief", PASSWORD).name == "chief"
    finally:
        close_register()
    status = json.loads(run("status", "--json", home=home).stdout)
    assert status["has_admin"] is True


def test_init_refuses_a_weak_admin_password_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "office"
    weak = run("init", home=home, stdin="chief\n12345678\n")
    assert weak.returncode == 1
    assert "must not be digits only; nothing was created" in weak.stderr
    assert not home.exists()
    same = run("init", "--admin", "chief-admin", home=home, stdin="Chief-Admin\n")
    assert same.returncode == 1 and "must not be the username" in same.stderr
    assert not home.exists()


@pytest.mark.slow
def test_a_register_without_an_admin_says_how_to_create_one(tmp_path: Path) -> None:
    home = tmp_path / "office"
    done = run("init", home=home, stdin="")
    assert done.returncode == 0, done.stderr
    assert "No admin account yet" in done.stderr and "counterdesk init" in done.stderr
    status = run("status", home=home)
    assert "No admin account: create the first one with `counterdesk init`" in status.stdout
    again = run("init", "--admin", "chief", home=home, stdin=f"{PASSWORD}\n")
    assert again.returncode == 0, again.stderr
    assert _accounts(home) == [("chief", "admin", "local")]
    refused = run("init", "--admin", "deputy", home=home, stdin=f"{PASSWORD}\n")
    assert refused.returncode == 1 and "already exists" in refused.stderr
    assert _accounts(home) == [("chief", "admin", "local")]


@pytest.mark.slow
def test_init_encrypt_creates_an_encrypted_register_that_opens_only_with_its_passphrase(
    tmp_path: Path,
) -> None:
    home = tmp_path / "office"
    done = run(
        "init", "--encrypt", home=home, stdin=f"{PASSPHRASE}\nchief\n{PASSWORD}\n", env=NO_KEYRING
    )
    assert done.returncode == 0, done.stderr
    assert "encrypted register" in done.stderr
    assert file_kind(home / "register.db") is FileKind.ENCRYPTED
    assert b"chief" not in (home / "register.db").read_bytes()
    locked = run("status", home=home, env=NO_KEYRING, stdin="")
    assert locked.returncode == 2 and "passphrase" in locked.stderr
    opened = run(
        "--passphrase-stdin", "status", "--json", home=home, stdin=PASSPHRASE + "\n", env=NO_KEYRING
    )
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["has_admin"] is True


def test_init_encrypt_refuses_a_weak_passphrase_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "office"
    done = run("init", "--encrypt", home=home, stdin=f"short\nchief\n{PASSWORD}\n")
    assert done.returncode == 1 and "nothing was" in done.stderr
    assert not (home / "register.db").exists()
