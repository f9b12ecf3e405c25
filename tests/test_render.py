"""The command line's text and JSON views of an overview."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from desktop.render import mask_phone, overview_json, overview_text, search_json
from models.lookup import NameMatches
from models.overview import person_overview
from models.people import find_by_card, search_by_name
from models.schema import db
from tests.factories import add_card, add_person
from tests.pinned_clock import AS_OF

pytestmark = pytest.mark.dates  # run again at the edges of months and years


def _some_overview():
    card = db.execute_sql("SELECT card_no FROM card WHERE status = 'active' LIMIT 1").fetchone()[0]

    return person_overview(find_by_card(card).person, AS_OF)


def test_phone_numbers_are_masked_in_the_middle() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone(None) is None


def test_overview_json_masks_by_default_and_is_serialisable(demo) -> None:
    ov = _some_overview()
    data = json.loads(json.dumps(overview_json(ov)))
    assert ov.person.ssn not in json.dumps(data)
    assert data["person"]["ssn_masked"] == ov.person.masked_ssn
    assert all(isinstance(m["base_fen"], int) for m in data["months"])
    revealed = overview_json(ov, reveal=True)
    assert revealed["person"]["ssn"] == ov.person.ssn


def test_overview_text_starts_with_the_data_freshness(demo) -> None:
    ov = _some_overview()
    text = overview_text(ov, now=datetime(2026, 11, 28, tzinfo=UTC))
    assert text.startswith("Data as of: never synced with headquarters")
    assert ov.person.ssn not in text
    assert ov.person.masked_ssn in text


def test_search_json_lists_masked_candidates(demo) -> None:
    found = search_by_name("王")
    data = search_json(NameMatches(found, len(found), False), "王")
    assert data["format"] == "counterdesk.search/1"
    assert len(data["results"]) == len(found)
    assert all(r["ssn_masked"].count("*") == 8 for r in data["results"])
    assert (data["truncated"], data["total"]) == (False, len(found))


def test_search_json_says_when_the_list_is_cut_and_how_many_match(demo) -> None:
    found = search_by_name("王", limit=3)
    data = search_json(NameMatches(found, 544, False), "王")
    assert (data["truncated"], data["total"], data["total_capped"]) == (True, 544, False)
    assert len(data["results"]) == 3


def test_an_active_but_expired_card_is_flagged(home) -> None:
    card = add_card(add_person())
    card.expiry_date = datetime(2025, 1, 1).date()
    card.save()
    text = overview_text(person_overview(find_by_card(card.card_no).person, AS_OF))
    assert "EXPIRED: offer a new card" in text
