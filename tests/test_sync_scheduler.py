"""The background sync worker: runs when due or woken, publishes status, keeps its own
connection, and leaves the retry timer in the register."""

from __future__ import annotations

import queue
import threading

import httpx

from models.home import OfficeHome
from sync import state
from sync.client import HqClient
from sync.scheduler import SyncWorker, WorkerUpdate
from tests.sync_helpers import free_port

WAIT_S = 20.0


def unreachable() -> HqClient:
    return HqClient(httpx.Client(base_url=f"http://127.0.0.1:{free_port()}", timeout=2), "o.s")


def test_the_worker_syncs_when_due_publishes_offline_and_retries_when_woken(
    home: OfficeHome,
) -> None:
    updates: queue.Queue[WorkerUpdate] = queue.Queue()
    threads: list[str] = []

    def publish(update: WorkerUpdate) -> None:
        threads.append(threading.current_thread().name)
        updates.put(update)

    worker = SyncWorker(home, unreachable, listeners=[publish], poll_s=60).start()
    try:
        first = updates.get(timeout=WAIT_S)
        assert first.snapshot.status == "offline"
        assert first.report is not None and not first.report.completed
        assert "cannot reach headquarters" in (first.snapshot.last_error or "")
        assert first.snapshot.next_attempt_at is not None
        worker.wake()
        second = updates.get(timeout=WAIT_S)
        assert second.snapshot.consecutive_errors == 2
    finally:
        worker.stop()
    assert not worker.alive and set(threads) == {"counterdesk-sync"}
    saved = state.read()  # the main thread's own connection sees the worker's commits
    assert saved.status == "offline" and saved.consecutive_errors >= 2


def test_a_worker_of_an_office_not_enrolled_says_so_and_keeps_waiting(home: OfficeHome) -> None:
    from sync.enrolment import connect

    updates: queue.Queue[WorkerUpdate] = queue.Queue()
    worker = SyncWorker(home, connect, listeners=[updates.put], poll_s=60).start()
    try:
        update = updates.get(timeout=WAIT_S)
        assert update.report is None and "not enrolled" in (update.error or "")
        assert worker.alive
    finally:
        worker.stop()
