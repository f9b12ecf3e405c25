"""The staff screen's work on the register, as functions for worker threads.

The accounts of the district as this office holds them, with what headquarters has not
confirmed yet; adding a member of staff, disabling an account and resetting a password. Each is
a `models.staff` service, which checks the actor's role (Permission.STAFF; a supervisor never
touches an admin account) and queues the change for headquarters in the same transaction.
"""

from __future__ import annotations

from models.actor import Actor
from models.permissions import Permission
from models.staff import (
    StaffAccount,
    StaffMember,
    add_staff,
    disable_staff,
    list_staff,
    set_password,
)

STAFF_PERMISSION = Permission.STAFF


def accounts(actor: Actor) -> list[StaffAccount]:
    """Every account this office knows, by username, with its open commands."""
    return list_staff(actor)


def add_member(
    actor: Actor, username: str, display_name: str, role: str, password: str
) -> StaffMember:
    """Add an account of the office's district (pending until headquarters confirms it)."""
    return add_staff(username, display_name, role, password, actor)


def disable(actor: Actor, username: str) -> None:
    """Switch an account off, here at once and at the other offices after headquarters."""
    disable_staff(username, actor)


def reset_password(actor: Actor, username: str, password: str) -> None:
    """Give an account a new password (it lifts a lock; headquarters passes it on)."""
    set_password(username, password, actor)
