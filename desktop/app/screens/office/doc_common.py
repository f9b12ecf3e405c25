"""What the document screens share: title and "data as of", Esc back to the next customer,
work on a worker with the outcome on a message line, and their error messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.theme import TITLE_FONT
from desktop.core.documents import (
    BatchStopped,
    EmptyBatch,
    FolderNotWritable,
    IdsFileUnreadable,
    Issued,
    UnknownPerson,
)
from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import _
from desktop.core.messages import error_message, id_problem, with_detail
from desktop.core.status import BarStatus, read_status
from models.actor import Actor
from models.idnumber import InvalidIdNumber
from models.permissions import PermissionDenied
from reports.errors import FontUnavailable


def document_message(exc: BaseException) -> str:
    """A translated message for what went wrong with a document, a batch or the audit log."""
    if isinstance(exc, UnknownPerson):
        return _(
            "Nobody with this number is in this office's register. Check the number; a person "
            "insured elsewhere arrives with the next sync."
        )
    if isinstance(exc, FolderNotWritable):
        return _(
            "Cannot write in the folder {folder}: choose another folder, or ask for write "
            "access to it."
        ).format(folder=exc.folder)
    if isinstance(exc, EmptyBatch):
        return _(
            "Nobody to make statements for: the district has nobody in this register, or the "
            "file holds no ID numbers."
        )
    if isinstance(exc, IdsFileUnreadable):
        return with_detail(
            _(
                "Cannot read the file {path}: choose a text file with one ID number per line."
            ).format(path=exc.path),
            exc.reason,
        )
    if isinstance(exc, FontUnavailable):
        return _(
            "The PDF cannot be made: no font for Chinese text is installed, or a name has a "
            "character the font lacks. Install fonts-wqy-microhei, or set the office setting "
            "statement_font."
        )
    if isinstance(exc, PermissionDenied):
        return _("Your role does not allow this: ask a supervisor.")
    if isinstance(exc, InvalidIdNumber):
        return id_problem(exc)
    if isinstance(exc, BatchStopped):
        return with_detail(
            _(
                "The batch stopped unexpectedly. Start it again: the statements already made "
                "are kept."
            ),
            str(exc),
        )
    return error_message(exc)


def where_text(issued: Issued) -> str:
    """'Saved as …' and, when it was, 'sent to the printer …'."""
    text = _("Saved as {path}").format(path=issued.path)
    if issued.printer:
        printer = _("the default printer") if issued.printer == "default" else issued.printer
        text += "\n" + _("and sent to {printer}").format(printer=printer)
    if issued.print_error is not None:
        text += "\n" + error_message(issued.print_error)
    return text


class DocumentScreen(Screen):
    """Base of the document screens: call `build_header()` first in `build()`."""

    def build_header(self, title: str, intro: str) -> int:
        """Title, introduction and "data as of" in rows 0-1; return the next free row."""
        self.columnconfigure(0, weight=1)
        top = ttk.Frame(self)
        top.grid(row=0, column=0, sticky="ew")
        ttk.Label(top, text=title, font=TITLE_FONT).pack(side="left")
        self.as_of = ttk.Label(top, text="", bootstyle="secondary")
        self.as_of.pack(side="right")
        ttk.Label(self, text=intro, bootstyle="secondary", wraplength=1250, justify="left").grid(
            row=1, column=0, sticky="w", pady=(4, 12)
        )
        self.busy = False
        return 2

    @property
    def actor(self) -> Actor:
        """Who is signed in."""
        return self.ctx.session.actor

    def on_show(self, **data: Any) -> None:
        """Say how old the data is: the status bar's reading (read now before its first)."""
        status = self.ctx.status()
        if status is not None:
            self.on_status(status)
            return
        self.ctx.tasks.submit(
            read_status, on_done=self.on_status, on_error=lambda _e: None, owner=self
        )

    def on_status(self, status: BarStatus) -> None:
        """A reading of the sync state: 'data as of' in the status bar's words."""
        self.as_of.configure(text=data_as_of_text(status, status.checked_at))

    def back(self) -> None:
        """Esc: back to the next customer."""
        self.ctx.show("waiting")

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `fn(*args)` on a worker; the outcome comes back on the main loop."""
        self.ctx.tasks.submit(
            fn, *args, on_done=on_done, on_error=on_error or self.failed, owner=self
        )

    def failed(self, error: BaseException) -> None:
        """Say what went wrong (subclasses may also re-enable their buttons)."""
        self.busy = False
        self.say(document_message(error), "danger")

    def say(self, text: str, style: str = "info") -> None:
        """The screen's own message line (subclasses create `self.message`)."""
        message: ttk.Label = self.message  # type: ignore[attr-defined]
        message.configure(text=text, bootstyle=style)
