"""Staff accounts between headquarters and offices (SQLite and PostgreSQL at headquarters): made
or switched off at headquarters, they reach the offices of their district at the next sync and
sign in there offline; changes made at an office go to headquarters as commands and from there
to the other offices."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from hq import staff, store
from hq.api import create_app
from hq.offices import enrol_office
from models.actor import Actor
from models.db import close_register
from models.demo.people import DEMO_STAFF_PASSWORD
from models.enums import Role
from models.home import OfficeHome
from models.permissions import PermissionDenied
from models.schema import Outbox, StaffUser
from models.staff import (
    AccountDisabled,
    BadCredentials,
    add_staff,
    authenticate,
    disable_staff,
    hash_password,
    list_staff,
    set_password,
)
from sync.client import HqClient
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import enrol

SUPERVISOR = Actor("supervisor01", Role.SUPERVISOR)
PASSWORD = "fresh-start-26"


@dataclass
class Office:
    """An office register of district 370102 enrolled with the demo headquarters."""

    home: OfficeHome
    token: str

    def open(self) -> None:
        """Make this office's register the open one."""
        close_register()
        self.home.open()


@dataclass
class City:
    """Headquarters over the demo city and two offices of district 370102."""

    url: str
    stack: ExitStack
    first: Office
    second: Office

    def sync(self, office: Office) -> SyncReport:
        """Open `office` and run one complete sync."""
        office.open()
        http = self.stack.enter_context(TestClient(create_app(self.url)))
        report = SyncEngine(HqClient(http, office.token), bootstrap_limit=40).run_once()
        assert report.completed, report.error
        assert report.check is not None and report.check.outcome == "ok", report.check
        return report


@pytest.fixture
def city(hq_demo_url: str, tmp_path: Path) -> Iterator[City]:
    store.connect(hq_demo_url)
    offices = []
    for name in ("lixia", "lixia-east"):
        token = enrol_office(name, ["370102"], name)
        home = OfficeHome(tmp_path / name)
        home.create("370102", name)
        offices.append(Office(home, token))
        close_register()
    with ExitStack() as stack:
        world = City(hq_demo_url, stack, *offices)
        for office in offices:
            office.open()
            enrol(office.home, HqClient(stack.enter_context(TestClient(create_app(world.url))),
                                        office.token), world.url, SUPERVISOR)  # fmt: skip
            world.sync(office)
        yield world
    close_register()


def test_an_account_made_at_headquarters_signs_in_at_the_office_offline(city: City) -> None:
    staff.add_account("wang.fang", "王芳", "clerk", hash_password(PASSWORD), ["370102"])
    city.sync(city.first)
    store.close()  # headquarters out of reach: sign-in needs only the register
    assert authenticate("wang.fang", PASSWORD) == Actor("wang.fang", Role.CLERK)
    assert authenticate("clerk01", DEMO_STAFF_PASSWORD).name == "clerk01"
    row = StaffUser.get(StaffUser.username == "wang.fang")
    assert (row.origin, row.display_name) == ("hq", "王芳")


def test_an_account_of_another_district_is_not_sent_to_the_office(city: City) -> None:
    staff.add_account("zhao.lei", "赵磊", "clerk", hash_password(PASSWORD), ["370103"])
    city.sync(city.first)
    assert not StaffUser.select().where(StaffUser.username == "zhao.lei").exists()
    with pytest.raises(BadCredentials):
        authenticate("zhao.lei", PASSWORD)


def test_an_account_disabled_at_headquarters_cannot_sign_in_after_the_next_sync(
    city: City,
) -> None:
    city.first.open()
    assert authenticate("clerk05", DEMO_STAFF_PASSWORD).name == "clerk05"
    staff.set_active("clerk05", False)
    city.sync(city.first)
    with pytest.raises(AccountDisabled):
        authenticate("clerk05", DEMO_STAFF_PASSWORD)


def test_a_password_changed_at_an_office_reaches_headquarters_and_the_other_office(
    city: City,
) -> None:
    city.first.open()
    set_password("clerk03", PASSWORD, Actor("clerk03", Role.CLERK))
    [queued] = Outbox.select().where(Outbox.command == "staff.password_set")
    assert queued.status == "pending" and PASSWORD not in queued.payload
    report = city.sync(city.first)
    assert report.push.accepted == 1
    stored = store.execute("SELECT password_hash FROM staff_user WHERE username = 'clerk03'")
    assert PasswordHasher().verify(stored.fetchone()[0], PASSWORD)
    city.sync(city.second)
    assert authenticate("clerk03", PASSWORD).name == "clerk03"
    with pytest.raises(BadCredentials):
        authenticate("clerk03", DEMO_STAFF_PASSWORD)


def test_a_clerk_added_by_a_supervisor_is_confirmed_by_headquarters(city: City) -> None:
    city.first.open()
    add_staff("zhou.min", "周敏", "clerk", PASSWORD, SUPERVISOR)
    [pending] = [a for a in list_staff(SUPERVISOR) if a.username == "zhou.min"]
    assert pending.pending == ("staff.add",) and not pending.confirmed
    assert authenticate("zhou.min", PASSWORD).name == "zhou.min"  # at once, here
    city.sync(city.first)
    [confirmed] = [a for a in list_staff(SUPERVISOR) if a.username == "zhou.min"]
    assert confirmed.confirmed and confirmed.origin == "hq"
    account = staff.find("zhou.min")
    assert account is not None and account.districts == ("370102",)
    city.sync(city.second)
    assert authenticate("zhou.min", PASSWORD).name == "zhou.min"


def test_a_supervisor_may_not_create_an_admin_and_nothing_is_queued(city: City) -> None:
    city.first.open()
    with pytest.raises(PermissionDenied, match="may not create an account of role admin"):
        add_staff("new.admin", "新管理员", "admin", PASSWORD, SUPERVISOR)
    with pytest.raises(PermissionDenied):
        disable_staff("admin", SUPERVISOR)
    assert Outbox.select().count() == 0
    assert not StaffUser.select().where(StaffUser.username == "new.admin").exists()


def test_a_clerk_headquarters_refuses_is_switched_off_at_the_office(city: City) -> None:
    staff.add_account("zhao.lei", "赵磊", "clerk", hash_password("their-own-pass"), ["370103"])
    city.first.open()
    add_staff("zhao.lei", "赵雷", "clerk", PASSWORD, SUPERVISOR)  # unknown here: taken elsewhere
    report = city.sync(city.first)
    assert report.push.rejected == 1
    with pytest.raises(AccountDisabled):
        authenticate("zhao.lei", PASSWORD)
    [refused] = [a for a in list_staff(SUPERVISOR) if a.username == "zhao.lei"]
    assert refused.origin == "local" and "taken in the city" in refused.rejected[0]


def test_a_supervisor_s_disable_reaches_the_other_office(city: City) -> None:
    city.first.open()
    disable_staff("clerk06", SUPERVISOR)
    with pytest.raises(AccountDisabled):
        authenticate("clerk06", DEMO_STAFF_PASSWORD)
    city.sync(city.first)
    assert staff.find("clerk06").active is False
    city.sync(city.second)
    with pytest.raises(AccountDisabled):
        authenticate("clerk06", DEMO_STAFF_PASSWORD)


def test_the_command_line_cannot_change_a_password_headquarters_manages(city: City) -> None:
    city.first.open()
    with pytest.raises(PermissionDenied, match="hq staff passwd clerk02"):
        set_password("clerk02", PASSWORD, Actor("cli:someone", Role.ADMIN))
