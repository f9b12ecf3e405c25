"""Recording service visits."""

from __future__ import annotations

import json

import pytest

from models.actor import Actor
from models.enums import Role
from models.schema import Outbox, ServiceVisit, StaffUser
from models.visits import record_service_visit
from tests.factories import add_person

CLERK = Actor("clerk01", Role.CLERK)


def test_a_visit_is_stored_with_its_clerk_and_queued(home) -> None:
    staff = StaffUser.create(username="clerk01", display_name="李娜", role="clerk")
    person = add_person()
    visit_id = record_service_visit(CLERK, "counter", "lookup", person.id, "A12345678")
    visit = ServiceVisit.get_by_id(visit_id)
    assert (visit.person_id, visit.staff_id, visit.purpose) == (person.id, staff.id, "lookup")
    payload = json.loads(Outbox.get(Outbox.command == "visit.record").payload)
    assert payload["ssn"] == person.ssn and payload["channel"] == "counter"


def test_a_kiosk_visit_of_an_unknown_card_holder_is_recorded_without_a_person(home) -> None:
    visit_id = record_service_visit(Actor("kiosk", Role.CLERK), "kiosk", "lookup", None, "X1")
    assert ServiceVisit.get_by_id(visit_id).person_id is None


@pytest.mark.parametrize(("channel", "purpose"), [("phone", "lookup"), ("counter", "  ")])
def test_a_visit_needs_a_known_channel_and_a_purpose(home, channel: str, purpose: str) -> None:
    with pytest.raises(ValueError):
        record_service_visit(CLERK, channel, purpose)
    assert ServiceVisit.select().count() == 0
