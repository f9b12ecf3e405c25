"""The counter's benefit action: record a retiree's yearly pension eligibility check (资格认证)
for the visit, after confirmation; applied at once, queued for headquarters, audited."""

from __future__ import annotations

import tkinter as tk
from dataclasses import replace
from typing import Protocol

from desktop.app.context import AppContext
from desktop.core import benefits as words
from desktop.core.i18n import _
from desktop.core.messages import error_message
from desktop.core.services import Tracked
from desktop.core.visit import ActionEntry
from models.benefits import Benefits, CheckView
from models.clock import utc_now


class BenefitsView(Protocol):
    """What the action uses of the customer screen."""

    ctx: AppContext

    def refresh(self) -> None:
        """Show the visit again."""
        ...


def _with_check(b: Benefits, check: CheckView) -> Benefits:
    """The benefits with this year's check replaced by `check`."""
    others = tuple(c for c in b.checks if c.year != check.year)
    checks = tuple(sorted((*others, check), key=lambda c: c.year, reverse=True))
    return replace(b, checks=checks)


def record_pension_check(screen: BenefitsView, owner: tk.Misc) -> None:
    """Ask, then record the eligibility check of the person served; the log says whether
    headquarters has confirmed it."""
    ctx = screen.ctx
    visit = ctx.visit
    if visit is None or not visit.overview.benefits.retired:
        return
    person = visit.overview.person

    def done(tracked: Tracked) -> None:
        if ctx.visit is not visit:
            return
        check: CheckView = tracked.result
        visit.overview = replace(
            visit.overview, benefits=_with_check(visit.overview.benefits, check)
        )
        stamp = utc_now().astimezone().strftime("%H:%M")
        what = _("Pension eligibility check recorded (next due by {due})").format(
            due=check.next_due.isoformat()
        )
        status = "pending" if tracked.outbox_seqs else "local"
        visit.actions.append(ActionEntry(f"{stamp} {what}", tracked.outbox_seqs, status))
        if tracked.outbox_seqs:
            ctx.wake_sync()
        ctx.notify("", "info")
        screen.refresh()

    def record() -> None:
        ctx.tasks.submit(
            words.record_check,
            person.id,
            ctx.session.actor,
            on_done=done,
            on_error=lambda error: ctx.notify(error_message(error), "danger"),
            owner=owner,
        )

    ctx.dialogs.confirm(
        _("Record eligibility check"),
        _(
            "Record that {name} came in person today for the yearly pension eligibility check? "
            "Do this only after checking their ID card and face against it."
        ).format(name=person.name),
        record,
        yes_text=_("Record"),
    )
