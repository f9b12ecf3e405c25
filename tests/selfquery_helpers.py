"""Helpers for the online self-query tests: a movable clock, a person to sign in as, forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from fastapi.testclient import TestClient

from hq import store
from models.clock import utc_now

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NEW_PASSWORD = "864213"


class MovableClock:
    """Headquarters' clock for a test: stands still until moved."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Move the clock on."""
        self.now += delta


@dataclass(frozen=True)
class Holder:
    """A demo person with arrears and a medical account: id, ID number, birth date YYYYMMDD."""

    id: int
    ssn: str
    birth: str


def a_holder_with_arrears() -> Holder:
    """A demo person of 370102 with months in arrears and medical entries (connected)."""
    row = store.execute(
        "SELECT p.id, p.ssn, p.birth_date FROM person p WHERE p.district = '370102' "
        "AND EXISTS (SELECT 1 FROM contribution c WHERE c.person_id = p.id AND c.status = 2) "
        "AND EXISTS (SELECT 1 FROM account a JOIN account_entry e ON e.account_id = a.id "
        "WHERE a.person_id = p.id AND a.kind = 'medical') ORDER BY p.id LIMIT 1"
    ).fetchone()
    assert row is not None, "the demo city has nobody with arrears and medical entries"
    return Holder(row[0], row[1], str(row[2]).replace("-", ""))


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token in a page's form."""
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(client: TestClient, ssn: str, password: str) -> httpx.Response:
    """Open the sign-in form and post it (redirects not followed)."""
    token = csrf_of(client.get("/selfquery/"))
    return client.post(
        "/selfquery/signin",
        data={"idno": ssn, "password": password, "csrf": token},
        follow_redirects=False,
    )


def choose_password(client: TestClient, new: str, again: str | None = None) -> httpx.Response:
    """Post the new-password form (redirects not followed)."""
    token = csrf_of(client.get("/selfquery/password"))
    return client.post(
        "/selfquery/password",
        data={"new": new, "again": new if again is None else again, "csrf": token},
        follow_redirects=False,
    )


def download_record(client: TestClient, year: int) -> httpx.Response:
    """Post the record page's download form for `year` (signed in)."""
    token = csrf_of(client.get("/selfquery/record"))
    return client.post(
        "/selfquery/statement",
        data={"year": str(year), "csrf": token},
        follow_redirects=False,
    )


def a_year_with_contributions(person_id: int, today_year: int) -> int:
    """The newest year up to last year in which the person has contributions (connected)."""
    row = store.execute(
        "SELECT max(period) FROM contribution WHERE person_id = ? AND period < ?",
        (person_id, today_year * 100 + 1),
    ).fetchone()
    assert row and row[0], "the holder has no contributions before this year"
    return int(row[0]) // 100


def a_newcomer(oldest: int) -> Holder:
    """A holder of 370102 whose first contribution is after `oldest` (nothing before)."""
    row = store.execute(
        "SELECT p.id, p.ssn, p.birth_date FROM person p JOIN contribution c ON c.person_id = p.id "
        "WHERE p.district = '370102' AND NOT EXISTS (SELECT 1 FROM contribution_year y "
        "WHERE y.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM benefit_payment b "
        "WHERE b.person_id = p.id) GROUP BY p.id, p.ssn, p.birth_date "
        "HAVING min(c.period) > ? ORDER BY p.id LIMIT 1",
        (oldest * 100 + 12,),
    ).fetchone()
    assert row is not None, f"the demo city has nobody who started after {oldest}"
    return Holder(row[0], row[1], str(row[2]).replace("-", ""))
