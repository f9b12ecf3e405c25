"""`counterdesk sync ...` through the installed command line (local parts; the end-to-end ones
against a real `counterdesk hq serve` are in test_sync_end_to_end.py)."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli_common import EXIT_NOT_FOUND, EXIT_SYNC_INCOMPLETE
from hq import store
from testkit import Service, free_port, running_service
from tests.cli_helpers import COUNTERDESK, cli_env, init_home, run


def _new_home(tmp_path: Path) -> Path:
    return init_home(tmp_path / "office", "--district", "370102")


@pytest.mark.slow
def test_status_of_a_new_office_says_not_enrolled_and_never_synced(tmp_path: Path) -> None:
    home = _new_home(tmp_path)
    done = run("sync", "status", "--json", home=home)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["format"] == "counterdesk.sync-status/1"
    assert status["enrolled"] is False and status["status"] == "never"
    assert status["pending_commands"] == 0 and status["rejected_awaiting_supervisor"] == 0
    text = run("sync", "status", home=home).stdout
    assert "not enrolled" in text and "Pending commands: 0" in text


@pytest.mark.slow
def test_sync_once_without_enrolment_exits_6_and_says_what_to_do(tmp_path: Path) -> None:
    done = run("sync", "--once", home=_new_home(tmp_path))
    assert done.returncode == EXIT_SYNC_INCOMPLETE
    assert "not enrolled" in done.stderr and "sync enrol --hq URL --token TOKEN" in done.stderr


def test_enrolling_a_demo_register_is_refused_before_any_request(demo_home: Path) -> None:
    done = run(
        "sync", "enrol", "--hq", f"http://127.0.0.1:{free_port()}", "--token", "x.y", home=demo_home
    )
    assert done.returncode == EXIT_NOT_FOUND
    assert "did not come from headquarters" in done.stderr
    assert "counterdesk --home DIR init" in done.stderr


@pytest.mark.slow
def test_enrolling_while_headquarters_is_unreachable_exits_6(tmp_path: Path) -> None:
    done = run(
        "sync",
        "enrol",
        "--hq",
        f"http://127.0.0.1:{free_port()}",
        "--token",
        "x.y",
        home=_new_home(tmp_path),
    )
    assert done.returncode == EXIT_SYNC_INCOMPLETE
    assert "cannot reach headquarters" in done.stderr


@pytest.mark.slow
def test_rejected_lists_nothing_and_acknowledging_an_unknown_command_fails(
    tmp_path: Path,
) -> None:
    home = _new_home(tmp_path)
    listed = json.loads(run("sync", "rejected", "--json", home=home).stdout)
    assert listed == {"format": "counterdesk.rejected-commands/1", "commands": []}
    done = run("sync", "acknowledge", "00000000-0000-0000-0000-000000000000", home=home)
    assert done.returncode == EXIT_NOT_FOUND and "no queued command" in done.stderr


@pytest.mark.slow
def test_asking_headquarters_without_a_connection_explains_why(tmp_path: Path) -> None:
    done = run("sync", "ask-hq", "--id", "37010319850314022X", home=_new_home(tmp_path))
    assert done.returncode == EXIT_SYNC_INCOMPLETE
    assert "not in the office's register" in done.stderr and "network" in done.stderr


# -- against a real `counterdesk hq serve` ----------------------------------------------------


@pytest.fixture
def hq_serve(hq_demo_url: str) -> Iterator[Service]:
    """`counterdesk hq serve` on a free loopback port over the demo city."""
    with running_service(["hq", "serve", "--db", hq_demo_url]) as server:
        yield server


def _ssn_of_district(url: str, district: str) -> str:
    store.connect(url)
    try:
        return store.execute(
            "SELECT ssn FROM person WHERE district = ? ORDER BY id LIMIT 1", (district,)
        ).fetchone()[0]
    finally:
        store.close()


@pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_enrol_sync_and_status_against_hq_serve(
    hq_serve: Service, hq_demo_url: str, tmp_path: Path
) -> None:
    address, db_url = hq_serve.url, hq_demo_url
    enrolled = run(
        "hq", "enrol-office", "--db", db_url, "--office", "lixia", "--district", "370102"
    )
    assert enrolled.returncode == 0, enrolled.stderr
    token = enrolled.stdout.strip()
    home = _new_home(tmp_path)

    done = run("sync", "enrol", "--hq", address, "--token", token, home=home)
    assert done.returncode == 0, done.stderr
    assert "Enrolled as office lixia" in done.stderr and "stored in this office's register" in (
        done.stderr
    )
    done = run("sync", "--once", home=home)
    assert done.returncode == 0, done.stderr
    assert "Sync complete" in done.stdout and "copied the register" in done.stdout
    status = json.loads(run("sync", "status", "--json", home=home).stdout)
    assert status["enrolled"] and status["status"] == "online" and status["office_id"] == "lixia"
    assert status["data_as_of"] and status["last_check"]["outcome"] == "ok"
    overall = json.loads(run("status", "--json", home=home).stdout)
    assert overall["persons"] == 60 and overall["freshness"]["status"] == "online"
    assert overall["freshness"]["data_as_of"] == status["data_as_of"]

    visitor = _ssn_of_district(db_url, "370103")
    asked = run("sync", "ask-hq", "--id", visitor, "--json", home=home)
    assert asked.returncode == 0, asked.stderr
    remote = json.loads(asked.stdout)
    assert remote["district"] == "370103" and remote["person"]["ssn_masked"].startswith("370103")
    assert visitor not in asked.stdout

    forever = subprocess.Popen(
        [str(COUNTERDESK), "--home", str(home), "sync"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    try:
        line = forever.stdout.readline() if forever.stdout else ""
        assert " online" in line and "pending 0" in line
    finally:
        forever.send_signal(signal.SIGINT)
        assert forever.wait(30) == 0


@pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_sync_once_exits_6_when_headquarters_went_away(
    hq_serve: Service, hq_demo_url: str, tmp_path: Path
) -> None:
    token = run(
        "hq", "enrol-office", "--db", hq_demo_url, "--office", "lixia", "--district", "370102"
    ).stdout.strip()
    home = _new_home(tmp_path)
    wrong = run("sync", "enrol", "--hq", hq_serve.url, "--token", "lixia.wrong", home=home)
    assert wrong.returncode == 2 and "refused this office's token" in wrong.stderr
    assert run("sync", "enrol", "--hq", hq_serve.url, "--token", token, home=home).returncode == 0

    hq_serve.stop()
    done = run("sync", "--once", home=home)
    assert done.returncode == EXIT_SYNC_INCOMPLETE
    assert "sync did not complete (offline)" in done.stderr
    assert "cannot reach headquarters" in done.stderr
    status = json.loads(run("sync", "status", "--json", home=home).stdout)
    assert status["status"] == "offline" and status["consecutive_errors"] == 1
    assert status["next_attempt_at"] is not None
