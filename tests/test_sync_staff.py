"""Staff accounts arriving at the office: upserted by username (the local id stays), tombstones
that spare the office's own accounts and the accounts visits point at, pending changes kept."""

from __future__ import annotations

from typing import Any

from models.actor import Actor
from models.enums import Role
from models.replica import STAFF_USER
from models.schema import ServiceVisit, StaffUser, db, write_transaction
from models.staff import ORIGIN_LOCAL, add_staff, hash_password
from sync.answers import parse_bootstrap, parse_changes
from sync.apply import apply_changes, apply_staff_page, protected_rows
from tests.sync_helpers import stamp

HASH = hash_password("their-pass-26")
AT = "2026-11-20T02:00:00.000000+00:00"


def account(username: str, active: int = 1, password_hash: str | None = HASH) -> list[Any]:
    return [username, f"{username} 名", "clerk", password_hash, active, AT, AT]


def pull(*changes: dict[str, Any]) -> None:
    page = parse_changes(
        {"changes": list(changes), "next": len(changes), "head_seq": len(changes), "more": False,
         "server_time": stamp()},
        0,
    )  # fmt: skip
    with write_transaction():
        apply_changes(db.connection(), page.changes, protected_rows(db.connection()))


def upsert(seq: int, row: list[Any]) -> dict[str, Any]:
    return {"seq": seq, "table": "staff_user", "op": "upsert", "row": row}


def test_an_account_from_headquarters_keeps_its_local_id_and_clears_a_lock_on_a_new_password(
    home,
) -> None:
    pull(upsert(1, account("li.na")))
    first = StaffUser.get(StaffUser.username == "li.na")
    StaffUser.update(failed_attempts=5).where(StaffUser.id == first.id).execute()
    pull(upsert(1, account("li.na", active=0)))
    same = StaffUser.get(StaffUser.username == "li.na")
    assert (same.id, same.origin, same.active, same.failed_attempts) == (first.id, "hq", False, 5)
    pull(upsert(1, account("li.na", password_hash=hash_password("another-pass-1"))))
    assert StaffUser.get(StaffUser.username == "li.na").failed_attempts == 0


def test_a_tombstone_spares_the_office_s_own_accounts_and_those_visits_point_at(home) -> None:
    pull(upsert(1, account("gone")), upsert(2, account("served")))
    StaffUser.insert(
        username="chief", display_name="站长", role="admin", origin=ORIGIN_LOCAL
    ).execute()
    served = StaffUser.get(StaffUser.username == "served")
    ServiceVisit.insert(staff=served.id, channel="counter", purpose="lookup").execute()
    pull(*({"seq": i, "table": "staff_user", "op": "delete", "key": [name]}
           for i, name in enumerate(("gone", "served", "chief"), start=1)))  # fmt: skip
    rows = {r.username: r for r in StaffUser.select()}
    assert set(rows) == {"served", "chief"}
    assert (rows["served"].origin, rows["served"].active, rows["served"].password_hash) == (
        "local",
        False,
        None,
    )
    assert rows["served"].id == served.id and rows["chief"].origin == "local"


def test_the_staff_page_replaces_headquarters_copies_but_not_a_pending_account(home) -> None:
    pull(upsert(1, account("old")), upsert(2, account("kept")))
    add_staff("zhou.min", "周敏", "clerk", "their-pass-26", Actor("sup", Role.SUPERVISOR))
    page = parse_bootstrap(
        {
            "phase": "staff",
            "after": 0,
            "next": 0,
            "done": True,
            "head_seq": 3,
            "tables": {
                "staff_user": {
                    "columns": list(STAFF_USER.columns),
                    "rows": [account("kept"), account("zhou.min", active=0), account("new")],
                }
            },
            "server_time": stamp(),
        },
        "staff",
        0,
    )
    with write_transaction():
        apply_staff_page(db.connection(), page, protected_rows(db.connection()))
    rows = {r.username: (r.origin, r.active) for r in StaffUser.select()}
    assert rows == {"kept": ("hq", True), "new": ("hq", True), "zhou.min": ("pending", True)}
