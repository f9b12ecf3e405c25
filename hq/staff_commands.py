"""The staff commands an office pushes: `staff.add`, `staff.disable`, `staff.password_set`.

Headquarters checks them against its own accounts, not the office's word: the member of staff
named as the item's actor must be an active account serving one of the office's districts, whose
role (at headquarters) allows the change (`models.permissions.Permission.STAFF`, and
`models.staff.may_manage`: a supervisor never creates or changes an admin account); only a
member of staff changing their own password needs no such role. The account changed must serve
one of the office's districts (a new one: the district named, which the office must serve), and
a new username must be free in the whole city. A rejected change to an existing account
publishes the account again, so the office's optimistic copy is corrected by its next pull; a
rejected `staff.add` is undone by the office itself (headquarters holds nothing to publish).
"""

from __future__ import annotations

from hq import staff
from hq.command_types import Context, Handler, RejectCode, Rejected, parse_payload
from hq.errors import InvalidInput
from hq.payloads import StaffAddPayload, StaffDisablePayload, StaffPasswordPayload
from hq.staff import Account
from models.actor import Actor
from models.commands import CommandName
from models.enums import Role
from models.permissions import Permission, allowed
from models.staff import STAFF_ROLES, may_manage


def _actor(ctx: Context) -> Account:
    """The account of the member of staff who made the change at the office."""
    name = ctx.item.actor
    found = staff.find(name)
    if found is None or not found.active or not found.serves_any(ctx.office.districts):
        raise Rejected(
            RejectCode.NOT_ALLOWED,
            f"{name} is not an active staff account of office {ctx.office.office_id}'s "
            "districts at headquarters, so headquarters does not take staff changes from them: "
            "a supervisor of the district must make the change, or headquarters' administrator",
        )
    return found


def _require_manage(actor: Account, role: str, what: str, target: str) -> None:
    kind = Role(role)
    if not allowed(Actor(actor.username, Role(actor.role)), Permission.STAFF) or not may_manage(
        Role(actor.role), kind
    ):
        raise Rejected(
            RejectCode.NOT_ALLOWED,
            f"{actor.username} is a {actor.role} at headquarters and may not {what} the "
            f"{kind.value} account {target}: an administrator does that at headquarters",
            republish=("staff_user", [target]) if what != "create" else None,
        )


def _target(ctx: Context, username: str) -> Account:
    """An existing account serving one of the office's districts."""
    found = staff.find(username)
    if found is None:
        raise Rejected(
            RejectCode.UNKNOWN_STAFF,
            f"headquarters has no staff account {username}: an account added at an office "
            "exists at headquarters only once its staff.add was accepted",
        )
    if not found.serves_any(ctx.office.districts):
        raise Rejected(
            RejectCode.OUT_OF_SCOPE,
            f"the staff account {username} serves district {', '.join(found.districts)}, which "
            f"office {ctx.office.office_id} does not serve: an office of that district must "
            "change it",
        )
    return found


def _add(ctx: Context) -> None:
    payload = parse_payload(StaffAddPayload, ctx)
    if not ctx.office.serves(payload.district):
        raise Rejected(
            RejectCode.OUT_OF_SCOPE,
            f"office {ctx.office.office_id} does not serve district {payload.district}, so it "
            f"cannot add staff to it: an office of district {payload.district} must do this",
        )
    if payload.role not in {r.value for r in STAFF_ROLES}:
        raise Rejected(
            RejectCode.INVALID_PAYLOAD,
            f"{payload.role!r} is not a staff role: report it to support",
        )
    actor = _actor(ctx)
    _require_manage(actor, payload.role, "create", payload.username)
    if payload.district not in actor.districts:
        raise Rejected(
            RejectCode.NOT_ALLOWED,
            f"{actor.username} does not serve district {payload.district}: a supervisor of "
            "that district must add its staff",
        )
    taken = staff.find(payload.username)
    if taken is not None:
        raise Rejected(
            RejectCode.USERNAME_TAKEN,
            f"the username {payload.username} is taken in the city (usernames are unique "
            "across districts): add the member of staff again under another username",
        )
    try:
        staff.add_account(
            payload.username,
            payload.display_name,
            payload.role,
            payload.password_hash,
            [payload.district],
            now=ctx.now,
        )
    except InvalidInput as exc:
        raise Rejected(RejectCode.INVALID_PAYLOAD, f"{exc}: report it to support") from None


def _disable(ctx: Context) -> None:
    payload = parse_payload(StaffDisablePayload, ctx)
    target = _target(ctx, payload.username)
    actor = _actor(ctx)
    if actor.username == target.username:
        raise Rejected(
            RejectCode.NOT_ALLOWED,
            "nobody disables their own account: another supervisor must",
            republish=("staff_user", [target.username]),
        )
    _require_manage(actor, target.role, "disable", target.username)
    if target.active:
        staff.set_active(target.username, False, now=ctx.now)


def _password(ctx: Context) -> None:
    payload = parse_payload(StaffPasswordPayload, ctx)
    target = _target(ctx, payload.username)
    if ctx.item.actor != target.username:
        actor = _actor(ctx)
        _require_manage(actor, target.role, "set the password of", target.username)
    elif not target.active:
        raise Rejected(
            RejectCode.NOT_ALLOWED,
            f"the account {target.username} is disabled at headquarters: its password is not "
            "changed",
            republish=("staff_user", [target.username]),
        )
    staff.set_password_hash(target.username, payload.password_hash, now=ctx.now)


STAFF_HANDLERS: dict[CommandName, Handler] = {
    CommandName.STAFF_ADD: _add,
    CommandName.STAFF_DISABLE: _disable,
    CommandName.STAFF_PASSWORD: _password,
}
