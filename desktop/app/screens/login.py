"""Sign-in: username and password, checked offline against the office's staff list."""

from __future__ import annotations

from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.theme import BIG_FONT, TITLE_FONT
from desktop.core import services
from desktop.core.i18n import N_, _
from desktop.core.messages import error_message
from models.demo.people import DEMO_STAFF_PASSWORD
from models.enums import Role
from models.staff import StaffMember, has_admin


class LoginScreen(Screen):
    """The first screen: who is at the counter."""

    key = "login"
    title_text = N_("Sign in")

    def build(self) -> None:
        """A centred form."""
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.rowconfigure(2, weight=2)
        form = ttk.Frame(self, padding=30)
        form.grid(row=1, column=0)
        office = self.ctx.office
        ttk.Label(form, text=_("Sign in"), font=TITLE_FONT).grid(
            row=0, column=0, columnspan=2, sticky="w"
        )
        ttk.Label(form, text=f"{office.name} ({office.district})", bootstyle="secondary").grid(
            row=1, column=0, columnspan=2, sticky="w", pady=(0, 20)
        )
        ttk.Label(form, text=_("Username")).grid(row=2, column=0, sticky="w", pady=6)
        self.username = ttk.Entry(form, width=24, font=BIG_FONT)
        self.username.grid(row=2, column=1, sticky="ew", pady=6, padx=(12, 0))
        ttk.Label(form, text=_("Password")).grid(row=3, column=0, sticky="w", pady=6)
        self.password = ttk.Entry(form, width=24, show="•", font=BIG_FONT)
        self.password.grid(row=3, column=1, sticky="ew", pady=6, padx=(12, 0))
        self.button = ttk.Button(form, text=_("Sign in"), command=self.submit, bootstyle="primary")
        self.button.grid(row=4, column=1, sticky="e", pady=(14, 0))
        self.message = ttk.Label(form, text="", bootstyle="danger", wraplength=520)
        self.message.grid(row=5, column=0, columnspan=2, sticky="w", pady=(14, 0))
        self.hint: ttk.Label | None = None
        if office.demo:
            hint = _("Demo district: every account's password is {password} (try clerk01).")
            self.hint = ttk.Label(
                form,
                text=hint.format(password=DEMO_STAFF_PASSWORD),
                bootstyle="primary",
                wraplength=520,
            )
            self.hint.grid(row=6, column=0, columnspan=2, sticky="w", pady=(20, 0))
        if not has_admin():
            self.no_admin = ttk.Label(
                form,
                text=_(
                    "This office has no administrator account yet: create the first one with "
                    "`counterdesk init` on this office home (it asks for a username and a "
                    "password), or sync with headquarters."
                ),
                bootstyle="danger",  # the light themes' warning yellow is unreadable on white
                wraplength=520,
            )
            self.no_admin.grid(row=7, column=0, columnspan=2, sticky="w", pady=(20, 0))
        self.username.bind("<Return>", lambda _e: self.password.focus_set())
        self.password.bind("<Return>", lambda _e: self.submit())

    def on_show(self, **data: Any) -> None:
        """Empty the password; keep a message passed in (e.g. signed out)."""
        self.password.delete(0, "end")
        self.message.configure(text=data.get("message", ""), bootstyle="primary")
        self.button.configure(state="normal")

    def shortcuts(self) -> list[Shortcut]:
        """Enter signs in."""
        return [Shortcut("Return", N_("Sign in"), self.submit)]

    def focus_default(self) -> None:
        """The username, or the password when the username is filled in."""
        (self.password if self.username.get().strip() else self.username).focus_set()

    def submit(self) -> None:
        """Check the password on a worker."""
        username, password = self.username.get().strip(), self.password.get()
        if not username or not password:
            self.message.configure(text=_("Type your username and password."), bootstyle="danger")
            return
        self.button.configure(state="disabled")
        self.message.configure(text=_("Checking…"), bootstyle="secondary")
        self.ctx.tasks.submit(
            services.sign_in,
            username,
            password,
            on_done=self._signed_in,
            on_error=self._failed,
            owner=self,
        )

    def _signed_in(self, member: StaffMember) -> None:
        self.password.delete(0, "end")
        self.message.configure(text="")
        self.button.configure(state="normal")
        self.ctx.session.sign_in(member)
        # an administrator keeps the office's settings and serves no customers
        if member.role is Role.ADMIN:
            self.ctx.show("office_settings")
        else:  # a card left in the reader belongs to nobody yet: it is read afresh
            self.ctx.show("waiting", read_card=True)

    def _failed(self, error: BaseException) -> None:
        self.button.configure(state="normal")
        self.password.delete(0, "end")
        self.message.configure(text=error_message(error), bootstyle="danger")
        self.password.focus_set()
