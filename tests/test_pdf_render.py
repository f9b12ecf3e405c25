"""The PDF renderer: documents built by hand, checked through pypdf, pdffonts and pdftoppm."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.units import mm

from reports.model import (
    AccountRow,
    AuditExtract,
    AuditRow,
    CardRow,
    ContributionCertificate,
    CountRow,
    DailyReport,
    DocumentHeader,
    EnrolmentRow,
    EntryRow,
    Holder,
    MedicalStatement,
    MonthRow,
    RejectedRow,
    RightsRecord,
    YearRow,
)
from reports.pdf import (
    FontUnavailable,
    load_font,
    missing_glyphs,
    render,
    render_audit_extract,
    render_daily_report,
    render_medical_statement,
    render_rights_record,
)
from reports.pdf.formatting import day, local_time, money, period
from reports.pdf.frame import QR_SIZE, QR_X, QR_Y
from reports.pdf.labels import Labels, all_texts
from reports.pdf.qr import MASK_PATTERN
from reports.pdf.styles import PAGE_HEIGHT
from tests.pdf_helpers import layout_text, scan_qr

NUMBER = "RR-370102-2026-000042"
PAYLOAD = f"CD1|{NUMBER}|rights|20261128T021500Z|0123456789abcdef|{'ab' * 16}"
TYPES = ("pension", "medical", "unemployment", "work_injury")
HAS = "龑"  # U+9F91, rare but in WenQuanYi Micro Hei
LACKS = "䶮"  # U+4DAE (CJK Extension A), not in WenQuanYi Micro Hei


# --- documents built by hand ----------------------------------------------------------------


def make_header(**changes: object) -> DocumentHeader:
    header = DocumentHeader(
        kind="rights",
        statement_no=NUMBER,
        office_name="历下区社会保险服务中心",
        district="370102",
        clerk="李娜 (clerk01)",
        printed_at=datetime(2026, 11, 28, 2, 15, tzinfo=UTC),
        data_as_of=datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
        offline=False,
        demo=False,
        qr_payload=PAYLOAD,
    )
    return replace(header, **changes)


def make_holder(name: str = f"刘{HAS}", ssn: str = "37010219900307123X") -> Holder:
    return Holder(
        name, ssn, "M", date(1990, 3, 7), "01", "370102", "insured", "济南市历下区泉城路 188 号"
    )


def make_months(years: tuple[int, ...] = (2025,), *, arrears: bool = True) -> list[MonthRow]:
    """Every month of `years` for the four types; the last December in arrears (`arrears`)."""
    rows = []
    for year in years:
        for month in range(1, 13):
            for insurance in TYPES:
                arrears_here = arrears and year == years[-1] and month == 12
                rows.append(
                    MonthRow(
                        year * 100 + month,
                        insurance,
                        850_000,
                        136_000 if insurance == "pension" else 59_500,
                        68_000 if insurance == "pension" else 17_000,
                        "arrears" if arrears_here else "paid",
                        None if arrears_here else date(year, month, 15),
                    )
                )
    return rows


def make_rights(
    months: list[MonthRow] | None = None, *, complete: bool = True, **header: object
) -> RightsRecord:
    months = make_months() if months is None else months
    return RightsRecord(
        header=make_header(**header),
        year=2025,
        holder=make_holder(),
        cards=[CardRow("A12345678", 3, "active", date(2022, 5, 1), date(2032, 5, 1))],
        enrolments=[
            EnrolmentRow(
                t,
                "济南泉城软件技术有限公司",
                "91370102MA3C123456",
                date(2012, 7, 1),
                None,
                "active",
            )
            for t in TYPES
        ],
        months=months,
        months_complete=complete,
        year_totals=[
            YearRow("pension", 11, 1, 10_200_000, 1_632_000, 816_000),
            YearRow("medical", 11, 1, 10_200_000, 714_000, 204_000),
        ],
        months_paid_total={"pension": 161, "medical": 13, "long_term_care": 2},
        arrears=[m for m in months if m.status == "arrears"],
        accounts=[AccountRow("pension", 12_345_678), AccountRow("medical", 456_789)],
    )


def make_medical(**header: object) -> MedicalStatement:
    entries = [
        EntryRow(date(2025, 1, 1), "carried forward", 300_000, 300_000, None),
        EntryRow(date(2025, 1, 20), "allocation", 17_000, 317_000, None),
        EntryRow(date(2025, 2, 3), "spending", -12_550, 304_450, "山东大学齐鲁医院"),
        EntryRow(date(2025, 2, 20), "allocation", 17_000, 321_450, None),
        EntryRow(date(2025, 3, 9), "spending", -4_800, 316_650, "漱玉平民大药房(泉城路店)"),
    ]
    return MedicalStatement(
        header=make_header(kind="medical", **header),
        holder=make_holder(),
        date_from=date(2025, 1, 1),
        date_to=date(2025, 3, 31),
        opening_fen=0,
        closing_fen=316_650,
        entries=entries,
        allocated_fen=334_000,
        spent_fen=17_350,
    )


def make_certificate(*, complete: bool = True, **header: object) -> ContributionCertificate:
    months = make_months((2024, 2025))
    return ContributionCertificate(
        header=make_header(kind="certificate", **header),
        holder=make_holder(),
        date_from=date(2024, 1, 1),
        date_to=date(2025, 12, 31),
        first_period=202401,
        last_period=202512,
        insured_since=date(2012, 7, 1),
        enrolments=make_rights().enrolments,
        months=months,
        months_complete=complete,
        period_totals=[
            YearRow("pension", 23, 1, 19_550_000, 3_128_000, 1_564_000),
            YearRow("medical", 23, 1, 19_550_000, 1_368_500, 391_000),
        ],
        months_paid_total={"pension": 161, "medical": 160},
    )


def make_daily(**header: object) -> DailyReport:
    return DailyReport(
        header=make_header(kind="daily", **header),
        day=date(2026, 11, 27),
        visits_by_purpose=[CountRow("lookup", 31), CountRow("card_report_lost", 4)],
        visits_by_clerk=[CountRow("李娜 (clerk01)", 20), CountRow("王强 (clerk02)", 15)],
        statements_printed=[CountRow("rights", 12), CountRow("medical", 5)],
        card_operations=[CountRow("card.report_lost", 4)],
        last_sync=None,
        last_sync_error="headquarters unreachable: connection refused",
        pending_commands=7,
        rejected=[
            RejectedRow(
                datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
                "card.report_lost A12345678",
                "card already cancelled at headquarters",
            )
        ],
    )


def make_audit(rows: int = 3, subject: str = "王芳 370102********1234") -> AuditExtract:
    at = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    return AuditExtract(
        header=make_header(kind="audit"),
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 27),
        rows=[AuditRow(at, "clerk01", "person.read", subject) for _ in range(rows)],
    )


# --- reading PDFs back ----------------------------------------------------------------------


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def first_page_gray(pdf: bytes, folder: Path, dpi: int) -> tuple[int, int, bytes]:
    """Page 1 rasterised by poppler as 8-bit grey: width, height, pixels (row by row)."""
    source = folder / "doc.pdf"
    source.write_bytes(pdf)
    command = ["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(source), str(folder / "page")], check=True)
    data = (folder / "page.pgm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert (magic, maxval) == (b"P5", b"255")
    return int(width), int(height), pixels[: int(width) * int(height)]


@pytest.fixture(scope="module")
def rights_pdf() -> bytes:
    return render_rights_record(make_rights())


LONG_YEARS = tuple(range(2018, 2026))  # 96 months: the monthly detail runs over 3 pages


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_rights_record(make_rights(make_months(LONG_YEARS)))


@pytest.fixture
def china_time() -> Iterator[None]:
    """Local time is UTC+8 for the test (POSIX TZ: no tz database needed)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "CST-8"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (123_456, "1,234.56"),
        (-123_456, "-1,234.56"),
        (-5, "-0.05"),
        (100_000_000_000, "1,000,000,000.00"),
    ],
)
def test_money_prints_fen_as_yuan_with_separators(fen: int, text: str) -> None:
    assert money(fen) == text


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        money(12.5)  # type: ignore[arg-type]


def test_money_refuses_a_float_equal_to_an_amount_already_printed() -> None:
    assert money(100) == "1.00"  # printed amounts are cached: a float must not hit the cache
    with pytest.raises(TypeError):
        money(100.0)  # type: ignore[arg-type]


def test_dates_and_periods_print_as_iso() -> None:
    assert day(date(2025, 3, 7)) == "2025-03-07"
    assert day(None) == ""
    assert period(202503) == "2025-03"


def test_times_print_in_local_time(china_time: None) -> None:
    assert local_time(datetime(2026, 11, 28, 18, 5, tzinfo=UTC)) == "2026-11-29 02:05"
    with pytest.raises(ValueError):
        local_time(datetime(2026, 11, 28, 18, 5))


def test_contribution_time_reads_as_years_and_months() -> None:
    assert Labels("zh").duration(161) == "13 年 5 个月"
    assert Labels("en").duration(161) == "13 years 5 months"
    assert Labels("en").duration(13) == "1 year 1 month"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        Labels("fr")


# --- fonts ----------------------------------------------------------------------------------


def test_the_font_has_every_fixed_text_of_both_languages() -> None:
    assert missing_glyphs("".join(all_texts())) == set()


def test_missing_glyphs_knows_which_rare_characters_the_font_has() -> None:
    assert missing_glyphs(f"刘{HAS} 䶵 堃 喆") == set()
    assert missing_glyphs(f"刘{LACKS} 𠈌") == {LACKS, "𠈌"}


def test_a_name_with_a_rare_character_the_font_has_prints() -> None:
    pdf = render_rights_record(make_rights())
    assert f"刘{HAS}" in all_text(pdf)


def test_a_name_with_a_character_the_font_lacks_is_refused_naming_it() -> None:
    doc = make_rights()
    doc = replace(doc, holder=make_holder(name=f"刘{LACKS}"))
    with pytest.raises(FontUnavailable, match="U\\+4DAE") as caught:
        render_rights_record(doc)
    assert LACKS in str(caught.value)
    with pytest.raises(FontUnavailable, match="U\\+4DAE"):
        render_medical_statement(replace(make_medical(), holder=doc.holder))


def test_other_text_the_font_lacks_is_spelled_out_never_a_box() -> None:
    pdf = render_audit_extract(make_audit(subject=f"刘{LACKS} 370102********1234"))
    assert "刘[U+4DAE] 370102********1234" in all_text(pdf)


def test_a_missing_font_file_names_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontUnavailable, match="fonts-wqy-microhei"):
        render_rights_record(make_rights(), font_path=str(tmp_path / "missing.ttc"))


def test_a_file_that_is_not_a_font_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "font.ttf"
    text.write_text("not a font\n" * 20)
    with pytest.raises(FontUnavailable, match="fonts-wqy-microhei"):
        load_font(str(text))


def test_a_postscript_flavoured_opentype_font_is_refused(tmp_path: Path) -> None:
    otf = tmp_path / "NotoSansCJK.otf"
    otf.write_bytes(b"OTTO" + bytes(200))
    with pytest.raises(FontUnavailable, match="postscript outlines"):
        load_font(str(otf))


def test_a_font_without_chinese_is_refused() -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("DejaVu Sans is not installed")
    with pytest.raises(FontUnavailable, match="no Chinese characters"):
        load_font(str(latin))


def test_no_font_among_the_candidates_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(FontUnavailable, match="fonts-wqy-microhei"):
        load_font(candidates=(str(tmp_path / "a.ttc"), str(tmp_path / "b.ttc")))


def test_the_font_is_registered_once_per_process() -> None:
    assert load_font() is load_font()


def test_every_font_in_the_pdf_is_embedded(rights_pdf: bytes, tmp_path: Path) -> None:
    for page in PdfReader(io.BytesIO(rights_pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor.get_object()
    if shutil.which("pdffonts"):
        (tmp_path / "doc.pdf").write_bytes(rights_pdf)
        listing = subprocess.run(
            ["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert listing and all(" yes yes yes " in line for line in listing), listing


# --- the rights record ----------------------------------------------------------------------


def test_rights_record_states_title_holder_id_and_totals(rights_pdf: bytes) -> None:
    text = all_text(rights_pdf)
    for expected in (
        "个人权益记录单",
        "历下区社会保险服务中心",
        "37010219900307123X",  # as given, never masked by the renderer
        "养老保险",
        "欠缴记录",
        "16,320.00",  # pension employer part for the year
        "23,460.00",  # employer parts of both types
        "123,456.78",  # pension account
        "13 年 5 个月",
        "long_term_care",  # an unknown code prints as it came
        "经办人：李娜 (clerk01)",
        "数据截至：2026-11-27",
    ):
        assert expected in text, expected


def test_a_year_without_contributions_prints_zeros_beside_the_contribution_time(
    tmp_path: Path,
) -> None:
    retiree = replace(
        make_rights([]),
        enrolments=[],
        year_totals=[],
        months_paid_total={"pension": 180, "medical": 300},
        arrears=[],
    )
    text = layout_text(render_rights_record(retiree), tmp_path)
    section = text[text.index("2025 年度缴费合计及累计缴费时间") :]
    lines = [" ".join(line.split()) for line in section.splitlines() if line.strip()]
    assert "养老保险 0 0 0.00 0.00 0.00 15 年 0 个月" in lines
    assert "医疗保险 0 0 0.00 0.00 0.00 25 年 0 个月" in lines
    assert "合计 0.00 0.00" in lines


def month_line(rows: list[MonthRow], status: str, types: tuple[str, ...] = TYPES) -> str:
    """The text line of a month in the detail: month, base, each type's employer and personal
    parts in `types` order (the types of `rows` only), status word and posting date."""
    parts = {r.insurance: r for r in rows}
    cells = [period(rows[0].period), money(rows[0].base_fen)]
    for insurance in types:
        if insurance in parts:
            cells += [money(parts[insurance].employer_fen), money(parts[insurance].personal_fen)]
    return " ".join([*cells, status, day(rows[0].posted_date)]).strip()


def test_the_monthly_detail_is_one_row_per_month_with_every_types_parts(
    rights_pdf: bytes,
) -> None:
    lines = all_text(rights_pdf).splitlines()
    doc = make_rights()
    for month in range(1, 13):
        rows = [m for m in doc.months if m.period == 202500 + month]
        status = "欠缴" if rows[0].status == "arrears" else "已缴"
        assert month_line(rows, status) in lines, month
    heading = (
        "月份 缴费基数",
        "养老保险 医疗保险 失业保险 工伤保险",
        "单位 个人 " * 3 + "单位 个人",
    )
    assert all(h in lines for h in heading)
    # the year's arrears month again under arrears, with what is due
    assert " ".join(month_line(doc.arrears, "").split()) in lines


def test_the_english_monthly_detail_states_the_same_figures() -> None:
    doc = make_rights(lang="en")
    lines = all_text(render_rights_record(doc)).splitlines()
    for month in range(1, 13):
        rows = [m for m in doc.months if m.period == 202500 + month]
        status = "In arrears" if rows[0].status == "arrears" else "Paid"
        assert month_line(rows, status) in lines, month
    assert "Employer Personal " * 3 + "Employer Personal" in lines


def test_a_month_whose_types_differ_in_base_has_a_row_per_base_and_says_why() -> None:
    months = [
        replace(m, base_fen=900_000, employer_fen=63_000, posted_date=date(2025, 3, 20))
        if (m.period, m.insurance) == (202503, "medical")
        else m
        for m in make_months()
    ]
    lines = all_text(render_rights_record(make_rights(months))).splitlines()
    march = [m for m in months if m.period == 202503]
    same = [m for m in march if m.insurance != "medical"]
    medical = [m for m in march if m.insurance == "medical"]
    assert month_line(same, "已缴") in lines
    assert month_line(medical, "已缴") == "2025-03 9,000.00 630.00 170.00 已缴 2025-03-20"
    assert month_line(medical, "已缴") in lines
    assert "同一月份各险种的缴费基数、状态或到账日期不同时，分行列示" in lines
    assert "分行列示" not in all_text(render_rights_record(make_rights()))


def _five_types(work_injury_personal: int) -> list[MonthRow]:
    """A year of five types; work injury and maternity with the given personal part / none."""
    return [
        MonthRow(
            202500 + month,
            insurance,
            850_000,
            59_500,
            {"work_injury": work_injury_personal, "maternity": 0}.get(insurance, 17_000),
            "paid",
            date(2025, month, 15),
        )
        for month in range(1, 13)
        for insurance in (*TYPES, "maternity")
    ]


def test_a_grid_too_wide_leaves_out_personal_columns_of_zero_and_says_so() -> None:
    lines = all_text(render_rights_record(make_rights(_five_types(0), lang="en"))).splitlines()
    assert (
        "Work injury, Maternity: the personal part is 0.00 in every month (no column for it)"
        in lines
    )
    assert "2025-01 8,500.00" + " 595.00 170.00" * 3 + " 595.00 595.00 Paid 2025-01-15" in lines
    zh = all_text(render_rights_record(make_rights(_five_types(0)))).splitlines()
    assert "工伤、生育各月个人缴纳均为 0.00，未单列" in zh


def test_a_personal_part_other_than_zero_always_has_its_column() -> None:
    lines = all_text(render_rights_record(make_rights(_five_types(1_700)))).splitlines()
    assert "生育各月个人缴纳均为 0.00，未单列" in lines  # work injury keeps its column
    row = "2025-01 8,500.00" + " 595.00 170.00" * 3 + " 595.00 17.00 595.00 已缴 2025-01-15"
    assert row in lines


def test_four_types_keep_both_parts_even_when_one_is_always_zero() -> None:
    months = [
        replace(m, personal_fen=0) if m.insurance == "work_injury" else m for m in make_months()
    ]
    lines = all_text(render_rights_record(make_rights(months, lang="en"))).splitlines()
    assert (
        "2025-01 8,500.00"
        + " 1,360.00 680.00"
        + " 595.00 170.00" * 2
        + " 595.00 0.00 Paid 2025-01-15"
        in lines
    )
    assert not any("no column" in line for line in lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("offline", "demo"), [(False, False), (True, False), (False, True)])
def test_an_ordinary_contributors_year_is_one_page(lang: str, offline: bool, demo: bool) -> None:
    months = make_months(arrears=False)
    doc = replace(
        make_rights(months, lang=lang, offline=offline, demo=demo),
        year_totals=[YearRow(t, 12, 0, 10_200_000, 714_000, 204_000) for t in TYPES],
        arrears=[],
    )
    pages = pages_text(render_rights_record(doc))
    assert len(pages) == 1
    assert ("第 1 页 共 1 页" if lang == "zh" else "Page 1 of 1") in pages[0]


def test_the_holder_block_lists_every_card_or_says_there_is_none() -> None:
    doc = make_rights()
    lost = CardRow("B87654321", 2, "lost", date(2015, 4, 4), date(2025, 4, 4))
    lines = all_text(render_rights_record(replace(doc, cards=[*doc.cards, lost]))).splitlines()
    assert "社会保障卡 A12345678　第 3 代　正常　发卡日期 2022-05-01　有效期至 2032-05-01" in lines
    assert "社会保障卡 B87654321　第 2 代　挂失　发卡日期 2015-04-04　有效期至 2025-04-04" in lines
    assert "社会保障卡 无记录" in all_text(render_rights_record(replace(doc, cards=[])))


def test_registrations_with_one_employer_and_the_same_dates_share_a_row() -> None:
    doc = make_rights()
    earlier = EnrolmentRow(
        "pension",
        "济南历城机械厂",
        "91370112MA3C654321",
        date(2005, 1, 1),
        date(2012, 6, 30),
        "ended",
    )
    lines = all_text(render_rights_record(replace(doc, enrolments=[earlier, *doc.enrolments])))
    lines = lines.splitlines()
    shared = (
        "养老、医疗、失业、工伤 济南泉城软件技术有限公司 91370102MA3C123456 2012-07-01 参保缴费"
    )
    assert shared in lines
    assert "养老 济南历城机械厂 91370112MA3C654321 2005-01-01 2012-06-30 终止参保" in lines


def test_a_masked_id_number_prints_as_given() -> None:
    doc = replace(make_rights(), holder=make_holder(ssn="370102********1234"))
    assert "370102********1234" in all_text(render_rights_record(doc))


def test_the_pdf_metadata_names_the_document(rights_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(rights_pdf)).metadata
    assert meta is not None
    assert meta.title == "个人权益记录单"
    assert meta.author == "历下区社会保险服务中心"
    assert NUMBER in (meta.subject or "")


def test_every_page_says_page_x_of_n(long_pdf: bytes) -> None:
    texts = pages_text(long_pdf)
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {len(texts)} 页" in text


def test_a_long_table_repeats_its_heading_rows_on_the_next_page(long_pdf: bytes) -> None:
    texts = pages_text(long_pdf)
    continued = [t for t in texts[1:] if "2024-0" in t]
    heading = ("到账日期", "缴费基数", "养老保险", "工伤保险", "单位 个人")
    assert continued and all(all(h in t for h in heading) for t in continued)
    assert all(NUMBER in t for t in texts)  # the header on every page


def test_the_english_variant_has_the_same_content_in_english() -> None:
    text_pages = pages_text(render_rights_record(make_rights(lang="en")))
    text = "\n".join(text_pages)
    for expected in ("Personal Rights Record", "Pension", "Arrears", "13 years 5 months"):
        assert expected in text, expected
    assert f"Page 1 of {len(text_pages)}" in text_pages[0]
    assert "个人权益记录单" not in text


def test_a_note_says_when_some_months_are_only_in_the_yearly_summary() -> None:
    note = "本年度部分月份仅有年度汇总"
    assert note in all_text(render_rights_record(make_rights(complete=False)))
    assert note not in all_text(render_rights_record(make_rights(complete=True)))


@pytest.mark.parametrize(("offline", "demo"), [(True, True), (True, False), (False, True)])
def test_offline_and_demo_notices_appear_when_set(offline: bool, demo: bool) -> None:
    pages = pages_text(
        render_rights_record(make_rights(make_months(LONG_YEARS), offline=offline, demo=demo))
    )
    offline_note = "离线打印：数据截至 2026-11-27"
    demo_note = "演示数据，非真实记录"
    assert len(pages) > 1
    for page in pages:  # a small line on every page (and a band on the first)
        assert (offline_note in page) is offline
        assert (demo_note in page) is demo


def test_no_notice_appears_when_online_with_real_data(rights_pdf: bytes) -> None:
    text = all_text(rights_pdf)
    assert "离线打印" not in text and "演示数据" not in text


def test_a_document_never_synced_says_so() -> None:
    text = all_text(render_rights_record(make_rights(data_as_of=None, offline=True)))
    assert "数据截至：从未与中心同步" in text
    assert "离线打印：从未与中心同步" in text


def test_times_on_the_document_are_local(china_time: None) -> None:
    text = all_text(render_rights_record(make_rights()))
    assert "打印时间：2026-11-28 10:15" in text
    assert "数据截至：2026-11-27 17:30" in text


def test_the_same_input_gives_the_same_bytes(rights_pdf: bytes) -> None:
    again = render_rights_record(make_rights())
    assert again == rights_pdf
    assert render_rights_record(make_rights(statement_no="RR-370102-2026-000043")) != again


def test_the_first_page_renders_to_a_picture_that_is_not_blank(
    rights_pdf: bytes, tmp_path: Path
) -> None:
    width, height, pixels = first_page_gray(rights_pdf, tmp_path, dpi=40)
    assert (width, height) == (331, 468)  # A4 at 40 dpi
    inked = sum(1 for value in pixels if value < 250) / len(pixels)
    assert len(set(pixels)) > 10 and 0.03 < inked < 0.6, inked


def test_the_qr_code_encodes_the_payload(rights_pdf: bytes, tmp_path: Path) -> None:
    """Sample every module of the printed code and compare with the payload's QR matrix."""
    dpi = 300
    width, _, pixels = first_page_gray(rights_pdf, tmp_path, dpi=dpi)
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(PAYLOAD)
    code.version = code.calculate_version()
    code.makeImpl(False, MASK_PATTERN)
    count, border = code.getModuleCount(), 4
    box = QR_SIZE / (count + 2 * border)
    scale = dpi / 72
    top = PAGE_HEIGHT - (QR_Y + QR_SIZE)
    printed = [
        [
            pixels[
                round((top + (r + border + 0.5) * box) * scale) * width
                + round((QR_X + (c + border + 0.5) * box) * scale)
            ]
            < 128
            for c in range(count)
        ]
        for r in range(count)
    ]
    assert printed == [[bool(m) for m in row] for row in code.modules]


def test_a_qr_reader_decodes_the_payload_from_the_rendered_page(
    rights_pdf: bytes, tmp_path: Path
) -> None:
    pdf = tmp_path / "rights.pdf"
    pdf.write_bytes(rights_pdf)
    assert scan_qr(pdf, tmp_path) == PAYLOAD


def test_the_statement_number_is_printed_under_the_qr_code(rights_pdf: bytes) -> None:
    found: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() == NUMBER:
            found.append((tm[4], tm[5]))

    PdfReader(io.BytesIO(rights_pdf)).pages[0].extract_text(visitor_text=visit)
    assert any(
        QR_X - 5 * mm <= x <= QR_X + QR_SIZE / 2 and QR_Y - 6 * mm < y < QR_Y for x, y in found
    ), found


# --- the other documents --------------------------------------------------------------------


def test_medical_statement_shows_balances_and_entries() -> None:
    text = all_text(render_medical_statement(make_medical()))
    for expected in (
        "医疗保险个人账户对账单",
        "2025-01-01 至 2025-03-31",
        "期初余额",
        "3,340.00",  # allocated
        "-173.50",  # spent
        "3,166.50",  # closing
        "-125.50",
        "山东大学齐鲁医院",
        "上年结转",
        "划入",
        "支出",
    ):
        assert expected in text, expected


def test_daily_report_shows_counts_sync_state_and_rejections() -> None:
    text = all_text(render_daily_report(make_daily(offline=True, data_as_of=None)))
    for expected in (
        "社保服务中心日报",
        "信息查询",  # a documented visit purpose, in words
        "35",  # visits in all
        "王强 (clerk02)",
        "个人权益记录单",  # statements printed, by kind
        "卡片挂失",
        "从未与中心同步",
        "headquarters unreachable",
        "card already cancelled at headquarters",
        "离线打印：从未与中心同步",
    ):
        assert expected in text, expected


def test_audit_extract_lists_who_looked_at_whom() -> None:
    pdf = render_audit_extract(make_audit(rows=120))
    pages = pages_text(pdf)
    assert len(pages) > 1
    text = "\n".join(pages)
    assert "查询记录摘录" in text and "共 120 条记录" in text
    assert "查看个人信息 (person.read)" in text and "王芳 370102********1234" in text
    assert all("操作人" in page for page in pages)  # the table starts on page 1


def test_render_dispatches_by_document_type() -> None:
    for doc, renderer in (
        (make_rights(), render_rights_record),
        (make_medical(), render_medical_statement),
        (make_daily(), render_daily_report),
        (make_audit(), render_audit_extract),
    ):
        assert render(doc) == renderer(doc)
    with pytest.raises(TypeError):
        render(make_header())  # type: ignore[arg-type]
