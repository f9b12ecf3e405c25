"""Data freshness: read from the register and said in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.actor import Actor
from models.enums import Role
from models.schema import OfficeSetting, SyncState, db
from models.sync_status import FRESHNESS_SQL, HEADQUARTERS, Freshness, describe, freshness
from models.visits import record_service_visit

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def test_a_new_register_was_never_synced_and_has_nothing_pending(home) -> None:
    fresh = freshness()
    assert fresh.never_synced and fresh.pending_commands == 0
    assert describe(fresh, NOW) == "never synced with headquarters"


def test_freshness_counts_pending_commands_and_reads_the_last_sync(home) -> None:
    record_service_visit(Actor("clerk01", Role.CLERK), "counter", "lookup")
    SyncState.create(
        channel=HEADQUARTERS,
        last_success_at=NOW - timedelta(minutes=5),
        last_attempt_at=NOW - timedelta(minutes=1),
        last_error="connection refused",
    )
    with db.atomic():
        OfficeSetting.create(key="demo_generated_at", value=(NOW - timedelta(days=1)).isoformat())
    fresh = freshness()
    assert fresh.pending_commands == 1
    assert fresh.last_success_at == NOW - timedelta(minutes=5)
    assert fresh.last_error == "connection refused"
    text = describe(fresh, NOW)
    assert "(5 min ago)" in text
    assert "1 change(s) waiting to be sent" in text
    assert "last sync failed: connection refused" in text


def test_ages_are_said_in_minutes_hours_or_days() -> None:
    def said(age: timedelta) -> str:
        return describe(Freshness(NOW - age, None, None, 0, None), NOW)

    assert "less than a minute ago" in said(timedelta(seconds=20))
    assert "(90 min ago)" in said(timedelta(minutes=90))
    assert "(5 h ago)" in said(timedelta(hours=5))
    assert "(3 days ago)" in said(timedelta(days=3, hours=2))


def test_freshness_reads_status_data_time_rejections_skew_and_resync(home) -> None:
    record_service_visit(Actor("clerk01", Role.CLERK), "counter", "lookup")
    db.execute_sql(
        "UPDATE outbox SET status = 'rejected', reason = 'card is cancelled (card_state)'"
    )
    SyncState.create(
        channel=HEADQUARTERS,
        last_success_at=NOW - timedelta(minutes=3),
        status="offline",
        last_error="cannot reach headquarters",
        data_as_of=NOW - timedelta(minutes=10),
        clock_skew_s=420.0,
        resync_required=True,
    )
    fresh = freshness()
    assert fresh.status == "offline" and fresh.rejected_awaiting == 1
    assert fresh.data_as_of == NOW - timedelta(minutes=10)
    assert fresh.clock_skew_s == 420.0 and fresh.clock_skew_reported and fresh.resync_required
    text = describe(fresh, NOW)
    assert "(3 min ago)" in text  # headquarters' data time, corrected by the clock skew
    assert "1 change(s) rejected by headquarters await a supervisor" in text
    assert "offline: last sync failed: cannot reach headquarters" in text
    assert "clock is 7 min ahead of headquarters'" in text
    assert "a full resync is due" in text


def test_an_acknowledged_rejection_no_longer_awaits(home) -> None:
    record_service_visit(Actor("clerk01", Role.CLERK), "counter", "lookup")
    db.execute_sql(
        "UPDATE outbox SET status = 'rejected', acknowledged_by = 'sup', acknowledged_at = ?",
        (NOW.isoformat(),),
    )
    assert freshness().rejected_awaiting == 0


def test_the_freshness_query_is_one_fixed_statement() -> None:
    assert FRESHNESS_SQL.count(";") == 0 and FRESHNESS_SQL.count("?") == 1
