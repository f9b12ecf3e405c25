"""Who is acting: every service that reads or writes personal data is told."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Role

TOOL_PREFIX = "cli:"  # the command line's own jobs, named for what they do (never a person)


@dataclass(frozen=True)
class Actor:
    """A member of staff, the kiosk, or one of the command line's own jobs, as named in the
    audit log."""

    name: str
    role: Role

    @classmethod
    def tool(cls, job: str, role: Role = Role.SUPERVISOR) -> Actor:
        """One of the command line's jobs that no member of staff signs in for: creating the
        first admin account, setting a password as the register's owner, backups, the sync
        job, the virtual card. Named `cli:JOB`, never after the operating-system user; every
        command that reads personal data or makes a document acts as a staff account instead
        (`desktop.cli_staff`)."""
        return cls(f"{TOOL_PREFIX}{job}", role)
