"""The canvas renderer's parts: fast QR encoding, text wrapping, the cached labels font, the
monthly detail's lines and highlighting."""

from __future__ import annotations

import io
import random
import re
import string
import sys
import zlib
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from reports.model import EnrolmentRow, MonthRow
from reports.pdf import compression, load_font, render, render_rights_record
from reports.pdf.frame import new_sheet
from reports.pdf.grid import Layout
from reports.pdf.ink import Ink
from reports.pdf.kit import make_kit
from reports.pdf.monthgrid import grid_columns, month_lines
from reports.pdf.qr import MASK_PATTERN, qr_modules
from reports.pdf.rights import lay_out_rights
from reports.pdf.styles import ALERT_FILL, ALERT_INK, INK
from tests.test_pdf_render import all_text, make_holder, make_medical, make_rights


def _reportlab_matrix(payload: str) -> list[list[bool]]:
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(False, MASK_PATTERN)
    return [[bool(m) for m in row] for row in code.modules]


@pytest.mark.parametrize("length", [1, 14, 60, 105, 130, 200, 320])
def test_the_fast_qr_encoder_gives_reportlabs_matrix(length: int) -> None:
    rnd = random.Random(length)
    payload = "".join(
        rnd.choice(string.ascii_letters + string.digits + "|-") for _ in range(length)
    )
    assert qr_modules(payload) == _reportlab_matrix(payload)


def _layout() -> Layout:
    kit = make_kit(make_rights().header, None)
    return Layout(kit, new_sheet())


@pytest.mark.parametrize(
    "text",
    [
        "济南泉城软件技术有限公司济南泉城软件技术有限公司济南泉城软件技术有限公司",
        "Jinan Quancheng Software Technology Company Limited, Lixia District Branch",
        "Averyveryveryveryveryverylongwordwithoutanyspaceinsideatall",
    ],
)
def test_text_too_wide_for_its_column_wraps_inside_it(text: str) -> None:
    layout = _layout()
    lines = layout.wrap(text, 8, 150)
    font = layout.kit.font.name
    assert len(lines) > 1
    assert all(stringWidth(line, font, 8) <= 150 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_long_employer_name_wraps_and_prints_whole() -> None:
    name = "济南泉城软件技术有限公司历下区分公司第二研发中心（高新技术产业开发区）"
    doc = make_rights()
    enrolment = EnrolmentRow(
        "pension", name, "91370102MA3C123456", doc.months[0].posted_date, None, "active"
    )
    pdf = render_rights_record(replace(doc, enrolments=[enrolment]))
    drawn: list[str] = []
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=lambda t, *_: drawn.append(t))
    assert name in "".join(drawn).replace(" ", "").replace("\n", "")


def _labels_programs(pdf: bytes) -> list[bytes]:
    programs = []
    for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        if "-Labels" in str(font["/BaseFont"]):
            programs.append(
                font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
            )
    return programs


def test_the_fixed_texts_font_is_the_same_in_every_statement_and_names_have_their_own() -> None:
    first = render_rights_record(make_rights())
    other = replace(make_rights(), holder=make_holder(name="欧阳娜娜", ssn="370102198801011234"))
    second = render_rights_record(other)
    assert _labels_programs(first) and _labels_programs(first) == _labels_programs(second)
    assert "欧阳娜娜" in all_text(second) and "个人权益记录单" in all_text(second)
    assert load_font().labels_name


@pytest.mark.parametrize("kind", ["rights", "medical"])
def test_a_statements_fixed_texts_fit_one_font_subset(kind: str) -> None:
    pdf = render_rights_record(make_rights()) if kind == "rights" else render(make_medical())
    assert len(_labels_programs(pdf)) == 1  # both kinds' texts together needed two
    assert ("个人权益记录单" if kind == "rights" else "期初余额") in all_text(pdf)


@pytest.mark.parametrize(
    "text",
    ["个人权益记录单", "2025-01  4,416.00", "合计：12", "a\xa0b", "已缴龘", "", "经办人" * 90],
)
def test_fixed_text_is_coded_as_reportlabs_split_string_codes_it(text: str) -> None:
    canv = Canvas(io.BytesIO())
    ink = Ink(canv, load_font(), "zh", kind="rights", issuer="历下区社会保险服务中心")
    face, doc = ink._labels, canv._doc
    expected = [
        (face.getSubsetInternalName(subset, doc), f"({canv._escape(chunk)}) Tj")
        for subset, chunk in face.splitString(text, doc)
    ]
    assert ink._map(face, text) == expected


def _own_subset_characters(pdf: bytes) -> set[str]:
    """The characters of the document's own (not the labels) font subsets, by ToUnicode."""
    found: set[str] = set()
    for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        if "-Labels" not in str(font["/BaseFont"]):
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for hex_code in re.findall(r"<[0-9A-F]{2}> <([0-9A-F]{4})>", cmap):
                found.add(chr(int(hex_code, 16)))
    return found


def test_a_documents_own_font_subset_holds_only_the_register_texts_own_glyphs() -> None:
    doc = make_rights()
    address = "济南市历下区趵突泉北路12号3单元"
    doc = replace(
        doc,
        holder=replace(make_holder(name="欧阳娜娜"), address=address),
        header=replace(doc.header, office_name="历下区社保服务站", clerk="司马相如 (clerk07)"),
    )
    pdf = render_rights_record(doc)
    own = _own_subset_characters(pdf)
    assert {"欧", "趵", "突"} <= own  # the person's name and address
    assert not own & set("0123456789()clerk")  # digits and ASCII: in the cached labels font
    assert not own & set("司马相如站")  # the clerk and office: on every document, cached too
    assert address in all_text(pdf) and "司马相如 (clerk07)" in all_text(pdf)


def test_every_stream_of_a_statement_is_flate_compressed_without_ascii85() -> None:
    reader = PdfReader(io.BytesIO(render_rights_record(make_rights())), strict=True)
    page = reader.pages[0]
    contents = page["/Contents"].get_object()
    assert contents["/Filter"] in ("/FlateDecode", ["/FlateDecode"])
    assert b"Tj" in contents.get_data()
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        for stream in (program, font["/ToUnicode"].get_object()):
            assert stream["/Filter"] in ("/FlateDecode", ["/FlateDecode"])
            assert stream.get_data()  # inflates


def test_statement_streams_use_isal_when_installed_and_inflate_with_zlib() -> None:
    assert compression.ENGINE == "isal"  # a dependency: CI and offices get the fast one
    page = bytes(range(256)) * 40 + "个人权益记录单".encode() * 100
    assert zlib.decompress(compression.FastFlate().encode(page)) == page


def test_statement_streams_fall_back_to_zlib_without_isal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "isal", None)  # import isal fails
    engine, compress = compression._deflate()
    assert engine == "zlib"
    assert zlib.decompress(compress(b"BT (x) Tj ET" * 50)) == b"BT (x) Tj ET" * 50


# --- the monthly detail as one row per month --------------------------------------------------


def _row(insurance: str, base: int = 500_000, **changes: object) -> MonthRow:
    row = MonthRow(202503, insurance, base, base // 10, base // 50, "paid", date(2025, 4, 15))
    return replace(row, **changes)


def test_a_month_whose_types_agree_is_one_line_in_the_usual_order() -> None:
    rows = [_row("work_injury", personal_fen=0), _row("medical"), _row("pension")]
    (line,) = month_lines(rows)
    assert (line.period, line.base_fen, line.status, line.split) == (202503, 500_000, "paid", False)
    assert list(line.parts) == ["pension", "medical", "work_injury"]
    assert line.parts["work_injury"] == (50_000, 0)


@pytest.mark.parametrize(
    "change",
    [{"base_fen": 600_000}, {"status": "back-paid"}, {"posted_date": date(2025, 5, 2)}],
)
def test_a_month_whose_types_differ_gets_a_line_for_each_difference(change: dict) -> None:
    rows = [_row("pension"), _row("medical", **change), _row("unemployment")]
    first, second = month_lines(rows)
    assert first.split and second.split
    assert list(first.parts) == ["pension", "unemployment"] and list(second.parts) == ["medical"]
    assert all(getattr(second, key) == value for key, value in change.items())


def test_months_come_oldest_first_and_unknown_types_after_the_known_ones() -> None:
    rows = [_row("long_term_care", period=202502), _row("pension", period=202502), _row("pension")]
    lines = month_lines(rows)
    assert [line.period for line in lines] == [202502, 202503]
    assert list(lines[0].parts) == ["pension", "long_term_care"]


def test_only_types_with_a_personal_part_need_its_column() -> None:
    lines = month_lines([_row("pension"), _row("work_injury", personal_fen=0)])
    columns = grid_columns(lines)
    assert columns.types == ("pension", "work_injury")
    assert columns.without_personal == ("work_injury",)
    assert columns.every_part().without_personal == ()


class _RecordingInk:
    """Stands in for `Ink`: keeps what a sheet draws (texts with their colour, fills)."""

    def __init__(self) -> None:
        self.texts_drawn: list[tuple[str, object]] = []
        self.fills: list[object] = []

    def text(
        self, x: float, y: float, text: str, size: float, color: object, align: str = "left"
    ) -> None:
        self.texts_drawn.append((text, color))

    def texts(self, items: list[tuple]) -> None:
        self.texts_drawn.extend((text, color) for _x, _y, text, _s, color, _a in items)

    def fill_rect(self, x: float, y: float, width: float, height: float, color: object) -> None:
        self.fills.append(color)

    def stroke_path(self, path: list[str], width: float, color: object) -> None:
        pass


def test_an_arrears_month_is_highlighted_in_the_monthly_detail() -> None:
    doc = make_rights()
    sheet = new_sheet()
    lay_out_rights(doc, Layout(make_kit(doc.header, None), sheet))
    ink = _RecordingInk()
    sheet.draw_page(ink, 0)  # type: ignore[arg-type]
    colours: dict[str, set] = {}
    for text, color in ink.texts_drawn:
        colours.setdefault(text, set()).add(color)
    assert colours["2025-12"] == {ALERT_INK}  # in the detail and under arrears
    assert colours["2025-11"] == {INK}
    assert colours["欠缴"] == {ALERT_INK}
    assert ink.fills.count(ALERT_FILL) >= 2 + 2  # two arrears rows, two yearly rows
