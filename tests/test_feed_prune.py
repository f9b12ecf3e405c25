"""Pruning headquarters' change feed: what goes and what stays, an office whose cursor was
pruned copying its register again, another writer appending meanwhile, the admin's command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from hq import feed, feed_prune, register, store
from hq.api import create_app
from hq.errors import FeedPruned
from hq.offices import enrol_office
from models.actor import Actor
from models.clock import utc_now
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.schema import Card
from sync import state
from sync.client import HqClient
from sync.engine import SyncEngine
from sync.enrolment import enrol
from tests.cli_helpers import run
from tests.hq_fixtures import sqlite_url
from tests.sync_helpers import ServedHq

CLERK = Actor("clerk01", Role.CLERK)


def employer(i: int) -> list[Any]:
    return [i, f"91370100{i:08d}X", f"单位{i}", "370102", 50]


APPEND_ELSEWHERE = """
import sys
from hq import register, store
store.connect(sys.argv[1])
for i in range(201, 281):
    register.upsert_rows("employer", [[i, f"91370100{i:08d}X", f"单位{i}", "370102", 50]])
store.close()
"""


def seqs() -> list[int]:
    return [r[0] for r in store.execute("SELECT seq FROM feed_change ORDER BY seq").fetchall()]


def test_pruning_deletes_the_changes_before_the_horizon_and_always_keeps_the_head(
    hq_url: str,
) -> None:
    store.connect(hq_url)
    now = utc_now()
    for i in range(1, 11):
        register.upsert_rows("employer", [employer(i)], now=now - timedelta(days=100 - i))
    for i in range(11, 16):
        register.upsert_rows("employer", [employer(i)], now=now - timedelta(days=1))
    assert feed.pruned_through() == 0

    planned = feed_prune.plan(now - timedelta(days=30))
    assert (planned.pruned_through, planned.last, planned.changes) == (0, 10, 10)
    assert seqs() == list(range(1, 16))  # a plan deletes nothing
    done = feed_prune.prune(now - timedelta(days=30), batch=3)
    assert done.changes == 10 and seqs() == list(range(11, 16))
    assert feed.pruned_through() == 10

    assert [c["seq"] for c in feed.pull(["370102"], 10).changes] == [11, 12, 13, 14, 15]
    with pytest.raises(FeedPruned) as refused:
        feed.pull(["370102"], 9)
    assert (refused.value.after, refused.value.pruned_through) == (9, 10)

    again = feed_prune.prune(now - timedelta(days=30))
    assert again.changes == 0  # nothing older is left
    everything = feed_prune.prune(now + timedelta(days=1))
    assert everything.changes == 4 and seqs() == [15]  # the head stays
    assert feed.pull(["370102"], 14).changes[0]["seq"] == 15
    assert store.execute("SELECT count(*) FROM employer").fetchone()[0] == 15  # rows stay


def test_pruning_while_another_process_appends_loses_no_change_and_leaves_no_gap(
    hq_url: str,
) -> None:
    store.connect(hq_url)
    old = utc_now() - timedelta(days=60)
    for i in range(1, 201):
        register.upsert_rows("employer", [employer(i)], now=old)
    writer = subprocess.Popen(  # another process writing the same headquarters meanwhile
        [sys.executable, "-c", APPEND_ELSEWHERE, hq_url],
        stderr=subprocess.PIPE,
        text=True,
    )
    pruned = 0
    while writer.poll() is None:
        pruned += feed_prune.prune(utc_now() - timedelta(days=30), batch=7).changes
    # once more: a run before the first append kept seq 200, the head then
    pruned += feed_prune.prune(utc_now() - timedelta(days=30), batch=7).changes
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert pruned == 200
    kept = seqs()
    assert kept == list(range(201, 281))  # gapless from the first kept to the head
    rows = [c["row"][0] for c in feed.pull(["370102"], 200, 1000).changes]
    assert rows == list(range(201, 281))  # every appended change is there, in order


@pytest.fixture
def office(hq_demo_url: str, tmp_path: Path) -> Iterator[tuple[OfficeHome, HqClient]]:
    """An office synced once with a served headquarters (the demo city)."""
    store.connect(hq_demo_url)
    token = enrol_office("lixia", ["370102"], "历下区社保服务中心")
    served = ServedHq(create_app(hq_demo_url))
    home = OfficeHome(tmp_path / "office")
    home.create("370102", "历下区社保服务中心")
    client = HqClient(httpx.Client(base_url=served.url, timeout=60), token)
    try:
        enrol(home, client, served.url, CLERK)
        assert SyncEngine(client).run_once().completed
        yield home, client
    finally:
        client.close()
        close_register()
        served.close()


def test_an_office_whose_cursor_was_pruned_copies_its_register_again(
    office: tuple[OfficeHome, HqClient],
) -> None:
    _home, client = office
    cursor = state.read().cursor
    assert cursor == feed.head_seq()
    card_no = store.execute(
        "SELECT c.card_no FROM card c JOIN person p ON p.id = c.person_id "
        "WHERE c.status = 'active' AND p.district = '370102' ORDER BY c.id LIMIT 1"
    ).fetchone()[0]
    register.set_card_status(card_no, "lost")  # changed while the office was away
    register.upsert_rows("employer", [employer(990_001)])
    feed_prune.prune(utc_now() + timedelta(minutes=1))  # all but the head
    assert feed.pruned_through() > cursor

    first = SyncEngine(client).run_once()
    assert not first.completed and first.error is not None
    assert first.error.code == "feed_pruned"
    assert "copied again at the next sync" in first.error.message
    assert state.read().resync_required

    second = SyncEngine(client).run_once()
    assert second.completed, second.error
    assert not state.read().resync_required and state.read().cursor == feed.head_seq()
    assert Card.get(Card.card_no == card_no).status == "lost"  # the change arrived by the copy


def test_prune_feed_on_the_command_line_is_an_admins_and_a_dry_run_deletes_nothing(
    hq_sqlite_demo_template: Path, tmp_path: Path
) -> None:
    target = tmp_path / "hq.db"
    shutil.copyfile(hq_sqlite_demo_template, target)
    url = sqlite_url(target)
    store.connect(url)
    old = utc_now() - timedelta(days=40)
    for i in range(1, 6):
        register.upsert_rows("employer", [employer(880_000 + i)], now=old)
    register.upsert_rows("employer", [employer(880_010)])
    head = feed.head_seq()
    store.close()
    prune = ("hq", "prune-feed", "--db", url, "--older-than-days", "30")

    supervisor = run(*prune)  # the tests' command line signs in as supervisor01
    assert supervisor.returncode == 5 and "an admin may" in supervisor.stderr
    too_short = run(*prune[:-1], "3", "--as", "admin")
    assert too_short.returncode == 2 and "at least 7 days" in too_short.stderr
    dry = run(*prune, "--as", "admin", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert '"would_delete": 5' in dry.stdout and f'"head_seq": {head}' in dry.stdout
    done = run(*prune, "--as", "admin")
    assert done.returncode == 0, done.stderr
    assert "deleted 5 changes" in done.stdout
    store.connect(url)
    try:
        assert feed.pruned_through() == head - 1 and seqs() == [head]
    finally:
        store.close()
