"""The public statement verification page of the self-query."""

from __future__ import annotations

from datetime import UTC, datetime

from models import signing
from tests.hq_fixtures import DemoHq
from tests.selfquery_helpers import csrf_of

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
