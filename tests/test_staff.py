"""Staff sign-in: argon2id hashes, password rules, the lockout, and `counterdesk staff passwd`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.actor import Actor
from models.db import close_register, open_register
from models.demo.people import DEMO_STAFF_PASSWORD
from models.enums import Role
from models.errors import InvalidRequest, NotFound
from models.home import OfficeHome
from models.migrations import APPLICATION_ID, MIGRATIONS
from models.permissions import PermissionDenied
from models.schema import AuditEvent, OfficeSetting, Outbox, StaffUser
from models.staff import (
    LOCK_BASE_SECONDS,
    LOCK_MAX_SECONDS,
    MAX_FAILURES,
    AccountDisabled,
    AccountLocked,
    BadCredentials,
    PasswordNotSet,
    PasswordProblem,
    WeakStaffPassword,
    add_staff,
    authenticate,
    hash_password,
    lock_delay,
    password_problem,
    set_password,
)
from tests.cli_helpers import run

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
ADMIN = Actor("admin", Role.ADMIN)
PASSWORD = "counter-2026"


@pytest.fixture
def clerk(home) -> str:
    """A clerk with a password."""
    StaffUser.create(username="li.na", display_name="李娜", role="clerk")
    set_password("li.na", PASSWORD, ADMIN)
    return "li.na"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-1", PasswordProblem.TOO_SHORT),
        ("1234567890", PasswordProblem.ALL_DIGITS),
        ("LI.NA123", None),
        ("li.na", PasswordProblem.TOO_SHORT),
        ("clerk0001", None),
    ],
)
def test_password_rules(password: str, problem: PasswordProblem | None) -> None:
    assert password_problem("li.na", password) == problem
    assert password_problem("clerk0001", "Clerk0001") == PasswordProblem.SAME_AS_USERNAME


def test_the_right_password_gives_the_staff_member_as_actor(clerk: str) -> None:
    stored = StaffUser.get(StaffUser.username == clerk).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(clerk, PASSWORD, NOW) == Actor(clerk, Role.CLERK)
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-1] == "staff.sign_in"


def test_each_wrong_password_says_the_tries_left_then_the_account_locks(clerk: str) -> None:
    remaining = []
    for _attempt in range(MAX_FAILURES - 1):
        with pytest.raises(BadCredentials) as wrong:
            authenticate(clerk, "wrong-password", NOW)
        remaining.append(wrong.value.remaining)
    assert remaining == [4, 3, 2, 1]
    with pytest.raises(AccountLocked) as locked:
        authenticate(clerk, "wrong-password", NOW)
    assert locked.value.locked_until == NOW + timedelta(seconds=LOCK_BASE_SECONDS)
    with pytest.raises(AccountLocked):  # even the right password waits
        authenticate(clerk, PASSWORD, NOW + timedelta(seconds=LOCK_BASE_SECONDS - 1))


def test_the_lock_grows_with_each_failure_after_it_and_a_success_resets_it(clerk: str) -> None:
    at = NOW
    for _attempt in range(MAX_FAILURES):
        with pytest.raises((BadCredentials, AccountLocked)):
            authenticate(clerk, "wrong-password", at)
    at += timedelta(seconds=LOCK_BASE_SECONDS)
    with pytest.raises(AccountLocked) as again:
        authenticate(clerk, "wrong-password", at)
    assert again.value.locked_until == at + timedelta(seconds=2 * LOCK_BASE_SECONDS)
    at += timedelta(seconds=2 * LOCK_BASE_SECONDS)
    assert authenticate(clerk, PASSWORD, at).name == clerk
    with pytest.raises(BadCredentials) as fresh:
        authenticate(clerk, "wrong-password", at)
    assert fresh.value.remaining == MAX_FAILURES - 1


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(4, None), (5, 30), (6, 60), (7, 120), (12, 3600), (40, LOCK_MAX_SECONDS)],
)
def test_the_lock_delay_doubles_up_to_a_limit(failures: int, seconds: int | None) -> None:
    delay = lock_delay(failures)
    assert (delay.total_seconds() if delay else None) == seconds


def test_unknown_disabled_and_passwordless_accounts_are_refused(home) -> None:
    with pytest.raises(BadCredentials) as unknown:
        authenticate("nobody", "whatever-1", NOW)
    assert unknown.value.remaining is None
    StaffUser.create(username="new", display_name="新人", role="clerk")
    with pytest.raises(PasswordNotSet):
        authenticate("new", "whatever-1", NOW)
    set_password("new", PASSWORD, ADMIN)
    StaffUser.update(active=False).where(StaffUser.username == "new").execute()
    with pytest.raises(AccountDisabled):
        authenticate("new", PASSWORD, NOW)


def test_only_the_member_or_an_admin_sets_a_password(clerk: str) -> None:
    StaffUser.create(username="wang", display_name="王芳", role="clerk")
    with pytest.raises(PermissionDenied):
        set_password("wang", PASSWORD, Actor(clerk, Role.CLERK))
    set_password(clerk, "another-pass", Actor(clerk, Role.CLERK))
    assert authenticate(clerk, "another-pass", NOW).name == clerk
    with pytest.raises(WeakStaffPassword) as weak:
        set_password(clerk, "12345678", ADMIN)
    assert weak.value.problem is PasswordProblem.ALL_DIGITS
    with pytest.raises(NotFound):
        set_password("nobody", PASSWORD, ADMIN)


def test_a_new_password_lifts_the_lock(clerk: str) -> None:
    for _attempt in range(MAX_FAILURES):
        with pytest.raises((BadCredentials, AccountLocked)):
            authenticate(clerk, "wrong-password", NOW)
    set_password(clerk, "fresh-start-1", ADMIN)
    assert authenticate(clerk, "fresh-start-1", NOW).name == clerk


def test_the_demo_roster_signs_in_with_the_demo_password(demo) -> None:
    for username in ("admin", "supervisor01", "clerk08"):
        assert authenticate(username, DEMO_STAFF_PASSWORD).name == username


@pytest.mark.slow
def test_staff_passwd_reads_the_new_password_from_stdin(demo_home: Path) -> None:
    done = run("staff", "passwd", "clerk01", home=demo_home, stdin="new-secret-9\n")
    assert done.returncode == 0, done.stderr
    assert "Password of clerk01 set." in done.stderr
    OfficeHome(demo_home).open()
    try:
        assert authenticate("clerk01", "new-secret-9").name == "clerk01"
    finally:
        close_register()
    weak = run("staff", "passwd", "clerk01", home=demo_home, stdin="123456789\n")
    assert weak.returncode == 1
    assert "must not be digits only; nothing was changed" in weak.stderr
    unknown = run("staff", "passwd", "nobody", home=demo_home, stdin="new-secret-9\n")
    assert unknown.returncode == 1 and "no member of staff named 'nobody'" in unknown.stderr


def test_an_account_of_this_office_only_changes_without_a_command(clerk: str) -> None:
    set_password(clerk, "another-pass", Actor(clerk, Role.CLERK))
    assert Outbox.select().count() == 0


def test_a_supervisor_resets_a_clerk_s_password_but_not_an_admin_s(clerk: str) -> None:
    StaffUser.create(username="boss", display_name="老板", role="admin")
    supervisor = Actor("sup", Role.SUPERVISOR)
    set_password(clerk, "reset-by-sup-1", supervisor)
    assert authenticate(clerk, "reset-by-sup-1", NOW).name == clerk
    with pytest.raises(PermissionDenied, match="role admin"):
        set_password("boss", "reset-by-sup-1", supervisor)


def test_new_accounts_need_a_proper_username_and_a_staff_role(home) -> None:
    supervisor = Actor("sup", Role.SUPERVISOR)
    with pytest.raises(InvalidRequest, match="not a username"):
        add_staff("wang fang", "王芳", "clerk", PASSWORD, supervisor)
    with pytest.raises(InvalidRequest, match="not a staff role"):
        add_staff("wang", "王芳", "kiosk", PASSWORD, supervisor)
    with pytest.raises(PermissionDenied):
        add_staff("wang", "王芳", "clerk", PASSWORD, Actor("clerk01", Role.CLERK))
    add_staff("wang", "王芳", "clerk", PASSWORD, supervisor)
    with pytest.raises(InvalidRequest, match="taken"):
        add_staff("wang", "王芳", "clerk", PASSWORD, supervisor)
    [queued] = Outbox.select()
    payload = json.loads(queued.payload)
    assert queued.command == "staff.add" and payload["district"] == "370102"
    assert payload["password_hash"].startswith("$argon2id$") and PASSWORD not in queued.payload


def _register_at_version_4(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        'CREATE TABLE "schema_migration" ("version" INTEGER NOT NULL PRIMARY KEY, '
        '"name" TEXT NOT NULL, "applied_at" TEXT NOT NULL)'
    )
    for migration in MIGRATIONS[:4]:
        for statement in migration.statements():
            conn.execute(statement.rstrip(";"))
        conn.execute(
            "INSERT INTO schema_migration VALUES (?, ?, '2026-01-01')",
            (migration.version, migration.name),
        )
    conn.execute("PRAGMA user_version = 4")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executemany(
        "INSERT INTO staff_user (username, display_name, role, password_hash, active, "
        "created_at) VALUES (?, ?, 'clerk', ?, 1, '2026-01-02T00:00:00.000000+00:00')",
        [("li.na", "李娜", hash_password(PASSWORD)), ("wang", "王芳", None)],
    )
    locked = (NOW + timedelta(seconds=60)).isoformat()
    conn.executemany(
        "INSERT INTO office_setting VALUES (?, ?)",
        [
            ("district", "370102"),
            ("staff.failures.li.na", json.dumps({"count": 6, "locked_until": locked})),
            ("staff.failures.gone", json.dumps({"count": 2, "locked_until": None})),
        ],
    )
    conn.commit()
    conn.close()


def test_the_migration_moves_failure_counters_into_the_staff_columns(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _register_at_version_4(path)
    open_register(path)
    try:
        rows = {r.username: r for r in StaffUser.select()}
        assert (rows["li.na"].failed_attempts, rows["li.na"].locked_until) == (
            6,
            NOW + timedelta(seconds=60),
        )
        assert (rows["wang"].failed_attempts, rows["wang"].locked_until) == (0, None)
        assert {r.origin for r in rows.values()} == {"local"}
        assert rows["li.na"].updated_at == rows["li.na"].created_at
        keys = [r.key for r in OfficeSetting.select()]
        assert keys == ["district"]
        with pytest.raises(AccountLocked):  # the lock carried over
            authenticate("li.na", "whatever-1", NOW)
    finally:
        close_register()
