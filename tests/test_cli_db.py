"""`counterdesk db` (encrypt, rekey, status, remember, forget), and the other commands on an
encrypted office home (the passphrase from $COUNTERDESK_PASSPHRASE_FILE)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop import cli
from desktop.cli_db import add_db_commands
from models.cipher import FileKind, file_kind
from tests.cli_helpers import run, sample
from tests.keyring_helpers import NO_KEYRING, PASSPHRASE, MemoryKeyring

pytestmark = pytest.mark.usefixtures("memory_keyring")

NEW = "a brand new office passphrase"


class Terminal(io.StringIO):
    """Standard input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def counterdesk(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run counterdesk in this process with `db` registered and `stdin` as standard input;
    returns (exit code, stdout, stderr)."""
    original = cli.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "db" not in sub.choices:
            add_db_commands(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)

    def call(home: Path, *argv: str, stdin: str | io.StringIO = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin) if isinstance(stdin, str) else stdin)
        capsys.readouterr()
        code = cli.run(["--home", str(home), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    """A file holding the passphrase, readable by its owner only."""
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def _with_file(path: Path) -> dict[str, str]:
    return {**NO_KEYRING, "COUNTERDESK_PASSPHRASE_FILE": str(path)}


@pytest.mark.slow
def test_encrypt_then_other_commands_open_the_register_with_the_passphrase_file(
    counterdesk, demo_home: Path, passphrase_file: Path
) -> None:
    person = sample(demo_home, "contributor")
    code, _out, err = counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    assert code == 0, err
    assert f"Encrypted {demo_home / 'register.db'}" in err
    assert file_kind(demo_home / "register.db") is FileKind.ENCRYPTED
    env = _with_file(passphrase_file)
    found = run("lookup", "--card", person["card_no"], home=demo_home, env=env)
    assert found.returncode == 0, found.stderr
    assert person["name"] in found.stdout
    refused = run("lookup", "--card", person["card_no"], home=demo_home, env=NO_KEYRING)
    assert refused.returncode == 2
    assert "is encrypted" in refused.stderr and "COUNTERDESK_PASSPHRASE_FILE" in refused.stderr


@pytest.mark.slow
def test_a_wrong_passphrase_is_refused_with_a_clear_message(
    counterdesk, demo_home: Path, tmp_path: Path
) -> None:
    counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    wrong = tmp_path / "wrong"
    wrong.write_text("not the office passphrase\n")
    wrong.chmod(0o600)
    refused = run("status", home=demo_home, env=_with_file(wrong))
    assert refused.returncode == 2
    assert "the passphrase does not open the register" in refused.stderr
    assert "nothing was changed" in refused.stderr


@pytest.mark.slow
def test_a_passphrase_file_others_may_read_is_refused(
    counterdesk, demo_home: Path, passphrase_file: Path
) -> None:
    counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    passphrase_file.chmod(0o644)
    refused = run("status", home=demo_home, env=_with_file(passphrase_file))
    assert refused.returncode == 2 and "chmod 600" in refused.stderr


def test_status_tells_plain_or_encrypted_and_whether_the_keyring_holds_it(
    counterdesk, demo_home: Path
) -> None:
    code, out, _err = counterdesk(demo_home, "db", "status", "--json")
    assert code == 0 and json.loads(out)["state"] == "plain"
    counterdesk(demo_home, "db", "encrypt", "--remember", stdin=PASSPHRASE + "\n")
    code, out, _err = counterdesk(demo_home, "db", "status", "--json")
    status = json.loads(out)
    assert (status["state"], status["keyring_entry"], status["plain_copies"]) == (
        "encrypted",
        True,
        [],
    )
    code, out, _err = counterdesk(demo_home, "db", "status")
    assert "encrypted (SQLCipher 4)" in out and "holds the passphrase" in out


def test_encrypt_refuses_an_already_encrypted_register(counterdesk, demo_home: Path) -> None:
    counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    code, _out, err = counterdesk(demo_home, "db", "encrypt", stdin=NEW + "\n")
    assert code == 1 and "already encrypted" in err


@pytest.mark.slow
def test_encrypt_on_an_encrypted_register_encrypts_the_plain_copies_left(
    counterdesk, demo_home: Path
) -> None:
    counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    copied_in = demo_home / "backups" / "counterdesk-370102-20260101-090000.db"
    copied_in.parent.mkdir()
    conn = sqlite3.connect(copied_in)
    conn.execute("CREATE TABLE person (name TEXT)")
    conn.execute("INSERT INTO person VALUES ('王芳')")
    conn.commit()
    conn.close()
    code, _out, err = counterdesk(demo_home, "db", "encrypt", stdin="wrong passphrase!!\n")
    assert code == 2 and file_kind(copied_in) is FileKind.PLAIN
    code, _out, err = counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    assert code == 0, err
    assert f"Encrypted {copied_in}" in err and file_kind(copied_in) is FileKind.ENCRYPTED


def test_a_weak_passphrase_is_refused_and_nothing_is_encrypted(
    counterdesk, demo_home: Path
) -> None:
    code, _out, err = counterdesk(demo_home, "db", "encrypt", stdin="short\n")
    assert code == 1 and "at least 12 characters" in err
    assert file_kind(demo_home / "register.db") is FileKind.PLAIN


def test_on_a_terminal_the_new_passphrase_is_asked_twice_without_echo(
    counterdesk, demo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter([PASSPHRASE, PASSPHRASE + "x"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(typed))
    code, _out, err = counterdesk(demo_home, "db", "encrypt", stdin=Terminal())
    assert code == 1 and "the two passphrases differ" in err
    assert file_kind(demo_home / "register.db") is FileKind.PLAIN


@pytest.mark.slow
def test_rekey_asks_the_current_and_the_new_passphrase_and_updates_the_keyring(
    counterdesk, demo_home: Path, memory_keyring: MemoryKeyring, passphrase_file: Path
) -> None:
    counterdesk(demo_home, "db", "encrypt", "--remember", stdin=PASSPHRASE + "\n")
    code, _out, err = counterdesk(demo_home, "db", "rekey", stdin=f"wrong passphrase\n{NEW}\n")
    assert code == 2 and "does not open" in err
    code, _out, err = counterdesk(demo_home, "db", "rekey", stdin=f"{PASSPHRASE}\n{NEW}\n")
    assert code == 0, err
    assert "Backups made before keep the old passphrase" in err
    assert list(memory_keyring.entries.values()) == [NEW]
    old = run("status", home=demo_home, env=_with_file(passphrase_file))
    assert old.returncode == 2 and "does not open" in old.stderr


@pytest.mark.slow
def test_remember_checks_the_passphrase_and_forget_removes_it(
    counterdesk, demo_home: Path, memory_keyring: MemoryKeyring
) -> None:
    code, _out, err = counterdesk(demo_home, "db", "remember", stdin=PASSPHRASE + "\n")
    assert code == 1 and "not encrypted" in err
    counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    code, _out, err = counterdesk(demo_home, "db", "remember", stdin="wrong passphrase!\n")
    assert code == 2 and memory_keyring.entries == {}
    code, _out, err = counterdesk(demo_home, "db", "remember", stdin=PASSPHRASE + "\n")
    assert code == 0 and list(memory_keyring.entries.values()) == [PASSPHRASE]
    code, out, _err = counterdesk(demo_home, "status", "--json")
    assert code == 0 and json.loads(out)["persons"] == 200
    assert counterdesk(demo_home, "db", "forget")[0] == 0
    assert memory_keyring.entries == {}
    assert counterdesk(demo_home, "db", "forget")[0] == 1


@pytest.mark.slow
def test_backup_and_restore_of_an_encrypted_home_on_the_command_line(
    counterdesk, demo_home: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    env = _with_file(passphrase_file)
    made = run("backup", "--dir", str(tmp_path / "b"), home=demo_home, env=env)
    assert made.returncode == 0, made.stderr
    [copy] = list((tmp_path / "b").glob("*.db"))
    assert file_kind(copy) is FileKind.ENCRYPTED
    restored = run("restore", str(copy), home=demo_home, env=env)
    assert restored.returncode == 0 and "kept as" in restored.stderr, restored.stderr
    refused = run("restore", str(copy), home=demo_home, env=NO_KEYRING)
    assert refused.returncode == 2 and "encrypted" in refused.stderr


@pytest.mark.slow
def test_the_statements_batch_workers_open_the_encrypted_register(
    counterdesk, demo_home: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    counterdesk(demo_home, "db", "encrypt", stdin=PASSPHRASE + "\n")
    out = tmp_path / "batch"
    done = run(
        "statements",
        "batch",
        "--district",
        "370102",
        "--year",
        "2025",
        "--workers",
        "2",
        "--out",
        str(out),
        home=demo_home,
        env=_with_file(passphrase_file),
    )
    made = list(out.glob("rights-2025-*.pdf"))
    failures = list(csv.reader((out / "rights-2025-failures.csv").open(encoding="utf-8")))[1:]
    assert made, done.stderr
    assert all("nothing to state" in why for _who, why in failures), failures


def test_remember_without_a_keyring_is_refused_before_anything_changes(
    counterdesk, demo_home: Path
) -> None:
    keyring.set_keyring(fail.Keyring())  # the autouse fixture puts the previous one back
    code, _out, err = counterdesk(demo_home, "db", "encrypt", "--remember", stdin=PASSPHRASE)
    assert code == 2 and "no usable keyring" in err
    assert file_kind(demo_home / "register.db") is FileKind.PLAIN
