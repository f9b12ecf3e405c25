"""Encryption of the register at rest: nothing readable left in the office home, lookups on an
encrypted register, passphrases (wrong, weak, changed, in the keyring), encrypted backups, and
conversions interrupted at each step."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path

import pytest

from models import encryption, keystore
from models.actor import Actor
from models.backup import backup, check_backup, restore
from models.cipher import SQLITE_HEADER, FileKind, file_kind, proven_key
from models.db import close_register, forget_passphrase, open_register, register_facts
from models.encryption import WeakPassphrase, encrypt_home, encrypt_leftovers, rekey_register
from models.enums import Role
from models.errors import (
    InvalidRequest,
    KeyRequired,
    RegisterInUse,
    WrongPassphrase,
)
from models.home import SIGNING_KEY_FILE, SIGNING_KEY_SETTING, OfficeHome, setting
from models.lookup import KeyKind, open_overview, search_people
from models.reglock import RegisterLock
from models.schema import Person, db
from tests.conftest import DEMO_PERSONS
from tests.keyring_helpers import PASSPHRASE, MemoryKeyring

pytestmark = pytest.mark.usefixtures("memory_keyring")

OTHER = "another long passphrase!"
ACTOR = Actor("clerk01", Role.CLERK)


def _samples(limit: int = 40) -> tuple[list[bytes], list[bytes]]:
    """Names (UTF-8) and ID numbers of demo people, read from the open register."""
    rows = db.execute_sql("SELECT name, ssn FROM person ORDER BY id LIMIT ?", (limit,)).fetchall()
    return [r[0].encode() for r in rows], [r[1].encode() for r in rows]


def _readable(home: Path, needles: list[bytes]) -> list[str]:
    """Every file of the home (with its name) in which one of `needles` appears."""
    hits = []
    for path in sorted(home.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.name}: {n.decode()}" for n in needles if n in data]
    return hits


def _encrypted(demo: OfficeHome) -> OfficeHome:
    close_register()
    encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    home = demo.with_passphrase(PASSPHRASE)
    home.open()
    return home


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_no_name_or_id_number_is_left_readable_in_any_file_of_the_office_home(
    demo: OfficeHome, tmp_path: Path
) -> None:
    names, ssns = _samples()
    backup(demo, demo.path / "backups")
    restore(demo, next((demo.path / "backups").glob("*.db")))  # leaves a kept plain copy
    assert _readable(demo.path, names + ssns)  # the plain home gives them away

    home = _encrypted(demo)
    search_people(names[0].decode(), ACTOR)  # writes the audit log: the WAL is in use
    backup(home, home.path / "backups")
    assert Path(f"{home.register_path}-wal").exists()
    assert _readable(home.path, names + ssns) == []
    close_register()
    assert _readable(home.path, names + ssns) == []
    assert {file_kind(p) for p in home.path.rglob("*.db*") if p.suffix != ".lock"} <= {
        FileKind.ENCRYPTED
    }


def test_lookups_work_on_an_encrypted_register(demo: OfficeHome) -> None:
    names, ssns = _samples(1)
    home = _encrypted(demo)
    assert home.is_encrypted()
    overview = open_overview(KeyKind.ID_NUMBER, ssns[0].decode(), ACTOR)
    assert overview.person.name == names[0].decode()
    assert search_people(names[0].decode(), ACTOR).people
    assert Person.select().count() == DEMO_PERSONS


def test_the_key_is_derived_once_and_opens_the_register_as_a_raw_key(demo: OfficeHome) -> None:
    _encrypted(demo)
    salt = register_facts(demo.register_path).salt
    assert len(salt) == 16
    assert proven_key(demo.register_path, PASSPHRASE, salt).startswith("x'")
    with pytest.raises(WrongPassphrase):
        proven_key(demo.register_path, OTHER, salt)


def test_an_encrypted_register_without_a_passphrase_says_how_to_give_one(
    demo: OfficeHome,
) -> None:
    _encrypted(demo)
    forget_passphrase()  # as in a new process
    with pytest.raises(KeyRequired, match="encrypted: a supervisor enters the office passphrase"):
        OfficeHome(demo.path).open()


def test_a_wrong_passphrase_is_refused_with_a_clear_message_and_nothing_changes(
    demo: OfficeHome,
) -> None:
    _encrypted(demo)
    forget_passphrase()
    before = _digest(demo.register_path)
    with pytest.raises(WrongPassphrase, match=r"does not open the register .* nothing was changed"):
        OfficeHome(demo.path, passphrase="not the passphrase").open()
    assert _digest(demo.register_path) == before
    assert not Path(f"{demo.register_path}-wal").exists()


def test_rekey_changes_the_passphrase_and_keeps_the_data(demo: OfficeHome) -> None:
    _encrypted(demo)
    with pytest.raises(WrongPassphrase):
        rekey_register(demo.register_path, OTHER, "a third passphrase!!")
    rekey_register(demo.register_path, PASSPHRASE, OTHER)
    forget_passphrase()
    with pytest.raises(WrongPassphrase):
        demo.with_passphrase(PASSPHRASE).open()
    demo.with_passphrase(OTHER).open()
    assert Person.select().count() == DEMO_PERSONS


def test_the_keyring_entry_opens_the_register_without_asking(
    demo: OfficeHome, memory_keyring: MemoryKeyring
) -> None:
    _encrypted(demo)
    forget_passphrase()
    keystore.remember(demo.register_path, PASSPHRASE)
    assert memory_keyring.entries == {("counterdesk", str(demo.register_path)): PASSPHRASE}
    OfficeHome(demo.path).open()
    assert Person.select().count() == DEMO_PERSONS
    forget_passphrase()
    assert keystore.forget(demo.register_path)
    assert not keystore.forget(demo.register_path)
    with pytest.raises(KeyRequired):
        OfficeHome(demo.path).open()


def test_encrypt_refuses_an_already_encrypted_register(demo: OfficeHome) -> None:
    _encrypted(demo)
    before = _digest(demo.register_path)
    with pytest.raises(InvalidRequest, match="already encrypted"):
        encrypt_home(demo.path, demo.register_path, OTHER)
    assert _digest(demo.register_path) == before


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("short-one", "at least 12 characters"),
        ("201603140022", "digits only"),
        ("aaaabbbbaaaabbbb", "5 different characters"),
        (" padded passphrase ", "start or end with a space"),
    ],
)
def test_a_weak_passphrase_is_refused_and_the_register_stays_plain(
    demo: OfficeHome, weak: str, reason: str
) -> None:
    close_register()
    with pytest.raises(WeakPassphrase, match=reason):
        encrypt_home(demo.path, demo.register_path, weak)
    assert demo.register_path.read_bytes().startswith(SQLITE_HEADER)


def test_a_register_open_elsewhere_is_not_converted(demo: OfficeHome) -> None:
    close_register()
    other_program = RegisterLock(demo.register_path, exclusive=False)
    try:
        with pytest.raises(RegisterInUse, match="open in another counterdesk program"):
            encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    finally:
        other_program.release()
    assert file_kind(demo.register_path) is FileKind.PLAIN


def test_a_register_being_converted_is_not_opened(demo: OfficeHome) -> None:
    close_register()
    with (
        RegisterLock(demo.register_path, exclusive=True),
        pytest.raises(RegisterInUse, match="being converted"),
    ):
        open_register(demo.register_path)


@pytest.mark.slow
def test_the_backup_of_an_encrypted_register_is_encrypted_and_restores_with_the_key(
    demo: OfficeHome, tmp_path: Path
) -> None:
    home = _encrypted(demo)
    info = backup(home, tmp_path / "b")
    assert file_kind(info.path) is FileKind.ENCRYPTED
    with pytest.raises(KeyRequired):
        check_backup(info.path)
    with pytest.raises(WrongPassphrase):
        check_backup(info.path, OTHER)
    assert check_backup(info.path, PASSPHRASE).persons == DEMO_PERSONS
    forget_passphrase()
    with pytest.raises(WrongPassphrase):
        restore(OfficeHome(demo.path), info.path, passphrase=OTHER)
    kept = restore(OfficeHome(demo.path), info.path, passphrase=PASSPHRASE)
    assert file_kind(kept) is FileKind.ENCRYPTED
    assert Person.select().count() == DEMO_PERSONS


def test_a_plain_backup_restored_into_an_encrypted_home_is_encrypted_on_the_way_in(
    demo: OfficeHome, tmp_path: Path
) -> None:
    plain = backup(demo, tmp_path / "b")
    home = _encrypted(demo)
    restore(home, plain.path)
    assert file_kind(home.register_path) is FileKind.ENCRYPTED
    assert Person.select().count() == DEMO_PERSONS


def test_the_home_travels_to_workers_with_its_passphrase_but_never_shows_it() -> None:
    home = OfficeHome(Path("/office"), passphrase=PASSPHRASE)
    assert PASSPHRASE not in repr(home)
    assert pickle.loads(pickle.dumps(home)).passphrase == PASSPHRASE


def test_a_conversion_that_fails_before_the_rename_leaves_the_plain_register_usable(
    demo: OfficeHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(encryption.os, "replace", crash)
    close_register()
    with pytest.raises(OSError, match="power cut"):
        encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    assert file_kind(demo.register_path) is FileKind.PLAIN
    assert not list(demo.path.glob("*.encrypting"))
    OfficeHome(demo.path).open()
    assert Person.select().count() == DEMO_PERSONS


def test_a_conversion_killed_after_the_export_is_redone_by_the_next_run(
    demo: OfficeHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(partial: Path, *_args: object) -> None:
        shutil.copyfile(partial, partial.with_name("left-behind"))
        raise KeyboardInterrupt

    monkeypatch.setattr(encryption, "_verify", killed)
    close_register()
    with pytest.raises(KeyboardInterrupt):
        encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    # a real kill leaves the half-made copy: put it back as the process would have left it
    (demo.path / "left-behind").rename(demo.path / "register.db.encrypting")
    OfficeHome(demo.path).open()
    assert Person.select().count() == DEMO_PERSONS
    monkeypatch.undo()
    close_register()
    encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    assert not list(demo.path.glob("*.encrypting"))
    demo.with_passphrase(PASSPHRASE).open()
    assert Person.select().count() == DEMO_PERSONS


def test_a_conversion_that_fails_after_the_rename_leaves_the_encrypted_register_usable(
    demo: OfficeHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(_folder: Path) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(encryption, "_fsync_folder", crash)
    close_register()
    with pytest.raises(OSError, match="power cut"):
        encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    assert file_kind(demo.register_path) is FileKind.ENCRYPTED
    demo.with_passphrase(PASSPHRASE).open()
    assert Person.select().count() == DEMO_PERSONS


@pytest.mark.slow
def test_copies_left_plain_by_an_interrupted_conversion_are_encrypted_by_the_next_run(
    demo: OfficeHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = backup(demo, demo.path / "backups").path
    real = encryption.encrypt_file
    calls: list[Path] = []

    def killed_after_the_register(path: Path, passphrase: str) -> None:
        calls.append(path)
        if len(calls) > 1:
            raise KeyboardInterrupt
        real(path, passphrase)

    monkeypatch.setattr(encryption, "encrypt_file", killed_after_the_register)
    close_register()
    with pytest.raises(KeyboardInterrupt):
        encrypt_home(demo.path, demo.register_path, PASSPHRASE)
    monkeypatch.undo()
    assert (file_kind(demo.register_path), file_kind(copy)) == (
        FileKind.ENCRYPTED,
        FileKind.PLAIN,
    )
    with pytest.raises(WrongPassphrase):
        encrypt_leftovers(demo.path, demo.register_path, OTHER)
    assert encrypt_leftovers(demo.path, demo.register_path, PASSPHRASE).encrypted == [copy]
    assert check_backup(copy, PASSPHRASE).persons == DEMO_PERSONS
    with pytest.raises(InvalidRequest, match="no plain copy is left"):
        encrypt_leftovers(demo.path, demo.register_path, PASSPHRASE)


def test_the_signing_key_moves_into_the_encrypted_register_and_stays_the_same(
    demo: OfficeHome,
) -> None:
    before = demo.signing_key()
    key_file = demo.path / SIGNING_KEY_FILE
    assert key_file.exists()
    home = _encrypted(demo)
    assert home.signing_key() == before
    assert not key_file.exists()
    assert setting(SIGNING_KEY_SETTING) == before.hex()
    assert home.signing_key() == before


def test_an_encrypted_home_without_a_key_makes_one_inside_the_register(demo: OfficeHome) -> None:
    home = _encrypted(demo)
    key = home.signing_key()
    assert len(key) == 32 and not (demo.path / SIGNING_KEY_FILE).exists()
