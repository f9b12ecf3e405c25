"""What the clerk does on the customer screen: each action runs on a worker and reports back."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from cards.errors import PinBlocked, WrongPin
from cards.record import CardRecord
from desktop.app.context import AppContext
from desktop.app.widgets.action_log import ActionLog
from desktop.app.widgets.print_dialog import PrintDialog
from desktop.app.widgets.verification import VerificationPanel
from desktop.core import services
from desktop.core.i18n import N_, _
from desktop.core.messages import error_message
from desktop.core.visit import ActionEntry, Purpose, Visit
from models.actor import Actor
from models.clock import local_today, utc_now
from models.credentials import VerifyResult
from models.errors import CredentialLocked
from models.permissions import Permission, allowed

HAND_BACK = N_(
    "{done} Please hand the social security card back to the customer: it is still in the reader."
)


class CustomerView(Protocol):
    """What the actions use of the customer screen (desktop.app.screens.customer)."""

    ctx: AppContext
    verification: VerificationPanel
    log: ActionLog

    def refresh(self) -> None:
        """Show the visit again."""
        ...

    def show_verification(self) -> None:
        """Show how the customer is verified."""
        ...

    def pin_possible(self) -> bool:
        """True while the customer's card is in a reader."""
        ...

    def focus_default(self) -> None:
        """Focus where the clerk types next."""
        ...


class CustomerActions:
    """The actions of the customer screen, run for `screen.ctx.visit`."""

    def __init__(self, screen: CustomerView, owner: tk.Misc) -> None:
        """`owner`: the screen's widget; answers arriving after it is gone are dropped."""
        self.screen = screen
        self.owner = owner
        self.ctx = screen.ctx
        self.last_statement: Path | None = None

    @property
    def visit(self) -> Visit:
        """The visit acted on (the screen is shown only with one)."""
        visit = self.ctx.visit
        if visit is None:
            raise RuntimeError("no visit")
        return visit

    def _run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None]) -> None:
        self.ctx.tasks.submit(fn, *args, on_done=on_done, on_error=self._failed, owner=self.owner)

    def _failed(self, error: BaseException) -> None:
        self.ctx.notify(error_message(error), "danger")

    def _done(self, what: str, tracked: services.Tracked, purpose: Purpose | None = None) -> None:
        visit = self.visit
        stamp = utc_now().astimezone().strftime("%H:%M")
        status = "pending" if tracked.outbox_seqs else "local"
        if tracked.outbox_seqs:
            self.ctx.wake_sync()
        visit.actions.append(ActionEntry(f"{stamp} {what}", tracked.outbox_seqs, status))
        if purpose is not None:
            visit.purpose = purpose
        self.ctx.notify("", "info")  # the log below the record says what was done
        self.screen.refresh()

    # the ID number ---------------------------------------------------------------------------

    def reveal(self) -> None:
        """F2: show the full ID number (logged), or hide it again."""
        visit = self.visit
        if visit.revealed_ssn:
            visit.revealed_ssn = None
            self.screen.refresh()
            return

        def shown(ssn: str) -> None:
            visit.revealed_ssn = ssn
            self.screen.refresh()

        actor = self.ctx.session.actor
        self._run(services.reveal_ssn, visit.kind, visit.value, actor, on_done=shown)

    # verification ----------------------------------------------------------------------------

    def check_pin(self, pin: str) -> None:
        """Send the PIN to the card in the reader, once."""
        visit = self.visit
        if not self.screen.pin_possible():
            self.screen.verification.say_pin(_("Insert this person's card first."), "danger")
            return

        def verified(_result: None) -> None:
            visit.verification.pin_verified = True
            self.screen.show_verification()

        def failed(error: BaseException) -> None:
            if isinstance(error, WrongPin):
                visit.verification.pin_tries_left = error.tries_left
                self.screen.show_verification()
            elif isinstance(error, PinBlocked):
                visit.verification.pin_tries_left = 0
                self.screen.show_verification()
            else:
                self.screen.verification.say_pin(error_message(error), "danger")

        self.ctx.tasks.submit(
            self.ctx.cards.verify_pin,
            visit.reader,
            pin,
            on_done=verified,
            on_error=failed,
            owner=self.owner,
        )

    def check_password(self, password: str) -> None:
        """Check the query password (wrong ones are counted by the register)."""
        visit = self.visit

        def checked(tracked: services.Tracked) -> None:
            result: VerifyResult = tracked.result
            check = visit.verification
            check.password_verified = result.ok
            check.password_tries_left = None if result.ok else result.remaining_attempts
            check.password_locked = result.locked_until is not None
            self.screen.show_verification()

        def failed(error: BaseException) -> None:
            if isinstance(error, CredentialLocked):
                visit.verification.password_locked = True
                self.screen.show_verification()
            else:
                self._failed(error)

        self.ctx.tasks.submit(
            services.check_password,
            visit.person_id,
            password,
            self.ctx.session.actor,
            on_done=checked,
            on_error=failed,
            owner=self.owner,
        )

    def id_checked(self, checked: bool) -> None:
        """The clerk ticked (or unticked) 'ID card checked in person'."""
        self.visit.verification.id_card_checked = checked

    # card operations -------------------------------------------------------------------------

    def can_report_lost(self) -> bool:
        """Only an active card can be reported lost."""
        visit = self.ctx.visit
        return bool(visit and visit.card_status(visit.current_card_no) == "active")

    def can_cancel_loss(self) -> bool:
        """Only a card reported lost can have its report cancelled."""
        visit = self.ctx.visit
        return bool(visit and visit.card_status(visit.current_card_no) == "lost")

    def report_lost(self) -> None:
        """F5: report the card lost, after confirmation."""
        self._card_operation(
            self.can_report_lost,
            _("Report card lost"),
            _(
                "Report card {card} of {name} lost? It stops working at once, here and, after "
                "sync, everywhere."
            ),
            services.report_lost,
            "lost",
            _("Card {card} reported lost"),
            Purpose.CARD_REPORT_LOST,
            danger=True,
        )

    def cancel_loss(self) -> None:
        """F6: cancel the loss report (the card was found), after confirmation."""
        self._card_operation(
            self.can_cancel_loss,
            _("Cancel loss report"),
            _("Cancel the loss report of card {card} of {name}? The card works again."),
            services.cancel_loss,
            "active",
            _("Loss report of card {card} cancelled"),
            Purpose.CARD_CANCEL_LOSS,
        )

    def _card_operation(
        self,
        possible: Callable[[], bool],
        title: str,
        question: str,
        service: Callable[[str, Actor], services.Tracked],
        new_status: str,
        done_text: str,
        purpose: Purpose,
        danger: bool = False,
    ) -> None:
        visit = self.visit
        card_no = visit.current_card_no
        if not possible() or card_no is None:
            return
        message = question.format(card=card_no, name=visit.overview.person.name)

        def done(tracked: services.Tracked) -> None:
            cards = tuple(
                c._replace(status=new_status) if c.card_no == card_no else c
                for c in visit.overview.cards
            )
            visit.overview = replace(visit.overview, cards=cards)
            self._done(done_text.format(card=card_no), tracked, purpose)

        self.ctx.dialogs.confirm(
            title,
            message,
            lambda: self._run(service, card_no, self.ctx.session.actor, on_done=done),
            yes_text=title,
            danger=danger,
        )

    def reset_password(self) -> None:
        """F7: reset the query password to the birth date, after confirmation."""
        visit = self.visit
        person = visit.overview.person
        message = _(
            "Reset the query password of {name} to the birth date ({birth})? Do this only "
            "after checking their ID card."
        ).format(name=person.name, birth=person.birth_date.strftime("%Y%m%d"))

        def done(tracked: services.Tracked) -> None:
            visit.verification.password_locked = False
            visit.verification.password_tries_left = None
            self._done(_("Query password reset to the birth date"), tracked, Purpose.PASSWORD_RESET)

        self.ctx.dialogs.confirm(
            _("Reset query password"),
            message,
            lambda: self._run(
                services.reset_password, visit.person_id, self.ctx.session.actor, on_done=done
            ),
            yes_text=_("Reset"),
        )

    # statements ------------------------------------------------------------------------------

    def can_print(self) -> bool:
        """Statements are for roles with the statements permission."""
        session = self.ctx.session
        return session.member is not None and allowed(session.actor, Permission.STATEMENTS)

    def print_statement(self) -> None:
        """F8: the personal rights record of a year, saved as a PDF (and printed)."""
        if not self.can_print():
            self.ctx.notify(
                _("Your role does not allow printing statements. Ask a supervisor."), "danger"
            )
            return
        visit = self.visit
        this_year = local_today().year
        first = min((y.year for y in visit.overview.years), default=this_year - 1)
        years = list(range(this_year, min(first, this_year - 1) - 1, -1))
        folder = self.ctx.home.path / services.STATEMENTS_FOLDER

        def chosen(year: int, lang: str) -> None:
            self.ctx.notify(_("Making the statement…"), "secondary")
            self._run(
                services.print_statement,
                self.ctx.home.path,
                self.ctx.session.actor,
                visit.overview.person,
                year,
                lang,
                self.ctx.office.printer,
                on_done=lambda tracked: self._printed(tracked, year),
            )

        self.ctx.dialogs.open(
            PrintDialog(
                self.ctx.dialogs, years, this_year - 1, folder, self.ctx.office.printer, chosen
            )
        )

    def _printed(self, tracked: services.Tracked, year: int) -> None:
        printed: services.Printed = tracked.result
        what = _("Statement {number} ({year}) saved as {file}").format(
            number=printed.number, year=year, file=printed.path.name
        )
        if printed.job is not None:
            what += " · " + _("sent to the printer")
        self.last_statement = printed.path
        self._done(what, tracked, Purpose.STATEMENT)

    # the end of the visit --------------------------------------------------------------------

    def end_visit(self) -> None:
        """F12: record the visit and return to the waiting screen."""
        visit = self.visit
        self._run(
            services.end_visit,
            self.ctx.session.actor,
            visit.purpose.value,
            visit.person_id,
            visit.current_card_no,
            visit.verification.note(),
            on_done=lambda _tracked: self._ended(),
        )

    def _ended(self) -> None:
        self.ctx.wake_sync()
        self._to_waiting(
            _("Visit recorded. Next customer, please."), "success", _("Visit recorded.")
        )

    def _to_waiting(self, message: str, style: str, done: str = "") -> None:
        """Back to the waiting screen with `message`; while a card is still in the reader, the
        clerk is asked to hand it back first (after `done`, what was done)."""
        self.ctx.visit = None
        if self.ctx.cards.view.card_present:
            message = _(HAND_BACK).format(done=done).strip()
            # in the danger colour: the light themes' warning yellow is hard to read on white
            self.ctx.show("waiting", message=message, style="danger", hand_back=True)
        else:
            self.ctx.show("waiting", message=message, style=style)

    def back(self) -> None:
        """Esc: leave the customer without recording a visit (asks first)."""

        def leave() -> None:
            self._to_waiting("", "primary")

        self.ctx.dialogs.confirm(
            _("Leave this customer"),
            _("Leave without recording the visit? Use F12 to end the visit and record it."),
            leave,
            yes_text=_("Leave"),
        )

    # outbox and card events ------------------------------------------------------------------

    def refresh_outbox(self) -> None:
        """Ask the register whether headquarters has answered the actions still pending."""
        visit = self.ctx.visit
        if visit is None:
            return
        waiting = [a for a in visit.actions if a.status == "pending"]
        seqs = [seq for a in waiting for seq in a.outbox_seqs]
        if not seqs:
            return

        def update(states: dict[int, tuple[str, str | None]]) -> None:
            changed = False
            for action in waiting:
                found = [states[s] for s in action.outbox_seqs if s in states]
                status, reason = _combined(found)
                if status != action.status:
                    action.status, action.reason, changed = status, reason, True
            if changed:
                self.screen.log.show(visit.actions)

        self.ctx.tasks.submit(services.outbox_states, seqs, on_done=update, owner=self.owner)

    def read_inserted_card(self, reader: str) -> None:
        """Read a card inserted during the visit: this person's card allows the PIN check."""
        visit = self.visit

        def read(record: CardRecord) -> None:
            person = visit.overview.person
            numbers = {c.card_no for c in visit.overview.cards}
            if record.ssn == person.ssn or record.card_no in numbers:
                visit.card, visit.reader = record, reader
                self.screen.refresh()
                self.screen.focus_default()
            else:
                self.ctx.notify(
                    _("The card in the reader is not this person's: end this visit first."),
                    "warning",
                )

        self.ctx.tasks.submit(
            self.ctx.cards.read, reader, on_done=read, on_error=self._failed, owner=self.owner
        )


def _combined(states: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """One state for an action's outbox entries: rejected if any is, accepted if all are."""
    if not states:
        return "pending", None
    for status, reason in states:
        if status == "rejected":
            return "rejected", reason
    if all(status == "accepted" for status, _reason in states):
        return "accepted", None
    return "pending", None
