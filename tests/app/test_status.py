"""The status bar's sync snapshot, from the register or from the sync engine's worker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from desktop.app.freshness import data_as_of_text
from desktop.app.i18n import set_language
from desktop.app.status import StatusFeed, SyncState, read_status, snapshot_from
from desktop.app.sync_words import sync_problem
from models.sync_status import Freshness

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _fresh(
    success: datetime | None = None, error: str | None = None, pending: int = 0
) -> SimpleNamespace:
    """A freshness reading without a declared state (as before the sync engine)."""
    return SimpleNamespace(
        last_success_at=success, last_error=error, pending_commands=pending, demo_generated_at=None
    )


def test_a_register_never_synced_is_offline() -> None:
    snapshot = snapshot_from(_fresh(pending=3), NOW)
    assert (snapshot.state, snapshot.never_synced, snapshot.pending) == (
        SyncState.OFFLINE, True, 3,
    )  # fmt: skip
    assert data_as_of_text(snapshot, NOW) == "Data as of: never synced with headquarters"


def test_a_recent_sync_is_online_and_an_old_one_offline() -> None:
    recent = snapshot_from(_fresh(NOW - timedelta(minutes=5)), NOW)
    assert recent.state is SyncState.ONLINE
    assert data_as_of_text(recent, NOW).endswith("(5 minutes ago)")
    assert snapshot_from(_fresh(NOW - timedelta(days=2)), NOW).state is SyncState.OFFLINE


def test_a_sync_error_is_failing_with_its_reason() -> None:
    snapshot = snapshot_from(_fresh(NOW - timedelta(minutes=5), error="connection refused"), NOW)
    assert (snapshot.state, snapshot.reason) == (SyncState.FAILING, "connection refused")


def test_a_sync_engine_snapshot_is_read_by_its_attributes() -> None:
    engine = SimpleNamespace(
        status="online",
        last_success_at=NOW - timedelta(minutes=1),
        data_as_of=NOW - timedelta(minutes=3),
        pending_commands=2,
        rejected=1,
        clock_skew_s=0.4,
    )
    snapshot = snapshot_from(engine, NOW)
    assert (snapshot.state, snapshot.pending, snapshot.rejected) == (SyncState.ONLINE, 2, 1)
    assert snapshot.as_of == NOW - timedelta(minutes=3)
    assert snapshot_from(SimpleNamespace(status="never"), NOW).state is SyncState.NEVER
    stale = SimpleNamespace(status="online", last_success_at=NOW - timedelta(days=3))
    assert snapshot_from(stale, NOW).state is SyncState.OFFLINE


def test_the_feed_hands_the_main_loop_the_newest_snapshot_published_from_a_thread() -> None:
    feed = StatusFeed()
    listeners: list[Callable[[object], None]] = []
    feed.attach(SimpleNamespace(add_listener=listeners.append))
    publisher = threading.Thread(target=lambda: [listeners[0](n) for n in range(3)])
    publisher.start()
    publisher.join()
    assert feed.latest() == 2
    assert feed.latest() is None


def test_the_register_status_counts_pending_and_unacknowledged_rejections(demo) -> None:
    from models.actor import Actor
    from models.enums import Role
    from models.outbox import enqueue
    from models.schema import Outbox, db

    with db.atomic():
        enqueue("visit.record", {}, Actor("clerk01", Role.CLERK))
        enqueue("visit.record", {}, Actor("clerk01", Role.CLERK))
    Outbox.update(status="rejected").where(Outbox.seq == 1).execute()
    snapshot = read_status()
    assert (snapshot.pending, snapshot.rejected) == (1, 1)


def test_a_sync_problem_is_said_in_the_clerk_s_language_with_the_engine_s_words_as_detail() -> None:
    set_language("zh")
    assert (
        sync_problem("server_error", "headquarters failed (HTTP 500)")
        == "总部发生故障：系统会自动重试同步。"
    )
    assert (
        sync_problem("ServerError", "as stored before codes")
        == "总部发生故障：系统会自动重试同步。"
    )
    assert sync_problem("SomethingNewer", "an English sentence") == "an English sentence"
    snapshot = snapshot_from(
        Freshness(None, None, "cannot reach headquarters", 0, None, "offline", error_kind="offline")
    )
    assert snapshot.reason_kind == "offline"


def test_through_the_office_relay_the_bar_says_which_link_is_down() -> None:
    set_language("en")
    ok = NOW - timedelta(seconds=10)
    alone = snapshot_from(
        SimpleNamespace(
            status="offline", last_success_at=ok, last_error="no relay", through_relay=True
        ),
        NOW,
    )
    assert alone.office_link_down and not alone.headquarters_link_down
    as_one = snapshot_from(
        SimpleNamespace(
            status="online",
            last_success_at=ok,
            data_as_of=NOW - timedelta(minutes=7),  # the relay's last pull from headquarters
            through_relay=True,
            upstream_status="offline",
            waiting_at_relay=4,
        ),
        NOW,
    )
    assert as_one.headquarters_link_down and not as_one.office_link_down
    assert as_one.waiting_at_relay == 4
    assert data_as_of_text(as_one, NOW).endswith("(7 minutes ago)")
    direct = snapshot_from(SimpleNamespace(status="offline", last_success_at=ok), NOW)
    assert not direct.office_link_down and not direct.headquarters_link_down


def test_the_register_knows_it_syncs_through_the_relay_and_how_the_relay_stands(demo) -> None:
    from models.clock import utc_now
    from models.schema import OfficeSetting, write_transaction
    from models.schema import SyncState as StateRow

    with write_transaction():
        OfficeSetting.replace(key="hq_service", value="counterdesk-relay").execute()
        StateRow.replace(
            channel="headquarters",
            status="online",
            last_success_at=utc_now(),
            detail='{"upstream": {"status": "offline", "waiting": 3}}',
        ).execute()
    snapshot = read_status()
    assert snapshot.through_relay and snapshot.upstream == "offline"
    assert snapshot.waiting_at_relay == 3 and snapshot.headquarters_link_down
