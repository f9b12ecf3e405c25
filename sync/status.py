"""A snapshot of sync's state for people and scripts: what `counterdesk sync status` shows and
what the background worker publishes to the desktop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.register_loading import RegisterLoading, register_loading
from models.schema import db
from models.sync_status import age_words, loading_words
from sync import settings, state
from sync.engine import SKEW_LIMIT_S, skew_warning

STATUS_FORMAT = "counterdesk.sync-status/1"


@dataclass(frozen=True)
class StatusSnapshot:
    """Everything about the link to headquarters, read from the register at one moment."""

    enrolled: bool
    hq_url: str | None
    office_id: str | None
    districts: tuple[str, ...]
    status: str
    last_error: str | None
    error_kind: str | None  # the code of the last error (sync.errors), for its translation
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    data_as_of: datetime | None
    next_attempt_at: datetime | None
    consecutive_errors: int
    pending: int
    rejected_awaiting: int
    clock_skew_s: float | None
    resync_required: bool
    cursor: int | None
    bootstrap: dict[str, Any] | None
    last_check: dict[str, Any] | None
    audit_sent_up_to: int | None
    through_relay: bool = False  # syncs with the office relay, not headquarters directly
    upstream: dict[str, Any] | None = None  # what the relay last said of its own link
    loading: RegisterLoading | None = None  # the first copy of the register under way

    @property
    def upstream_status(self) -> str | None:
        """The relay's link to headquarters: online, offline or never (None: direct)."""
        return self.upstream.get("status") if self.upstream else None

    @property
    def waiting_at_relay(self) -> int:
        """Commands the relay holds for headquarters."""
        return int(self.upstream.get("waiting") or 0) if self.upstream else 0

    @property
    def pending_commands(self) -> int:
        """Alias of `pending` (the name models.sync_status.Freshness uses)."""
        return self.pending

    @property
    def rejected(self) -> int:
        """Alias of `rejected_awaiting` (rejected commands no supervisor has seen)."""
        return self.rejected_awaiting

    @property
    def clock_skew_reported(self) -> bool:
        """True if the clock is more than 5 minutes off headquarters'."""
        return self.clock_skew_s is not None and abs(self.clock_skew_s) > SKEW_LIMIT_S

    def as_json(self) -> dict[str, Any]:
        """The stable JSON form (format counterdesk.sync-status/1)."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "format": STATUS_FORMAT,
            "enrolled": self.enrolled,
            "hq_url": self.hq_url,
            "office_id": self.office_id,
            "districts": list(self.districts),
            "status": self.status,
            "last_error": self.last_error,
            "error_kind": self.error_kind,
            "last_success_at": iso(self.last_success_at),
            "last_attempt_at": iso(self.last_attempt_at),
            "data_as_of": iso(self.data_as_of),
            "next_attempt_at": iso(self.next_attempt_at),
            "consecutive_errors": self.consecutive_errors,
            "pending_commands": self.pending,
            "rejected_awaiting_supervisor": self.rejected_awaiting,
            "clock_skew_s": self.clock_skew_s,
            "clock_skew_reported": self.clock_skew_reported,
            "resync_required": self.resync_required,
            "cursor": self.cursor,
            "bootstrap": self.bootstrap,
            "last_check": self.last_check,
            "audit_sent_up_to": self.audit_sent_up_to,
            "through_relay": self.through_relay,
            "upstream": self.upstream,
            "loading": None
            if self.loading is None
            else {
                "received": self.loading.received,
                "total": self.loading.total,
                "percent": self.loading.percent,
                "started_at": iso(self.loading.started_at),
                "phase": self.loading.phase,
            },
        }

    def lines(self, now: datetime) -> list[str]:
        """The status in a few lines of text (times in local time)."""

        def when(value: datetime | None) -> str:
            if value is None:
                return "never"
            age = age_words((now - value).total_seconds())
            return f"{value.astimezone():%Y-%m-%d %H:%M:%S} ({age} ago)"

        if not self.enrolled:
            head = "Headquarters: not enrolled (counterdesk sync enrol --hq URL --token TOKEN)"
        else:
            head = (
                f"Headquarters: {self.hq_url} (office {self.office_id}, districts "
                f"{', '.join(self.districts)})"
            )
        if self.enrolled and self.through_relay:
            head = head.replace("Headquarters:", "Office relay:", 1)
        out = [head, f"Status: {self.status}" + (f": {self.last_error}" if self.last_error else "")]
        if self.through_relay and self.upstream:
            up = self.upstream
            out.append(
                f"The relay's link to headquarters: {up.get('status')}; data as of "
                f"{up.get('data_as_of') or 'never'}; {up.get('waiting', 0)} command(s) waiting "
                "there for headquarters"
                + (f"; {up['error']}" if up.get("error") and up.get("status") != "online" else "")
            )
        out.append(f"Last success: {when(self.last_success_at)}")
        out.append(f"Data as of: {when(self.data_as_of)} (headquarters' time)")
        if self.next_attempt_at is not None and self.status in ("offline", "failing"):
            out.append(
                f"Next attempt: {self.next_attempt_at.astimezone():%H:%M:%S} "
                f"({self.consecutive_errors} failure(s) in a row)"
            )
        out.append(f"Pending commands: {self.pending}")
        out.append(f"Rejected, awaiting a supervisor: {self.rejected_awaiting}")
        if self.clock_skew_s is not None:
            out.append(
                f"Clock skew: {self.clock_skew_s:+.1f} s"
                + (f" - {skew_warning(self.clock_skew_s)}" if self.clock_skew_reported else "")
            )
        if self.loading is not None:
            out.append(f"Register: {loading_words(self.loading)}")
        if self.bootstrap:
            b = self.bootstrap
            out.append(
                f"Bootstrap under way: phase {b['phase']}, after id {b['after']}, "
                f"{b['pages']} page(s), {b['rows']:,} rows so far"
            )
        if self.resync_required:
            out.append("Resync required: the next sync copies the whole register again")
        if self.last_check:
            c = self.last_check
            text = f"Last data check: {c['outcome']} ({c['level']})"
            if c.get("differences"):
                text += ": " + "; ".join(c["differences"][:3])
            out.append(text)
        return out


_COUNTS = (
    "SELECT (SELECT count(*) FROM outbox WHERE status = 'pending'), "
    "(SELECT count(*) FROM outbox WHERE status = 'rejected' AND acknowledged_at IS NULL)"
)


def read_status() -> StatusSnapshot:
    """The sync status of the open register."""
    with db.atomic():
        link = settings.hq_settings()
        hq = state.read()
        audit_state = state.read(state.AUDIT)
        pending, rejected = db.execute_sql(_COUNTS).fetchone()
        loading = register_loading()
    return StatusSnapshot(
        enrolled=link is not None,
        hq_url=link.url if link else None,
        office_id=link.office_id if link else None,
        districts=link.districts if link else (),
        status=hq.status,
        last_error=hq.last_error,
        error_kind=hq.detail.get("error_kind"),
        last_success_at=hq.last_success_at,
        last_attempt_at=hq.last_attempt_at,
        data_as_of=hq.data_as_of,
        next_attempt_at=hq.next_attempt_at,
        consecutive_errors=hq.consecutive_errors,
        pending=pending,
        rejected_awaiting=rejected,
        clock_skew_s=hq.clock_skew_s,
        resync_required=hq.resync_required,
        cursor=hq.cursor,
        bootstrap=hq.bootstrap,
        last_check=hq.detail.get("check"),
        audit_sent_up_to=audit_state.cursor,
        through_relay=link.through_relay if link else False,
        upstream=hq.detail.get("upstream"),
        loading=loading,
    )
