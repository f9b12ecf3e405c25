"""Processes killed with SIGKILL in the middle of a sync: the office, and headquarters.

Everything is real: `counterdesk hq serve` and `counterdesk sync --once` run as processes on
loopback, and the test kills one of them while it works (watching the office's register from
the side). After the restart, the office's register equals headquarters' scope, and every
queued command was applied exactly once.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.cli_common import EXIT_SYNC_INCOMPLETE
from hq import offices, store
from hq.demo import seed
from models.actor import Actor
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.schema import db
from models.visits import record_service_visit
from testkit import Service, free_port, start_service
from tests.cli_helpers import COUNTERDESK, cli_env, run
from tests.hq_fixtures import sqlite_url
from tests.sync_helpers import hq_scope_rows, register_rows

DISTRICT = "370102"
PERSONS = 1_500  # three pages of persons: enough to be killed between and inside pages
OFFICE = "lixia-kill"
CLERK = Actor("clerk01", Role.CLERK)


@pytest.fixture(scope="module")
def big_hq_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite headquarters with one district of 1,500 persons (made once per module)."""
    path = tmp_path_factory.mktemp("hq-kill") / "hq.db"
    store.connect(sqlite_url(path))
    try:
        seed({DISTRICT: PERSONS, "370103": 50}, 11, date(2026, 11, 1))
    finally:
        store.close()
    return path


class Headquarters:
    """`counterdesk hq serve` over a copy of the template, restartable on the same port."""

    def __init__(self, db_path: Path) -> None:
        self.url = sqlite_url(db_path)
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.server: Service | None = None

    def start(self) -> None:
        self.server = start_service(["hq", "serve", "--db", self.url], port=self.port)

    def kill(self) -> None:
        assert self.server is not None
        self.server.kill()
        self.server.stop()  # nothing is left running; its log is removed

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


@pytest.fixture
def hq(big_hq_template: Path, tmp_path: Path) -> Iterator[Headquarters]:
    """Headquarters running on a fresh copy of the big template."""
    path = tmp_path / "hq.db"
    shutil.copyfile(big_hq_template, path)
    served = Headquarters(path)
    served.start()
    yield served
    served.stop()


@pytest.fixture
def office(hq: Headquarters, tmp_path: Path) -> Path:
    """A new office home enrolled with headquarters (nothing synced yet)."""
    store.connect(hq.url)
    try:
        token = offices.enrol_office(OFFICE, [DISTRICT])
    finally:
        store.close()
    home = tmp_path / "office"
    assert run("init", "--district", DISTRICT, home=home).returncode == 0
    done = run("sync", "enrol", "--hq", hq.address, "--token", token, home=home)
    assert done.returncode == 0, done.stderr
    return home


def sync_in_background(home: Path) -> subprocess.Popen[str]:
    """`counterdesk sync --once` as its own process."""
    return subprocess.Popen(
        [str(COUNTERDESK), "--home", str(home), "sync", "--once"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )


def watch(
    home: Path, ready: Callable[[sqlite3.Connection], bool], process: subprocess.Popen[str]
) -> None:
    """Wait until `ready` holds for the office's register (read from the side, read only)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the sync finished before the moment to interrupt it"
        with (
            contextlib.closing(
                sqlite3.connect(f"file:{home / 'register.db'}?mode=ro", uri=True, timeout=5)
            ) as conn,
            contextlib.suppress(sqlite3.OperationalError),
        ):
            if ready(conn):
                return
        time.sleep(0.01)
    raise AssertionError("the moment to interrupt the sync never came")


def bootstrap_pages(conn: sqlite3.Connection) -> int:
    """Pages of the running bootstrap committed so far (0 before the first)."""
    row = conn.execute("SELECT detail FROM sync_state WHERE channel = 'headquarters'").fetchone()
    progress = (json.loads(row[0]) if row and row[0] else {}).get("bootstrap") or {}
    return int(progress.get("pages", 0))


def received_persons(conn: sqlite3.Connection) -> int:
    """Persons the running bootstrap committed so far."""
    return conn.execute("SELECT count(*) FROM person").fetchone()[0]


def accepted(conn: sqlite3.Connection) -> int:
    """Commands headquarters accepted so far."""
    return conn.execute("SELECT count(*) FROM outbox WHERE status = 'accepted'").fetchone()[0]


def assert_in_step(home: Path, hq: Headquarters) -> None:
    """The office's register equals headquarters' scope; each command applied exactly once."""
    OfficeHome(home).open()
    store.connect(hq.url)
    try:
        assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert register_rows() == hq_scope_rows([DISTRICT])
        local = dict(db.execute_sql("SELECT uuid, status FROM outbox").fetchall())
        assert set(local.values()) <= {"accepted"}
        at_hq = store.execute(
            "SELECT uuid, status FROM command WHERE office_id = ?", (OFFICE,)
        ).fetchall()
        assert Counter(uuid for uuid, _ in at_hq) == Counter(local.keys())
    finally:
        store.close()
        close_register()


@pytest.mark.slow
def test_an_office_killed_while_applying_bootstrap_pages_resumes_after_a_restart(
    hq: Headquarters, office: Path
) -> None:
    syncing = sync_in_background(office)
    # staff and employers come first: wait for a committed page of persons
    watch(office, lambda conn: received_persons(conn) > 0, syncing)
    syncing.send_signal(signal.SIGKILL)
    syncing.wait(10)

    with contextlib.closing(sqlite3.connect(office / "register.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        done_before = bootstrap_pages(conn)
        persons = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    assert done_before >= 2 and 0 < persons < PERSONS  # whole pages only, and not all of them

    again = run("sync", "--once", home=office)
    assert again.returncode == 0, again.stderr
    assert_in_step(office, hq)


@pytest.mark.slow
def test_headquarters_killed_mid_bootstrap_leaves_the_office_offline_then_it_catches_up(
    hq: Headquarters, office: Path
) -> None:
    syncing = sync_in_background(office)
    watch(office, lambda conn: bootstrap_pages(conn) >= 2, syncing)
    hq.kill()
    _out, err = syncing.communicate(timeout=120)
    assert syncing.returncode == EXIT_SYNC_INCOMPLETE and "offline" in err

    hq.start()
    again = run("sync", "--once", home=office)
    assert again.returncode == 0, again.stderr
    assert_in_step(office, hq)


@pytest.mark.slow
def test_headquarters_killed_mid_push_applies_every_command_once_after_a_restart(
    hq: Headquarters, office: Path
) -> None:
    assert run("sync", "--once", home=office).returncode == 0
    OfficeHome(office).open()
    ids = [r[0] for r in db.execute_sql("SELECT id FROM person ORDER BY id LIMIT 1200")]
    with db.atomic():
        for person_id in ids:
            record_service_visit(CLERK, "counter", "lookup", person_id=person_id)
    close_register()

    syncing = sync_in_background(office)
    watch(office, lambda conn: accepted(conn) > 0, syncing)
    hq.kill()
    syncing.communicate(timeout=120)
    assert syncing.returncode == EXIT_SYNC_INCOMPLETE

    hq.start()
    again = run("sync", "--once", home=office)
    assert again.returncode == 0, again.stderr
    assert_in_step(office, hq)
