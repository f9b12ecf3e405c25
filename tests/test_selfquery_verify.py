"""The public statement verification page of the self-query."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hq.web.verify_upload import MAX_UPLOAD
from models import signing
from tests.hq_fixtures import DemoHq
from tests.selfquery_helpers import (
    NEW_PASSWORD,
    MovableClock,
    a_holder_with_arrears,
    a_year_with_contributions,
    choose_password,
    csrf_of,
    download_record,
    sign_in,
)

KEY = bytes.fromhex("11" * 32)
NUMBER = "370102-20261120-00007"
PRINTED = datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)


def _code(key: bytes = KEY) -> str:
    return signing.sign(key, NUMBER, "rights", PRINTED, "0123456789abcdef")


def _enrol_key(demo_hq: DemoHq) -> None:
    body = {"office_name": "历下区", "signing_key": KEY.hex(), "client_version": "0.1.0"}
    assert demo_hq.lixia.post("/v1/enrol", body).status_code == 200


def _verify(demo_hq: DemoHq, code: str, token: str | None = None) -> str:
    demo_hq.client.cookies.clear()
    page = demo_hq.client.get("/selfquery/verify")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    answer = demo_hq.client.post(
        "/selfquery/verify", data={"code": code, "csrf": token or csrf_of(page)}
    )
    assert answer.status_code == (200 if token is None else 403)
    return answer.text


def test_a_genuine_code_is_confirmed_with_what_it_covered(demo_hq: DemoHq) -> None:
    _enrol_key(demo_hq)
    page = _verify(demo_hq, _code())
    assert "真实：社保中心确认此对账单" in page and NUMBER in page and "lixia" in page


def test_a_tampered_or_foreign_code_is_not_confirmed(demo_hq: DemoHq) -> None:
    _enrol_key(demo_hq)
    for code in (_code(bytes.fromhex("22" * 32)), _code().replace("rights", "other"), "<b>x"):
        page = _verify(demo_hq, code)
        assert "未能确认" in page and "真实：" not in page
    assert "&lt;b&gt;x" in page and "<b>x" not in page


def test_the_verification_form_needs_its_token(demo_hq: DemoHq) -> None:
    _enrol_key(demo_hq)
    assert "未能确认" not in _verify(demo_hq, _code(), token="forged")


def test_the_sign_in_page_links_to_the_verification_page(demo_hq: DemoHq) -> None:
    assert 'href="/selfquery/verify"' in demo_hq.client.get("/selfquery/?lang=en").text


# -- uploading the statement or a picture of its QR code ---------------------------------------


@pytest.fixture
def downloaded(demo_hq: DemoHq, tmp_path: Path) -> bytes:
    """A rights record PDF downloaded from the self-query (then signed out)."""
    clock = MovableClock()
    demo_hq.client.app.state.hq.clock = clock  # type: ignore[attr-defined]
    demo_hq.client.cookies.clear()
    holder = a_holder_with_arrears()
    assert sign_in(demo_hq.client, holder.ssn, holder.birth).status_code == 303
    assert choose_password(demo_hq.client, NEW_PASSWORD).status_code == 303
    year = a_year_with_contributions(holder.id, clock().astimezone().year)
    answer = download_record(demo_hq.client, year)
    assert answer.status_code == 200
    demo_hq.client.cookies.clear()
    return answer.content


def _upload(
    demo_hq: DemoHq, name: str, data: bytes, lang: str = "zh", token: str | None = None
) -> tuple[int, str]:
    demo_hq.client.cookies.clear()
    page = demo_hq.client.get(f"/selfquery/verify?lang={lang}")
    assert 'enctype="multipart/form-data"' in page.text
    answer = demo_hq.client.post(
        "/selfquery/verify/upload",
        data={"csrf": token or csrf_of(page)},
        files={"statement": (name, data, "application/octet-stream")},
    )
    return answer.status_code, answer.text


def _page_picture(pdf: bytes, folder: Path, fmt: str) -> bytes:
    (folder / "s.pdf").write_bytes(pdf)
    flag = "-png" if fmt == "png" else "-jpeg"
    subprocess.run(
        ["pdftoppm", flag, "-r", "120", "-singlefile", str(folder / "s.pdf"), str(folder / "p")],
        check=True,
    )
    return (folder / f"p.{'png' if fmt == 'png' else 'jpg'}").read_bytes()


def test_an_uploaded_statement_pdf_is_read_and_confirmed(
    demo_hq: DemoHq, downloaded: bytes
) -> None:
    status, page = _upload(demo_hq, "statement.pdf", downloaded)
    assert status == 200 and "真实：社保中心确认此对账单" in page and "-HQ-" in page
    assert "社保中心（网上服务）" in page and "CD1|" in page  # the code read, shown in the form


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_a_picture_of_the_qr_code_is_read_and_confirmed(
    demo_hq: DemoHq, downloaded: bytes, tmp_path: Path, fmt: str
) -> None:
    picture = _page_picture(downloaded, tmp_path, fmt)
    status, page = _upload(demo_hq, f"photo.{fmt}", picture, lang="en")
    assert status == 200 and "Genuine: headquarters confirms this statement." in page


def test_a_changed_pdf_still_carries_a_genuine_code(demo_hq: DemoHq, downloaded: bytes) -> None:
    # The QR code vouches for the facts it signs, not for the file: the page says what it covers.
    status, page = _upload(demo_hq, "x.pdf", downloaded + b"\n% appended\n")
    assert status == 200 and "真实：" in page and "页数" in page


def test_uploads_that_hold_no_code_get_a_clear_message(demo_hq: DemoHq, tmp_path: Path) -> None:
    subprocess.run(["convert", "-size", "200x200", "xc:white", str(tmp_path / "b.png")], check=True)
    blank = (tmp_path / "b.png").read_bytes()
    cases = [
        (
            "notes.txt",
            b"CD1|not a picture",
            415,
            "无法读取此类文件：请上传 PDF、PNG 或 JPEG 文件。",
        ),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 422, "无法将文件读取为图片或 PDF"),
        ("broken.pdf", b"%PDF-1.4\n%%EOF\n", 422, "无法将文件读取为图片或 PDF"),
        ("blank.png", blank, 422, "文件中未找到二维码"),
        ("empty.pdf", b"", 422, "请选择要上传的文件。"),
    ]
    for name, data, expected, text in cases:
        status, page = _upload(demo_hq, name, data)
        assert (status, text in page) == (expected, True), name
        assert "真实：" not in page


def test_a_file_over_the_limit_is_refused_unread(demo_hq: DemoHq) -> None:
    status, page = _upload(demo_hq, "big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_UPLOAD)
    assert status == 413 and "文件超过 5 MB" in page
    status, page = _upload(demo_hq, "big.png", b"\xff\xd8\xff" + b"\0" * MAX_UPLOAD, lang="es")
    assert status == 413 and "El archivo supera 5 MB" in page


def test_the_upload_needs_its_token(demo_hq: DemoHq, downloaded: bytes) -> None:
    status, page = _upload(demo_hq, "statement.pdf", downloaded, token="forged")
    assert status == 403 and "真实：" not in page


def test_the_verification_page_says_the_upload_limit_in_each_language(demo_hq: DemoHq) -> None:
    for lang, text in (("zh", "不超过 5 MB"), ("en", "at most 5 MB"), ("es", "5 MB como máximo")):
        demo_hq.client.cookies.clear()
        assert text in demo_hq.client.get(f"/selfquery/verify?lang={lang}").text


def test_uploads_are_limited_per_address_before_anything_is_read(demo_hq: DemoHq) -> None:
    limiter = demo_hq.client.app.state.selfquery.uploads  # type: ignore[attr-defined]
    for _ in range(limiter.burst):
        assert limiter.retry_after("testclient") is None
    status, page = _upload(demo_hq, "notes.txt", b"x" * 100)
    assert status == 429 and "尝试过于频繁" in page and "无法读取此类文件" not in page
