"""Signing in at the counter, the account lock, and the inactivity lock."""

from __future__ import annotations

from collections.abc import Callable

from desktop.core.i18n import _
from models.demo.people import DEMO_STAFF_PASSWORD
from models.home import OfficeHome
from models.schema import AuditEvent, StaffUser
from models.staff import MAX_FAILURES
from tests.app.driver import AppDriver, FakeClock


def _try(app: AppDriver, password: str) -> str:
    screen = app.screen
    app.type_into(screen.username, "clerk02")
    app.type_into(screen.password, password)
    app.press("Return", screen.password)
    app.settle()
    return screen.message.cget("text")


def test_a_wrong_password_is_refused_with_the_tries_left(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    assert app.screen.hint is not None
    assert DEMO_STAFF_PASSWORD in app.screen.hint.cget("text")
    app.screenshot("login")
    message = _try(app, "not-the-password")
    assert app.key == "login"
    assert message == "Wrong username or password: 4 tries left before the account locks."
    assert app.screen.password.get() == ""
    app.screenshot("login-wrong-password")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    for _attempt in range(MAX_FAILURES):
        message = _try(app, "wrong-password")
    assert message.startswith("Too many wrong passwords: try again in ")
    assert _try(app, DEMO_STAFF_PASSWORD).startswith("Too many wrong passwords")
    assert app.key == "login"
    failures = AuditEvent.select().where(AuditEvent.action == "staff.sign_in_failed").count()
    assert failures == MAX_FAILURES


def test_inactivity_locks_the_session_and_only_the_same_password_unlocks(
    make_app: Callable[..., AppDriver], demo_ssn: str
) -> None:
    clock = FakeClock()
    app = make_app(clock=clock, idle_lock_seconds=600, tick_ms=20)
    app.sign_in("clerk01")
    app.open_by_id(demo_ssn)
    clock.advance(599)
    app.settle()
    assert app.key == "customer"
    clock.advance(2)
    lock = app.wait_for_screen("lock")
    assert "clerk01" in lock.who.cget("text")
    assert app.window.statusbar.clerk.cget("text").endswith(_("locked"))
    app.screenshot("lock")
    app.type_into(lock.password, "wrong-password")
    app.press("Return", lock.password)
    app.settle()
    assert app.key == "lock"
    assert "tries left" in lock.message.cget("text")
    app.type_into(lock.password, DEMO_STAFF_PASSWORD)
    app.press("Return", lock.password)
    customer = app.wait_for_screen("customer")
    assert customer.visit is not None and customer.visit.overview.person.ssn == demo_ssn


def test_the_lock_key_locks_at_once(make_app: Callable[..., AppDriver]) -> None:
    app = make_app()
    app.sign_in()
    app.screen.event_generate("<Control-l>")
    app.wait_for_screen("lock")
    app.screen.sign_out_button.invoke()
    app.wait_for_screen("login")
    assert app.window.session.member is None


def test_an_administrator_lands_on_the_settings_not_on_the_customer_search(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app()
    screen = app.screen
    app.type_into(screen.username, "admin")
    app.type_into(screen.password, DEMO_STAFF_PASSWORD)
    app.press("Return", screen.password)
    app.wait_for_screen("office_settings")


def test_a_register_without_an_administrator_says_how_to_create_one(
    make_app: Callable[..., AppDriver], demo: OfficeHome
) -> None:
    demo.open()
    StaffUser.update(active=False).where(StaffUser.role == "admin").execute()
    app = make_app()
    assert "counterdesk init" in app.screen.no_admin.cget("text")
    app.screenshot("login-no-admin")
