"""Issuing documents from the register: numbered, signed, written whole, recorded."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from models.actor import Actor
from models.enums import Role
from models.errors import InvalidRequest
from models.lookup import KeyKind, find_one
from models.money import format_yuan
from models.schema import OfficeSetting, Outbox, Statement, db
from models.signing import verify
from reports.errors import FontUnavailable
from reports.issue import OutputNotWritable, issue
from tests.conftest import AS_OF
from tests.pdf_helpers import scan_qr

SUPERVISOR = Actor("supervisor01", Role.SUPERVISOR)


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _sample(label: str):
    samples = json.loads(OfficeSetting.get_by_id("demo_samples").value)
    card = next(s for s in samples if s["label"] == label)["card_no"]
    return find_one(KeyKind.CARD, card)


def test_a_rights_record_states_the_register_and_is_signed(demo, tmp_path: Path) -> None:
    person = _sample("contributor")
    out = tmp_path / "rights.pdf"
    doc = issue(demo, SUPERVISOR, "rights", out, person=person, year=2025)
    text = _text(out)
    assert person.name in text and person.ssn in text
    assert doc.number in text and f"共 {doc.pages} 页" in text
    pension = db.execute_sql(
        "SELECT sum(personal_fen) FROM contribution WHERE person_id = ? AND insurance = 1 "
        "AND period BETWEEN 202501 AND 202512 AND status != 2",
        (person.id,),
    ).fetchone()[0]
    summary = db.execute_sql(
        "SELECT coalesce(sum(personal_fen), 0) FROM contribution_year WHERE person_id = ? "
        "AND insurance = 1 AND year = 2025",
        (person.id,),
    ).fetchone()[0]
    assert format_yuan(pension + summary, symbol="") in text
    facts = verify(demo.signing_key(), doc.qr_payload)
    assert facts is not None and facts.number == doc.number and facts.kind == "rights"
    row = Statement.get(Statement.number == doc.number)
    assert (row.sha256, row.pages, row.offline) == (doc.sha256, doc.pages, True)
    assert Outbox.get(Outbox.command == "statement.issued").status == "pending"


def test_a_medical_statement_balances_open_and_close_with_the_entries(demo, tmp_path) -> None:
    person = _sample("retiree")
    out = tmp_path / "medical.pdf"
    issue(
        demo,
        SUPERVISOR,
        "medical",
        out,
        person=person,
        date_from=AS_OF.replace(year=2025),
        date_to=AS_OF,
        lang="en",
    )
    text = _text(out)
    balance = db.execute_sql(
        "SELECT balance_fen FROM account WHERE person_id = ? AND kind = 'medical'", (person.id,)
    ).fetchone()[0]
    assert "Medical Insurance Personal Account Statement" in text
    assert format_yuan(balance, symbol="") in text


def test_a_year_without_contributions_numbers_nothing_and_writes_nothing(demo, tmp_path) -> None:
    out = tmp_path / "empty.pdf"
    with pytest.raises(InvalidRequest, match="nothing to state"):
        issue(demo, SUPERVISOR, "rights", out, person=_sample("contributor"), year=1970)
    assert not out.exists() and Statement.select().count() == 0


def test_an_unwritable_folder_is_refused_before_numbering(demo, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputNotWritable, match="choose another folder"):
        issue(demo, SUPERVISOR, "daily", tmp_path / "file" / "daily.pdf", date_from=AS_OF)
    assert Statement.select().count() == 0


def test_a_missing_font_names_the_package_and_leaves_no_file(demo, tmp_path: Path) -> None:
    with db.atomic():
        OfficeSetting.replace(key="statement_font", value=str(tmp_path / "nofont.ttf")).execute()
    out = tmp_path / "daily.pdf"
    with pytest.raises(FontUnavailable, match="fonts-wqy-microhei"):
        issue(demo, SUPERVISOR, "daily", out, date_from=AS_OF)
    assert list(tmp_path.glob("*daily*")) == []


def test_the_daily_report_counts_the_days_statements(demo, tmp_path: Path) -> None:
    issue(demo, SUPERVISOR, "rights", tmp_path / "r.pdf", person=_sample("contributor"), year=2025)
    out = tmp_path / "daily.pdf"
    issue(demo, SUPERVISOR, "daily", out, date_from=date.today())
    text = _text(out)
    assert "个人权益记录单" in text


def test_the_audit_extract_masks_id_numbers(demo, tmp_path: Path) -> None:
    person = _sample("contributor")
    issue(demo, SUPERVISOR, "rights", tmp_path / "r.pdf", person=person, year=2025)
    out = tmp_path / "audit.pdf"
    today = date.today()
    issue(demo, SUPERVISOR, "audit", out, date_from=today, date_to=today)
    text = _text(out)
    assert person.masked_ssn in text and person.ssn not in text


def test_the_printed_qr_code_scans_to_a_payload_the_office_key_verifies(
    demo, tmp_path: Path
) -> None:
    out = tmp_path / "rights.pdf"
    doc = issue(demo, SUPERVISOR, "rights", out, person=_sample("arrears"), year=2026)
    scanned = scan_qr(out, tmp_path)
    assert scanned == doc.qr_payload
    facts = verify(demo.signing_key(), scanned)
    assert facts is not None and facts.number == doc.number
