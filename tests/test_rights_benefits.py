"""The rights record's third part: a retiree's year states their benefits and is never refused
for lack of contributions; a contributor's record is as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from models import benefits
from models.people import find_by_ssn
from models.schema import db
from reports.errors import NothingToState
from reports.issue import issue
from tests.factories import add_person
from tests.pinned_clock import AS_OF
from tests.test_issue import FULL_YEAR, SUPERVISOR, _sample

pytestmark = pytest.mark.dates  # run again at the edges of months and years


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _retiree_without_contributions(year: int):
    """A demo retiree with pension payments but no contribution at all in `year`."""
    row = db.execute_sql(
        "SELECT p.ssn FROM person p WHERE p.status = 'retired' "
        "AND EXISTS (SELECT 1 FROM card c WHERE c.person_id = p.id AND c.status = 'active') "
        "AND (SELECT count(*) FROM benefit_payment b WHERE b.person_id = p.id "
        "     AND b.period / 100 = ?) = 12 "
        "AND NOT EXISTS (SELECT 1 FROM contribution c WHERE c.person_id = p.id "
        "     AND c.period / 100 = ?) "
        "AND NOT EXISTS (SELECT 1 FROM contribution_year y WHERE y.person_id = p.id "
        "     AND y.year = ?) ORDER BY p.id LIMIT 1",
        (year, year, year),
    ).fetchone()
    assert row is not None
    return find_by_ssn(row[0])


def test_a_retirees_year_without_contributions_states_the_pension_months(
    demo, tmp_path: Path
) -> None:
    person = _retiree_without_contributions(FULL_YEAR)
    held = benefits.read_benefits(person.id).in_year(FULL_YEAR)
    out = tmp_path / "rights.pdf"
    issue(demo, SUPERVISOR, "rights", out, person=person, year=FULL_YEAR, lang="zh")
    text = _text(out)
    assert f"{FULL_YEAR} 年度待遇享受情况" in text
    assert f"{held.retired_since.isoformat()} 起退休" in text and "无需缴费" in text
    assert "基本养老金" in text
    for p in held.pension:
        assert f"{p.period // 100}-{p.period % 100:02d}" in text
        assert p.account_masked in text
    total = sum(p.amount_fen for p in held.pension)
    assert f"{total // 100:,}.{total % 100:02d}" in text
    assert "养老金领取资格认证" in text
    pooled = sum(a.amount_fen for a in held.pooled_allocations)
    if pooled:
        assert f"{pooled // 100:,}.{pooled % 100:02d}" in text


def test_the_english_record_states_the_same_benefits(demo, tmp_path: Path) -> None:
    person = _retiree_without_contributions(FULL_YEAR)
    out = tmp_path / "rights-en.pdf"
    issue(demo, SUPERVISOR, "rights", out, person=person, year=FULL_YEAR, lang="en")
    text = _text(out)
    assert f"Benefits in {FULL_YEAR}" in text and "no contributions are due" in text
    assert "Pension eligibility check" in text and "Payment account" in text


def test_a_retiree_is_never_refused_even_for_a_year_with_no_benefit_held(
    demo, tmp_path: Path
) -> None:
    year = AS_OF.year - 5  # before the register's window: nothing but the retirement
    row = db.execute_sql(
        "SELECT p.ssn FROM person p JOIN enrolment e ON e.person_id = p.id AND e.insurance = 1 "
        "WHERE p.status = 'retired' AND e.end_date < ? ORDER BY p.id LIMIT 1",
        (f"{year - 1}-01-01",),
    ).fetchone()
    person = find_by_ssn(row[0])
    out = tmp_path / "old.pdf"
    issue(demo, SUPERVISOR, "rights", out, person=person, year=year, lang="zh")
    text = _text(out)
    assert "本年度本中心未存有待遇发放记录" in text and "起退休" in text


def test_a_contributors_record_has_no_benefits_part(demo, tmp_path: Path) -> None:
    out = tmp_path / "contributor.pdf"
    issue(demo, SUPERVISOR, "rights", out, person=_sample("contributor"), year=FULL_YEAR)
    assert "待遇享受情况" not in _text(out)


def test_a_person_with_neither_contributions_nor_benefits_is_still_refused(
    home, tmp_path: Path
) -> None:
    person = find_by_ssn(add_person().ssn)
    out = tmp_path / "x.pdf"
    with pytest.raises(NothingToState, match="no contributions and no benefits"):
        issue(home, SUPERVISOR, "rights", out, person=person, year=FULL_YEAR)
    assert not out.exists()


def test_an_unemployed_persons_year_states_the_benefit_months(demo, tmp_path: Path) -> None:
    row = db.execute_sql(
        "SELECT p.ssn, b.period / 100, count(*) FROM person p JOIN benefit_payment b "
        "ON b.person_id = p.id AND b.kind = 2 GROUP BY p.id, b.period / 100 "
        "ORDER BY p.id LIMIT 1"
    ).fetchone()
    assert row is not None
    ssn, year, months = row
    out = tmp_path / "unemployed.pdf"
    issue(demo, SUPERVISOR, "rights", out, person=find_by_ssn(ssn), year=year, lang="zh")
    text = _text(out)
    assert f"{year} 年度待遇享受情况" in text
    assert text.count("失业保险金") == months
    assert "起退休" not in text and "养老金领取资格认证" not in text
