"""The sync engine: one run = push the outbox, push the audit log, (bootstrap,) pull, check.

The engine works on the open office register and takes its server as an argument (an
`HqClient` over a real HTTP client, or over headquarters running in process). Nothing is pulled
when the push did not complete: a pull could overwrite the optimistic state of commands
headquarters has not seen. Each run ends with the link's status stored in `sync_state`: online,
or offline / failing with the error, the retry timer (exponential backoff with full jitter) and
the clock skew.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models.clock import utc_now
from models.schema import write_transaction
from sync import state
from sync.backoff import CAP_S, RELAY_CAP_S, interval_for, next_attempt
from sync.bootstrap import BootstrapOutcome, Progress, bootstrap
from sync.check import FULL, QUICK, CheckResult, full_check_due, sanity_check
from sync.client import HqClient
from sync.enrolment import learn_workstation_code
from sync.errors import LinkStatus, RateLimited, SyncError
from sync.pull import PullOutcome, pull
from sync.push import AuditOutcome, PushOutcome, push_audit, push_outbox

QUICK_CHECK_EVERY_S = 300.0  # through the office relay, when nothing changed
SKEW_LIMIT_S = 300.0  # a clock more than 5 minutes off is reported


@dataclass
class SyncReport:
    """What one run did, and whether it completed (`error` says why not)."""

    started_at: datetime
    finished_at: datetime | None = None
    error: SyncError | None = None
    status: LinkStatus = LinkStatus.NEVER
    push: PushOutcome = field(default_factory=PushOutcome)
    audit: AuditOutcome = field(default_factory=AuditOutcome)
    bootstrap: BootstrapOutcome | None = None
    pull: PullOutcome | None = None
    check: CheckResult | None = None
    clock_skew_s: float | None = None
    next_attempt_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def completed(self) -> bool:
        """True if every step ran (the data check may still have found a difference)."""
        return self.error is None


def skew_warning(skew: float | None) -> str | None:
    """A sentence when this computer's clock is more than SKEW_LIMIT_S off headquarters'."""
    if skew is None or abs(skew) <= SKEW_LIMIT_S:
        return None
    minutes = round(abs(skew) / 60)
    way = "ahead of" if skew > 0 else "behind"
    return (
        f"this computer's clock is about {minutes} min {way} headquarters': set the right time "
        "(printed statements and the audit log carry it)"
    )


class SyncEngine:
    """Runs sync steps against `client` on the open register."""

    def __init__(
        self,
        client: HqClient,
        *,
        clock: Callable[[], datetime] = utc_now,
        interval_s: float | None = None,
        page_limit: int = 1000,
        bootstrap_limit: int = 500,
        rand: Callable[[float, float], float] = random.uniform,
        progress: Progress | None = None,
        cap_s: float | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        # Through the office relay: every 2 s, backing off at most 30 s (sync.backoff)
        relay = getattr(client, "peer", "headquarters") != "headquarters"
        self.relay = relay
        self.interval_s = interval_s if interval_s is not None else interval_for(relay)
        self.page_limit = page_limit
        self.bootstrap_limit = bootstrap_limit
        self.rand = rand
        self.progress = progress
        self.cap_s = cap_s if cap_s is not None else (RELAY_CAP_S if relay else CAP_S)

    def run_once(self) -> SyncReport:
        """One complete sync, or as far as it gets; the outcome is stored and returned."""
        report = SyncReport(started_at=self.clock())
        with write_transaction():
            state.write(last_attempt_at=report.started_at)
        try:
            self._steps(report)
        except SyncError as exc:
            report.error = exc
        report.finished_at = self.clock()
        report.clock_skew_s = self.client.last_skew_s
        warning = skew_warning(report.clock_skew_s)
        if warning:
            report.warnings.append(warning)
        self._record(report)
        return report

    def _steps(self, report: SyncReport) -> None:
        learn_workstation_code(self.client)
        report.push = push_outbox(self.client, self.clock)
        report.audit = push_audit(self.client)
        if report.audit.broken_at is not None:
            why = f" ({report.audit.head_problem})" if report.audit.head_problem else ""
            report.warnings.append(
                f"headquarters found this office's audit log broken at event "
                f"{report.audit.broken_at}{why}: run `counterdesk audit verify` and tell "
                "headquarters"
            )
        level = FULL if full_check_due(self.clock()) else QUICK
        if state.read().needs_bootstrap:
            report.bootstrap = bootstrap(
                self.client, limit=self.bootstrap_limit, progress=self.progress
            )
            level = FULL
        report.pull = pull(self.client, limit=self.page_limit)
        if level == QUICK and self._check_can_wait(report):
            return
        report.check = sanity_check(self.client, level, self._pull_again(report))
        if report.check.outcome == "mismatch":
            report.warnings.append(
                "the data check found differences with headquarters ("
                + "; ".join(report.check.differences[:3])
                + "): the next sync copies the whole register again"
            )

    def _check_can_wait(self, report: SyncReport) -> bool:
        """Through the office relay (a sync every second or two): the quick data check runs
        when the pull brought changes or the last check is older than QUICK_CHECK_EVERY_S,
        not at every sync (it counts the scope's tables at both ends)."""
        if not self.relay or report.pull is None or report.pull.changes:
            return False
        last = state.read().detail.get("check") or {}
        if last.get("outcome") != "ok" or not last.get("at"):
            return False
        age = (self.clock() - datetime.fromisoformat(last["at"])).total_seconds()
        return 0 <= age < QUICK_CHECK_EVERY_S

    def _pull_again(self, report: SyncReport) -> Callable[[], int]:
        def again() -> int:
            report.pull = pull(self.client, limit=self.page_limit)
            return report.pull.cursor

        return again

    def _record(self, report: SyncReport) -> None:
        """Store the run's outcome: status, error, retry timer, clock skew."""
        now = report.finished_at or self.clock()
        before = state.read()
        changes: dict[str, object] = {}
        if report.clock_skew_s is not None:
            changes["clock_skew_s"] = round(report.clock_skew_s, 3)
        if report.error is None:
            report.status = LinkStatus.ONLINE
            report.next_attempt_at = now + timedelta(seconds=self.interval_s)
            changes.update(
                status=report.status.value,
                last_success_at=now,
                last_error=None,
                consecutive_errors=0,
                next_attempt_at=report.next_attempt_at,
            )
        else:
            failures = before.consecutive_errors + 1
            retry_after = (
                report.error.retry_after if isinstance(report.error, RateLimited) else None
            )
            report.status = report.error.status
            report.next_attempt_at = next_attempt(
                now, failures, retry_after, rand=self.rand, cap=self.cap_s
            )
            changes.update(
                status=report.status.value,
                last_error=report.error.message,
                consecutive_errors=failures,
                next_attempt_at=report.next_attempt_at,
            )
        with write_transaction():
            state.write(**changes)
            state.update_detail(error_kind=None if report.error is None else report.error.code)
