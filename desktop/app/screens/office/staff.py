"""Screens of the "Office" menu: the staff of the district (supervisors and administrators).

Every account this office holds, with its role, whether it is active, and whether headquarters
has confirmed it (or still has a change of this office to answer, or refused one). A supervisor
adds a member of staff, disables an account or resets a password; each asks for confirmation,
applies here at once, and goes to headquarters with the next sync (`desktop.core.staff_admin`).
"""

from __future__ import annotations

from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.screens.office.admin_advice import reason_words
from desktop.app.theme import TITLE_FONT
from desktop.app.widgets.tables import Table
from desktop.core import staff_admin
from desktop.core.admin import split_reason
from desktop.core.formatting import ROLE
from desktop.core.i18n import N_, _
from desktop.core.messages import error_message
from models.enums import Role
from models.staff import ORIGIN_HQ, ORIGIN_LOCAL, StaffAccount, may_manage


def hq_state(account: StaffAccount) -> str:
    """What headquarters knows of the account, in words."""
    if account.rejected:
        _text, code = split_reason(account.rejected[-1])
        return _("refused by headquarters: {reason}").format(reason=reason_words(code))
    if account.pending:
        return _("waiting for headquarters")
    if account.origin == ORIGIN_HQ:
        return _("confirmed by headquarters")
    if account.origin == ORIGIN_LOCAL:
        return _("this office only")
    return _("waiting for headquarters")


class StaffScreen(Screen):
    """The staff of the district, and the supervisor's changes to it."""

    key = "office_staff"
    title_text = N_("Staff")
    menu_label = N_("Staff of the district")
    permission = staff_admin.STAFF_PERMISSION

    def build(self) -> None:
        """Title, the table of accounts, the two forms and the message line."""
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        ttk.Label(self, text=_("Staff of the district"), font=TITLE_FONT).grid(
            row=0, column=0, sticky="w"
        )
        ttk.Label(
            self,
            text=_(
                "Accounts are managed at headquarters: what you change here applies at this "
                "office at once and reaches the other offices once headquarters confirms it."
            ),
            bootstyle="secondary",
            wraplength=1250,
            justify="left",
        ).grid(row=1, column=0, sticky="w", pady=(4, 8))
        self.table = Table(
            self,
            [
                (_("Username"), 150),
                (_("Name"), 150),
                (_("Role"), 120),
                (_("Active"), 80),
                (_("Headquarters"), 560),
            ],
            height=9,
        )
        self.table.grid(row=2, column=0, sticky="nsew")
        self.table.tag("off", foreground="#888888")
        forms = ttk.Frame(self)
        forms.grid(row=3, column=0, sticky="ew", pady=(8, 0))
        self._build_add(forms)
        self._build_selected(forms)
        self.message = ttk.Label(self, text="", wraplength=1250)
        self.message.grid(row=4, column=0, sticky="w", pady=(8, 0))
        self.rows: list[StaffAccount] = []
        self.busy = False

    def _entry(self, frame: ttk.Labelframe, row: int, label: str, secret: bool) -> ttk.Entry:
        ttk.Label(frame, text=label).grid(row=row, column=0, sticky="w", padx=(0, 8), pady=2)
        entry = ttk.Entry(frame, width=22, show="•" if secret else "")
        entry.grid(row=row, column=1, sticky="w", pady=2)
        return entry

    def _build_add(self, forms: ttk.Frame) -> None:
        frame = ttk.Labelframe(forms, text=_("Add a member of staff"), padding=(12, 6))
        frame.pack(side="left", fill="y", padx=(0, 12))
        self.new_username = self._entry(frame, 0, _("Username"), False)
        self.new_name = self._entry(frame, 1, _("Name"), False)
        ttk.Label(frame, text=_("Role")).grid(row=2, column=0, sticky="w", padx=(0, 8), pady=2)
        self.new_role = ttk.Combobox(frame, state="readonly", width=20)
        self.new_role.grid(row=2, column=1, sticky="w", pady=2)
        self.new_password = self._entry(frame, 3, _("Password"), True)
        self.new_again = self._entry(frame, 4, _("Password again"), True)
        self.add_button = ttk.Button(frame, text=_("Add…"), command=self.add, bootstyle="primary")
        self.add_button.grid(row=5, column=1, sticky="w", pady=(6, 0))

    def _build_selected(self, forms: ttk.Frame) -> None:
        frame = ttk.Labelframe(forms, text=_("The selected account"), padding=(12, 6))
        frame.pack(side="left", fill="y")
        self.reset_password = self._entry(frame, 0, _("New password"), True)
        self.reset_again = self._entry(frame, 1, _("Password again"), True)
        self.reset_button = ttk.Button(
            frame, text=_("Reset password…"), command=self.reset, bootstyle="primary"
        )
        self.reset_button.grid(row=2, column=1, sticky="w", pady=(6, 0))
        self.disable_button = ttk.Button(
            frame, text=_("Disable…"), command=self.disable, bootstyle="danger"
        )
        self.disable_button.grid(row=3, column=1, sticky="w", pady=(12, 0))

    # showing -------------------------------------------------------------------------------

    def _roles(self) -> list[Role]:
        actor = self.ctx.session.actor
        mine = actor.role if actor is not None else Role.CLERK
        return [r for r in (Role.CLERK, Role.SUPERVISOR, Role.ADMIN) if may_manage(mine, r)]

    def on_show(self, **data: Any) -> None:
        """Read the accounts again."""
        self.message.configure(text="")
        roles = self._roles()
        self.role_values = [r.value for r in roles]
        self.new_role.configure(values=[_(ROLE[r.value]) for r in roles])
        if roles and not self.new_role.get():
            self.new_role.current(0)
        self.reload()

    def reload(self) -> None:
        """Read the accounts on a worker."""
        self.ctx.tasks.submit(
            staff_admin.accounts,
            self.ctx.session.actor,
            on_done=self._show_rows,
            on_error=self._failed,
            owner=self,
        )

    def _show_rows(self, rows: list[StaffAccount]) -> None:
        self.rows = rows
        self.table.set_rows(
            [
                (
                    a.username,
                    a.display_name,
                    _(ROLE.get(a.role.value, a.role.value)),
                    _("yes") if a.active else _("no"),
                    hq_state(a),
                )
                for a in rows
            ],
            ["" if a.active else "off" for a in rows],
        )

    def selected(self) -> StaffAccount | None:
        """The account selected in the table."""
        index = self.table.selected_index()
        return self.rows[index] if index is not None and index < len(self.rows) else None

    def select(self, username: str) -> None:
        """Select the row of `username` (for the keyboard and tests)."""
        for index, account in enumerate(self.rows):
            if account.username == username:
                self.table.tree.selection_set(str(index))
                self.table.tree.focus(str(index))

    # acting --------------------------------------------------------------------------------

    def _say(self, text: str, style: str = "success") -> None:
        self.message.configure(text=text, bootstyle=style)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._say(error_message(error), "danger")

    def _run(self, work: Any, *args: Any, done_text: str, then: Any = None) -> None:
        self.busy = True

        def done(_result: object) -> None:
            self.busy = False
            self._say(done_text)
            if then is not None:
                then()
            self.ctx.wake_sync()
            self.reload()

        self.ctx.tasks.submit(
            work, self.ctx.session.actor, *args, on_done=done, on_error=self._failed, owner=self
        )

    def add(self) -> None:
        """Add the member of staff of the form, after confirmation."""
        username, name = self.new_username.get().strip(), self.new_name.get().strip()
        password, again = self.new_password.get(), self.new_again.get()
        index = self.new_role.current()
        if self.busy or not username or not name or index < 0:
            self._say(_("Give the username, the name and the role."), "warning")
            return
        if password != again:
            self._say(_("The two passwords differ."), "warning")
            return
        role = self.role_values[index]
        self.ctx.dialogs.confirm(
            _("Add a member of staff"),
            _(
                "Add {name} ({username}) as {role} of this district?\n\nThey can sign in here at "
                "once; the other offices follow once headquarters confirms the account."
            ).format(name=name, username=username, role=_(ROLE[role])),
            lambda: self._add(username, name, role, password),
            yes_text=_("Add"),
        )

    def _add(self, username: str, name: str, role: str, password: str) -> None:
        for entry in (self.new_password, self.new_again):
            entry.delete(0, "end")
        self._run(
            staff_admin.add_member,
            username,
            name,
            role,
            password,
            done_text=_("{username} added; waiting for headquarters.").format(username=username),
            then=lambda: [e.delete(0, "end") for e in (self.new_username, self.new_name)],
        )

    def disable(self) -> None:
        """Disable the selected account, after confirmation."""
        account = self.selected()
        if account is None or self.busy or not account.active:
            self.bell()
            return
        self.ctx.dialogs.confirm(
            _("Disable an account"),
            _(
                "Disable the account {username} ({name})?\n\nIt can no longer sign in here, nor "
                "at the other offices once headquarters has the change."
            ).format(username=account.username, name=account.display_name),
            lambda: self._run(
                staff_admin.disable,
                account.username,
                done_text=_("{username} disabled.").format(username=account.username),
            ),
            yes_text=_("Disable"),
            danger=True,
        )

    def reset(self) -> None:
        """Give the selected account the new password of the form, after confirmation."""
        account = self.selected()
        password, again = self.reset_password.get(), self.reset_again.get()
        if account is None or self.busy:
            self.bell()
            return
        if password != again or not password:
            self._say(_("Type the new password twice, the same."), "warning")
            return
        for entry in (self.reset_password, self.reset_again):
            entry.delete(0, "end")
        self.ctx.dialogs.confirm(
            _("Reset a password"),
            _("Give {username} ({name}) the new password? It also lifts a lock.").format(
                username=account.username, name=account.display_name
            ),
            lambda: self._run(
                staff_admin.reset_password,
                account.username,
                password,
                done_text=_("New password of {username} set.").format(username=account.username),
            ),
            yes_text=_("Reset password"),
        )

    def back(self) -> None:
        """Back to the counter."""
        self.ctx.show("waiting")

    def shortcuts(self) -> list[Shortcut]:
        """F5 reads again, Esc goes back."""
        return [
            Shortcut("F5", N_("Refresh"), self.reload),
            Shortcut("Escape", N_("Back"), self.back),
        ]

    def focus_default(self) -> None:
        """The username of the form."""
        self.new_username.focus_set()


SCREENS: tuple[type[Screen], ...] = (StaffScreen,)
