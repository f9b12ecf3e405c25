"""The counter's logged lookup."""

from __future__ import annotations

import pytest

from models.actor import Actor
from models.enums import Role
from models.errors import NotFound
from models.lookup import KeyKind, open_overview, search_people
from models.schema import AuditEvent
from tests.factories import add_card, add_person

CLERK = Actor("clerk01", Role.CLERK)


def test_a_lookup_logs_who_read_whom(home) -> None:
    person = add_person()
    add_card(person)
    overview = open_overview(KeyKind.CARD, "A12345678", CLERK)
    assert overview.person.id == person.id
    event = AuditEvent.get()
    assert (event.actor, event.action, event.person_id) == ("clerk01", "person.read", person.id)


def test_a_revealed_lookup_logs_the_reveal_too(home) -> None:
    person = add_person()
    open_overview(KeyKind.ID_NUMBER, person.ssn, CLERK, reveal=True)
    assert [e.action for e in AuditEvent.select().order_by(AuditEvent.id)] == [
        "person.read",
        "person.reveal_id",
    ]


def test_a_lookup_that_finds_nobody_logs_nothing_and_says_so(home) -> None:
    with pytest.raises(NotFound, match="no person with this ID number"):
        open_overview(KeyKind.ID_NUMBER, "11010519491231002X", CLERK)
    assert AuditEvent.select().count() == 0


def test_a_name_search_is_logged_once_with_its_result_count(home) -> None:
    add_person("王芳", sequence=2)
    add_person("王芳菲", sequence=4)
    matches = search_people("王芳", CLERK)
    assert len(matches.people) == 2 and not matches.truncated
    event = AuditEvent.get()
    assert event.action == "person.search" and '"results": 2' in event.detail


def test_a_name_search_cut_at_its_limit_says_how_many_match_in_all(home) -> None:
    for i in range(7):
        add_person("王" + "一二三四五六七"[i], sequence=2 * i)
    add_person("李王", sequence=30)
    matches = search_people("王", CLERK, limit=3)
    assert len(matches.people) == 3
    assert (matches.truncated, matches.total, matches.total_capped) == (True, 8, False)
    assert '"total": 8' in AuditEvent.get().detail
    capped = search_people("王", CLERK, limit=3, cap=5)
    assert (capped.truncated, capped.total, capped.total_capped) == (True, 5, True)


def test_a_name_search_that_lists_everyone_is_not_cut(home) -> None:
    for i in range(3):
        add_person("王" + "一二三"[i], sequence=2 * i)
    matches = search_people("王", CLERK, limit=3)
    assert (len(matches.people), matches.truncated, matches.total) == (3, False, 3)
