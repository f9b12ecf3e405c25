"""A person's overview, read from the demo district."""

from __future__ import annotations

from datetime import date

import pytest

from models.enums import ContributionStatus, Insurance
from models.overview import month_window, person_overview
from models.people import find_by_card
from models.schema import db
from tests.pinned_clock import AS_OF

pytestmark = pytest.mark.dates  # run again at the edges of months and years


def _holder(condition: str):
    card_no = db.execute_sql(
        "SELECT c.card_no FROM card c JOIN person p ON p.id = c.person_id "
        f"WHERE {condition} ORDER BY p.id LIMIT 1"
    ).fetchone()[0]
    return find_by_card(card_no).person


def _window_of(today: date) -> tuple[int, int]:
    """The 36 months ending with the month before `today`, counted by hand."""
    months = today.year * 12 + today.month - 1  # months since year 0, today's month
    last, first = months - 1, months - 36
    return (first // 12) * 100 + first % 12 + 1, (last // 12) * 100 + last % 12 + 1


def test_window_is_the_36_months_ending_last_month() -> None:
    assert month_window(date(2026, 11, 28)) == (202311, 202610)
    assert month_window(date(2026, 1, 5)) == (202301, 202512)
    assert month_window(date(2028, 2, 29)) == (202502, 202801) == _window_of(date(2028, 2, 29))


def test_contributor_overview_has_36_months_of_four_insurance_types(demo) -> None:
    person = _holder("p.status = 'insured' AND p.birth_date < '1990-01-01'")
    ov = person_overview(person, AS_OF)
    first, last = _window_of(AS_OF)
    assert (ov.window_start, ov.window_end) == (first, last)
    periods = {m.period for m in ov.months}
    assert len(periods) == 36 and min(periods) == first and max(periods) == last
    assert len(ov.months) == 36 * 4
    assert {m.insurance for m in ov.months} == {
        Insurance.PENSION,
        Insurance.MEDICAL,
        Insurance.UNEMPLOYMENT,
        Insurance.WORK_INJURY,
    }
    assert ov.months == tuple(sorted(ov.months, key=lambda m: (-m.period, m.insurance)))


def test_yearly_totals_add_summaries_and_months(demo) -> None:
    person = _holder("p.status = 'insured' AND p.birth_date < '1985-01-01'")
    ov = person_overview(person, AS_OF)
    rows = db.execute_sql(
        "SELECT SUM(personal_fen) FROM contribution_year WHERE person_id = ? AND insurance = 1",
        (person.id,),
    ).fetchone()[0]
    window = sum(
        m.personal_fen
        for m in ov.months
        if m.insurance == Insurance.PENSION and m.status != ContributionStatus.ARREARS
    )
    pension_years = [y for y in ov.years if y.insurance == Insurance.PENSION]
    assert sum(y.personal_fen for y in pension_years) == rows + window
    assert ov.totals[Insurance.PENSION] == sum(y.months_paid for y in pension_years)


def test_accounts_show_balances_equal_to_their_latest_entry(demo) -> None:
    person = _holder("p.status = 'retired'")
    ov = person_overview(person, AS_OF)
    kinds = {a.kind: a for a in ov.accounts}
    assert set(kinds) == {"medical", "pension"}
    for account in ov.accounts:
        assert account.recent_entries[0].balance_after_fen == account.balance_fen


def test_a_person_with_arrears_shows_them(demo) -> None:
    person = _holder(
        "EXISTS (SELECT 1 FROM contribution x WHERE x.person_id = p.id AND x.status = 2)"
    )
    ov = person_overview(person, AS_OF)
    assert ov.arrears
    assert all(m.posted_date is None for m in ov.arrears)


def test_overview_tells_that_the_data_was_never_synced(demo) -> None:
    ov = person_overview(_holder("1"), AS_OF)
    assert ov.freshness.never_synced
    assert ov.freshness.demo_generated_at is not None


def test_cards_list_the_active_card_first_and_name_the_replacement(demo) -> None:
    person = _holder("c.status = 'replaced'")
    ov = person_overview(person, AS_OF)
    assert ov.cards[0].status != "replaced"
    old = next(c for c in ov.cards if c.status == "replaced")
    assert old.replaced_by == ov.cards[0].card_no
