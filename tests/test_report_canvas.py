"""The canvas renderer's parts: fast QR encoding, text wrapping, the cached labels font."""

from __future__ import annotations

import io
import random
import string
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.model import EnrolmentRow
from reports.pdf import load_font, render_rights_record
from reports.pdf.frame import new_sheet
from reports.pdf.grid import Layout
from reports.pdf.kit import make_kit
from reports.pdf.qr import MASK_PATTERN, qr_modules
from tests.test_pdf_render import all_text, make_holder, make_rights


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
    assert name in [t.replace(" ", "").replace("\n", "") for t in drawn]


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
