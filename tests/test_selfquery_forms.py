"""Hypothesis on the self-query's form inputs through the HTTP layer (headquarters' app in
process): the ID number, the passwords, the typed statement code, the year to download and the
uploaded file. Whatever is posted, the answer is a page with a clear message, never a 500,
and no password is ever written back into a page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hq.ratelimit import RateLimiter
from hq.web.i18n import translator
from tests.hq_fixtures import DemoHq
from tests.selfquery_helpers import (
    NEW_PASSWORD,
    Holder,
    MovableClock,
    a_holder_with_arrears,
    choose_password,
    csrf_of,
    sign_in,
)

pytestmark = pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_ZH = translator("zh")
INPUT_VALUE = re.compile(r"<input[^>]*\bvalue=\"([^\"]*)\"[^>]*>")


@pytest.fixture
def demo(demo_hq: DemoHq) -> Iterator[tuple[DemoHq, Holder]]:
    """The demo city's headquarters without rate limits (hypothesis posts many forms)."""
    demo_hq.client.app.state.hq.clock = MovableClock()  # type: ignore[attr-defined]
    state = demo_hq.client.app.state.selfquery  # type: ignore[attr-defined]
    state.per_address = state.per_id = state.uploads = RateLimiter(1000, 1000)
    yield demo_hq, a_holder_with_arrears()


def _no_password_echoed(page: str, *passwords: str) -> None:
    """No input of the page carries a value but the form's token (and the hidden card number);
    a password, typed anywhere, is never in a value."""
    for tag in INPUT_VALUE.finditer(page):
        assert 'name="csrf"' in tag.group(0) or 'name="card"' in tag.group(0), tag.group(0)
        assert all(not p or tag.group(1) != p for p in passwords)


def _is_page(answer: object) -> None:
    assert answer.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    assert "<script" not in answer.text.lower()  # type: ignore[attr-defined]


@_SETTINGS
@given(idno=_TEXT, password=_TEXT)
def test_a_sign_in_form_never_fails_and_never_echoes_the_password(
    demo: tuple[DemoHq, Holder], idno: str, password: str
) -> None:
    hq, _holder = demo
    hq.client.cookies.clear()
    answer = sign_in(hq.client, idno, password)
    assert answer.status_code in (303, 400, 401), answer.text[:300]
    if answer.status_code != 303:
        _is_page(answer)
        _no_password_echoed(answer.text, password)
        expected = (
            _ZH("This is not a valid ID number: check it digit by digit.")
            if answer.status_code == 400
            else _ZH("The ID number or the password is wrong.")
        )
        assert expected in answer.text


@_SETTINGS
@given(new=_TEXT, again=_TEXT)
def test_a_new_password_form_never_fails_and_never_echoes_either_password(
    demo: tuple[DemoHq, Holder], new: str, again: str
) -> None:
    hq, holder = demo
    hq.client.cookies.clear()
    assert sign_in(hq.client, holder.ssn, holder.birth).status_code == 303
    answer = choose_password(hq.client, new, again)
    assert answer.status_code in (303, 400), answer.text[:300]
    if answer.status_code == 400:
        _is_page(answer)
        _no_password_echoed(answer.text, new, again)
        assert 'role="alert"' in answer.text
    else:  # a valid password was saved: back to the initial one for the next example
        from hq import store

        store.execute(
            "UPDATE query_credential SET password_hash = NULL WHERE person_id = ?", (holder.id,)
        )


@_SETTINGS
@given(code=st.one_of(_TEXT, st.text(max_size=500), st.just("CD1|" + "x|" * 5)))
def test_a_typed_code_is_answered_not_confirmed_escaped(
    demo: tuple[DemoHq, Holder], code: str
) -> None:
    hq, _holder = demo
    hq.client.cookies.clear()
    page = hq.client.get("/selfquery/verify")
    answer = hq.client.post("/selfquery/verify", data={"code": code, "csrf": csrf_of(page)})
    assert answer.status_code == 200, answer.text[:300]
    _is_page(answer)
    assert _ZH("Not confirmed: treat the document as not genuine.") in answer.text


@_SETTINGS
@given(year=_TEXT)
def test_a_posted_year_is_downloaded_or_refused_with_a_message(
    demo: tuple[DemoHq, Holder], year: str
) -> None:
    hq, holder = demo
    hq.client.cookies.clear()
    assert sign_in(hq.client, holder.ssn, holder.birth).status_code == 303
    assert choose_password(hq.client, NEW_PASSWORD).status_code == 303
    token = csrf_of(hq.client.get("/selfquery/record"))
    answer = hq.client.post("/selfquery/statement", data={"year": year, "csrf": token})
    assert answer.status_code in (200, 400, 404), answer.text[:300]
    if answer.status_code == 400:
        assert _ZH("Choose a year from the list.") in answer.text
    from hq import store

    store.execute(
        "UPDATE query_credential SET password_hash = NULL WHERE person_id = ?", (holder.id,)
    )


_MAGIC = st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(head=_MAGIC, tail=st.binary(max_size=2000), name=_TEXT)
def test_any_uploaded_file_gets_a_page_with_a_message(
    demo: tuple[DemoHq, Holder], head: bytes, tail: bytes, name: str
) -> None:
    hq, _holder = demo
    hq.client.cookies.clear()
    page = hq.client.get("/selfquery/verify")
    answer = hq.client.post(
        "/selfquery/verify/upload",
        data={"csrf": csrf_of(page)},
        files={"statement": (name or "f", head + tail, "application/octet-stream")},
    )
    assert answer.status_code in (200, 413, 415, 422), answer.text[:300]
    _is_page(answer)
    assert 'role="alert"' in answer.text
