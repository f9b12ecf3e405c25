"""Least privilege by role: which staff role may do what. Every service checks, not only screens.

- clerk: look people up, read cards, verify and reset query passwords, card operations, visits,
  a retiree's pension eligibility check;
- supervisor: all a clerk may, plus statements, batches, office reports, the audit log and the
  staff accounts of the district (no admin accounts: see `models.staff.may_manage`);
- admin: settings, enrolment and keys, staff accounts, and no access to personal data;
- kiosk: the hall's self-service kiosk: look up the citizen at it, verify their query password,
  record the visit, print their own statement; no card operations, reports or audit log.
"""

from __future__ import annotations

from enum import StrEnum

from models.actor import Actor
from models.enums import Role
from models.errors import RegisterError


class Permission(StrEnum):
    """Things a service may be asked to do."""

    LOOKUP = "look people up"
    CARD_OPERATIONS = "change the state of cards"
    QUERY_PASSWORD = "verify or reset query passwords"
    VISITS = "record visits"
    PENSION_CHECKS = "record pension eligibility checks"
    STATEMENTS = "print statements"
    REPORTS = "print office reports"
    AUDIT = "read the audit log"
    SETTINGS = "change the office's settings and keys"
    STAFF = "manage the staff accounts of the district"


_CLERK = {
    Permission.LOOKUP,
    Permission.CARD_OPERATIONS,
    Permission.QUERY_PASSWORD,
    Permission.VISITS,
    Permission.PENSION_CHECKS,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset(_CLERK),
    Role.SUPERVISOR: frozenset(
        _CLERK | {Permission.STATEMENTS, Permission.REPORTS, Permission.AUDIT, Permission.STAFF}
    ),
    Role.ADMIN: frozenset({Permission.SETTINGS, Permission.STAFF}),
    Role.KIOSK: frozenset(
        {Permission.LOOKUP, Permission.QUERY_PASSWORD, Permission.VISITS, Permission.STATEMENTS}
    ),
}


class PermissionDenied(RegisterError):
    """The actor's role does not allow what was asked."""


def allowed(actor: Actor, permission: Permission) -> bool:
    """True if `actor`'s role grants `permission`."""
    return permission in ROLE_PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless `actor`'s role grants `permission`."""
    if not allowed(actor, permission):
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not {permission.value}: "
            "ask a member of staff whose role allows it"
        )
