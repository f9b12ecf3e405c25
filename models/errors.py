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
