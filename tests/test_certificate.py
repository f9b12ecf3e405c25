"""The contribution certificate (参保缴费证明), a document kind added through the kind registry."""

from __future__ import annotations

from datetime import date

import pytest

from models.money import format_yuan
from models.overview import month_window
from models.schema import Statement, db
from models.signing import verify
from reports.errors import NothingToState
from reports.issue import issue
from tests.pdf_helpers import scan_qr
from tests.pinned_clock import AS_OF
from tests.test_issue import SUPERVISOR, _sample, _text

pytestmark = pytest.mark.dates  # run again at the edges of months and years


def _months(first: int, last: int) -> list[str]:
    out, year, month = [], divmod(first, 100)[0], first % 100
    while year * 100 + month <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def test_a_certificate_states_every_month_of_the_period_and_its_totals(demo, tmp_path) -> None:
    person = _sample("arrears")
    _start, end = month_window(AS_OF)
    first = date(end // 100 - 1, end % 100, 1)  # the 13 months ending last month
    out = tmp_path / "certificate.pdf"
    doc = issue(demo, SUPERVISOR, "certificate", out, person=person, date_from=first, date_to=AS_OF)
    text = _text(out)
    assert "参保缴费证明" in text and person.name in text and "兹证明" in text
    for month in _months(first.year * 100 + first.month, end):
        assert month in text
    personal = db.execute_sql(
        "SELECT sum(personal_fen) FROM contribution WHERE person_id = ? AND period BETWEEN ? "
        "AND ? AND status != 2",
        (person.id, first.year * 100 + first.month, end),
    ).fetchone()[0]
    assert format_yuan(personal, symbol="") in text
    assert "欠缴" in text  # the sample's arrears are marked
    facts = verify(demo.signing_key(), scan_qr(out, tmp_path))
    assert facts is not None and facts.number == doc.number and facts.kind == "certificate"
    assert Statement.get(Statement.number == doc.number).kind == "certificate"


def test_a_period_before_the_months_held_here_says_so_and_states_the_months_held(
    demo, tmp_path
) -> None:
    person = _sample("contributor")
    start, _end = month_window(AS_OF)
    out = tmp_path / "long.pdf"
    issue(
        demo, SUPERVISOR, "certificate", out, person=person, date_from=date(2010, 1, 1),
        date_to=AS_OF, lang="en",
    )  # fmt: skip
    text = " ".join(_text(out).split())
    assert "held only as yearly totals" in text
    assert f"contributions from {start // 100:04d}-{start % 100:02d}" in text


def test_a_period_without_contributions_is_refused_and_numbers_nothing(demo, tmp_path) -> None:
    out = tmp_path / "none.pdf"
    with pytest.raises(NothingToState):
        issue(
            demo, SUPERVISOR, "certificate", out, person=_sample("contributor"),
            date_from=date(1980, 1, 1), date_to=date(1980, 12, 31),
        )  # fmt: skip
    assert not out.exists() and Statement.select().count() == 0
