"""The office home: the folder that holds a district office's register and settings."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from models.db import open_register
from models.errors import HomeNotWritable, InvalidRequest, RegisterUnavailable
from models.schema import OfficeSetting, write_transaction

HOME_ENV = "COUNTERDESK_HOME"
REGISTER_FILE = "register.db"
SIGNING_KEY_FILE = "keys/statement-signing.key"


@dataclass(frozen=True)
class OfficeHome:
    """A folder holding `register.db` (the local register) and, later, keys and backups."""

    path: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> OfficeHome:
        """The home named on the command line, else $COUNTERDESK_HOME, else the user data folder."""
        chosen = explicit or os.environ.get(HOME_ENV) or user_data_dir("counterdesk", False)
        return cls(Path(chosen).expanduser().absolute())

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

    def create(self, district: str, office_name: str) -> None:
        """Create a new, empty register for the office of `district` (a 6-digit region code)."""
        self.ensure_writable()
        if self.exists():
            raise InvalidRequest(
                f"{self.register_path} already exists; it was left as it is "
                "(use another --home for a new office)"
            )
        open_register(self.register_path, create=True)
        with write_transaction():
            OfficeSetting.replace(key="district", value=district).execute()
            OfficeSetting.replace(key="office_name", value=office_name).execute()

    def signing_key(self) -> bytes:
        """The office's key for signing statements (made on first use, readable by owner only).

        Headquarters holds a copy to verify the QR codes of printed statements.
        """
        path = self.path / SIGNING_KEY_FILE
        if not path.exists():
            path.parent.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
        return bytes.fromhex(path.read_text().strip())

    def open(self) -> None:
        """Open this home's register (migrating an older schema), refusing damaged files."""
        if not self.exists():
            raise RegisterUnavailable(
                f"there is no office home at {self.path}: create one with "
                f"`counterdesk --home {self.path} init`"
            )
        self.ensure_writable()
        open_register(self.register_path)


def setting(key: str, default: str | None = None) -> str | None:
    """One office setting from the open register."""
    row = OfficeSetting.get_or_none(OfficeSetting.key == key)
    return row.value if row else default
