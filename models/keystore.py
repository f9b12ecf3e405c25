"""The office passphrase in the operating system's keyring (`keyring`): never beside the register.

One entry per register: service "counterdesk", user name the register's absolute path. A
machine without a usable keyring (no Secret Service, no Keychain, no Credential Locker) simply
has no entries: the passphrase is then entered by a supervisor.
"""

from __future__ import annotations

from pathlib import Path

from models.errors import InvalidRequest

SERVICE = "counterdesk"


def entry_name(register_path: Path) -> str:
    """The keyring user name under which the passphrase of `register_path` is stored."""
    return str(register_path.expanduser().absolute())


def stored_passphrase(register_path: Path) -> str | None:
    """The passphrase the keyring holds for `register_path`, or None (also without a keyring)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, entry_name(register_path))
    except KeyringError:
        return None


def has_keyring() -> bool:
    """True when the operating system offers a keyring that can store passphrases."""
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def remember(register_path: Path, passphrase: str) -> None:
    """Store the passphrase of `register_path` in the keyring.

    Raises InvalidRequest when there is no keyring to store it in.
    """
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, entry_name(register_path), passphrase)
    except KeyringError as exc:
        raise InvalidRequest(
            f"the passphrase could not be stored in the keyring ({exc}): this computer has no "
            "usable keyring; a supervisor enters the passphrase at each start instead"
        ) from exc


def forget(register_path: Path) -> bool:
    """Remove the keyring entry of `register_path`; False if there was none."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(SERVICE, entry_name(register_path))
    except KeyringError:  # no such entry (PasswordDeleteError), or no keyring at all
        return False
    return True
