"""The exception tree of the register: each failure a caller must tell apart has its own type."""

from __future__ import annotations


class RegisterError(Exception):
    """Base of every error the register raises on purpose."""


class RegisterUnavailable(RegisterError):
    """The register file cannot be used at all (environment problem)."""


class HomeNotWritable(RegisterUnavailable):
    """The office home folder cannot be created or written."""


class DamagedRegister(RegisterUnavailable):
    """The register file exists but is not a readable SQLite database of ours."""


class RegisterBusy(RegisterUnavailable):
    """Another program holds the register's write lock longer than the busy timeout."""


class DiskFull(RegisterUnavailable):
    """The disk holding the register (or a file being written) is full; nothing was lost."""


class RegisterIOError(RegisterUnavailable):
    """The operating system failed a read or write of the register (not SQLite's verdict)."""


class SchemaTooNew(RegisterUnavailable):
    """The register was written by a newer counterdesk; it is refused, never modified."""

    def __init__(self, found: int, supported: int, path: str) -> None:
        self.found = found
        self.supported = supported
        self.path = path
        super().__init__(
            f"the register {path} has schema version {found}, but this counterdesk knows "
            f"versions up to {supported}: upgrade counterdesk (the file was not changed)"
        )


class NotFound(RegisterError):
    """The person, card or record asked for is not in the register."""


class InvalidRequest(RegisterError):
    """The request cannot be carried out in the register's current state."""


class CredentialLocked(RegisterError):
    """The query password is locked after too many wrong attempts."""


class KeyRequired(RegisterUnavailable):
    """The register is encrypted and no passphrase was given or found in the keyring."""


class WrongPassphrase(RegisterUnavailable):
    """The passphrase given does not open the encrypted register (nothing was changed)."""


class RegisterInUse(RegisterUnavailable):
    """Another counterdesk program has the register open, so it cannot be converted now."""


class PersonNotFound(NotFound):
    """No person with the ID number asked for is in the register."""


class CardNotFound(NotFound):
    """No card with the number asked for is in the register."""

    def __init__(self, card_no: str, message: str | None = None) -> None:
        self.card_no = card_no
        super().__init__(message or f"no card {card_no} in this office's register")


class CardStatusRefused(InvalidRequest):
    """A card operation refused because the card's status does not allow it."""

    def __init__(self, card_no: str, status: str, message: str) -> None:
        self.card_no, self.status = card_no, status
        super().__init__(message)


class StaffNotFound(NotFound):
    """No member of staff has the username asked for."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"no member of staff named {username!r}")


class UsernameTaken(InvalidRequest):
    """A new account's username is already in use."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"the username {username} is taken: choose another one")
