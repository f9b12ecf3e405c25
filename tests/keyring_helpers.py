"""A keyring the tests control: the user's real keyring is never read or written."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

PASSPHRASE = "泉城 office passphrase 2026"
# a command run as a child process must never reach the user's keyring: the null backend is empty
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        """The stored password, or None."""
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a password."""
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Remove a password (PasswordDeleteError when there is none)."""
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")
