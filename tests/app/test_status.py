"""The status bar's sync snapshot, from the register or from the sync engine's worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import set_language
from desktop.core.status import from_freshness, from_update, read_status
from desktop.core.sync_words import sync_problem
from models.sync_status import Freshness
from sync.errors import LinkStatus
from sync.scheduler import WorkerUpdate
from sync.status import StatusSnapshot

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _fresh(
    success: datetime | None = None,
    error: str | None = None,
    pending: int = 0,
    status: str = "never",
    **more: object,
) -> Freshness:
    """A reading of the register's sync state."""
    return Freshness(success, None, error, pending, None, status, **more)  # type: ignore[arg-type]


def _update(status: str, success: datetime | None, **more: object) -> WorkerUpdate:
    """What the sync worker publishes after a run."""
    fields = dict(
        enrolled=True, hq_url="http://hq", office_id="o1", districts=("370102",), status=status,
        last_error=None, error_kind=None, last_success_at=success, last_attempt_at=success,
        data_as_of=None, next_attempt_at=None, consecutive_errors=0, pending=0,
        rejected_awaiting=0, clock_skew_s=None, resync_required=False, cursor=None,
        bootstrap=None, last_check=None, audit_sent_up_to=None,
    )  # fmt: skip
    fields.update(more)
    return WorkerUpdate(StatusSnapshot(**fields), None)  # type: ignore[arg-type]


def test_a_register_never_synced_says_so_and_counts_what_waits() -> None:
    snapshot = from_freshness(_fresh(pending=3), NOW)
    assert (snapshot.state, snapshot.never_synced, snapshot.pending) == (
        LinkStatus.NEVER, True, 3,
    )  # fmt: skip
    assert data_as_of_text(snapshot, NOW) == "Data as of: never synced with headquarters"


def test_online_is_said_only_while_the_last_success_is_recent() -> None:
    recent = from_freshness(_fresh(NOW - timedelta(minutes=5), status="online"), NOW)
    assert recent.state is LinkStatus.ONLINE
    assert data_as_of_text(recent, NOW).endswith("(5 minutes ago)")
    old = from_freshness(_fresh(NOW - timedelta(days=2), status="online"), NOW)
    assert old.state is LinkStatus.OFFLINE


def test_a_sync_error_is_failing_with_its_reason_and_code() -> None:
    failing = _fresh(
        NOW - timedelta(minutes=5), error="HTTP 500", status="failing", error_kind="server_error"
    )
    snapshot = from_freshness(failing, NOW)
    assert (snapshot.state, snapshot.reason, snapshot.error_code) == (
        LinkStatus.FAILING, "HTTP 500", "server_error",
    )  # fmt: skip


def test_the_worker_s_update_is_read_field_by_field() -> None:
    update = _update(
        "online",
        NOW - timedelta(minutes=1),
        data_as_of=NOW - timedelta(minutes=3),
        pending=2,
        rejected_awaiting=1,
        clock_skew_s=0.4,
    )
    snapshot = from_update(update, NOW, demo_generated_at=NOW - timedelta(days=1))
    assert (snapshot.state, snapshot.pending, snapshot.rejected) == (LinkStatus.ONLINE, 2, 1)
    assert snapshot.as_of == NOW - timedelta(minutes=3) and snapshot.clock_skew_s == 0.4
    assert snapshot.demo_generated_at == NOW - timedelta(days=1)
    assert from_update(_update("never", None), NOW).state is LinkStatus.NEVER
    stale = _update("online", NOW - timedelta(days=3))
    assert from_update(stale, NOW).state is LinkStatus.OFFLINE


def test_a_failure_outside_sync_is_the_reason_when_sync_reported_none() -> None:
    update = WorkerUpdate(_update("online", NOW).snapshot, None, "the register is busy")
    snapshot = from_update(update, NOW)
    assert (snapshot.state, snapshot.reason) == (LinkStatus.ONLINE, "the register is busy")


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
    snapshot = from_freshness(
        Freshness(None, None, "cannot reach headquarters", 0, None, "offline", error_kind="offline")
    )
    assert snapshot.error_code == "offline"


def test_through_the_office_relay_the_bar_says_which_link_is_down() -> None:
    set_language("en")
    ok = NOW - timedelta(seconds=10)
    alone = from_freshness(_fresh(ok, "no relay", status="offline", through_relay=True), NOW)
    assert alone.office_link_down and not alone.headquarters_link_down
    as_one = from_freshness(
        _fresh(
            ok,
            status="online",
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
    direct = from_freshness(_fresh(ok, status="offline"), NOW)
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
