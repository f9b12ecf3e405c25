"""Who is acting: every service that reads or writes personal data is told."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from models.enums import Role


@dataclass(frozen=True)
class Actor:
    """A member of staff, the kiosk, or a support script, as named in the audit log."""

    name: str
    role: Role

    @classmethod
    def command_line(cls) -> Actor:
        """The operating-system user running the command line (support staff)."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        return cls(f"cli:{user}", Role.SUPERVISOR)
