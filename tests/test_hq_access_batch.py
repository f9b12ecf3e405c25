"""The access log's group commit on SQLite: rows of reads arriving together share one commit,
every read returns only once its row is committed, and a failed commit fails exactly the reads
whose rows were in it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hq import persons, store
from tests.hq_fixtures import DemoHq, sqlite_url
from tests.selfquery_helpers import a_holder_with_arrears, choose_password, sign_in

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ROW = "INSERT INTO access_log (at, office_id, actor, person_id, key_kind) VALUES (?, ?, ?, ?, ?)"


@pytest.fixture
def empty_hq(tmp_path: Path) -> Iterator[str]:
    """An empty SQLite headquarters, connected."""
    url = sqlite_url(tmp_path / "hq.db")
    store.connect(url)
    try:
        yield url
    finally:
        store.close()


def _logged() -> list[int]:
    with store.session():
        rows = store.execute("SELECT person_id FROM access_log ORDER BY person_id").fetchall()
    return [r[0] for r in rows]


def _wait_until(check: object, what: str) -> None:
    deadline = time.monotonic() + 30
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.005)


class HeldFirstCommit:
    """A `before_commit` hook: holds the first transaction open until `waiting` other callers
    queue behind it, records every batch's size, and fails the batches numbered in `fail`."""

    def __init__(self, batch: store.GroupCommit, waiting: int, fail: set[int]) -> None:
        self.batch, self.waiting, self.fail = batch, waiting, fail
        self.sizes: list[int] = []

    def __call__(self, rows: int) -> None:
        self.sizes.append(rows)
        if len(self.sizes) == 1:
            _wait_until(lambda: len(self.batch._queue) == self.waiting, "callers queued")
        if len(self.sizes) in self.fail:
            raise RuntimeError("disk full")


def _callers(batch: store.GroupCommit, count: int) -> tuple[list[threading.Thread], dict]:
    outcome: dict[int, str] = {}

    def call(person_id: int) -> None:
        try:
            with store.session():
                batch.insert([(NOW.isoformat(), None, "self:online", person_id, "self")])
            outcome[person_id] = "ok"
        except RuntimeError as exc:
            outcome[person_id] = str(exc)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(count)]
    return threads, outcome


def _run_first_then_rest(batch: store.GroupCommit, count: int) -> dict[int, str]:
    threads, outcome = _callers(batch, count)
    threads[0].start()
    _wait_until(lambda: batch._leading, "the first caller leads")
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def test_reads_arriving_during_a_commit_are_committed_together_in_the_next_one(
    empty_hq: str,
) -> None:
    batch = store.GroupCommit(ROW)
    hook = HeldFirstCommit(batch, waiting=9, fail=set())
    batch.before_commit = hook
    outcome = _run_first_then_rest(batch, 10)
    assert outcome == {i: "ok" for i in range(10)}
    assert hook.sizes == [1, 9]
    assert _logged() == list(range(10))


def test_a_failed_commit_fails_exactly_the_reads_in_it_and_writes_none_of_their_rows(
    empty_hq: str,
) -> None:
    batch = store.GroupCommit(ROW)
    hook = HeldFirstCommit(batch, waiting=7, fail={2})
    batch.before_commit = hook
    outcome = _run_first_then_rest(batch, 8)
    assert hook.sizes == [1, 7]
    assert outcome[0] == "ok"
    assert {outcome[i] for i in range(1, 8)} == {"disk full"}
    assert _logged() == [0]
    again = _run_first_then_rest(batch, 1)  # the next commit works again
    assert again == {0: "ok"} and _logged() == [0, 0]


def test_inside_an_open_transaction_the_row_goes_with_that_transaction(empty_hq: str) -> None:
    with store.session(), pytest.raises(ZeroDivisionError), store.own_write():
        persons.log_access(None, "self:online", 5, "self", NOW)
        raise ZeroDivisionError
    assert _logged() == []


def test_another_process_writing_the_same_headquarters_loses_no_row(
    empty_hq: str, tmp_path: Path
) -> None:
    script = (
        "import sys; from datetime import datetime, UTC; from hq import persons, store\n"
        "store.connect(sys.argv[1])\n"
        "for i in range(150):\n"
        "    with store.session():\n"
        "        persons.log_access(None, 'other', 100000 + i, 'ssn', datetime.now(UTC))\n"
        "        with store.write_transaction():\n"
        "            store.execute('UPDATE schema_version SET name = name')\n"
    )
    other = subprocess.Popen([sys.executable, "-c", script, empty_hq])
    errors: list[BaseException] = []

    def reads(first: int) -> None:
        try:
            for i in range(40):
                with store.session():
                    persons.log_access(None, "self:online", first + i, "self", NOW)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reads, args=(t * 1000,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other.wait(timeout=120) == 0
    assert errors == []
    logged = _logged()
    mine = sorted(t * 1000 + i for t in range(6) for i in range(40))
    assert [p for p in logged if p < 100000] == mine
    assert [p for p in logged if p >= 100000] == list(range(100000, 100150))


def _signed_in_cookies(client: TestClient) -> dict[str, str]:
    holder = a_holder_with_arrears()
    assert sign_in(client, holder.ssn, holder.birth).status_code == 303
    assert choose_password(client, "864213").status_code == 303
    return dict(client.cookies)


@pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)
def test_concurrent_page_reads_are_each_logged_once_also_when_a_commit_fails(
    demo_hq: DemoHq, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_hq.client.app
    cookies = _signed_in_cookies(demo_hq.client)
    with store.session():
        holder = a_holder_with_arrears()
        before = store.execute(
            "SELECT count(*) FROM access_log WHERE person_id = ? AND key_kind = 'self'",
            (holder.id,),
        ).fetchone()[0]
    commits = {"n": 0}

    def fail_the_third(rows: int) -> None:
        commits["n"] += 1
        if commits["n"] == 3:
            raise RuntimeError("disk full")

    monkeypatch.setattr(persons.access_batch, "before_commit", fail_the_third)
    statuses: list[int] = []

    def read() -> None:
        client = TestClient(app, raise_server_exceptions=False, cookies=cookies)
        for _ in range(4):
            statuses.append(client.get("/selfquery/record").status_code)

    threads = [threading.Thread(target=read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 24 and set(statuses) == {200, 500}
    with store.session():
        after = store.execute(
            "SELECT count(*) FROM access_log WHERE person_id = ? AND key_kind = 'self'",
            (holder.id,),
        ).fetchone()[0]
    assert after - before == statuses.count(200)


def test_a_sqlite_connection_back_in_the_pool_serves_the_next_thread(empty_hq: str) -> None:
    def use() -> int:
        with store.session():
            return id(store.hq_db.connection())

    first = use()
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(use()))
    thread.start()
    thread.join()
    assert seen == [first]  # the same connection, opened once, used from another thread
