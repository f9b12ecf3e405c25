"""Least privilege: every service checks the actor's role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import statements
from models.actor import Actor
from models.cardops import report_card_lost
from models.credentials import reset_query_password
from models.enums import Role
from models.lookup import KeyKind, open_overview, search_people
from models.permissions import Permission, PermissionDenied, allowed
from models.schema import AuditEvent, Card
from models.visits import record_service_visit
from tests.factories import add_card, add_person

CLERK = Actor("clerk01", Role.CLERK)
SUPERVISOR = Actor("supervisor01", Role.SUPERVISOR)
ADMIN = Actor("admin", Role.ADMIN)
NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("role", "permission", "expected"),
    [
        (Role.CLERK, Permission.LOOKUP, True),
        (Role.CLERK, Permission.STATEMENTS, False),
        (Role.CLERK, Permission.AUDIT, False),
        (Role.SUPERVISOR, Permission.STATEMENTS, True),
        (Role.SUPERVISOR, Permission.SETTINGS, False),
        (Role.ADMIN, Permission.SETTINGS, True),
        (Role.ADMIN, Permission.LOOKUP, False),
    ],
)
def test_roles_grant_what_their_job_needs_and_no_more(role, permission, expected) -> None:
    assert allowed(Actor("x", role), permission) is expected


def test_a_clerk_may_not_print_statements(home) -> None:
    person = add_person()
    with pytest.raises(PermissionDenied, match="clerk01 \\(clerk\\) may not print statements"):
        statements.allocate("rights", person.id, CLERK, "zh", "370102", None, True, NOW)
    assert AuditEvent.select().count() == 0


def test_an_admin_may_not_look_at_personal_data(home) -> None:
    person = add_person()
    add_card(person)
    with pytest.raises(PermissionDenied):
        open_overview(KeyKind.CARD, "A12345678", ADMIN)
    with pytest.raises(PermissionDenied):
        search_people("王", ADMIN)
    with pytest.raises(PermissionDenied):
        report_card_lost("A12345678", ADMIN)
    with pytest.raises(PermissionDenied):
        reset_query_password(person.id, ADMIN)
    with pytest.raises(PermissionDenied):
        record_service_visit(ADMIN, "counter", "lookup", person.id)
    assert Card.get(Card.card_no == "A12345678").status == "active"
    assert AuditEvent.select().count() == 0


def test_a_clerk_may_do_the_counters_work(home) -> None:
    person = add_person()
    add_card(person)
    assert open_overview(KeyKind.CARD, "A12345678", CLERK).person.id == person.id
    report_card_lost("A12345678", CLERK)
    record_service_visit(CLERK, "counter", "card_report_lost", person.id)


def test_the_kiosk_reads_and_prints_but_changes_no_card_and_reads_no_audit_log(home) -> None:
    kiosk = Actor("kiosk:370102", Role.KIOSK)
    person = add_person()
    add_card(person)
    assert open_overview(KeyKind.CARD, "A12345678", kiosk).person.id == person.id
    record_service_visit(kiosk, "kiosk", "lookup", person.id)
    assert allowed(kiosk, Permission.STATEMENTS)
    for permission in (Permission.REPORTS, Permission.AUDIT, Permission.SETTINGS):
        assert not allowed(kiosk, permission)
    with pytest.raises(PermissionDenied):
        report_card_lost("A12345678", kiosk)
    assert Card.get(Card.card_no == "A12345678").status == "active"
