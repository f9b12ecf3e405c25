"""The staff screen of the "Office" menu on the demo district: a supervisor adds a clerk,
disables an account and resets a password, each confirmed first and shown as waiting for
headquarters until headquarters answers."""

from __future__ import annotations

import json
from collections.abc import Callable

from models.clock import utc_now
from models.schema import Outbox, StaffUser, write_transaction
from models.staff import authenticate
from tests.app.driver import AppDriver

NEW_PASSWORD = "counter-new-26"


def open_staff(make_app: Callable[..., AppDriver], username: str = "supervisor01") -> AppDriver:
    driver = make_app()
    driver.sign_in(username)
    driver.window.open_office_screen("office_staff")
    driver.wait_for_screen("office_staff")
    return driver


def row_of(driver: AppDriver, username: str) -> tuple[str, ...]:
    return next(r for r in driver.screen.table.rows() if r[0] == username)


def test_a_supervisor_adds_a_clerk_who_waits_for_headquarters(make_app) -> None:
    driver = open_staff(make_app)
    screen = driver.screen
    assert row_of(driver, "clerk01")[2:4] == ("clerk", "yes")
    assert screen.role_values == ["clerk", "supervisor"]  # a supervisor makes no admin
    driver.type_into(screen.new_username, "zhou.min")
    driver.type_into(screen.new_name, "周敏")
    driver.type_into(screen.new_password, NEW_PASSWORD)
    driver.type_into(screen.new_again, NEW_PASSWORD)
    screen.add_button.invoke()
    driver.root.update()
    assert "zhou.min" in driver.window.dialogs.current.message.cget("text")
    driver.answer_dialog(yes=True)
    driver.settle()
    assert row_of(driver, "zhou.min") == (
        "zhou.min",
        "周敏",
        "clerk",
        "yes",
        "waiting for headquarters",
    )
    driver.screenshot("staff-added")
    [queued] = Outbox.select().where(Outbox.command == "staff.add")
    assert json.loads(queued.payload)["role"] == "clerk" and NEW_PASSWORD not in queued.payload
    with write_transaction():  # what the next sync does when headquarters accepts it
        Outbox.update(status="accepted", resolved_at=utc_now()).execute()
        StaffUser.update(origin="hq").where(StaffUser.username == "zhou.min").execute()
    driver.press("F5", screen)
    driver.settle()
    assert row_of(driver, "zhou.min")[4] == "confirmed by headquarters"


def test_disabling_and_resetting_ask_first_and_apply_at_once(make_app) -> None:
    driver = open_staff(make_app)
    screen = driver.screen
    screen.select("clerk02")
    screen.disable_button.invoke()
    driver.root.update()
    driver.answer_dialog(yes=False)
    driver.settle()
    assert row_of(driver, "clerk02")[3] == "yes"
    screen.select("clerk02")
    screen.disable_button.invoke()
    driver.root.update()
    driver.answer_dialog(yes=True)
    driver.settle()
    assert row_of(driver, "clerk02")[3] == "no"
    screen.select("clerk03")
    driver.type_into(screen.reset_password, NEW_PASSWORD)
    driver.type_into(screen.reset_again, NEW_PASSWORD)
    screen.reset_button.invoke()
    driver.root.update()
    driver.answer_dialog(yes=True)
    driver.settle()
    assert "New password of clerk03 set." in screen.message.cget("text")
    assert authenticate("clerk03", NEW_PASSWORD).name == "clerk03"


def test_a_weak_password_is_refused_with_the_rule_it_breaks(make_app) -> None:
    driver = open_staff(make_app)
    screen = driver.screen
    driver.type_into(screen.new_username, "short.pw")
    driver.type_into(screen.new_name, "短密码")
    driver.type_into(screen.new_password, "1234")
    driver.type_into(screen.new_again, "1234")
    screen.add_button.invoke()
    driver.root.update()
    driver.answer_dialog(yes=True)
    driver.settle()
    assert "at least 8 characters" in screen.message.cget("text")
    assert not StaffUser.select().where(StaffUser.username == "short.pw").exists()


def test_a_clerk_cannot_open_the_staff_screen(make_app) -> None:
    driver = make_app()
    driver.sign_in("clerk01")
    driver.window.open_office_screen("office_staff")
    driver.settle()
    assert driver.key == "waiting"
