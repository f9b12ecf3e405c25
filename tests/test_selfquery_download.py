"""The self-query's download of the personal rights record: the counter's signed PDF, numbered
and signed by headquarters, verifiable, logged as the holder's own read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hq import statements, store
from hq.api import create_app
from hq.selfquery_store import SELF_ACTOR
from hq.web.download_statement import DOWNLOAD_KIND
from models import signing
from models.idnumber import mask_id_number
from tests.cli_helpers import run as run_cli
from tests.hq_fixtures import DemoHq, sqlite_url
from tests.pdf_helpers import layout_text, scan_qr
from tests.selfquery_helpers import (
    NEW_PASSWORD,
    Holder,
    MovableClock,
    a_holder_with_arrears,
    a_newcomer,
    choose_password,
    csrf_of,
    sign_in,
)

FILENAME = re.compile(r'^attachment; filename="(\d{6}-\d{8}-HQ-\d{5})\.pdf"$')


@dataclass
class Signed:
    """A holder signed in (new password chosen) on headquarters' movable clock."""

    hq: DemoHq
    client: TestClient
    clock: MovableClock
    holder: Holder


@pytest.fixture
def signed(demo_hq: DemoHq) -> Iterator[Signed]:
    """The demo city's headquarters with one holder signed in."""
    clock = MovableClock()
    demo_hq.client.app.state.hq.clock = clock  # type: ignore[attr-defined]
    demo_hq.client.cookies.clear()
    holder = a_holder_with_arrears()
    assert sign_in(demo_hq.client, holder.ssn, holder.birth).status_code == 303
    assert choose_password(demo_hq.client, NEW_PASSWORD).status_code == 303
    yield Signed(demo_hq, demo_hq.client, clock, holder)


def _years_with_data(person_id: int) -> set[int]:
    rows = store.execute(
        "SELECT DISTINCT period / 100 FROM contribution WHERE person_id = ? UNION "
        "SELECT DISTINCT year FROM contribution_year WHERE person_id = ? UNION "
        "SELECT DISTINCT period / 100 FROM benefit_payment WHERE person_id = ?",
        (person_id, person_id, person_id),
    ).fetchall()
    return {int(r[0]) for r in rows}


def _offered_years(page: str) -> list[int]:
    return [int(y) for y in re.findall(r'<option value="(\d{4})"', page)]


def _download(client: TestClient, year: int | str, token: str | None = None) -> object:
    record = client.get("/selfquery/record")
    return client.post(
        "/selfquery/statement",
        data={"year": str(year), "csrf": token or csrf_of(record)},
        follow_redirects=False,
    )


def test_the_record_page_offers_the_last_complete_year_by_default(signed: Signed) -> None:
    page = signed.client.get("/selfquery/record").text
    this_year = signed.clock().astimezone().year
    assert _offered_years(page) == list(range(this_year, this_year - 10, -1))
    assert f'<option value="{this_year - 1}" selected>' in page
    assert 'action="/selfquery/statement"' in page


def test_the_downloaded_record_is_the_signed_pdf_numbered_by_headquarters(
    signed: Signed, tmp_path: Path
) -> None:
    offered = _offered_years(signed.client.get("/selfquery/record").text)
    year = max(set(offered) & _years_with_data(signed.holder.id))
    answer = _download(signed.client, year)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "no-store"
    number = FILENAME.match(answer.headers["content-disposition"]).group(1)
    assert signed.holder.ssn not in str(answer.request.url)
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(answer.content)
    text = layout_text(answer.content, tmp_path)
    assert number in text and str(year) in text and signed.holder.ssn in text
    code = scan_qr(pdf, tmp_path)
    assert code.startswith("CD1|" + number + "|rights|")
    # The API's verification endpoint and `hq verify-statement` confirm it.
    checked = signed.client.post("/v1/statements/verify", json={"payload": code}).json()
    assert checked["genuine"] is True
    assert checked["statement"]["office"] == statements.HQ_OFFICE
    assert checked["statement"]["person"] == mask_id_number(signed.holder.ssn)
    assert checked["statement"]["sha256"] and checked["statement"]["pages"] >= 1
    cli = run_cli("hq", "verify-statement", "--db", signed.hq.url, code)
    assert cli.returncode == 0 and f"GENUINE: statement {number}" in cli.stdout
    forged = code[:-4] + ("0000" if not code.endswith("0000") else "1111")
    assert (
        signed.client.post("/v1/statements/verify", json={"payload": forged}).json()["genuine"]
        is False
    )
    # The read is the holder's own, in headquarters' access log.
    logged = store.execute(
        "SELECT count(*) FROM access_log WHERE person_id = ? AND actor = ? AND key_kind = ?",
        (signed.holder.id, SELF_ACTOR, DOWNLOAD_KIND),
    ).fetchone()[0]
    assert logged == 1


def test_numbers_of_headquarters_follow_on_and_never_repeat(signed: Signed) -> None:
    year = max(_years_with_data(signed.holder.id) & set(range(2000, 2100)))
    names = [
        FILENAME.match(_download(signed.client, year).headers["content-disposition"]).group(1)
        for _ in range(2)
    ]
    assert names[0] != names[1] and int(names[1][-5:]) == int(names[0][-5:]) + 1


def test_a_year_with_nothing_to_state_gets_a_clear_page(demo_hq: DemoHq) -> None:
    client = demo_hq.client
    client.cookies.clear()
    clock = MovableClock()
    client.app.state.hq.clock = clock  # type: ignore[attr-defined]
    oldest = clock().astimezone().year - 9
    holder = a_newcomer(oldest)
    assert sign_in(client, holder.ssn, holder.birth).status_code == 303
    assert choose_password(client, NEW_PASSWORD).status_code == 303
    assert oldest not in _years_with_data(holder.id)
    answer = _download(client, oldest)
    assert answer.status_code == 404
    assert f"{oldest} 年没有可出具的内容" in answer.text
    assert store.execute("SELECT count(*) FROM hq_statement").fetchone()[0] == 0


def test_a_year_not_offered_is_refused(signed: Signed) -> None:
    for year in ("1800", "abc", "", "２０２５"):
        answer = _download(signed.client, year)
        assert answer.status_code == 400 and "请从列表中选择年份" in answer.text


def test_the_download_needs_its_token_and_a_session(signed: Signed) -> None:
    refused = _download(signed.client, 2025, token="forged")
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    token = csrf_of(signed.client.get("/selfquery/record"))
    signed.client.cookies.clear()
    anonymous = signed.client.post(
        "/selfquery/statement", data={"year": "2025", "csrf": token}, follow_redirects=False
    )
    assert anonymous.status_code == 403
    assert store.execute("SELECT count(*) FROM hq_statement").fetchone()[0] == 0


def test_the_pages_routes_are_not_in_the_api_schema(tmp_path: Path) -> None:
    # The self-query's routes are HTML (include_in_schema=False): the schemathesis fuzz of the
    # API (tests/test_hq_fuzz.py) covers the JSON routes, and none was added for the pages.
    paths = create_app(sqlite_url(tmp_path / "hq.db")).openapi()["paths"]
    assert "/v1/statements/verify" in paths
    assert not [p for p in paths if p.startswith("/selfquery")]


def test_a_holder_still_on_the_initial_password_downloads_nothing(demo_hq: DemoHq) -> None:
    demo_hq.client.cookies.clear()
    holder = a_holder_with_arrears()
    assert sign_in(demo_hq.client, holder.ssn, holder.birth).status_code == 303
    token = csrf_of(demo_hq.client.get("/selfquery/password"))
    answer = demo_hq.client.post(
        "/selfquery/statement", data={"year": "2025", "csrf": token}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/selfquery/password"
    assert store.execute("SELECT count(*) FROM hq_statement").fetchone()[0] == 0


def test_a_headquarters_number_signed_with_an_office_key_is_not_genuine(demo_hq: DemoHq) -> None:
    key = bytes.fromhex("11" * 32)
    body = {"office_name": "历下区", "signing_key": key.hex(), "client_version": "0.1.0"}
    assert demo_hq.lixia.post("/v1/enrol", body).status_code == 200
    printed = datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
    forged = signing.sign(key, "370102-20261120-HQ-00001", "rights", printed, "0" * 16)
    answer = demo_hq.client.post("/v1/statements/verify", json={"payload": forged}).json()
    assert answer["genuine"] is False and "never issued" in answer["reason"]


def test_the_record_is_printed_in_english_for_the_en_and_es_pages(
    signed: Signed, tmp_path: Path
) -> None:
    year = max(_years_with_data(signed.holder.id) & set(range(2000, 2100)))
    for lang in ("en", "es"):
        signed.client.get(f"/selfquery/record?lang={lang}")  # the choice stays with the session
        answer = _download(signed.client, year)
        text = layout_text(answer.content, tmp_path)
        assert "Social insurance centre (online service)" in text, lang
        assert "社会保险事业中心" not in text
