"""`counterdesk hq ...` run as the user runs it, and `hq serve` answering real HTTP(S)."""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop.cli_staff import PASSWORD_ENV, USER_ENV
from hq import staff, staff_console, store
from hq.cli_signin import SignInRefused, signed_in
from hq.commands import PushItem, apply_item
from hq.offices import authenticate, enrol_office, register_key
from models import signing
from models.clock import utc_now
from models.demo.people import DEMO_STAFF_PASSWORD
from models.replica import PROTOCOL_HEADER, SERVER_TIME_HEADER
from models.staff import MAX_FAILURES
from testkit import Service, free_port, start_service
from testkit.pgcluster import PostgresServer
from tests.cli_helpers import COUNTERDESK, STAFF_USER, cli_env, run
from tests.hq_fixtures import sqlite_url

KEY = bytes.fromhex("5a" * 32)


@pytest.fixture
def demo_db(hq_sqlite_demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the SQLite demo city."""
    target = tmp_path / "hq.db"
    shutil.copyfile(hq_sqlite_demo_template, target)
    return sqlite_url(target)


def test_enrol_office_prints_the_token_once_and_refuses_a_second_enrolment(
    tmp_path: Path,
) -> None:
    db = sqlite_url(tmp_path / "hq.db")
    done = run(
        "hq",
        "enrol-office",
        "--db",
        db,
        "--office",
        "lixia",
        "--district",
        "370102",
        "370103",
        "--name",
        "历下区",
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert token.startswith("lixia.") and "shown only this once" in done.stderr
    again = run("hq", "enrol-office", "--db", db, "--office", "lixia", "--district", "370102")
    assert again.returncode == 1 and "--new-token" in again.stderr
    bad = run("hq", "enrol-office", "--db", db, "--office", "x", "--district", "37")
    assert bad.returncode == 1 and "not a district code" in bad.stderr
    store.connect(db)
    office = authenticate(token)
    assert office is not None and office.districts == ("370102", "370103")


@pytest.mark.slow
def test_demo_seeds_the_districts_once(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "hq.db")
    args = ("hq", "demo", "--db", db, "--persons", "5", "--district", "370102", "370103")
    done = run(*args, "--seed", "2", "--as-of", "2026-11")
    assert done.returncode == 0, done.stderr
    assert "10 people in 2 districts" in done.stderr
    again = run(*args)
    assert again.returncode == 1 and "already holds a register" in again.stderr


def test_lookup_shows_the_register_and_the_commands_received(demo_db: str) -> None:
    store.connect(demo_db)
    card, ssn = store.execute(
        "SELECT c.card_no, p.ssn FROM card c JOIN person p ON p.id = c.person_id "
        "WHERE c.status = 'active' AND p.district = '370102' ORDER BY c.id LIMIT 1"
    ).fetchone()
    office = authenticate(enrol_office("lixia", ["370102"]))
    assert office is not None
    payload = {"card_no": card, "ssn": ssn, "at": "2026-11-20T01:00:00+00:00"}
    item = PushItem("u-1", "card.report_lost", payload, utc_now(), "clerk01")
    assert apply_item(office, item, utc_now()).code is None
    store.close()
    text = run("hq", "lookup", "--db", demo_db, "--card", card)
    assert text.returncode == 0, text.stderr
    assert f"{ssn[:6]}********{ssn[-4:]}" in text.stdout and ssn not in text.stdout
    assert f"{card}  generation" in text.stdout and "lost since" in text.stdout
    assert "lixia  card.report_lost  accepted" in text.stdout
    data = json.loads(run("hq", "lookup", "--db", demo_db, "--id", ssn, "--json").stdout)
    assert data["person"]["district"] == "370102"
    assert [c["command"] for c in data["commands"]] == ["card.report_lost"]
    missing = run("hq", "lookup", "--db", demo_db, "--card", "Z99999999")
    assert missing.returncode == 1 and "nobody" in missing.stderr
    store.connect(demo_db)
    actors = store.execute("SELECT office_id, actor FROM access_log").fetchall()
    assert actors == [(None, STAFF_USER), (None, STAFF_USER)]  # the account signed in


def test_lookup_acts_as_a_headquarters_supervisor_or_admin_signed_in(demo_db: str) -> None:
    store.connect(demo_db)
    card = store.execute("SELECT card_no FROM card WHERE status = 'active' LIMIT 1").fetchone()[0]
    staff.set_active("supervisor02", False)
    store.close()
    lookup = ("hq", "lookup", "--db", demo_db, "--card", card)
    named = run(*lookup, "--as", "admin", "--password-stdin", stdin=f"{DEMO_STAFF_PASSWORD}\n",
                env={PASSWORD_ENV: "", USER_ENV: ""})  # fmt: skip
    assert named.returncode == 0, named.stderr
    before = run("--as", "supervisor01", *lookup)  # --as before the command, as elsewhere
    assert before.returncode == 0, before.stderr
    wrong = run(*lookup, env={PASSWORD_ENV: "not-the-password"})
    assert wrong.returncode == 5 and "supervisor01 cannot sign in" in wrong.stderr
    clerk = run(*lookup, "--as", "clerk01")
    assert clerk.returncode == 5 and "a supervisor or an admin may" in clerk.stderr
    disabled = run(*lookup, "--as", "supervisor02")
    assert disabled.returncode == 5 and "disabled" in disabled.stderr
    nobody = run(*lookup, env={USER_ENV: ""})
    assert nobody.returncode == 2 and "--as USER" in nobody.stderr
    no_password = run(*lookup, env={PASSWORD_ENV: ""})
    assert no_password.returncode == 2 and "no password for supervisor01" in no_password.stderr
    store.connect(demo_db)
    actors = store.execute("SELECT actor FROM access_log ORDER BY id").fetchall()
    assert actors == [("admin",), ("supervisor01",)]  # refused sign-ins read nothing


def test_lookup_sign_ins_count_wrong_passwords_and_lock_as_the_console_does(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.connect(demo_db)
    args = argparse.Namespace(as_user="supervisor01")
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    answers = []
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInRefused) as refused:
            signed_in(args)
        answers.append(str(refused.value))
    assert "4 tries left" in answers[0] and "locked after repeated wrong passwords" in answers[-1]
    monkeypatch.setenv(PASSWORD_ENV, DEMO_STAFF_PASSWORD)
    with pytest.raises(SignInRefused, match="locked"):
        signed_in(args)  # the right password does not lift the lock
    account = staff.find("supervisor01")
    assert account is not None
    staff_console.clear_failures(account.id)  # what `hq staff passwd` does
    assert signed_in(args) == "supervisor01"


def test_verify_statement_exits_0_for_a_genuine_code_and_1_for_a_forgery(demo_db: str) -> None:
    store.connect(demo_db)
    office = authenticate(enrol_office("lixia", ["370102"]))
    assert office is not None
    register_key(office, KEY.hex(), None, None, utc_now())
    store.close()
    printed = datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
    genuine = signing.sign(KEY, "370102-20261120-00001", "rights", printed, "00" * 8)
    done = run("hq", "verify-statement", "--db", demo_db, genuine)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("GENUINE: statement 370102-20261120-00001 (rights)")
    assert "not yet received" in done.stdout
    forged = run(
        "hq", "verify-statement", "--db", demo_db, genuine.replace("rights", "medical"), "--json"
    )
    assert forged.returncode == 1
    assert json.loads(forged.stdout)["genuine"] is False


def test_an_unreachable_database_is_an_environment_error() -> None:
    done = run(
        "hq", "lookup", "--db", f"postgresql://nobody@127.0.0.1:{free_port()}/hq", "--card", "A1"
    )
    assert done.returncode == 2
    assert "cannot open headquarters' database" in done.stderr and "Traceback" not in done.stderr


# -- hq serve ---------------------------------------------------------------------------------


def serve(*args: str, env: dict[str, str] | None = None, **options: Any) -> Service:
    """`counterdesk hq serve ARGS` on a free port, answering; stopped with Ctrl+C (SIGINT)."""
    return start_service(
        ["hq", "serve", *args],
        program=[str(COUNTERDESK)],
        env=cli_env(env),
        timeout_s=15,
        stop_signal=signal.SIGINT,
        stop_timeout_s=20,
        **options,
    )


@pytest.fixture
def stopped() -> Iterator[list[Service]]:
    """Servers started by a test, stopped (Ctrl+C) at its end."""
    started: list[Service] = []
    yield started
    for server in started:
        server.stop()


def test_serve_answers_over_http_from_several_workers_on_postgresql(
    postgres_server: PostgresServer, stopped: list[Service]
) -> None:
    db = postgres_server.create_database("hq_serve_test")
    store.connect(db)
    token = enrol_office("lixia", ["370102"])
    store.close()
    server = serve("--db", db, "--workers", "2")
    stopped.append(server)
    base = server.url
    headers = {PROTOCOL_HEADER: "1", "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers) as client:
        hello = client.get("/v1/hello").json()
        assert hello["office"]["id"] == "lixia"
        assert hello["office"]["workstation"]["code"] == "C01"
        item = {
            "uuid": "u",
            "command": "visit.record",
            "created_at": "2026-11-20T00:00:00Z",
            "payload": {"channel": "kiosk", "purpose": "lookup", "at": "2026-11-20T00:00:00Z"},
        }
        pushed = [client.post("/v1/push", json={"items": [item]}).json() for _ in range(4)]
        assert all("results" in p for p in pushed), pushed  # else headquarters' error body
        assert {p["results"][0]["status"] for p in pushed} == {"accepted"}
        wrong = client.get("/v1/changes", headers={"Authorization": "Bearer lixia.x"})
        assert wrong.status_code == 401 and SERVER_TIME_HEADER in wrong.headers
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(20) == 0
    store.connect(db)
    assert store.execute("SELECT count(*) FROM visit").fetchone()[0] == 1


def self_signed(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_serve_speaks_tls_and_shows_a_skewed_clock_for_training(
    tmp_path: Path, stopped: list[Service]
) -> None:
    cert, key = self_signed(tmp_path)
    db = sqlite_url(tmp_path / "hq.db")
    trusted = ssl.create_default_context(cafile=str(cert))
    server = serve(
        "--db",
        db,
        "--ssl-certfile",
        str(cert),
        "--ssl-keyfile",
        str(key),
        env={"COUNTERDESK_HQ_CLOCK_OFFSET_S": "-7200"},
        scheme="https",
        client={"verify": trusted},
    )
    stopped.append(server)
    base, port = server.url, server.port
    answer = httpx.get(f"{base}/v1/hello", verify=trusted)
    assert answer.status_code == 200
    told = datetime.fromisoformat(answer.json()["server_time"])
    assert answer.headers[SERVER_TIME_HEADER] == answer.json()["server_time"]
    assert 7000 < (utc_now() - told).total_seconds() < 7400
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/v1/hello")  # not trusted without the certificate
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"http://127.0.0.1:{port}/v1/hello")


def test_serve_refuses_half_a_tls_configuration(tmp_path: Path) -> None:
    done = run(
        "hq",
        "serve",
        "--db",
        sqlite_url(tmp_path / "hq.db"),
        "--ssl-certfile",
        str(tmp_path / "missing.pem"),
    )
    assert done.returncode == 2 and "both --ssl-certfile and --ssl-keyfile" in done.stderr
    assert not (tmp_path / "hq.db").exists()
