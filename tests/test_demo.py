"""The demo district: deterministic, valid and realistic."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from models.db import close_register
from models.demo import vocabulary
from models.demo.generator import DemoParams, generate
from models.errors import InvalidRequest
from models.home import OfficeHome, setting
from models.idnumber import parse_id_number
from models.money import apply_rate, clamp_base
from models.schema import db
from tests.conftest import DEMO_PERSONS
from tests.demo_fingerprint import fingerprint
from tests.pinned_clock import AS_OF

pytestmark = pytest.mark.dates  # run again at the edges of months and years


def test_the_same_seed_gives_the_same_district_and_another_seed_another(tmp_path: Path) -> None:
    first = fingerprint(tmp_path / "a", 11)
    assert fingerprint(tmp_path / "b", 11) == first
    assert fingerprint(tmp_path / "c", 12) != first


def test_every_id_number_is_valid_and_matches_birth_date_and_gender(demo) -> None:
    rows = db.execute_sql("SELECT ssn, birth_date, gender FROM person").fetchall()
    assert len(rows) == DEMO_PERSONS
    for ssn, birth, gender in rows:
        parsed = parse_id_number(ssn, today=AS_OF)
        assert parsed.birth_date.isoformat() == birth
        assert parsed.gender == gender


def test_ids_are_mostly_of_the_district_and_all_of_shandong(demo) -> None:
    regions = Counter(r[0] for r in db.execute_sql("SELECT region_code FROM person"))
    assert regions["370102"] / DEMO_PERSONS > 0.5
    assert all(code.startswith("37") for code in regions)


def test_names_follow_surname_frequencies(demo) -> None:
    names = [r[0] for r in db.execute_sql("SELECT name FROM person")]
    top = Counter(n[0] for n in names).most_common(4)
    assert {s for s, _ in top} <= {"王", "张", "李", "刘", "陈"}
    assert all(2 <= len(n) <= 4 for n in names)


def test_contribution_parts_follow_the_rates_and_bases_stay_within_bounds(demo) -> None:
    rows = db.execute_sql(
        "SELECT period, insurance, base_fen, employer_fen, personal_fen FROM contribution "
        "WHERE insurance IN (1, 2, 3)"
    ).fetchall()
    assert rows
    for period, insurance, base, employer, personal in rows:
        employer_bp, personal_bp = vocabulary.RATES_BP[insurance]
        assert employer == apply_rate(base, employer_bp)
        assert personal == apply_rate(base, personal_bp)
        average = vocabulary.average_wage(period // 100)
        assert clamp_base(0, average) <= base <= clamp_base(10**12, average)


def test_there_are_arrears_back_payments_retirees_and_every_card_state(demo) -> None:
    statuses = dict(db.execute_sql("SELECT status, count(*) FROM contribution GROUP BY 1"))
    assert set(statuses) == {1, 2, 3}
    assert statuses[2] < statuses[1] / 20
    people = dict(db.execute_sql("SELECT status, count(*) FROM person GROUP BY 1"))
    assert 0.15 < people["retired"] / DEMO_PERSONS < 0.45
    cards = dict(db.execute_sql("SELECT status, count(*) FROM card GROUP BY 1"))
    assert {"active", "lost", "replaced"} <= set(cards)
    generations = {r[0] for r in db.execute_sql("SELECT DISTINCT generation FROM card")}
    assert generations == {1, 2, 3}


def test_arrears_have_no_posted_date_and_paid_months_do(demo) -> None:
    bad = db.execute_sql(
        "SELECT count(*) FROM contribution WHERE (status = 2) != (posted_date IS NULL)"
    ).fetchone()[0]
    assert bad == 0


def test_account_entries_have_ids_of_their_own_across_accounts_and_chunks(tmp_path: Path) -> None:
    office = OfficeHome(tmp_path)
    office.create("370102", "x")
    generate(DemoParams(60, 3, "370102", AS_OF, chunk=25))  # three chunks
    try:
        count, distinct, low, high = db.execute_sql(
            "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM account_entry"
        ).fetchone()
    finally:
        close_register()
    assert count == distinct == high and low == 1


def test_account_entries_chain_their_balances_and_never_go_negative(demo) -> None:
    rows = db.execute_sql(
        "SELECT a.id, a.kind, a.balance_fen, e.amount_fen, e.balance_after_fen, e.kind, "
        "e.counterparty FROM account a JOIN account_entry e ON e.account_id = a.id "
        "ORDER BY a.id, e.posted_date, e.id"
    ).fetchall()
    balance: dict[int, int] = {}
    final: dict[int, int] = {}
    for account_id, _kind, account_balance, amount, after, entry_kind, counterparty in rows:
        before = balance.get(account_id, 0)
        assert before + amount == after
        assert after >= 0
        if entry_kind == 3:
            assert amount < 0 and counterparty in vocabulary.HOSPITALS + vocabulary.PHARMACIES
        balance[account_id] = after
        final[account_id] = account_balance
    assert balance == final


def test_pension_accounts_hold_the_paid_personal_pension_parts_plus_interest(demo) -> None:
    rows = db.execute_sql(
        "SELECT a.person_id, SUM(CASE e.kind WHEN 1 THEN e.amount_fen END) FROM account a "
        "JOIN account_entry e ON e.account_id = a.id WHERE a.kind = 'pension' GROUP BY 1"
    ).fetchall()
    assert len(rows) > DEMO_PERSONS / 2
    for person_id, credited in rows:
        paid = db.execute_sql(
            "SELECT (SELECT COALESCE(SUM(personal_fen), 0) FROM contribution_year "
            "        WHERE person_id = ?1 AND insurance = 1) + "
            "(SELECT COALESCE(SUM(personal_fen), 0) FROM contribution "
            " WHERE person_id = ?1 AND insurance = 1 AND status != 2)",
            (person_id,),
        ).fetchone()[0]
        assert credited == paid


def test_the_staff_roster_has_every_role(demo) -> None:
    roles = Counter(r[0] for r in db.execute_sql("SELECT role FROM staff_user"))
    assert roles["admin"] == 1 and roles["supervisor"] >= 1 and roles["clerk"] >= 4


def test_samples_name_real_cards(demo) -> None:
    samples = json.loads(setting("demo_samples"))
    assert {s["label"] for s in samples} == {"contributor", "arrears", "retiree", "lost card"}
    for sample in samples:
        assert db.execute_sql(
            "SELECT 1 FROM card WHERE card_no = ?", (sample["card_no"],)
        ).fetchone()


def test_a_register_that_holds_people_is_refused(demo) -> None:
    with pytest.raises(InvalidRequest, match="only an empty register"):
        generate(DemoParams(10, 1, "370102", date(2026, 11, 1)))
