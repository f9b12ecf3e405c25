"""The link to headquarters: enrolment, sync state in words, and "Sync now" with progress.

Anyone signed in may look and ask for a sync. The sync runs off the main loop: through the
application's background SyncWorker when the context offers one (`ctx.sync_link()`), else as
one engine run on a task worker. Its steps and its end come back on the main loop through the
task runner's listeners; an unreachable headquarters ends the run as "offline", never blocking
the window.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.theme import TITLE_FONT
from desktop.app.widgets.admin_fields import FieldBlock
from desktop.core import admin
from desktop.core.formatting import age_words, local_time, region_words
from desktop.core.i18n import N_, _
from desktop.core.messages import error_message, with_detail
from desktop.core.sync_words import report_warnings, start_problem, sync_problem
from models.clock import utc_now
from sync.engine import SyncReport
from sync.errors import LinkStatus
from sync.scheduler import SyncWorker, WorkerUpdate
from sync.status import StatusSnapshot

SKEW_SHOWN_S = 300  # as the status bar: a clock more than 5 minutes off is worth saying
# Readable on the light themes (their warning yellow on white is not): offline in plain text.
STATE_STYLES = {"online": "success", "failing": "danger", "never": "secondary"}
PHASES = {
    "push": N_("Sending the changes made here (request {n})…"),
    "audit": N_("Sending the audit log (request {n})…"),
    "bootstrap": N_("Copying the register: page {n}, {rows} rows so far…"),
    "pull": N_("Receiving changes from headquarters: page {n}…"),
    "check": N_("Checking the data against headquarters…"),
}
KINDS = {
    "counter": N_("counter"),
    "kiosk": N_("kiosk"),
    "supervisor": N_("supervisor's desk"),
    "relay": N_("relay"),
}
# A bootstrap page seen as a request (the background worker's run): its rows are not known.
BOOTSTRAP_REQUEST = N_("Copying the register: page {n}…")


def state_words(status: StatusSnapshot) -> str:
    """Online / offline / failing / never synced, with the reason when there is one."""
    words = {
        "online": _("Online: in step with headquarters"),
        "offline": _("Offline: headquarters cannot be reached"),
        "failing": _("Sync failing"),
        "never": _("Never synced"),
    }.get(status.status, status.status)
    if status.through_relay:
        words = {
            "online": _("Online: in step with the office relay"),
            "offline": _(
                "Office link down: the office relay cannot be reached; this PC works alone"
            ),
        }.get(status.status, words)
    if status.last_error and status.status in ("offline", "failing"):
        reason = sync_problem(status.error_kind, status.last_error)
        if reason != status.last_error:  # translated: the engine's own words are the detail
            short = _("Offline") if status.status == "offline" else _("Sync failing")
            return with_detail(
                _("{state}. {reason}").format(state=short, reason=reason), status.last_error
            )
        words = with_detail(words + _("."), status.last_error)
    return words


def when(moment: datetime | None, now: datetime) -> str:
    """A local time and how long ago ('never' for none)."""
    if moment is None:
        return _("never")
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return _("{time} (in {age})").format(time=local_time(moment), age=age_words(-seconds))
    return _("{time} ({age} ago)").format(time=local_time(moment), age=age_words(seconds))


class LinkScreen(Screen):
    """The office's link to headquarters."""

    key = "office_link"
    title_text = N_("Headquarters link")
    menu_label = N_("Headquarters link")
    permission = None  # everyone signed in

    def build(self) -> None:
        """Title, the enrolment, the sync state, and the sync-now bar with its progress."""
        self.columnconfigure(0, weight=1)
        ttk.Label(self, text=_("Headquarters link"), font=TITLE_FONT).grid(
            row=0, column=0, sticky="w", pady=(0, 8)
        )
        self.enrolment = FieldBlock(self, _("Enrolment"))
        self.enrolment.grid(row=1, column=0, sticky="ew")
        for key, name in (
            ("url", _("Headquarters address")),
            ("office", _("This office")),
            ("districts", _("Districts")),
            ("enrolled_at", _("Enrolled at")),
        ):
            self.enrolment.add(key, name)
        self.sync = FieldBlock(self, _("Sync"))
        self.sync.grid(row=2, column=0, sticky="ew", pady=(8, 0))
        for key, name in (
            ("state", _("State")),
            ("last_success", _("Last successful sync")),
            ("as_of", _("Data as of")),
            ("next", _("Next attempt")),
            ("pending", _("Changes waiting to be sent")),
            ("rejected", _("Rejected commands awaiting a supervisor")),
            ("clock", _("Clock")),
            ("resync", _("Full copy")),
        ):
            self.sync.add(key, name)
        self.relay = FieldBlock(self, _("Office relay"))
        for key, name in (
            ("link", _("Its link to headquarters")),
            ("waiting", _("Changes waiting there for headquarters")),
            ("stations", _("Workstations of the office")),
        ):
            self.relay.add(key, name)
        bar = ttk.Frame(self)
        bar.grid(row=4, column=0, sticky="ew", pady=(12, 0))
        self.sync_button = ttk.Button(
            bar, text=_("F5 Sync now"), command=self.sync_now, bootstyle="primary"
        )
        self.sync_button.pack(side="left")
        self.progress = ttk.Progressbar(bar, mode="indeterminate", length=220)
        self.phase = ttk.Label(bar, text="", wraplength=820)
        self.phase.pack(side="left", padx=(16, 0))
        self.outcome = ttk.Label(bar, text="", wraplength=1050, justify="left")
        self.outcome.pack(side="left", padx=(16, 0))
        # what the sync's thread tells (its steps, the worker's update) comes back on the main
        # loop through the task runner, and only while this screen exists
        self.step_listener = self.ctx.tasks.listener(self._show_step, owner=self)
        self.update_listener = self.ctx.tasks.listener(self._worker_update, owner=self)
        self.listening_to: SyncWorker | None = None
        self.step_feed: admin.StepFeed | None = None  # the worker's steps, while "Sync now" waits
        self.running = False
        self.status: StatusSnapshot | None = None
        self.phases_seen: list[str] = []

    # the state ---------------------------------------------------------------------------

    def on_show(self, **data: Any) -> None:
        """Read the link's state."""
        if not self.running:
            self._progress_shown(False)
        self.refresh()

    def on_tick(self) -> None:
        """Every few seconds (the window's status refresh): read the state again."""
        if not self.running:
            self.refresh()

    def refresh(self) -> None:
        """Read the state on a worker."""
        self.ctx.tasks.submit(
            admin.link_status,
            self.ctx.session.actor,
            on_done=self.show_status,
            on_error=lambda e: self.outcome.configure(text=error_message(e), bootstyle="danger"),
            owner=self,
        )

    def show_status(self, link: admin.LinkState) -> None:
        """Fill in the enrolment and the sync state."""
        status = link.status
        self.status = status
        now = utc_now()
        e = self.enrolment
        address = _("Office relay address") if status.through_relay else _("Headquarters address")
        e.names["url"].configure(text=address)
        if status.enrolled:
            e.set("url", status.hq_url or "-")
            e.set("office", status.office_id or "-")
            e.set("districts", _(", ").join(map(region_words, status.districts)) or "-")
            e.set("enrolled_at", local_time(link.enrolled_at))
        else:
            e.set(
                "url",
                _(
                    "Not enrolled: an administrator enrols the office with the token from "
                    "headquarters (counterdesk sync enrol --hq URL --token TOKEN)."
                ),
                "danger",
            )
            for key in ("office", "districts", "enrolled_at"):
                e.set(key, "-")
        s = self.sync
        s.set("state", state_words(status), STATE_STYLES.get(status.status))
        s.set("last_success", when(status.last_success_at, now))
        s.set("as_of", when(status.data_as_of, now))
        s.set("next", self._next_text(status, now))
        s.set("pending", str(status.pending))
        s.set(
            "rejected",
            str(status.rejected_awaiting),
            "danger" if status.rejected_awaiting else None,
        )
        s.set("clock", *self._clock_text(status))
        s.set("resync", *self._resync_text(status))
        self._show_relay(status, now)
        self._update_button()

    def _show_relay(self, status: StatusSnapshot, now: datetime) -> None:
        """Through the office relay: its own link to headquarters and the workstations it has
        seen (hidden for an office that syncs with headquarters directly)."""
        if not status.through_relay:
            self.relay.grid_remove()
            return
        self.relay.grid(row=3, column=0, sticky="ew", pady=(8, 0))
        up = status.upstream or {}
        state = up.get("status")
        as_of = up.get("data_as_of")
        words = {
            "online": _("Online"),
            "offline": _("Headquarters cannot be reached: the office works as one"),
        }.get(state or "", _("Not known yet"))
        when_text = when(datetime.fromisoformat(as_of), now) if as_of else _("never")
        self.relay.set(
            "link",
            _("{state}; data as of {when}").format(state=words, when=when_text),
            "success" if state == "online" else None,
        )
        self.relay.set("waiting", str(up.get("waiting") or 0))
        lines = []
        for station in up.get("workstations") or []:
            seen = station.get("last_seen_at")
            contact = when(datetime.fromisoformat(seen), now) if seen else _("never")
            name = f" {station['name']}" if station.get("name") else ""
            lines.append(
                _("{code} ({kind}){name}: last contact {when}").format(
                    code=station.get("code") or "-",
                    kind=_(KINDS[kind]) if (kind := station.get("kind")) in KINDS else "-",
                    name=name,
                    when=contact,
                )
            )
        self.relay.set("stations", "\n".join(lines) or "-")

    @staticmethod
    def _next_text(status: StatusSnapshot, now: datetime) -> str:
        if status.next_attempt_at is None:
            return "-"
        text = when(status.next_attempt_at, now)
        if status.status in ("offline", "failing") and status.consecutive_errors:
            text = _("{time}, by itself (failures in a row: {n})").format(
                time=text, n=status.consecutive_errors
            )
        return text

    @staticmethod
    def _clock_text(status: StatusSnapshot) -> tuple[str, str | None]:
        skew = status.clock_skew_s
        if skew is None:
            return _("not measured yet"), None
        if abs(skew) <= SKEW_SHOWN_S:
            return _("correct (off by {s} s from headquarters' clock)").format(
                s=round(abs(skew), 1)
            ), None
        minutes = round(abs(skew) / 60)
        text = (
            _("about {n} min ahead of headquarters: set the right time")
            if skew > 0
            else _("about {n} min behind headquarters: set the right time")
        )
        return text.format(n=minutes), "danger"

    @staticmethod
    def _resync_text(status: StatusSnapshot) -> tuple[str, str | None]:
        if status.bootstrap:
            b = status.bootstrap
            return (
                _("under way: {pages} pages, {rows} rows so far (the next sync goes on)").format(
                    pages=b.get("pages", 0), rows=b.get("rows", 0)
                ),
                None,
            )
        if status.resync_required:
            return _("needed: the next sync copies the whole register again"), "danger"
        if status.enrolled and status.cursor is None:
            return _("the first sync copies the district's register"), None
        return _("not needed"), None

    # sync now ------------------------------------------------------------------------------

    def can_sync(self) -> bool:
        """A sync can be asked for: enrolled, and none running from here."""
        return not self.running and bool(self.status and self.status.enrolled)

    def _update_button(self) -> None:
        self.sync_button.configure(state="normal" if self.can_sync() else "disabled")
        self.ctx.navigator.refresh_listeners()

    def _worker(self) -> SyncWorker | None:
        """The application's running SyncWorker, if any."""
        link = self.ctx.sync_link()
        worker = link.worker if link is not None else None
        return worker if worker is not None and worker.alive else None

    def sync_now(self) -> None:
        """F5: sync with headquarters now, showing the phases as they go."""
        if not self.can_sync():
            self.bell()
            return
        self.running = True
        self.phases_seen = []
        self.outcome.configure(text="")
        self.phase.configure(text=_("Connecting to headquarters…"))
        self._progress_shown(True)
        self._update_button()
        worker = self._worker()
        if worker is not None:
            if self.listening_to is not worker:
                worker.add_listener(self.update_listener)
                self.listening_to = worker
            self.phase.configure(text=_("The background sync is running now…"))
            link = self.ctx.sync_link()
            self.step_feed = link.steps if link is not None else None
            if self.step_feed is not None:
                self.step_feed.add(self.step_listener)  # its requests, shown as they go
            worker.wake()
            return
        self.ctx.tasks.submit(
            admin.sync_now,
            self.ctx.session.actor,
            self.step_listener,
            on_done=self._finished,
            on_error=self._crashed,
            owner=self,
        )

    def _worker_update(self, update: WorkerUpdate) -> None:
        """The worker finished a run (main loop): the end of "Sync now" while it waits."""
        if self.running:
            self._end(update.report, update.error)
            self.refresh()

    def destroy(self) -> None:
        """Stop listening before the widgets go (another language rebuilds the screens)."""
        self.running = False
        self._stop_listening_to_steps()
        super().destroy()

    def _progress_shown(self, shown: bool) -> None:
        if shown:
            self.progress.pack(side="left", padx=(16, 0), before=self.phase)
            self.progress.start(12)
        else:
            self.progress.stop()
            self.progress.pack_forget()

    def _show_step(self, step: admin.SyncStep) -> None:
        """A step of the sync now running (main loop; the last one's words stay)."""
        if not self.running:
            return
        words = PHASES[step.phase]
        if step.phase == "bootstrap" and step.rows is None:
            words = BOOTSTRAP_REQUEST
        text = _(words).format(n=step.count, rows=f"{step.rows or 0:,}")
        self.phase.configure(text=text)
        self.phases_seen.append(step.phase)

    def _finished(self, outcome: admin.SyncOutcome) -> None:
        self._end(outcome.report, outcome.problem, outcome.problem_code)
        self.show_status(outcome.link)

    def _crashed(self, error: BaseException) -> None:
        self._end(None, None)
        self.outcome.configure(text=error_message(error), bootstyle="danger")
        self.refresh()

    def _stop_listening_to_steps(self) -> None:
        if self.step_feed is not None:
            self.step_feed.remove(self.step_listener)
            self.step_feed = None

    def _end(self, report: SyncReport | None, problem: str | None, code: str | None = None) -> None:
        self.running = False
        self._stop_listening_to_steps()
        self._progress_shown(False)
        self.phase.configure(text="")
        if report is None:
            if problem:
                self.outcome.configure(
                    text=_("The sync could not start: {reason}").format(
                        reason=start_problem(code, problem)
                    ),
                    bootstyle="danger",
                )
        elif report.error is None:
            lines = [self._synced_text(report)]
            lines += [_("Note: {warning}").format(warning=w) for w in report_warnings(report)]
            self.outcome.configure(text="\n".join(lines), bootstyle="success")
        else:
            offline = report.status is LinkStatus.OFFLINE
            words = (
                _("Offline: headquarters cannot be reached. Work goes on here; nothing is lost.")
                if offline
                else _("The sync failed.")
            )
            self.outcome.configure(  # the reason is in the state above
                text=words, bootstyle="default" if offline else "danger"
            )
        self._update_button()
        self.ctx.refresh_status()

    @staticmethod
    def _synced_text(report: SyncReport) -> str:
        push, pull, boot = report.push, report.pull, report.bootstrap
        parts = [
            _("changes confirmed: {accepted}, rejected: {rejected}").format(
                accepted=push.accepted, rejected=push.rejected
            )
        ]
        if boot is not None:
            parts.append(
                _("register copied (pages: {pages}, rows: {rows})").format(
                    pages=boot.pages, rows=f"{boot.rows:,}"
                )
            )
        if pull is not None:
            parts.append(
                _("changes received: {changes} (pages: {pages})").format(
                    changes=pull.changes, pages=pull.pages
                )
            )
        return _("Synced: {parts}.").format(parts="; ".join(parts))

    def back(self) -> None:
        """Back to the counter."""
        self.ctx.show("waiting")

    def shortcuts(self) -> list[Shortcut]:
        """F5 syncs now, Esc goes back."""
        return [
            Shortcut("F5", N_("Sync now"), self.sync_now, self.can_sync),
            Shortcut("Escape", N_("Back"), self.back),
        ]
