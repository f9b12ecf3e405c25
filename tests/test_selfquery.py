"""The online self-query at headquarters: sign-in, the forced new password, the record."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hq import register, selfquery_store, store
from hq.ratelimit import RateLimiter
from hq.selfquery_store import LOST_KIND, MONTHS_SHOWN, SELF_ACTOR
from hq.web.security import IDLE_TIMEOUT, MAX_AGE
from models.credentials import MAX_ATTEMPTS
from models.fields import UtcDateTimeField
from models.idnumber import make_id_number, mask_id_number
from tests.hq_fixtures import DemoHq, command
from tests.selfquery_helpers import (
    NEW_PASSWORD,
    Holder,
    MovableClock,
    a_holder_with_arrears,
    choose_password,
    csrf_of,
    sign_in,
)


@dataclass
class Web:
    """The demo city's headquarters with the self-query, its clock and one holder."""

    hq: DemoHq
    client: TestClient
    clock: MovableClock
    holder: Holder


@pytest.fixture
def web(demo_hq: DemoHq) -> Iterator[Web]:
    """Headquarters over the demo city on a clock that stands still."""
    clock = MovableClock()
    demo_hq.client.app.state.hq.clock = clock  # type: ignore[attr-defined]
    demo_hq.client.cookies.clear()
    yield Web(demo_hq, demo_hq.client, clock, a_holder_with_arrears())


def _credential(person_id: int) -> tuple[object, ...] | None:
    return store.execute(
        "SELECT password_hash, failed_attempts, locked_until FROM query_credential "
        "WHERE person_id = ?",
        (person_id,),
    ).fetchone()


def _signed_in(web: Web) -> None:
    assert sign_in(web.client, web.holder.ssn, web.holder.birth).status_code == 303
    assert choose_password(web.client, NEW_PASSWORD).status_code == 303


def _without_token(text: str) -> str:
    return re.sub(r'name="csrf" value="[^"]+"', "", text)


def test_first_sign_in_forces_a_new_password_before_the_record(web: Web) -> None:
    first = sign_in(web.client, web.holder.ssn, web.holder.birth)
    assert first.status_code == 303 and first.headers["location"] == "/selfquery/password"
    held = web.client.get("/selfquery/record", follow_redirects=False)
    assert held.status_code == 303 and held.headers["location"] == "/selfquery/password"
    assert choose_password(web.client, web.holder.birth).status_code == 400
    assert choose_password(web.client, "123456", "123457").status_code == 400
    assert choose_password(web.client, "12ab").status_code == 400
    saved = choose_password(web.client, NEW_PASSWORD)
    assert saved.status_code == 303 and saved.headers["location"] == "/selfquery/record"
    stored = _credential(web.holder.id)
    assert stored is not None and str(stored[0]).startswith("scrypt$")
    changes = web.hq.lixia.get("/v1/changes").json()["changes"]
    assert [c["row"][0] for c in changes if c["table"] == "query_credential"] == [web.holder.id]
    state = web.client.app.state.selfquery  # type: ignore[attr-defined]
    state.per_address = state.per_id = RateLimiter(1000, 1000)
    web.client.cookies.clear()
    assert sign_in(web.client, web.holder.ssn, web.holder.birth).status_code == 401
    again = sign_in(web.client, web.holder.ssn, NEW_PASSWORD)
    assert again.headers["location"] == "/selfquery/record"


def test_the_record_shows_the_masked_person_cards_months_arrears_accounts(web: Web) -> None:
    _signed_in(web)
    page = web.client.get("/selfquery/record")
    assert page.status_code == 200
    text = page.text
    assert mask_id_number(web.holder.ssn) in text and web.holder.ssn not in text
    months = re.findall(r"<tr[^>]*><td>(\d{4}-\d{2})</td>", text)
    assert len(months) == len(set(months)) == MONTHS_SHOWN
    arrears = store.execute(
        "SELECT DISTINCT period FROM contribution WHERE person_id = ? AND status = 2",
        (web.holder.id,),
    ).fetchall()
    for (period,) in arrears:
        if f"{period // 100}-{period % 100:02d}" in months:
            assert f'<tr class="arrears"><td>{period // 100}-{period % 100:02d}</td>' in text
    assert 'class="arrears"' in text and "欠缴月份" in text
    for heading in ("社保卡", "参保信息", "年度汇总", "个人账户", "医保个人账户明细", "数据更新至"):
        assert heading in text
    name = store.execute("SELECT name FROM person WHERE id = ?", (web.holder.id,)).fetchone()[0]
    assert name in text


def test_every_record_read_is_logged_as_the_holders_own(web: Web) -> None:
    _signed_in(web)
    for _ in range(2):
        assert web.client.get("/selfquery/record").status_code == 200
    rows = store.execute(
        "SELECT actor, office_id, key_kind FROM access_log WHERE person_id = ?",
        (web.holder.id,),
    ).fetchall()
    assert rows == [(SELF_ACTOR, None, "self")] * 2


def test_a_wrong_password_counts_on_the_shared_row_and_says_the_tries_left(web: Web) -> None:
    wrong = sign_in(web.client, web.holder.ssn, "00000000")
    assert wrong.status_code == 401
    assert "身份证号码或密码错误" in wrong.text and f"还可尝试 {MAX_ATTEMPTS - 1} 次" in wrong.text
    stored = _credential(web.holder.id)
    assert stored is not None and stored[1] == 1
    changes = web.hq.lixia.get("/v1/changes").json()["changes"]
    assert [c["row"][2] for c in changes if c["table"] == "query_credential"] == [1]


def test_the_password_is_worked_out_outside_the_writers_transaction(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scrypt takes 50-150 ms; inside a feed writer's transaction it would hold up every writer
    real, inside = selfquery_store.check_hash, []

    def watched(password: str, stored: str) -> bool:
        inside.append(store.hq_db.in_transaction())
        return real(password, stored)

    monkeypatch.setattr(selfquery_store, "check_hash", watched)
    assert sign_in(web.client, web.holder.ssn, "00000000").status_code == 401
    assert inside == [False]


def test_a_failure_counted_while_the_password_is_checked_adds_up(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = selfquery_store.check_hash

    def with_the_counter_meanwhile(password: str, stored: str) -> bool:
        with store.write_transaction():  # two wrong tries at the counter, committed meanwhile
            row = [web.holder.id, None, 2, None, UtcDateTimeField().db_value(web.clock.now)]
            register.upsert_rows("query_credential", [row], now=web.clock.now)
        return real(password, stored)

    monkeypatch.setattr(selfquery_store, "check_hash", with_the_counter_meanwhile)
    wrong = sign_in(web.client, web.holder.ssn, "00000000")
    assert f"还可尝试 {MAX_ATTEMPTS - 3} 次" in wrong.text
    stored = _credential(web.holder.id)
    assert stored is not None and stored[1] == 3


def test_an_unknown_id_number_gets_the_same_answer_as_a_wrong_password(web: Web) -> None:
    nobody = make_id_number("370102", date(1950, 6, 15), 999)
    assert store.execute("SELECT 1 FROM person WHERE ssn = ?", (nobody,)).fetchone() is None
    for attempt in range(MAX_ATTEMPTS):
        known = sign_in(web.client, web.holder.ssn, "00000000")
        unknown = sign_in(web.client, nobody, "00000000")
        assert known.status_code == unknown.status_code, attempt
        assert _without_token(known.text) == _without_token(unknown.text), attempt
    assert "锁定至" in unknown.text


def test_lockout_after_repeated_failures_until_the_counter_unlocks(web: Web) -> None:
    for _ in range(MAX_ATTEMPTS):
        answer = sign_in(web.client, web.holder.ssn, "00000000")
    assert answer.status_code == 401 and "锁定至" in answer.text
    locked = sign_in(web.client, web.holder.ssn, web.holder.birth)
    assert locked.status_code == 401 and "锁定至" in locked.text
    stored = _credential(web.holder.id)
    assert stored is not None and stored[1] == MAX_ATTEMPTS and stored[2] is not None
    web.hq.lixia.push(command("query_password.unlocked", {"ssn": web.holder.ssn}))
    assert sign_in(web.client, web.holder.ssn, web.holder.birth).status_code == 303


def test_a_form_without_its_sessions_token_is_refused(web: Web) -> None:
    web.client.get("/selfquery/")
    missing = web.client.post(
        "/selfquery/signin", data={"idno": web.holder.ssn, "password": web.holder.birth}
    )
    assert missing.status_code == 403
    other = TestClient(web.client.app)
    foreign = csrf_of(other.get("/selfquery/"))
    forged = web.client.post(
        "/selfquery/signin",
        data={"idno": web.holder.ssn, "password": web.holder.birth, "csrf": foreign},
    )
    assert forged.status_code == 403
    assert _credential(web.holder.id) is None  # nothing was checked, nothing counted
    _signed_in(web)
    out = web.client.post("/selfquery/signout", data={"csrf": "x"}, follow_redirects=False)
    assert out.status_code == 403
    assert web.client.get("/selfquery/record").status_code == 200


def test_a_session_expires_after_the_idle_timeout(web: Web) -> None:
    _signed_in(web)
    web.clock.advance(IDLE_TIMEOUT - timedelta(seconds=5))
    assert web.client.get("/selfquery/record").status_code == 200
    web.clock.advance(IDLE_TIMEOUT - timedelta(seconds=5))  # each request renews the session
    assert web.client.get("/selfquery/record").status_code == 200
    web.clock.advance(IDLE_TIMEOUT + timedelta(seconds=1))
    expired = web.client.get("/selfquery/record", follow_redirects=False)
    assert expired.status_code == 401 and "会话已结束" in expired.text
    assert web.client.get("/selfquery/record", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(web: Web) -> None:
    _signed_in(web)
    token = csrf_of(web.client.get("/selfquery/record"))
    out = web.client.post("/selfquery/signout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/selfquery/"
    assert web.client.get("/selfquery/record", follow_redirects=False).status_code == 303


def test_pages_carry_the_security_headers_and_a_strict_cookie(web: Web) -> None:
    _signed_in(web)
    for path in ("/selfquery/", "/selfquery/record"):
        page = web.client.get(path, follow_redirects=False)
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
        cookie = page.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert "secure" not in cookie  # plain http on loopback (the tests)
    with TestClient(web.client.app, base_url="https://selfquery.example") as tls:
        page = tls.get("/selfquery/")
        assert "; secure" in page.headers["set-cookie"].lower()


def test_no_personal_data_in_urls(web: Web) -> None:
    answers = [
        sign_in(web.client, web.holder.ssn, web.holder.birth),
        choose_password(web.client, NEW_PASSWORD),
    ]
    for answer in answers:
        assert web.holder.ssn not in answer.headers["location"]
    page = web.client.get("/selfquery/record")
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', page.text)
    assert hrefs and not any(web.holder.ssn[6:14] in h for h in hrefs)


def test_per_address_and_per_id_rate_limits(web: Web) -> None:
    state = web.client.app.state.selfquery  # type: ignore[attr-defined]
    state.per_address = RateLimiter(0.001, 2)
    assert sign_in(web.client, web.holder.ssn, "00000000").status_code == 401
    assert sign_in(web.client, web.holder.ssn, "00000000").status_code == 401
    limited = sign_in(web.client, web.holder.ssn, "00000000")
    assert limited.status_code == 429 and "秒后再试" in limited.text
    state.per_address = RateLimiter(100, 100)
    state.per_id = RateLimiter(0.001, 1)
    sign_in(web.client, web.holder.ssn, "00000000")
    assert sign_in(web.client, web.holder.ssn, web.holder.birth).status_code == 429
    stored = _credential(web.holder.id)
    assert stored is not None and stored[1] == 3  # refused attempts were not checked


def test_an_invalid_id_number_is_said_as_typed(web: Web) -> None:
    bad = web.holder.ssn[:-1] + ("0" if web.holder.ssn[-1] != "0" else "1")
    answer = sign_in(web.client, bad, web.holder.birth)
    assert answer.status_code == 400 and "身份证号码格式不正确" in answer.text


@pytest.mark.parametrize(
    ("lang", "html_lang", "words"),
    [("zh", "zh-CN", "查询密码"), ("en", "en", "Query password"), ("es", "es", "Contraseña")],
)
def test_the_pages_speak_zh_en_es(web: Web, lang: str, html_lang: str, words: str) -> None:
    page = web.client.get(f"/selfquery/?lang={lang}")
    assert f'<html lang="{html_lang}">' in page.text and words in page.text
    assert '<label for="idno">' in page.text and '<label for="password">' in page.text
    assert words in web.client.get("/selfquery/").text  # the choice stays with the session


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_FORM_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FORM_SETTINGS
@given(idno=_TEXT, password=_TEXT)
def test_any_sign_in_form_is_answered_with_a_page_never_an_error(
    web: Web, idno: str, password: str
) -> None:
    state = web.client.app.state.selfquery  # type: ignore[attr-defined]
    state.per_address = state.per_id = RateLimiter(1000, 1000)
    answer = sign_in(web.client, idno, password)
    assert answer.status_code in (303, 400, 401), answer.text[:300]
    if answer.status_code != 303:
        assert answer.headers["content-type"].startswith("text/html")
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "<script" not in answer.text.lower()
        if len(idno.strip()) >= 8 and ("<" in idno or ">" in idno):
            # nothing typed is echoed back unescaped (a shorter string, such as "<", is in
            # any page)
            assert idno not in answer.text


@_FORM_SETTINGS
@given(new=_TEXT, again=_TEXT)
def test_any_new_password_form_is_refused_or_saved_by_the_rules(
    web: Web, new: str, again: str
) -> None:
    state = web.client.app.state.selfquery  # type: ignore[attr-defined]
    state.per_address = state.per_id = RateLimiter(1000, 1000)
    web.client.cookies.clear()
    assert sign_in(web.client, web.holder.ssn, web.holder.birth).status_code == 303
    answer = choose_password(web.client, new, again)
    valid = new == again and re.fullmatch(r"\d{6,8}", new) and new != web.holder.birth
    assert answer.status_code == (303 if valid else 400), answer.text[:300]
    if valid:  # back to the initial password for the next example
        store.execute(
            "UPDATE query_credential SET password_hash = NULL WHERE person_id = ?",
            (web.holder.id,),
        )


def _card(person_id: int) -> tuple[str, str]:
    row = store.execute(
        "SELECT card_no, status FROM card WHERE person_id = ? ORDER BY generation DESC LIMIT 1",
        (person_id,),
    ).fetchone()
    return row[0], row[1]


def _report_lost(
    web: Web, card_no: str, confirm: bool = True, token: str | None = None
) -> httpx.Response:
    page = web.client.get("/selfquery/record")
    data = {"card": card_no, "csrf": csrf_of(page) if token is None else token}
    if confirm:
        data["confirm"] = "yes"
    return web.client.post("/selfquery/card/lost", data=data, follow_redirects=False)


def test_a_holder_reports_the_card_lost_and_the_district_office_sees_it(web: Web) -> None:
    _signed_in(web)
    card_no, status = _card(web.holder.id)
    assert status == "active"
    assert "立即挂失" in web.client.get("/selfquery/record").text
    assert _report_lost(web, card_no, confirm=False).status_code == 400
    assert _report_lost(web, card_no, token="forged").status_code == 403
    assert _card(web.holder.id)[1] == "active"
    done = _report_lost(web, card_no)
    assert done.status_code == 303 and done.headers["location"] == "/selfquery/record"
    assert _card(web.holder.id)[1] == "lost"
    logged = store.execute(
        "SELECT actor FROM access_log WHERE person_id = ? AND key_kind = ?",
        (web.holder.id, LOST_KIND),
    ).fetchall()
    assert logged == [(SELF_ACTOR,)]
    page = web.client.get("/selfquery/record").text
    assert "挂失" in page and "立即挂失" not in page  # no second report of a lost card
    changes = web.hq.lixia.get("/v1/changes").json()["changes"]
    cards = [c["row"] for c in changes if c["table"] == "card"]
    assert len(cards) == 1 and card_no in cards[0] and "lost" in cards[0]
    assert web.hq.shizhong.get("/v1/changes").json()["changes"] == []


def test_a_holder_cannot_report_anothers_card_lost(web: Web) -> None:
    _signed_in(web)
    other = store.execute(
        "SELECT card_no FROM card WHERE person_id <> ? AND status = 'active' LIMIT 1",
        (web.holder.id,),
    ).fetchone()[0]
    assert _report_lost(web, other).status_code == 409
    assert store.execute("SELECT status FROM card WHERE card_no = ?", (other,)).fetchone() == (
        "active",
    )


def test_a_session_ends_after_its_maximum_age_even_when_used(web: Web) -> None:
    _signed_in(web)
    step = IDLE_TIMEOUT - timedelta(minutes=1)
    used = timedelta(0)
    while used + step <= MAX_AGE:
        web.clock.advance(step)
        used += step
        assert web.client.get("/selfquery/record").status_code == 200
    web.clock.advance(MAX_AGE - used + timedelta(seconds=1))
    assert web.client.get("/selfquery/record", follow_redirects=False).status_code == 401


def test_a_changed_session_cookie_is_not_honoured(web: Web) -> None:
    _signed_in(web)
    value = web.client.cookies["cd_selfquery"]
    body, mac = value.rsplit(".", 1)
    web.client.cookies.clear()
    web.client.cookies.set("cd_selfquery", body + "." + mac[::-1])
    assert web.client.get("/selfquery/record", follow_redirects=False).status_code == 303


def test_a_holder_can_change_the_password_again_from_the_record(web: Web) -> None:
    _signed_in(web)
    assert 'href="/selfquery/password"' in web.client.get("/selfquery/record").text
    form = web.client.get("/selfquery/password").text
    assert "您仍在使用初始密码" not in form
    assert choose_password(web.client, "97531864").status_code == 303
    web.client.cookies.clear()
    assert sign_in(web.client, web.holder.ssn, NEW_PASSWORD).status_code == 401
    assert sign_in(web.client, web.holder.ssn, "97531864").headers["location"].endswith("record")
