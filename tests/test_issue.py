"""Issuing documents from the register: numbered, signed, written whole, recorded."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import benefits
from models.actor import Actor
from models.clock import local_today, utc_now, year_ago
from models.enums import CONTRIBUTION_STATUS_CODES, ContributionStatus, Insurance, Role
from models.errors import InvalidRequest
from models.lookup import KeyKind, find_one
from models.money import format_yuan
from models.overview import MonthView, person_overview
from models.people import PersonSummary
from models.schema import OfficeSetting, Outbox, Statement, db
from models.signing import verify
from reports import queries
from reports.errors import FontUnavailable, NothingToState, PeriodBackwards
from reports.issue import OutputNotWritable, document_header, issue
from reports.model import AccountRow, MonthRow, YearRow
from tests.pdf_helpers import scan_qr
from tests.pinned_clock import AS_OF

FULL_YEAR = AS_OF.year - 1  # the latest year wholly inside the 36 months

pytestmark = pytest.mark.dates  # run again at the edges of months and years

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
    doc = issue(demo, SUPERVISOR, "rights", out, person=person, year=FULL_YEAR)
    text = _text(out)
    assert person.name in text and person.ssn in text
    assert doc.number in text and f"共 {doc.pages} 页" in text
    pension = db.execute_sql(
        "SELECT sum(personal_fen) FROM contribution WHERE person_id = ? AND insurance = 1 "
        f"AND period BETWEEN {FULL_YEAR}01 AND {FULL_YEAR}12 AND status != 2",
        (person.id,),
    ).fetchone()[0]
    summary = db.execute_sql(
        "SELECT coalesce(sum(personal_fen), 0) FROM contribution_year WHERE person_id = ? "
        f"AND insurance = 1 AND year = {FULL_YEAR}",
        (person.id,),
    ).fetchone()[0]
    assert format_yuan(pension + summary, symbol="") in text
    facts = verify(demo.signing_key(), doc.qr_payload)
    assert facts is not None and facts.number == doc.number and facts.kind == "rights"
    row = Statement.get(Statement.number == doc.number)
    assert (row.sha256, row.pages, row.offline) == (doc.sha256, doc.pages, True)
    assert Outbox.get(Outbox.command == "statement.issued").status == "pending"


def _yuan(fen: int) -> str:
    return format_yuan(fen, symbol="")


_STATUS_WORDS = {1: "已缴", 2: "欠缴", 3: "补缴"}
_TYPE_NAMES = {1: "养老保险", 2: "医疗保险", 3: "失业保险", 4: "工伤保险", 5: "生育保险"}


def test_every_figure_of_a_contributors_year_agrees_with_the_register(demo, tmp_path: Path) -> None:
    person = _sample("contributor")
    out = tmp_path / "rights.pdf"
    doc = issue(demo, SUPERVISOR, "rights", out, person=person, year=FULL_YEAR)
    lines = _text(out).splitlines()
    assert doc.pages == 1  # an ordinary contributor's year is one page
    months: dict[int, list[tuple]] = {}
    for row in db.execute_sql(
        "SELECT period, insurance, base_fen, employer_fen, personal_fen, status, posted_date "
        "FROM contribution WHERE person_id = ? "
        f"AND period BETWEEN {FULL_YEAR}01 AND {FULL_YEAR}12 "
        "ORDER BY period, insurance",
        (person.id,),
    ):
        months.setdefault(row[0], []).append(row)
    assert len(months) == 12
    for period, rows in months.items():
        assert len({(r[2], r[5], r[6]) for r in rows}) == 1  # one line per month
        _, _, base, _, _, status, posted = rows[0]
        parts = [_yuan(fen) for r in rows for fen in (r[3], r[4])]
        expected = [f"{period // 100}-{period % 100:02d}", _yuan(base), *parts]
        expected += [_STATUS_WORDS[status], posted or ""]
        assert " ".join(expected).strip() in lines, period
    for insurance, name in _TYPE_NAMES.items():
        rows = [r for rs in months.values() for r in rs if r[1] == insurance]
        summary = db.execute_sql(
            "SELECT coalesce(sum(months_paid), 0), coalesce(sum(base_total_fen), 0), "
            "coalesce(sum(employer_fen), 0), coalesce(sum(personal_fen), 0) "
            "FROM contribution_year WHERE person_id = ? AND insurance = ? "
            f"AND year = {FULL_YEAR}",
            (person.id, insurance),
        ).fetchone()
        if not rows and not summary[0]:
            continue
        paid = [r for r in rows if r[5] != 2]
        figures = [
            str(summary[0] + len(paid)),
            str(len(rows) - len(paid)),
            _yuan(summary[1] + sum(r[2] for r in paid)),
            _yuan(summary[2] + sum(r[3] for r in paid)),
            _yuan(summary[3] + sum(r[4] for r in paid)),
        ]
        assert any(line.startswith(" ".join([name, *figures]) + " ") for line in lines), name
    for kind, balance in db.execute_sql(
        "SELECT kind, balance_fen FROM account WHERE person_id = ?", (person.id,)
    ):
        label = {"pension": "养老保险个人账户", "medical": "医疗保险个人账户"}[kind]
        assert any(f"{label} {_yuan(balance)}" in line for line in lines), kind
    for (card_no,) in db.execute_sql("SELECT card_no FROM card WHERE person_id = ?", (person.id,)):
        assert any(line.startswith(f"社会保障卡 {card_no}") for line in lines), card_no


def _from_overview(person: PersonSummary, year: int, today: date) -> dict:
    """What the counter's overview shows of `person`'s year, in the rights record's terms."""
    ov = person_overview(person, today)
    name = {i: i.name.lower() for i in Insurance}

    def month(m: MonthView) -> MonthRow:
        status = CONTRIBUTION_STATUS_CODES[m.status]
        return MonthRow(
            m.period,
            name[m.insurance],
            m.base_fen,
            m.employer_fen,
            m.personal_fen,
            status,
            m.posted_date,
        )

    by_month = sorted(ov.months, key=lambda m: (m.period, m.insurance))
    return {
        "cards": [
            (c.card_no, c.generation, c.status, c.issue_date, c.expiry_date) for c in ov.cards
        ],
        "enrolments": [
            (
                name[e.insurance],
                e.employer_name,
                e.employer_code,
                e.start_date,
                e.end_date,
                e.status,
            )
            for e in ov.enrolments
        ],
        "months": [month(m) for m in by_month if m.period // 100 == year],
        "year_totals": [YearRow(name[y.insurance], *y[2:]) for y in ov.years if y.year == year],
        "months_paid_total": {name[i]: n for i, n in sorted(ov.totals.items())},
        "arrears": [month(m) for m in by_month if m.status == ContributionStatus.ARREARS],
        "accounts": [AccountRow(a.kind, a.balance_fen) for a in ov.accounts],
    }


def test_the_rights_records_query_states_what_the_counters_overview_shows(demo) -> None:
    header = document_header(SUPERVISOR, "rights", "zh", utc_now())
    today = AS_OF + timedelta(days=27)
    compared = 0
    for row in db.execute_sql(
        "SELECT id, ssn, name, gender, birth_date, ethnicity, region_code, phone, address, "
        "status FROM person ORDER BY id"
    ).fetchall():
        person = PersonSummary.from_row(row)
        for year in range(AS_OF.year - 3, AS_OF.year + 1):
            expected = _from_overview(person, year, today)
            if not expected["year_totals"]:
                held = benefits.read_benefits(person.id)
                since = held.retired_since
                retired = held.retired and (since is None or since.year <= year)
                if not retired and not held.in_year(year).payments:
                    with pytest.raises(InvalidRequest):
                        queries.rights_record(header, person, year, today)
                else:  # a retiree, or benefits in the year: stated, never refused
                    doc = queries.rights_record(header, person, year, today)
                    assert doc.benefits is not None and not doc.year_totals
                continue
            doc = queries.rights_record(header, person, year, today)
            got = {key: getattr(doc, key) for key in expected}
            got["cards"] = [
                (c.card_no, c.generation, c.status, c.issue_date, c.expiry_date) for c in doc.cards
            ]
            got["enrolments"] = [
                (e.insurance, e.employer_name, e.employer_code, e.start_date, e.end_date, e.status)
                for e in doc.enrolments
            ]
            assert got == expected, (person.id, year)
            compared += 1
    assert compared > 300


def test_a_medical_statement_balances_open_and_close_with_the_entries(demo, tmp_path) -> None:
    person = _sample("retiree")
    out = tmp_path / "medical.pdf"
    issue(
        demo,
        SUPERVISOR,
        "medical",
        out,
        person=person,
        date_from=year_ago(AS_OF),
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
    person = _sample("contributor")
    with pytest.raises(NothingToState) as raised:
        issue(demo, SUPERVISOR, "rights", out, person=person, year=1970)
    assert isinstance(raised.value, InvalidRequest)  # the command line's exit code stays
    assert (raised.value.name, raised.value.span) == (person.name, "1970")
    assert not out.exists() and Statement.select().count() == 0


def test_an_empty_or_backward_medical_period_says_so_by_type_and_numbers_nothing(
    demo, tmp_path
) -> None:
    person = _sample("retiree")
    out = tmp_path / "medical.pdf"
    with pytest.raises(NothingToState) as raised:
        issue(
            demo,
            SUPERVISOR,
            "medical",
            out,
            person=person,
            date_from=date(1971, 1, 1),
            date_to=date(1971, 12, 31),
        )
    assert raised.value.span == "1971-01-01 – 1971-12-31"
    with pytest.raises(PeriodBackwards) as backwards:
        issue(
            demo,
            SUPERVISOR,
            "medical",
            out,
            person=person,
            date_from=AS_OF,
            date_to=AS_OF - timedelta(days=1),
        )
    assert backwards.value.date_from == AS_OF
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
    issue(
        demo,
        SUPERVISOR,
        "rights",
        tmp_path / "r.pdf",
        person=_sample("contributor"),
        year=FULL_YEAR,
    )
    out = tmp_path / "daily.pdf"
    issue(demo, SUPERVISOR, "daily", out, date_from=local_today())
    text = _text(out)
    assert "个人权益记录单" in text


def test_the_audit_extract_masks_id_numbers(demo, tmp_path: Path) -> None:
    person = _sample("contributor")
    issue(demo, SUPERVISOR, "rights", tmp_path / "r.pdf", person=person, year=FULL_YEAR)
    out = tmp_path / "audit.pdf"
    today = local_today()
    issue(demo, SUPERVISOR, "audit", out, date_from=today, date_to=today)
    text = _text(out)
    assert person.masked_ssn in text and person.ssn not in text


def test_the_printed_qr_code_scans_to_a_payload_the_office_key_verifies(
    demo, tmp_path: Path
) -> None:
    out = tmp_path / "rights.pdf"
    doc = issue(demo, SUPERVISOR, "rights", out, person=_sample("arrears"), year=FULL_YEAR)
    scanned = scan_qr(out, tmp_path)
    assert scanned == doc.qr_payload
    facts = verify(demo.signing_key(), scanned)
    assert facts is not None and facts.number == doc.number


def test_through_the_relay_a_document_is_as_old_as_the_relay_s_last_pull_from_headquarters() -> (
    None
):
    from datetime import UTC, datetime, timedelta

    from models.sync_status import Freshness
    from reports.queries import data_as_of, is_offline

    now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    pulled = now - timedelta(hours=5)  # the WAN went down five hours ago
    fresh = Freshness(
        last_success_at=now - timedelta(seconds=2),  # the relay answered two seconds ago
        last_attempt_at=now,
        last_error=None,
        pending_commands=0,
        demo_generated_at=None,
        status="online",
        data_as_of=pulled,
        through_relay=True,
        upstream_status="offline",
    )
    assert data_as_of(fresh) == pulled and is_offline(fresh, now)
    online = Freshness(**{**fresh.__dict__, "upstream_status": "online", "data_as_of": now})
    assert not is_offline(online, now)
