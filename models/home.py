"""The office home: the folder that holds a district office's register and settings."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_data_dir

from models import keystore
from models.db import current_passphrase, is_encrypted, open_register
from models.errors import HomeNotWritable, InvalidRequest, KeyRequired, RegisterUnavailable
from models.schema import OfficeSetting, write_transaction

HOME_ENV = "COUNTERDESK_HOME"
REGISTER_FILE = "register.db"
SIGNING_KEY_FILE = "keys/statement-signing.key"
SIGNING_KEY_SETTING = "statement_signing_key"  # where the key lives in an encrypted register


@dataclass(frozen=True)
class OfficeHome:
    """A folder holding `register.db` (the local register), its keys and backups.

    `passphrase` opens an encrypted register; it is kept out of repr and comparisons, and
    travels with the home when the home is handed to a worker process (pickled).
    """

    path: Path
    passphrase: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> OfficeHome:
        """The home named on the command line, else $COUNTERDESK_HOME, else the user data folder."""
        chosen = explicit or os.environ.get(HOME_ENV) or user_data_dir("counterdesk", False)
        return cls(Path(chosen).expanduser().absolute())

    def with_passphrase(self, passphrase: str | None) -> OfficeHome:
        """The same home, opened with `passphrase` when its register is encrypted."""
        return replace(self, passphrase=passphrase)

    @property
    def register_path(self) -> Path:
        """Where the register database lives."""
        return self.path / REGISTER_FILE

    def exists(self) -> bool:
        """True if this home already holds a register."""
        return self.register_path.exists()

    def ensure_writable(self) -> None:
        """Create the folder if needed and prove that files can be written in it."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path, prefix=".probe-"):
                pass
        except OSError as exc:
            raise HomeNotWritable(
                f"the office home {self.path} cannot be written ({exc.strerror}): choose another "
                f"folder with --home or {HOME_ENV}, or fix its permissions"
            ) from exc

    def create(self, district: str, office_name: str, passphrase: str | None = None) -> None:
        """Create a new, empty register for the office of `district` (a 6-digit region code),
        encrypted with `passphrase` when one is given."""
        self.ensure_writable()
        if self.exists():
            raise InvalidRequest(
                f"{self.register_path} already exists; it was left as it is "
                "(use another --home for a new office)"
            )
        open_register(self.register_path, create=True, passphrase=passphrase)
        with write_transaction():
            OfficeSetting.replace(key="district", value=district).execute()
            OfficeSetting.replace(key="office_name", value=office_name).execute()

    def signing_key(self) -> bytes:
        """The office's key for signing statements (made on first use). The register must be
        open.

        Headquarters holds a copy to verify the QR codes of printed statements. Beside a plain
        register it is a file readable by its owner only; with an encrypted register it lives
        in the register itself (office setting), so a stolen laptop does not give it away: a
        key file left from before the encryption is moved in and deleted.
        """
        if self.is_encrypted():
            return self._key_in_register()
        return self._key_file()

    def _key_in_register(self) -> bytes:
        stored = setting(SIGNING_KEY_SETTING)
        if stored:
            return bytes.fromhex(stored)
        path = self.path / SIGNING_KEY_FILE
        with write_transaction():  # BEGIN IMMEDIATE: processes racing here make one key
            stored = setting(SIGNING_KEY_SETTING)
            if not stored:
                stored = path.read_text().strip() if path.exists() else secrets.token_hex(32)
                bytes.fromhex(stored)  # a damaged key file stops here, before it is adopted
                OfficeSetting.replace(key=SIGNING_KEY_SETTING, value=stored).execute()
        path.unlink(missing_ok=True)
        return bytes.fromhex(stored)

    def _key_file(self) -> bytes:
        path = self.path / SIGNING_KEY_FILE
        if not path.exists():
            # Written whole under a temporary name, then linked into place: a process racing
            # this one (batch workers) finds either no key or the whole key, never half of it.
            path.parent.mkdir(mode=0o700, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
            try:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                with contextlib.suppress(FileExistsError):  # another process made it first
                    os.link(temp, path)
            finally:
                os.unlink(temp)
        return bytes.fromhex(path.read_text().strip())

    def is_encrypted(self) -> bool:
        """True if this home's register is encrypted (SQLCipher)."""
        return is_encrypted(self.register_path)

    def known_passphrase(self) -> str | None:
        """The passphrase for an encrypted register without asking anyone: the one this home
        carries, else the one this process already opened it with, else the keyring's."""
        return (
            self.passphrase
            or current_passphrase(self.register_path)
            or keystore.stored_passphrase(self.register_path)
        )

    def open(self) -> None:
        """Open this home's register (migrating an older schema), refusing damaged files.

        An encrypted register is opened with `known_passphrase()`; without one it raises
        KeyRequired, with a wrong one WrongPassphrase (nothing is changed either way).
        """
        if not self.exists():
            raise RegisterUnavailable(
                f"there is no office home at {self.path}: create one with "
                f"`counterdesk --home {self.path} init`"
            )
        self.ensure_writable()
        passphrase = None
        if self.is_encrypted():
            passphrase = self.known_passphrase()
            if passphrase is None:
                raise KeyRequired(
                    f"the register of the office home {self.path} is encrypted: a supervisor "
                    "enters the office passphrase, or it is stored in this computer's keyring "
                    "(`counterdesk db remember`)"
                )
        open_register(self.register_path, passphrase=passphrase)


def setting(key: str, default: str | None = None) -> str | None:
    """One office setting from the open register."""
    row = OfficeSetting.get_or_none(OfficeSetting.key == key)
    return row.value if row else default
