"""Statements in a batch: the rights records of a year for the district or a file of ID numbers,
with progress, cancel and a summary of what failed and why."""

from __future__ import annotations

import tkinter as tk
from typing import Any, ClassVar

import ttkbootstrap as ttk

from desktop.app.context import AppContext
from desktop.app.registry import Shortcut
from desktop.app.screens.office.doc_common import DocumentScreen, document_message
from desktop.app.widgets.office_fields import LanguageChoice, PathField, YearChoice, on_enter
from desktop.app.widgets.progress_panel import ProgressPanel, duration
from desktop.app.widgets.tables import Table
from desktop.core import office_batch
from desktop.core.batch_failures import reason_words
from desktop.core.i18n import N_, _, language
from models.permissions import Permission

FAILURES_SHOWN = 1000  # a table of a district's worth of rows would stall the screen
YEARS_BACK = 30


class BatchScreen(DocumentScreen):
    """Rights records for many people, made in a process of their own."""

    key = "statement_batch"
    title_text = N_("Batch statements")
    menu_label = N_("Statements in a batch…")
    permission = Permission.STATEMENTS
    # The running batch of each window, kept across the screen being made again (another
    # language or theme): the new screen takes it over, with its latest progress and an end
    # that came while no batch screen existed.
    _jobs: ClassVar[dict[int, office_batch.BatchProcess]] = {}
    _latest: ClassVar[dict[int, office_batch.BatchProgress]] = {}
    _unseen: ClassVar[dict[int, office_batch.BatchOutcome | BaseException]] = {}

    def build(self) -> None:
        """Who, the year, the language, the folder; the progress; the summary."""
        row = self.build_header(
            _("Statements in a batch"),
            _(
                "A personal rights record per person, made while the counter keeps working. "
                "Statements already in the folder are kept: a second run resumes."
            ),
        )
        self.rowconfigure(row + 3, weight=1)
        self._build_form(row)
        self.progress = ProgressPanel(self)
        self.progress.grid(row=row + 1, column=0, sticky="ew", pady=(12, 0))
        self.progress.grid_remove()
        self.message = ttk.Label(self, text="", wraplength=1250, justify="left")
        self.message.grid(row=row + 2, column=0, sticky="w", pady=(8, 0))
        self.failures = Table(
            self, [(_("Person"), 320), (_("Reason"), 380), (_("Details"), 420)], height=5
        )
        self.failures.grid(row=row + 3, column=0, sticky="nsew", pady=(6, 0))
        self.failures.grid_remove()
        self.files = ttk.Label(self, text="", bootstyle="secondary", wraplength=1250)
        self.files.grid(row=row + 4, column=0, sticky="w", pady=(6, 0))
        self.outcome: office_batch.BatchOutcome | None = None
        self._default_folder = ""

    def _build_form(self, row: int) -> None:
        form = ttk.Frame(self)
        form.grid(row=row, column=0, sticky="ew")
        form.columnconfigure(1, weight=1)
        pad = {"padx": (0, 16), "pady": 4, "sticky": "w"}
        ttk.Label(form, text=_("People")).grid(row=0, column=0, **pad)
        self.source = tk.StringVar(self, value="district")
        self.district_button = ttk.Radiobutton(
            form,
            text=_("Everyone of this office's district ({district})").format(
                district=self.ctx.office.district
            ),
            value="district",
            variable=self.source,
        )
        self.district_button.grid(row=0, column=1, sticky="w", pady=4)
        file_line = ttk.Frame(form)
        file_line.grid(row=1, column=1, sticky="ew", pady=4)
        self.file_button = ttk.Radiobutton(
            file_line,
            text=_("ID numbers from a file (one per line):"),
            value="file",
            variable=self.source,
        )
        self.file_button.pack(side="left")
        self.ids_file = PathField(file_line, folder=False, width=48)
        self.ids_file.pack(side="left", fill="x", expand=True, padx=(8, 0))
        self.ids_file.text.trace_add("write", lambda *_a: self.source.set("file"))
        ttk.Label(form, text=_("Year")).grid(row=2, column=0, **pad)
        line = ttk.Frame(form)
        line.grid(row=2, column=1, sticky="w", pady=4)
        self.year_box = YearChoice(line, YEARS_BACK)
        self.year_box.pack(side="left")
        self.year_box.bind("<<ComboboxSelected>>", lambda _e: self._year_changed())
        ttk.Label(line, text=_("Language")).pack(side="left", padx=(32, 16))
        self.lang = LanguageChoice(line)
        self.lang.pack(side="left")
        ttk.Label(form, text=_("Folder")).grid(row=3, column=0, **pad)
        self.folder = PathField(form, folder=True, width=64)
        self.folder.grid(row=3, column=1, sticky="ew", pady=4)
        buttons = ttk.Frame(form)
        buttons.grid(row=4, column=1, sticky="w", pady=(8, 0))
        self.start_button = ttk.Button(
            buttons, text=_("Start the batch"), command=self.start, bootstyle="primary"
        )
        self.start_button.pack(side="left")
        self.cancel_button = ttk.Button(
            buttons, text=_("Esc Cancel the batch"), command=self.cancel, bootstyle="danger"
        )
        self.cancel_button.pack(side="left", padx=(12, 0))
        self.cancel_button.configure(state="disabled")
        on_enter(
            [
                self.district_button,
                self.file_button,
                self.ids_file.entry,
                self.year_box,
                self.lang,
                self.folder.entry,
                self.start_button,
            ],
            self.start,
        )

    # showing -------------------------------------------------------------------------------

    @property
    def job(self) -> office_batch.BatchProcess | None:
        """The batch running for this window, if any."""
        return self._jobs.get(id(self.ctx))

    def on_show(self, **data: Any) -> None:
        """The default folder; a batch still running is shown again."""
        super().on_show(**data)
        if not self.folder.text.get():
            self._year_changed()
        key = id(self.ctx)
        if self.job is not None:
            self._running(True)
            if key in self._latest:
                self.progress.show(self._latest[key])
        ended = self._unseen.pop(key, None)
        if ended is not None:
            self._take(ended)

    def on_hide(self) -> None:
        """A batch goes on while other screens are shown, but not after signing out."""
        if self.job is not None and not self.ctx.session.signed_in:
            self.job.cancel()

    def focus_default(self) -> None:
        """The cancel button while a batch runs, else the choice of people."""
        if self.job is not None:
            self.cancel_button.focus_set()
        elif self.source.get() == "district":
            self.district_button.focus_set()
        else:
            self.file_button.focus_set()

    def _idle(self) -> bool:
        return self.job is None

    def shortcuts(self) -> list[Shortcut]:
        """Enter starts, F3 / F4 choose the file / folder, Esc cancels a batch or goes back."""
        return [
            Shortcut("Return", N_("Start the batch"), self.start, self._idle),
            Shortcut("F3", N_("Choose the file"), self.ids_file.choose, self._idle),
            Shortcut("F4", N_("Choose the folder"), self.folder.choose, self._idle),
            Shortcut(
                "Escape",
                N_("Cancel the batch") if self.job is not None else N_("Back"),
                self.escape,
            ),
        ]

    def escape(self) -> None:
        """Esc: cancel the batch running, else go back to the next customer."""
        if self.job is not None:
            self.cancel()
        else:
            self.back()

    def _year_changed(self) -> None:
        shown = self.folder.text.get()
        if not shown or shown == self._default_folder:
            folder = office_batch.default_batch_folder(self.ctx.home, self.year_box.year())
            self._default_folder = str(folder)
            self.folder.set(folder)

    # running -------------------------------------------------------------------------------

    def request(self) -> office_batch.BatchRequest | None:
        """The batch asked for, or None (what is missing is said)."""
        folder = self.folder.path()
        if folder is None:
            self.say(_("Choose the folder for the statements."), "danger")
            self.folder.entry.focus_set()
            return None
        year, lang = self.year_box.year(), self.lang.code()
        if self.source.get() == "file":
            ids_file = self.ids_file.path()
            if ids_file is None:
                self.say(_("Choose the file of ID numbers (F3)."), "danger")
                self.ids_file.entry.focus_set()
                return None
            return office_batch.BatchRequest(
                year, folder, lang, ids_file=ids_file, ui_lang=language()
            )
        return office_batch.BatchRequest(
            year, folder, lang, district=self.ctx.office.district, ui_lang=language()
        )

    def start(self) -> None:
        """Enter: check the request and start the batch's process (on a worker)."""
        if self.busy or self.job is not None:
            return
        request = self.request()
        if request is None:
            self.bell()
            return
        self.busy = True
        self.start_button.configure(state="disabled")
        self.outcome = None
        self.failures.grid_remove()
        self.files.configure(text="")
        self.say(_("Finding the people…"), "secondary")
        ctx, key = self.ctx, id(self.ctx)

        def started(job: office_batch.BatchProcess) -> None:
            # kept even if this screen was made again meanwhile (another language): the batch
            # runs, and the screen shown (or the next one) takes it over
            self._jobs[key] = job
            self._latest.pop(key, None)
            ctx.tasks.follow(job.follow, lambda item: BatchScreen._arrived(ctx, item))
            shown = ctx.navigator.current
            if isinstance(shown, BatchScreen):
                shown._started(job)

        def refused(error: BaseException) -> None:
            shown = ctx.navigator.current
            if isinstance(shown, BatchScreen):
                shown.failed(error)
            else:
                ctx.notify(document_message(error), "danger")

        ctx.tasks.submit(
            office_batch.start_batch,
            ctx.home,
            self.actor,
            request,
            on_done=started,
            on_error=refused,
        )

    def _started(self, job: office_batch.BatchProcess) -> None:
        self.busy = False
        self.progress.starting(job.plan.total)
        self.say(_("Making the statements… (Esc cancels)"), "secondary")
        self._running(True)

    def _running(self, running: bool) -> None:
        self.progress.grid()
        self.start_button.configure(state="disabled" if running else "normal")
        self.cancel_button.configure(state="normal" if running else "disabled")
        if self.ctx.navigator.current is self:  # never take the focus from another screen
            self.ctx.navigator.refresh_listeners()
            (self.cancel_button if running else self.start_button).focus_set()

    def cancel(self) -> None:
        """Esc: stop after the statements in hand; the summary follows."""
        job = self.job
        if job is None or job.cancel_requested:
            return
        job.cancel()
        self.cancel_button.configure(state="disabled")
        self.say(_("Cancelling: finishing the statements in hand…"), "warning")

    @classmethod
    def _arrived(cls, ctx: AppContext, item: office_batch.BatchItem) -> None:
        """What the batch's process sent (main loop, through the task runner's follow): shown
        by this window's batch screen if it exists, else kept for the one made next."""
        key = id(ctx)
        job = cls._jobs.get(key)
        if job is None:
            return
        if not ctx.session.signed_in and not job.cancel_requested:
            job.cancel()  # signed out (perhaps from the lock screen): the batch stops too
        if isinstance(item, office_batch.BatchProgress):
            cls._latest[key] = item
        else:  # the end: the batch is no longer this window's
            cls._jobs.pop(key, None)
            cls._latest.pop(key, None)
        screen = ctx.navigator.built(cls.key)
        if isinstance(screen, BatchScreen):
            screen._take(item)
        elif not isinstance(item, office_batch.BatchProgress):
            cls._unseen[key] = item

    def _take(self, item: office_batch.BatchItem) -> None:
        """Show a progress report, the summary, or why the batch stopped."""
        if isinstance(item, office_batch.BatchProgress):
            self.progress.show(item)
        elif isinstance(item, office_batch.BatchOutcome):
            self._ended()
            self._summary(item)
        else:
            self._ended()
            self.say(document_message(item), "danger")

    def _ended(self) -> None:
        self._running(False)

    def _summary(self, outcome: office_batch.BatchOutcome) -> None:
        self.outcome = outcome
        p = outcome.progress
        self.progress.show(p, final=True)
        counts = {
            "made": p.made,
            "skipped": p.skipped,
            "failed": p.failed,
            "time": duration(p.seconds),
        }
        if outcome.cancelled:
            text = _(
                "Cancelled: {made} made, {skipped} already made, {failed} failed, {left} not "
                "done (in {time}). Start the batch again to finish it."
            ).format(left=max(0, p.total - p.done), **counts)
            style = "primary"
        else:
            text = _(
                "Done: {made} made, {skipped} already made (kept from an earlier run), {failed} "
                "failed, in {time}."
            ).format(**counts)
            style = "primary" if p.failed else "success"
        self.say(text, style)
        if outcome.failures:
            shown = outcome.failures[:FAILURES_SHOWN]
            self.failures.set_rows([(who, *reason_words(why)[1:]) for who, why in shown])
            self.failures.grid()
            if len(outcome.failures) > len(shown):
                text += " " + _(
                    "The first {n} failures are listed; all are in the CSV file."
                ).format(n=len(shown))
                self.say(text, style)
        self.files.configure(
            text=_("Statements in {folder}; what failed and why in {csv}; totals in {json}").format(
                folder=outcome.failures_csv.parent,
                csv=outcome.failures_csv.name,
                json=outcome.summary_json.name,
            )
        )

    def failed(self, error: BaseException) -> None:
        """The batch could not start: say why."""
        super().failed(error)
        self.start_button.configure(state="normal")
