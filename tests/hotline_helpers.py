"""Helpers for the hotline desk's tests: agents, a caller with a password, the forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import httpx
from fastapi.testclient import TestClient

from hq import selfquery_store, staff, store
from models.staff import hash_password

AGENT = "hotline01"
AGENT_PASSWORD = "hotline-2026"
CALLER_PASSWORD = "864213"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_agent(username: str = AGENT, password: str = AGENT_PASSWORD) -> None:
    """A hotline agent's account at headquarters (connected)."""
    staff.add_account(username, "热线坐席", staff.HOTLINE_ROLE, hash_password(password), [])


@dataclass(frozen=True)
class Caller:
    """A demo person with a chosen query password: id, ID number, a card, an employer and last
    month's personal contribution in fen (read from the register, not assumed)."""

    id: int
    ssn: str
    card_no: str
    employer: str
    last_month_fen: int


def _month_before(today: date) -> int:
    first = today.replace(day=1) - timedelta(days=1)
    return first.year * 100 + first.month


def a_caller(now: datetime, district: str = "370102", password: bool = True) -> Caller:
    """A person of `district` with an active card, a current employer and a contribution last
    month; with `password`, their query password set to CALLER_PASSWORD (connected)."""
    period = _month_before(now.astimezone().date())
    row = store.execute(
        "SELECT p.id, p.ssn, c.card_no, m.name, "
        "(SELECT sum(personal_fen) FROM contribution k WHERE k.person_id = p.id "
        "AND k.period = ?) FROM person p JOIN card c ON c.person_id = p.id AND c.status = 'active' "
        "JOIN enrolment e ON e.person_id = p.id AND e.end_date IS NULL "
        "JOIN employer m ON m.id = e.employer_id "
        "WHERE p.district = ? AND EXISTS (SELECT 1 FROM contribution k WHERE k.person_id = p.id "
        "AND k.period = ?) ORDER BY p.id LIMIT 1",
        (period, district, period),
    ).fetchone()
    assert row is not None, f"the demo has no caller with a contribution in {period}"
    if password:
        selfquery_store.change_password(row[0], CALLER_PASSWORD, now)
    return Caller(row[0], row[1], row[2], row[3], int(row[4]))


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token in a page's form."""
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, str], token: str | None = None):
    """Post a console form with the session's token (read from the console's home)."""
    if token is None:
        token = csrf_of(client.get("/hotline/"))
    return client.post(f"/hotline{path}", data={**data, "csrf": token}, follow_redirects=False)


def sign_in(client: TestClient, username: str = AGENT, password: str = AGENT_PASSWORD):
    """Sign an agent in (redirects not followed)."""
    return post(client, "/signin", {"username": username, "password": password})


def find(client: TestClient, number: str, purpose: str = "card"):
    """Look a caller up (redirects not followed)."""
    return post(client, "/find", {"number": number, "purpose": purpose})
