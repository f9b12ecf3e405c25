"""The lock screen: the session locked (inactivity, or on request); the same password unlocks."""

from __future__ import annotations

from typing import Any

import ttkbootstrap as ttk

from desktop.app.context import Screen
from desktop.app.registry import Shortcut
from desktop.app.theme import BIG_FONT, TITLE_FONT
from desktop.core import services
from desktop.core.i18n import N_, _
from desktop.core.messages import error_message
from models.staff import StaffMember


class LockScreen(Screen):
    """Hides the customer until the signed-in clerk types their password again."""

    key = "lock"
    title_text = N_("Locked")

    def build(self) -> None:
        """A centred form."""
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.rowconfigure(2, weight=2)
        form = ttk.Frame(self, padding=30)
        form.grid(row=1, column=0)
        ttk.Label(form, text=_("This counter is locked"), font=TITLE_FONT).grid(
            row=0, column=0, columnspan=3, sticky="w"
        )
        self.who = ttk.Label(form, text="", bootstyle="secondary")
        self.who.grid(row=1, column=0, columnspan=3, sticky="w", pady=(0, 20))
        ttk.Label(form, text=_("Password")).grid(row=2, column=0, sticky="w")
        self.password = ttk.Entry(form, width=24, show="•", font=BIG_FONT)
        self.password.grid(row=2, column=1, columnspan=2, sticky="ew", padx=(12, 0))
        buttons = ttk.Frame(form)
        buttons.grid(row=3, column=0, columnspan=3, sticky="e", pady=(14, 0))
        self.button = ttk.Button(
            buttons, text=_("Unlock"), command=self.submit, bootstyle="primary"
        )
        self.button.pack(side="right")
        self.sign_out_button = ttk.Button(
            buttons, text=_("Sign out"), command=self.sign_out, bootstyle="secondary-outline"
        )
        self.sign_out_button.pack(side="right", padx=(0, 10))
        self.message = ttk.Label(form, text="", bootstyle="danger", wraplength=520)
        self.message.grid(row=4, column=0, columnspan=3, sticky="w", pady=(14, 0))
        self.password.bind("<Return>", lambda _e: self.submit())
        self.resume: tuple[str, dict[str, Any]] = ("waiting", {})

    def on_show(self, **data: Any) -> None:
        """Remember the screen to return to."""
        self.resume = (data.get("resume_key", "waiting"), data.get("resume_data", {}))
        member = self.ctx.session.member
        name = f"{member.display_name} ({member.username})" if member else ""
        self.who.configure(text=_("Signed in: {name}").format(name=name))
        self.password.delete(0, "end")
        self.message.configure(text="")
        self.button.configure(state="normal")

    def shortcuts(self) -> list[Shortcut]:
        """Enter unlocks."""
        return [Shortcut("Return", N_("Unlock"), self.submit)]

    def focus_default(self) -> None:
        """The password."""
        self.password.focus_set()

    def submit(self) -> None:
        """Check the password again on a worker."""
        member = self.ctx.session.member
        if member is None:
            self.ctx.show("login")
            return
        self.button.configure(state="disabled")
        self.ctx.tasks.submit(
            services.sign_in,
            member.username,
            self.password.get(),
            on_done=self._unlocked,
            on_error=self._failed,
            owner=self,
        )

    def _unlocked(self, member: StaffMember) -> None:
        self.password.delete(0, "end")
        self.ctx.session.unlock()
        key, data = self.resume
        self.ctx.show(key, **data)

    def _failed(self, error: BaseException) -> None:
        self.button.configure(state="normal")
        self.password.delete(0, "end")
        self.message.configure(text=error_message(error))

    def sign_out(self) -> None:
        """End the session (an open visit is dropped, unrecorded)."""
        self.ctx.sign_out()
