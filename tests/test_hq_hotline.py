"""The 12333 hotline desk at headquarters: agents, finding and verifying the caller, the
record only after verification, a card reported lost, the call's note, the audit log."""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hq import hotline_store, staff, store
from hq.api import create_app
from hq.offices import enrol_office
from hq.ratelimit import RateLimiter
from hq.web import i18n
from hq.web.hotline_pages import PURPOSE_WORDS
from hq.web.security import IDLE_TIMEOUT
from models.credentials import MAX_ATTEMPTS
from models.idnumber import mask_id_number
from models.money import format_yuan
from models.staff import MAX_FAILURES, hash_password
from tests.hotline_helpers import (
    AGENT,
    AGENT_PASSWORD,
    CALLER_PASSWORD,
    Caller,
    a_caller,
    add_agent,
    csrf_of,
    find,
    post,
    sign_in,
)
from tests.hq_fixtures import OfficeClient, command, sqlite_url
from tests.selfquery_helpers import MovableClock


@dataclass
class Desk:
    """Headquarters over the demo city with one hotline agent, a caller, a clock."""

    client: TestClient
    clock: MovableClock
    caller: Caller
    lixia: OfficeClient
    shizhong: OfficeClient


def _desk(url: str) -> Iterator[Desk]:
    store.connect(url)
    clock = MovableClock()
    add_agent()
    caller = a_caller(clock())
    lixia = enrol_office("lixia", ["370102"], "历下区社保服务中心")
    shizhong = enrol_office("shizhong", ["370103"], "市中区社保服务中心")
    with TestClient(create_app(url)) as client:
        client.app.state.hq.clock = clock  # type: ignore[attr-defined]
        yield Desk(
            client, clock, caller, OfficeClient(client, lixia), OfficeClient(client, shizhong)
        )


@pytest.fixture
def desk(hq_sqlite_demo_template: Path, tmp_path: Path) -> Iterator[Desk]:
    """The desk on a copy of the SQLite demo city."""
    target = tmp_path / "hq.db"
    shutil.copyfile(hq_sqlite_demo_template, target)
    try:
        yield from _desk(sqlite_url(target))
    finally:
        store.close()


@pytest.fixture
def any_desk(hq_demo_url: str) -> Iterator[Desk]:
    """The desk on the demo city, on SQLite and on PostgreSQL."""
    yield from _desk(hq_demo_url)


def _credential(person_id: int) -> tuple[int, object] | None:
    return store.execute(
        "SELECT failed_attempts, locked_until FROM query_credential WHERE person_id = ?",
        (person_id,),
    ).fetchone()


def _events(agent: str = AGENT) -> list[tuple[object, ...]]:
    return store.execute(
        "SELECT action, person_id, purpose, call_id FROM hotline_event WHERE agent = ? ORDER BY id",
        (agent,),
    ).fetchall()


def _card_status(card_no: str) -> str:
    return store.execute("SELECT status FROM card WHERE card_no = ?", (card_no,)).fetchone()[0]


def _found(desk: Desk, number: str | None = None, purpose: str = "card") -> None:
    assert sign_in(desk.client).status_code == 303
    answer = find(desk.client, number or desk.caller.ssn, purpose)
    assert answer.status_code == 303 and answer.headers["location"] == "/hotline/call"


def _verified(desk: Desk) -> None:
    _found(desk)
    done = post(desk.client, "/verify/password", {"password": CALLER_PASSWORD})
    assert done.status_code == 303


# -- the agent --------------------------------------------------------------------------------


def test_the_hotline_role_is_an_account_of_headquarters_without_a_district(desk: Desk) -> None:
    agent = staff.find(AGENT)
    assert agent is not None and agent.role == "hotline" and agent.districts == ()
    changes = desk.lixia.get("/v1/changes").json()["changes"]
    assert not [c for c in changes if c["table"] == "staff_user" and AGENT in c["row"]]
    with pytest.raises(staff.InvalidInput, match="no --district"):
        staff.add_account("hotline02", "坐席二", "hotline", None, ["370102"])


def test_only_a_hotline_agent_can_use_the_console(desk: Desk) -> None:
    supervisor = sign_in(desk.client, "supervisor01", "demo-2026")
    assert supervisor.status_code == 403 and "无权使用热线坐席" in supervisor.text
    assert desk.client.post("/hotline/find", data={"number": desk.caller.ssn}).status_code == 403
    assert "查找来电人" not in desk.client.get("/hotline/").text  # still the sign-in form
    assert sign_in(desk.client).status_code == 303
    assert "查找来电人" in desk.client.get("/hotline/").text
    staff.set_active(AGENT, False)
    signed_out = desk.client.get("/hotline/")
    assert "坐席登录" in signed_out.text and "查找来电人" not in signed_out.text
    disabled = sign_in(desk.client)
    assert disabled.status_code == 403 and "此账号已停用" in disabled.text


def test_wrong_agent_passwords_are_counted_and_lock_the_account(desk: Desk) -> None:
    for n in range(1, MAX_FAILURES):
        wrong = sign_in(desk.client, AGENT, "not-the-password")
        assert wrong.status_code == 401 and f"还可尝试 {MAX_FAILURES - n} 次" in wrong.text
    locked = sign_in(desk.client, AGENT, "not-the-password")
    assert locked.status_code == 401 and "账号已锁定至" in locked.text
    refused = sign_in(desk.client)
    assert refused.status_code == 401 and "账号已锁定至" in refused.text
    unknown = sign_in(desk.client, "nobody-here", "whatever-1")
    assert unknown.status_code == 401 and "还可尝试" not in unknown.text
    staff.set_password_hash(AGENT, hash_password(AGENT_PASSWORD))  # `hq staff passwd`
    assert sign_in(desk.client).status_code == 303
    failed = [e for e in _events() if e[0] == "sign_in_failed"]
    assert len(failed) == MAX_FAILURES + 1


# -- finding and verifying the caller ---------------------------------------------------------


def test_before_verification_only_the_card_state_masked_id_and_name_are_shown(
    desk: Desk,
) -> None:
    _found(desk)
    page = desk.client.get("/hotline/call")
    assert page.status_code == 200
    assert mask_id_number(desk.caller.ssn) in page.text and desk.caller.ssn not in page.text
    assert "正常" in page.text  # the card's state
    for hidden in (
        desk.caller.card_no,
        desk.caller.employer,
        "逐月缴费明细",
        "医保个人账户明细",
        "年度汇总",
    ):
        assert hidden not in page.text
    assert format_yuan(desk.caller.last_month_fen) not in page.text
    lost = post(desk.client, "/card/lost", {"card": desk.caller.card_no, "confirm": "yes"})
    assert lost.status_code == 403 and _card_status(desk.caller.card_no) == "active"
    assert ("refused", desk.caller.id, "card") in [e[:3] for e in _events()]


def test_the_query_password_verifies_the_caller_and_the_record_is_shown(desk: Desk) -> None:
    _verified(desk)
    page = desk.client.get("/hotline/call").text
    assert "已通过查询密码核验" in page and "逐月缴费明细" in page
    assert desk.caller.card_no in page and desk.caller.employer in page
    assert mask_id_number(desk.caller.ssn) in page and desk.caller.ssn not in page
    logged = store.execute(
        "SELECT actor, key_kind FROM access_log WHERE person_id = ? ORDER BY id",
        (desk.caller.id,),
    ).fetchall()
    assert logged and set(logged) == {(f"hotline:{AGENT}", "hotline")}


def test_a_wrong_password_counts_on_the_shared_row_and_says_the_tries_left(desk: Desk) -> None:
    _found(desk)
    wrong = post(desk.client, "/verify/password", {"password": "000000"})
    assert wrong.status_code == 401 and f"还可尝试 {MAX_ATTEMPTS - 1} 次" in wrong.text
    assert "逐月缴费明细" not in wrong.text
    counted = _credential(desk.caller.id)
    assert counted is not None and counted[0] == 1
    changes = desk.lixia.get("/v1/changes").json()["changes"]
    assert [c for c in changes if c["table"] == "query_credential"]  # the offices see it


def test_a_locked_credential_refuses_both_ways_until_a_counter_unlocks_it(desk: Desk) -> None:
    _found(desk)
    for _ in range(MAX_ATTEMPTS):
        answer = post(desk.client, "/verify/password", {"password": "000000"})
    assert answer.status_code == 401 and "已锁定至" in answer.text and "服务窗口解锁" in answer.text
    right = post(desk.client, "/verify/password", {"password": CALLER_PASSWORD})
    assert right.status_code == 401 and "已锁定至" in right.text
    answers = {"employer": desk.caller.employer, "contribution": _yuan(desk)}
    asked = post(desk.client, "/verify/questions", answers)
    assert asked.status_code == 401 and "已锁定至" in asked.text
    assert "逐月缴费明细" not in desk.client.get("/hotline/call").text
    desk.lixia.push(command("query_password.unlocked", {"ssn": desk.caller.ssn}))
    assert post(desk.client, "/verify/password", {"password": CALLER_PASSWORD}).status_code == 303
    actions = [e[0] for e in _events()]
    assert actions.count("verify_locked") == 2 and actions.count("password_failed") == 5


def _yuan(desk: Desk) -> str:
    return format_yuan(desk.caller.last_month_fen, symbol="")


def test_the_two_questions_verify_the_caller_and_wrong_answers_count(desk: Desk) -> None:
    _found(desk)
    wrong = post(
        desk.client,
        "/verify/questions",
        {"employer": desk.caller.employer, "contribution": "0.01"},
    )
    assert wrong.status_code == 401 and "回答不正确" in wrong.text
    assert _credential(desk.caller.id)[0] == 1  # type: ignore[index]
    other = post(
        desk.client, "/verify/questions", {"employer": "另一家公司", "contribution": _yuan(desk)}
    )
    assert other.status_code == 401 and _credential(desk.caller.id)[0] == 2  # type: ignore[index]
    spaced = " ".join(desk.caller.employer)  # as an agent might type it
    right = post(
        desk.client,
        "/verify/questions",
        {"employer": spaced, "contribution": _yuan(desk) + "元"},
    )
    assert right.status_code == 303
    assert "已通过问题核验" in desk.client.get("/hotline/call").text
    assert _credential(desk.caller.id)[0] == 0  # type: ignore[index]


def test_a_caller_on_the_initial_password_is_verified_only_by_the_questions(desk: Desk) -> None:
    fresh = a_caller(desk.clock(), district="370103", password=False)
    _found(desk, fresh.ssn)
    birth = fresh.ssn[6:14]
    answer = post(desk.client, "/verify/password", {"password": birth})
    assert answer.status_code == 401 and "尚未设置查询密码" in answer.text
    assert "逐月缴费明细" not in desk.client.get("/hotline/call").text


def test_the_caller_is_found_by_card_number_in_any_district(desk: Desk) -> None:
    other = a_caller(desk.clock(), district="370103", password=False)
    _found(desk, other.card_no.lower())
    page = desk.client.get("/hotline/call").text
    assert mask_id_number(other.ssn) in page
    lookups = [e for e in _events() if e[0] == "lookup"]
    assert lookups[-1][1] == other.id


def test_a_malformed_or_unknown_number_is_said_and_the_lookup_logged(desk: Desk) -> None:
    assert sign_in(desk.client).status_code == 303
    bad = desk.caller.ssn[:17] + ("0" if desk.caller.ssn[17] != "0" else "1")
    invalid = find(desk.client, bad)
    assert invalid.status_code == 400 and "身份证号码格式不正确" in invalid.text
    neither = find(desk.client, "12345")
    assert neither.status_code == 400 and "社保卡号" in neither.text
    nobody = find(desk.client, "Z99999999")
    assert nobody.status_code == 303
    page = desk.client.get("/hotline/call")
    assert page.status_code == 404 and "全市均无此号码" in page.text
    lookups = store.execute(
        "SELECT person_id, detail FROM hotline_event WHERE action = 'lookup' ORDER BY id"
    ).fetchall()
    assert lookups == [
        (None, "malformed number"),
        (None, "malformed number"),
        (None, "by card: nobody"),
    ]


# -- security ---------------------------------------------------------------------------------


def test_a_form_without_its_sessions_token_is_refused(desk: Desk) -> None:
    desk.client.get("/hotline/")
    signin = {"username": AGENT, "password": AGENT_PASSWORD}
    assert desk.client.post("/hotline/signin", data=signin).status_code == 403
    assert _events() == []  # nothing was checked
    _found(desk)
    other = TestClient(desk.client.app)
    foreign = csrf_of(other.get("/hotline/"))
    forged = post(desk.client, "/verify/password", {"password": "000000"}, token=foreign)
    assert forged.status_code == 403 and _credential(desk.caller.id)[0] == 0  # type: ignore[index]
    missing = desk.client.post("/hotline/find", data={"number": desk.caller.ssn})
    assert missing.status_code == 403
    assert len([e for e in _events() if e[0] == "lookup"]) == 1


def test_a_session_expires_after_the_idle_timeout(desk: Desk) -> None:
    _verified(desk)
    desk.clock.advance(IDLE_TIMEOUT - timedelta(seconds=5))
    assert "逐月缴费明细" in desk.client.get("/hotline/call").text
    desk.clock.advance(IDLE_TIMEOUT + timedelta(seconds=1))
    expired = desk.client.get("/hotline/call")
    assert expired.status_code == 401 and "会话已结束" in expired.text
    assert "逐月缴费明细" not in expired.text


def test_pages_carry_the_security_headers_a_strict_cookie_and_no_personal_data_in_urls(
    desk: Desk,
) -> None:
    answers = [sign_in(desk.client), find(desk.client, desk.caller.ssn)]
    answers.append(post(desk.client, "/verify/password", {"password": CALLER_PASSWORD}))
    for answer in answers:
        assert desk.caller.ssn not in answer.headers["location"]
    page = desk.client.get("/hotline/call")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    cookie = page.headers["set-cookie"].lower()
    assert "cd_hotline=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', page.text)
    assert hrefs and not any(desk.caller.ssn[6:14] in h for h in hrefs)
    with TestClient(desk.client.app, base_url="https://hq.example") as tls:
        assert "; secure" in tls.get("/hotline/").headers["set-cookie"].lower()


def test_the_console_speaks_zh_en_es(desk: Desk) -> None:
    assert "坐席登录" in desk.client.get("/hotline/").text
    assert "Agent sign-in" in desk.client.get("/hotline/?lang=en").text
    assert "Acceso de agente" in desk.client.get("/hotline/?lang=es").text
    answer = desk.client.get("/hotline/signin?lang=en", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/hotline/?lang=en"


# -- actions and the audit log ----------------------------------------------------------------


def test_a_card_reported_lost_for_a_verified_caller_reaches_the_district_office(
    desk: Desk,
) -> None:
    _verified(desk)
    card = desk.caller.card_no
    unconfirmed = post(desk.client, "/card/lost", {"card": card})
    assert unconfirmed.status_code == 400 and _card_status(card) == "active"
    done = post(desk.client, "/card/lost", {"card": card, "confirm": "yes"})
    assert done.status_code == 200 and "已挂失" in done.text and _card_status(card) == "lost"
    again = post(desk.client, "/card/lost", {"card": card, "confirm": "yes"})
    assert again.status_code == 409
    cards = [
        c["row"] for c in desk.lixia.get("/v1/changes").json()["changes"] if c["table"] == "card"
    ]
    assert len(cards) == 1 and card in cards[0] and "lost" in cards[0]
    assert not [
        c for c in desk.shizhong.get("/v1/changes").json()["changes"] if c["table"] == "card"
    ]
    logged = store.execute(
        "SELECT actor FROM access_log WHERE person_id = ? AND key_kind = 'cardlost'",
        (desk.caller.id,),
    ).fetchall()
    assert logged == [(f"hotline:{AGENT}",)]


def test_the_note_ends_the_call_with_its_purpose_and_a_limited_outcome(desk: Desk) -> None:
    _found(desk, purpose="contributions")
    assert post(desk.client, "/note", {"purpose": "card", "outcome": "  "}).status_code == 400
    noted = post(desk.client, "/note", {"purpose": "pension", "outcome": "答复" * 300})
    assert noted.status_code == 303 and noted.headers["location"] == "/hotline/"
    assert "通话已记录" in desk.client.get("/hotline/").text
    assert "通话已记录" not in desk.client.get("/hotline/").text  # said once
    calls = store.execute("SELECT agent, person_id, purpose, outcome FROM hotline_call").fetchall()
    assert len(calls) == 1
    agent, person, purpose, outcome = calls[0]
    assert (agent, person, purpose) == (AGENT, desk.caller.id, "pension")
    assert len(outcome) == hotline_store.MAX_OUTCOME
    assert desk.client.get("/hotline/call", follow_redirects=False).status_code == 303


def test_every_step_is_in_the_audit_log_with_who_whom_when_why(any_desk: Desk) -> None:
    desk = any_desk
    _found(desk, purpose="medical_account")
    post(desk.client, "/verify/password", {"password": "000000"})
    post(desk.client, "/verify/password", {"password": CALLER_PASSWORD})
    desk.client.get("/hotline/call")
    post(desk.client, "/note", {"purpose": "medical_account", "outcome": "余额已告知"})
    rows = hotline_store.audit_extract(
        desk.clock() - timedelta(minutes=1), desk.clock() + timedelta(minutes=1)
    )
    actions = [r["action"] for r in rows]
    assert actions[:4] == ["sign_in", "lookup", "password_failed", "password_ok"]
    assert "record_read" in actions and actions[-1] == "note"
    about = [r for r in rows if r["action"] != "sign_in"]
    assert {r["agent"] for r in rows} == {AGENT}
    assert {r["person"] for r in about} == {mask_id_number(desk.caller.ssn)}
    assert {r["purpose"] for r in about} == {"medical_account"}
    assert all(r["at"] == desk.clock() for r in rows)
    assert len({r["call"] for r in about}) == 1


# -- any form input ---------------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_FORM_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _plain_page(answer: httpx.Response, typed: str) -> None:
    assert answer.headers["content-type"].startswith("text/html")
    assert "<script" not in answer.text.lower()
    if typed.strip() and ("<" in typed or ">" in typed):
        assert typed not in answer.text  # nothing typed is echoed back unescaped


@_FORM_SETTINGS
@given(number=_TEXT, purpose=_TEXT)
def test_any_lookup_is_answered_with_a_page_never_an_error(
    desk: Desk, number: str, purpose: str
) -> None:
    desk.client.app.state.hotline.per_address = RateLimiter(1000, 1000)  # type: ignore[attr-defined]
    if not desk.client.cookies.get("cd_hotline") or "坐席登录" in desk.client.get("/hotline/").text:
        assert sign_in(desk.client).status_code == 303
    answer = find(desk.client, number, purpose)
    assert answer.status_code in (303, 400), answer.text[:300]
    if answer.status_code == 400:
        _plain_page(answer, number)
    else:
        purposes = store.execute("SELECT DISTINCT purpose FROM hotline_call").fetchall()
        assert {p[0] for p in purposes} <= set(hotline_store.PURPOSES)


@_FORM_SETTINGS
@given(employer=_TEXT, contribution=_TEXT)
def test_any_answers_verify_only_when_both_are_right(
    desk: Desk, employer: str, contribution: str
) -> None:
    store.execute(
        "UPDATE query_credential SET failed_attempts = 0, locked_until = NULL WHERE person_id = ?",
        (desk.caller.id,),
    )
    desk.client.app.state.hotline.per_address = RateLimiter(1000, 1000)  # type: ignore[attr-defined]
    desk.client.cookies.clear()
    _found(desk)
    answer = post(
        desk.client, "/verify/questions", {"employer": employer, "contribution": contribution}
    )
    assert answer.status_code == 401, answer.text[:300]  # random text is never both answers
    _plain_page(answer, employer + contribution)
    assert _credential(desk.caller.id)[0] == 1  # type: ignore[index]


def test_the_store_s_refusals_are_messages_of_the_pages_in_every_language() -> None:
    source = Path(hotline_store.__file__).read_text(encoding="utf-8")
    refusals = [
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "NumberRefused"
        and isinstance(node.args[0], ast.Constant)
    ]
    assert len(refusals) == 2 and all(r in i18n.MESSAGES for r in refusals)
    assert set(PURPOSE_WORDS) == set(hotline_store.PURPOSES)
    assert all(word in i18n.MESSAGES for word in PURPOSE_WORDS.values())


def test_a_call_is_its_agent_s_only(desk: Desk) -> None:
    add_agent("hotline02")
    call = hotline_store.lookup(AGENT, None, "card", desk.caller.ssn, desk.clock())
    assert hotline_store.call_of(AGENT, call.id) == call
    assert hotline_store.call_of("hotline02", call.id) is None
    hotline_store.note(call, "card", "done", desk.clock())
    assert hotline_store.call_of(AGENT, call.id) is None  # a noted call is closed


def test_another_lookup_in_the_same_call_starts_the_verification_over(desk: Desk) -> None:
    _verified(desk)
    assert "逐月缴费明细" in desk.client.get("/hotline/call").text
    other = a_caller(desk.clock(), district="370103", password=False)
    assert find(desk.client, other.ssn).status_code == 303
    page = desk.client.get("/hotline/call").text
    assert mask_id_number(other.ssn) in page and "逐月缴费明细" not in page
    assert store.execute("SELECT count(*) FROM hotline_call").fetchone()[0] == 1
