"""The stock writer (reportlab's public API only) makes the same documents as the fast one.

Checked by content, not bytes: the text poppler lays out is the fast document's, page for
page; the pages rendered as pictures match outside the QR code (whose data mask reportlab
chooses); the QR code scans and verifies; every font is embedded.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from models.clock import year_ago
from models.schema import Statement
from models.signing import verify
from reports.issue import issue, number_in, pdf_facts
from reports.pdf import mode
from reports.pdf.frame import CREATOR, QR_SIZE, QR_X, QR_Y, STOCK_CREATOR
from reports.pdf.mode import ENV_VAR
from reports.pdf.styles import PAGE_HEIGHT
from tests.pdf_helpers import gray_pages, layout_text, pdf_info, scan_qr
from tests.pinned_clock import AS_OF
from tests.test_issue import FULL_YEAR, SUPERVISOR, _sample
from tests.test_pdf_render import PAYLOAD
from tests.test_pdf_writer import DOCUMENTS

# The fast path's modules, which reach into reportlab's private attributes.
FAST_MODULES = ("writer", "ink", "fixedfont", "subset", "qr", "compression")
DPI = 40


def _render_all(writer: str) -> dict[str, bytes]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_VAR, writer)
        return {kind: render(make()) for kind, (render, make) in DOCUMENTS.items()}


@pytest.fixture(scope="module")
def fast() -> dict[str, bytes]:
    return _render_all("fast")


@pytest.fixture(scope="module")
def stock() -> dict[str, bytes]:
    return _render_all("stock")


@pytest.fixture
def stock_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "stock")


def _outside_qr(width: int, height: int, first_page: bool) -> list[int]:
    """Pixel indexes of a page rendered at `DPI`, less the QR code's square on page 1."""
    scale = DPI / 72
    left, right = int(QR_X * scale) - 1, int((QR_X + QR_SIZE) * scale) + 2
    top, bottom = (
        int((PAGE_HEIGHT - QR_Y - QR_SIZE) * scale) - 1,
        int((PAGE_HEIGHT - QR_Y) * scale) + 2,
    )
    return [
        y * width + x
        for y in range(height)
        for x in range(width)
        if not (first_page and left <= x <= right and top <= y <= bottom)
    ]


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_a_stock_document_reads_as_the_fast_one_line_for_line(
    kind: str, fast: dict[str, bytes], stock: dict[str, bytes], tmp_path: Path
) -> None:
    text = layout_text(stock[kind], tmp_path)
    assert text == layout_text(fast[kind], tmp_path)
    assert "共" in text or "of" in text  # 'page x of y' on every page: not an empty document
    assert text.count("\f") == fast[kind].count(b"/Type /Page\n")


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_a_stock_document_looks_like_the_fast_one(
    kind: str, fast: dict[str, bytes], stock: dict[str, bytes], tmp_path: Path
) -> None:
    (tmp_path / "fast").mkdir()
    (tmp_path / "stock").mkdir()
    fast_pages = gray_pages(fast[kind], tmp_path / "fast", DPI)
    stock_pages = gray_pages(stock[kind], tmp_path / "stock", DPI)
    assert len(stock_pages) == len(fast_pages) > 0
    for number, ((width, height, mine), (_, _, theirs)) in enumerate(
        zip(stock_pages, fast_pages, strict=True), start=1
    ):
        assert len(mine) == len(theirs) == width * height
        pixels = _outside_qr(width, height, number == 1)
        inked = sum(1 for i in pixels if mine[i] < 250) / len(pixels)
        differences = [abs(mine[i] - theirs[i]) for i in pixels]
        mean = sum(differences) / len(pixels)
        changed = sum(1 for d in differences if d > 32) / len(pixels)
        assert inked > 0.02, (number, inked)  # a page with content, not two blank pages
        assert mean < 0.5 and changed < 0.001, (number, mean, changed)


@pytest.mark.parametrize("kind", ["rights, zh", "medical", "daily report (platypus)"])
def test_a_stock_documents_qr_code_scans_as_its_payload(
    kind: str, stock: dict[str, bytes], tmp_path: Path
) -> None:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(stock[kind])
    assert scan_qr(pdf, tmp_path) == PAYLOAD


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_a_document_names_its_writer_in_its_metadata(
    kind: str, fast: dict[str, bytes], stock: dict[str, bytes], tmp_path: Path
) -> None:
    assert pdf_info(stock[kind], tmp_path)["Creator"] == STOCK_CREATOR
    assert pdf_info(fast[kind], tmp_path)["Creator"] == CREATOR


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_every_font_of_a_stock_document_is_embedded(
    kind: str, stock: dict[str, bytes], tmp_path: Path
) -> None:
    (tmp_path / "doc.pdf").write_bytes(stock[kind])
    listing = subprocess.run(
        ["pdffonts", str(tmp_path / "doc.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing and all(" yes yes yes " in line for line in listing), listing


def test_the_same_input_gives_the_same_stock_bytes(stock: dict[str, bytes]) -> None:
    assert _render_all("stock") == stock


_WITHOUT_THE_FAST_PATH = """
import pickle, sys
for name in {modules!r}:
    sys.modules["reports.pdf." + name] = None  # importing it now raises ImportError
from reports.pdf import render
for doc in pickle.load(open(sys.argv[1], "rb")):
    pdf = render(doc)
    assert pdf.startswith(b"%PDF-") and b"stock PDF writer" in pdf, type(doc).__name__
print("made")
"""


def test_stock_documents_are_made_without_the_fast_paths_modules(tmp_path: Path) -> None:
    """As with a reportlab whose private attributes the fast path reads are gone."""
    documents = tmp_path / "documents.pickle"
    documents.write_bytes(pickle.dumps([make() for _render, make in DOCUMENTS.values()]))
    script = _WITHOUT_THE_FAST_PATH.format(modules=FAST_MODULES)
    done = subprocess.run(
        [sys.executable, "-c", script, str(documents)],
        capture_output=True,
        text=True,
        env={**_environment(), ENV_VAR: "stock"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("made")


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != ENV_VAR}


def test_an_unverified_reportlab_makes_stock_documents(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(mode, "installed_reportlab", lambda: "9.9.9")
    render, make = DOCUMENTS["rights, zh"]
    assert pdf_info(render(make()), tmp_path)["Creator"] == STOCK_CREATOR


def _check_issued(home: Any, doc: Any, out: Path, tmp_path: Path) -> None:
    """The file is the stock writer's, its QR code verifies, the register has its facts."""
    pdf = out.read_bytes()
    assert pdf_info(pdf, tmp_path)["Creator"] == STOCK_CREATOR
    scanned = scan_qr(out, tmp_path)
    assert scanned == doc.qr_payload
    facts = verify(home.signing_key(), scanned)
    assert facts is not None and facts.number == doc.number
    assert number_in(pdf) == doc.number
    assert pdf_facts(pdf) == (doc.sha256, doc.pages)
    row = Statement.get(Statement.number == doc.number)
    assert (row.sha256, row.pages) == (doc.sha256, doc.pages)
    assert f"共{doc.pages}页" in "".join(layout_text(pdf, tmp_path).split())


def test_a_rights_record_issued_by_the_stock_writer_is_signed_and_recorded(
    demo: Any, tmp_path: Path, stock_mode: None
) -> None:
    out = tmp_path / "rights.pdf"
    doc = issue(demo, SUPERVISOR, "rights", out, person=_sample("arrears"), year=FULL_YEAR)
    _check_issued(demo, doc, out, tmp_path)


def test_a_medical_statement_issued_by_the_stock_writer_is_signed_and_recorded(
    demo: Any, tmp_path: Path, stock_mode: None
) -> None:
    out = tmp_path / "medical.pdf"
    doc = issue(
        demo,
        SUPERVISOR,
        "medical",
        out,
        person=_sample("retiree"),
        date_from=year_ago(AS_OF),
        date_to=AS_OF,
    )
    _check_issued(demo, doc, out, tmp_path)


def test_every_kind_dispatch_renders_is_compared_here() -> None:
    """A new document kind in `reports.pdf.dispatch` must join `DOCUMENTS` to be checked."""
    from reports.pdf.dispatch import _RENDERERS

    assert set(_RENDERERS.values()) <= {render for render, _make in DOCUMENTS.values()}
