"""`counterdesk db`: encryption of the register at rest (SQLCipher) and its keyring entry.

Passphrases are asked without echo on a terminal (a new one twice), else read as one line each
from standard input. They are never taken from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from desktop.cli_common import (
    EXIT_DAMAGED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    PASSPHRASE_HELP,
    CliError,
    home_of,
)
from models import keystore
from models.cipher import FileKind, connect_encrypted
from models.clock import local_now
from models.damage import SALVAGED_TABLES, salvage
from models.db import close_register, register_facts
from models.encryption import (
    check_new_passphrase,
    encrypt_home,
    encrypt_leftovers,
    plain_copies,
    rekey_register,
)
from models.home import SIGNING_KEY_FILE, OfficeHome


def add_db_commands(sub: argparse._SubParsersAction) -> None:
    """Add `db status`, `db encrypt`, `db rekey`, `db remember`, `db forget`, `db salvage`."""
    p = sub.add_parser(
        "db",
        help="the register file: encryption at rest (status, encrypt, rekey, keyring), salvage",
        description="Encrypt the office register with SQLCipher and manage its passphrase. "
        + PASSPHRASE_HELP,
    )
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")

    q = db_sub.add_parser(
        "status",
        help="is the register encrypted, is its passphrase in the keyring",
        description="Show whether the register is plain or encrypted, whether this computer's "
        "keyring holds its passphrase, and any plain copies left in the office home.",
    )
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=cmd_db_status)

    q = db_sub.add_parser(
        "encrypt",
        help="encrypt a plain register in place",
        description="Encrypt the plain register, and every plain backup or kept copy in the "
        "office home, with a new office passphrase (at least 12 characters, not only digits). "
        "On an encrypted register, encrypts the plain copies left in the office home with the "
        "register's passphrase. "
        "No other counterdesk program may have the register open. Each file is exported to an "
        "encrypted copy, checked, flushed to disk and renamed over the plain one: an interrupted "
        "run leaves the old or the new file usable.",
    )
    q.add_argument("--remember", action="store_true", help="store the passphrase in the keyring")
    q.set_defaults(func=cmd_db_encrypt)

    q = db_sub.add_parser(
        "rekey",
        help="change the passphrase of the encrypted register",
        description="Change the office passphrase: asks the current one, then the new one. "
        "Backups made before keep the passphrase they were made with. The keyring entry, if "
        "there is one, is updated.",
    )
    q.add_argument(
        "--remember", action="store_true", help="store the new passphrase in the keyring"
    )
    q.set_defaults(func=cmd_db_rekey)

    q = db_sub.add_parser(
        "remember",
        help="store the passphrase in this computer's keyring",
        description="Check the office passphrase against the register and store it in this "
        "computer's keyring, so that the application and commands open the register without "
        "asking.",
    )
    q.set_defaults(func=cmd_db_remember)

    q = db_sub.add_parser(
        "forget",
        help="remove the passphrase from this computer's keyring",
        description="Remove the register's passphrase from this computer's keyring: from then "
        "on it is asked at each start.",
    )
    q.set_defaults(func=cmd_db_forget)
    _add_salvage(db_sub)


def _add_salvage(db_sub: argparse._SubParsersAction) -> None:
    q = db_sub.add_parser(
        "salvage",
        help="save the unsent commands and the audit log of a damaged register",
        description="Copy the commands not yet accepted by headquarters (the outbox), the audit "
        "log and the statement records out of the register into JSON lines files, reading "
        "whatever SQLite still can, row by row where a table is damaged. The register is only "
        "read. Do this before restoring a backup or syncing a fresh register, and hand the "
        "folder to support.",
    )
    q.add_argument(
        "--out",
        type=Path,
        help="folder for the files (default: salvage-<time> in the office home)",
    )
    q.set_defaults(func=cmd_db_salvage)


def cmd_db_salvage(args: argparse.Namespace) -> int:
    """counterdesk db salvage."""
    home = home_of(args)
    kind = _existing_register(home)
    key = None
    if kind is FileKind.ENCRYPTED:
        key = home.known_passphrase() or read_passphrase("Office passphrase: ")
    stamp = local_now().strftime("%Y%m%d-%H%M%S")
    folder = args.out or home.path / f"salvage-{stamp}"
    done = salvage(home.register_path, folder, key)
    for table in SALVAGED_TABLES:
        if table in done.unreadable_tables:
            print(f"{table}: could not be read at all", file=sys.stderr)
        else:
            lost = done.lost.get(table, 0)
            tail = f", {lost} unreadable" if lost else ""
            print(f"{table}: {done.saved.get(table, 0)} rows saved{tail}", file=sys.stderr)
    print(f"Saved in {folder}. Keep it until headquarters has the commands.", file=sys.stderr)
    return EXIT_OK if not done.unreadable_tables else EXIT_DAMAGED


def read_passphrase(prompt: str) -> str:
    """One passphrase: typed without echo on a terminal, else one line of standard input."""
    tty = sys.stdin.isatty()
    text = getpass.getpass(prompt) if tty else sys.stdin.readline().rstrip("\r\n")
    if not text:
        raise CliError(EXIT_NOT_FOUND, "no passphrase given; nothing was changed")
    return text


def read_new_passphrase() -> str:
    """A new passphrase: asked twice on a terminal, and checked against the rules."""
    first = read_passphrase("New office passphrase: ")
    if sys.stdin.isatty() and getpass.getpass("The same passphrase again: ") != first:
        raise CliError(EXIT_NOT_FOUND, "the two passphrases differ; nothing was changed")
    check_new_passphrase(first)
    return first


def _keyring_for(args: argparse.Namespace) -> None:
    """Refuse --remember before anything is changed when there is no keyring to remember in."""
    if getattr(args, "remember", False) and not keystore.has_keyring():
        raise CliError(
            EXIT_USAGE,
            "this computer has no usable keyring to remember the passphrase in: run without "
            "--remember (a supervisor then enters the passphrase at each start); nothing was "
            "changed",
        )


def _existing_register(home: OfficeHome) -> FileKind:
    kind = register_facts(home.register_path).kind
    if kind is FileKind.MISSING:
        raise CliError(
            EXIT_USAGE,
            f"there is no register in {home.path}: create one with `counterdesk init`",
        )
    return kind


def cmd_db_status(args: argparse.Namespace) -> int:
    """counterdesk db status."""
    home = OfficeHome.resolve(args.home)
    kind = _existing_register(home)
    stored = keystore.stored_passphrase(home.register_path) is not None
    plain = [str(p) for p in plain_copies(home.path, home.register_path)]
    data = {
        "format": "counterdesk.db-status/1",
        "register": str(home.register_path),
        "state": kind.value,
        "keyring_available": keystore.has_keyring(),
        "keyring_entry": stored,
        "plain_copies": plain,
    }
    states = {
        FileKind.PLAIN: "plain (not encrypted): encrypt it with `counterdesk db encrypt`",
        FileKind.ENCRYPTED: "encrypted (SQLCipher 4)",
        FileKind.NOT_A_DATABASE: "not a SQLite database (damaged or replaced)",
    }
    lines = [
        f"Register: {home.register_path}",
        f"State: {states[kind]}",
        "Keyring: "
        + (
            "holds the passphrase"
            if stored
            else "no entry"
            if data["keyring_available"]
            else "none on this computer"
        ),
    ]
    if plain:
        lines.append("Plain copies in the office home (readable by anyone with the files):")
        lines += [f"  {p}" for p in plain]
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines))
    return EXIT_OK


def cmd_db_encrypt(args: argparse.Namespace) -> int:
    """counterdesk db encrypt."""
    home = OfficeHome.resolve(args.home)
    _keyring_for(args)
    if _existing_register(home) is FileKind.ENCRYPTED:
        if not plain_copies(home.path, home.register_path):
            raise CliError(
                EXIT_NOT_FOUND,
                f"the register {home.register_path} is already encrypted; nothing was changed "
                "(`counterdesk db rekey` changes its passphrase)",
            )
        print(
            "The register is encrypted, but plain copies are left in the office home: they "
            "are encrypted with the register's passphrase.",
            file=sys.stderr,
        )
        passphrase = read_passphrase("Office passphrase: ")
        done = encrypt_leftovers(home.path, home.register_path, passphrase)
    else:
        passphrase = read_new_passphrase()
        done = encrypt_home(home.path, home.register_path, passphrase)
    for path in done.encrypted:
        print(f"Encrypted {path}", file=sys.stderr)
    if _move_signing_key(home, passphrase):
        print(
            "The statement signing key moved from its file into the encrypted register.",
            file=sys.stderr,
        )
    if args.remember:
        keystore.remember(home.register_path, passphrase)
        print("The passphrase is stored in this computer's keyring.", file=sys.stderr)
    print(
        "Keep the office passphrase safe: without it the register and its backups cannot be "
        "read. Blocks of the old plain file may remain on the disk until overwritten: full-disk "
        "encryption covers them.",
        file=sys.stderr,
    )
    return EXIT_OK


def _move_signing_key(home: OfficeHome, passphrase: str) -> bool:
    """Move a statement signing key file into the encrypted register; True if there was one."""
    if not (home.path / SIGNING_KEY_FILE).exists():
        return False
    keyed = home.with_passphrase(passphrase)
    keyed.open()
    try:
        keyed.signing_key()
    finally:
        close_register()
    return True


def cmd_db_rekey(args: argparse.Namespace) -> int:
    """counterdesk db rekey."""
    home = OfficeHome.resolve(args.home)
    _keyring_for(args)
    _existing_register(home)
    old = read_passphrase("Current office passphrase: ")
    new = read_new_passphrase()
    rekey_register(home.register_path, old, new)
    print(f"The passphrase of {home.register_path} was changed.", file=sys.stderr)
    if args.remember or keystore.stored_passphrase(home.register_path) is not None:
        keystore.remember(home.register_path, new)
        print("The keyring holds the new passphrase.", file=sys.stderr)
    print("Backups made before keep the old passphrase.", file=sys.stderr)
    return EXIT_OK


def cmd_db_remember(args: argparse.Namespace) -> int:
    """counterdesk db remember."""
    home = home_of(args)
    if _existing_register(home) is not FileKind.ENCRYPTED:
        raise CliError(
            EXIT_NOT_FOUND,
            f"the register {home.register_path} is not encrypted: there is no passphrase to "
            "remember (`counterdesk db encrypt --remember`)",
        )
    if not keystore.has_keyring():
        raise CliError(EXIT_USAGE, "this computer has no usable keyring: nothing was stored")
    passphrase = home.passphrase or read_passphrase("Office passphrase: ")
    connect_encrypted(home.register_path, passphrase).close()
    keystore.remember(home.register_path, passphrase)
    print("The passphrase is stored in this computer's keyring.", file=sys.stderr)
    return EXIT_OK


def cmd_db_forget(args: argparse.Namespace) -> int:
    """counterdesk db forget."""
    home = OfficeHome.resolve(args.home)
    if keystore.forget(home.register_path):
        print("The passphrase was removed from this computer's keyring.", file=sys.stderr)
        return EXIT_OK
    print("This computer's keyring held no passphrase for this register.", file=sys.stderr)
    return EXIT_NOT_FOUND
