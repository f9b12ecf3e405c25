"""What issue 17 asked of the documents: words instead of codes, the unit of money, the real
creation time, arrears outside the stated year marked, and what an official statement carries
(how to verify it, the office's address, the 12333 hotline, a seal area)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from models.clock import ShiftedClock, use_clock
from models.schema import OfficeSetting, write_transaction
from reports.issue import OFFICE_ADDRESS, issue
from reports.model import MonthRow, YearRow
from reports.pdf import render
from reports.pdf.mode import ENV_VAR
from reports.pdf.rights import render_rights_record
from tests.pdf_helpers import pdf_info
from tests.test_issue import FULL_YEAR, SUPERVISOR, _sample
from tests.test_pdf_render import (
    TYPES,
    all_text,
    make_audit,
    make_certificate,
    make_daily,
    make_holder,
    make_medical,
    make_months,
    make_rights,
    pages_text,
)

ADDRESS = "济南市历下区经十路 12345 号"
VERIFY_URL = "https://hq.example.gov.cn/verify"


def _statements(lang: str, **header: object) -> dict[str, bytes]:
    return {
        "rights": render_rights_record(make_rights(lang=lang, **header)),
        "medical": render(make_medical(lang=lang, **header)),
        "certificate": render(make_certificate(lang=lang, **header)),
    }


def test_the_holder_block_names_the_ethnic_group_and_region_not_their_codes() -> None:
    doc = make_rights()
    doc = replace(doc, holder=replace(make_holder(), ethnicity="03", region_code="370105"))
    zh = all_text(render_rights_record(doc))
    assert "回族" in zh and "济南市天桥区" in zh
    assert "民族代码" not in zh and "370105" not in zh
    en = all_text(render_rights_record(replace(doc, header=replace(doc.header, lang="en"))))
    assert "Hui" in en and "Tianqiao District, Jinan" in en and "370105" not in en


def test_an_unknown_region_code_prints_as_a_labelled_code() -> None:
    doc = replace(make_rights(), holder=replace(make_holder(), region_code="990101"))
    text = all_text(render_rights_record(doc)).replace("\n", "").replace(" ", "")
    assert "地区代码990101（未收录）" in text


@pytest.mark.parametrize(("lang", "unit"), [("zh", "单位：元"), ("en", "Unit: yuan (CNY)")])
def test_every_document_with_money_states_its_unit(lang: str, unit: str) -> None:
    for kind, pdf in _statements(lang).items():
        assert unit in all_text(pdf), kind
    for pdf in (render(make_daily(lang=lang)), render(make_audit())):
        assert unit not in all_text(pdf)


def _pdf_instant(value: str) -> datetime:
    """A PDF date 'D:YYYYMMDDHHmmSS+hh'mm'' as an aware instant."""
    found = re.fullmatch(r"D:(\d{14})([+-])(\d\d)'(\d\d)'?", value)
    assert found, value
    stamp, sign, hours, minutes = found.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1)
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone(offset))


@pytest.mark.parametrize("writer", ["fast", "stock"])
@pytest.mark.parametrize("document", ["rights", "daily", "audit"])
def test_a_document_is_dated_when_it_was_made_not_2000(
    document: str, writer: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, writer)
    printed = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    makers = {
        "rights": lambda: render_rights_record(make_rights(printed_at=printed)),
        "daily": lambda: render(make_daily(printed_at=printed)),
        "audit": lambda: render(
            replace(make_audit(), header=replace(make_audit().header, printed_at=printed))
        ),
    }
    pdf = makers[document]()

    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert _pdf_instant(meta["/CreationDate"]) == printed
    assert _pdf_instant(meta["/ModDate"]) == printed
    assert "2000" not in pdf_info(pdf, tmp_path)["CreationDate"]


def test_arrears_outside_the_stated_year_are_named_as_such() -> None:
    months = make_months()
    late = [
        MonthRow(period, "pension", 850_000, 136_000, 68_000, "arrears", None)
        for period in (202411, 202412, 202601, 202602, 202603, 202605)
    ]
    doc = replace(make_rights(months), arrears=[*late[:2], *make_rights(months).arrears, *late[2:]])
    zh = all_text(render_rights_record(doc))
    assert "其中 2024-11 至 2024-12、2026-01 至 2026-03、2026-05 不属于 2025 年度" in zh
    en = all_text(render_rights_record(replace(doc, header=replace(doc.header, lang="en"))))
    assert "2024-11 to 2024-12, 2026-01 to 2026-03, 2026-05 lie outside 2025" in en


def test_arrears_all_inside_the_year_need_no_note() -> None:
    text = all_text(render_rights_record(make_rights()))
    assert "2025-12" in text and "不属于" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_statement_says_how_to_verify_it_who_issued_it_and_where_to_stamp(lang: str) -> None:
    for kind, pdf in _statements(lang, office_address=ADDRESS, verify_url=VERIFY_URL).items():
        text = all_text(pdf)
        number = make_rights().header.statement_no
        assert "counterdesk hq verify-statement" in text, kind
        assert VERIFY_URL in text and number in text and ADDRESS in text and "12333" in text
        if lang == "zh":
            assert "真伪核验" in text and "（盖章）" in text and "出具机构" in text
        else:
            assert "To verify" in text and "(Official seal)" in text and "Issued by" in text


def test_without_an_address_or_page_set_the_statement_leaves_them_out() -> None:
    text = all_text(render_rights_record(make_rights()))
    assert "地址：济南市历下区经十路" not in text and "核验网址" not in text
    assert "12333" in text and "（盖章）" in text


def test_office_reports_carry_no_seal_or_hotline() -> None:
    text = all_text(render(make_daily()))
    assert "盖章" not in text and "12333" not in text


def test_an_issued_document_carries_the_clocks_time_and_the_offices_address(
    demo, tmp_path: Path
) -> None:
    """The time comes from the injectable clock (fixed here), the address from the settings."""
    made = datetime(2026, 7, 8, 9, 10, 11, tzinfo=UTC)
    with write_transaction():
        OfficeSetting.replace(key=OFFICE_ADDRESS, value=ADDRESS).execute()
    out = tmp_path / "rights.pdf"
    with use_clock(ShiftedClock(made, running=False)):
        issue(demo, SUPERVISOR, "rights", out, person=_sample("contributor"), year=FULL_YEAR)
    meta = PdfReader(out).metadata
    assert _pdf_instant(meta["/CreationDate"]) == made
    assert ADDRESS in all_text(out.read_bytes())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_ordinary_year_with_its_official_block_and_region_name_stays_one_page(
    lang: str,
) -> None:
    doc = make_rights(make_months(arrears=False), lang=lang, offline=True)
    doc = replace(
        doc,
        holder=replace(make_holder(), region_code="370105"),
        year_totals=[YearRow(t, 12, 0, 10_200_000, 714_000, 204_000) for t in TYPES],
        arrears=[],
    )
    pages = pages_text(render_rights_record(doc))
    assert len(pages) == 1
    assert ("（盖章）" if lang == "zh" else "(Official seal)") in pages[0]
