"""The hotline console's pages as plain HTML (no script): sign-in, finding the caller, the
caller before and after verification, the note. Every value shown goes through `esc`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hq import hotline_store as desk
from hq.staff_console import ConsoleOutcome, ConsoleSignIn
from hq.web.pages import esc, layout, table
from hq.web.record_page import lost_form, render_record

PURPOSE_WORDS = {
    "contributions": "Contributions",
    "medical_account": "Medical account",
    "card": "Card",
    "pension": "Pension",
    "other": "Other",
}
EXTRA_CSS = """
.two{display:grid;gap:16px;margin-bottom:16px}.two section{margin:0}
@media (min-width:900px){.two{grid-template-columns:1fr 1fr}}
p.alert{background:#fde8e8;border:1px solid #a00000;padding:8px;border-radius:4px}
section h2.sub{margin-top:16px}
button,select,input,textarea{font-family:inherit}
section form.box{max-width:none;border:0;padding:0;margin:0}
select{width:100%;font-size:1.05rem;padding:8px;border:2px solid #555;border-radius:4px;
background:#fff}
select:focus,textarea:focus,summary:focus{outline:3px solid #f0a000;outline-offset:2px}
textarea.outcome{font:1rem/1.4 inherit;font-family:inherit}
.agent{font-size:.95rem;margin-right:8px}
header .who{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
details{margin-top:8px}summary{cursor:pointer;color:#0b4f9c;font-weight:600}
"""


@dataclass(frozen=True)
class View:
    """What a page needs of the request: language, translator, the CSRF field, the agent."""

    lang: str
    _: Callable[..., str]
    csrf: str
    agent: str | None
    prefix: str


@dataclass(frozen=True)
class Page:
    """A rendered page and its status."""

    html: str
    status: int = 200


def hidden(name: str, value: str) -> str:
    """A hidden form field."""
    return f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'


def error(text: str) -> str:
    """An alert paragraph."""
    return f'<p class="error alert" role="alert" id="form-error">{esc(text)}</p>'


def ok(text: str) -> str:
    """A confirmation paragraph."""
    return f'<p class="ok" role="status">{esc(text)}</p>'


def _page(view: View, title: str, body: str, status: int = 200) -> Page:
    _ = view._
    actions = ""
    if view.agent is not None:
        actions = (
            '<div class="who"><span class="agent">'
            f"{esc(_('Signed in as {agent}', agent=view.agent))}"
            f'</span><form method="post" action="{view.prefix}/signout">{view.csrf}'
            f'<button type="submit">{esc(_("Sign out"))}</button></form></div>'
        )
    html = layout(
        lang=view.lang,
        title=f"{title} · {_('12333 hotline desk')}",
        heading=_("12333 hotline desk"),
        body=body,
        css_href=f"{view.prefix}/site.css",
        skip_text=_("Skip to the content"),
        lang_label=_("Language"),
        actions=actions,
    )
    return Page(html, status)


# -- signing in -------------------------------------------------------------------------------


def sign_in(
    view: View,
    *,
    expired: bool = False,
    result: ConsoleSignIn | None = None,
    wait: int | None = None,
) -> Page:
    """The agent's sign-in form, with what went wrong."""
    _ = view._
    notes: list[str] = []
    status = 200
    if expired:
        notes.append(
            '<p class="notice" role="status">'
            + esc(_("Your session has ended. Please sign in again."))
            + "</p>"
        )
        status = 401
    if wait is not None:
        notes.append(error(_("Too many attempts: wait {s} seconds and try again.", s=wait)))
        status = 429
    if result is not None:
        status = 401
        if result.outcome is ConsoleOutcome.LOCKED and result.locked_until is not None:
            until = result.locked_until.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            notes.append(
                error(
                    _(
                        "Too many wrong passwords: this account is locked until {until}.",
                        until=until,
                    )
                )
            )
        elif result.outcome is ConsoleOutcome.DISABLED:
            notes.append(error(_("This account is disabled.")))
            status = 403
        elif result.outcome is ConsoleOutcome.NOT_ALLOWED:
            notes.append(error(_("This account may not use the hotline console.")))
            status = 403
        else:
            text = _("The username or the password is wrong.")
            if result.tries_left is not None:
                text += " " + _("{n} tries left before the account locks.", n=result.tries_left)
            notes.append(error(text))
    described = ' aria-describedby="form-error"' if result is not None or wait else ""
    body = (
        f'<form class="box" method="post" action="{view.prefix}/signin" autocomplete="off">'
        f"<h2>{esc(_('Agent sign-in'))}</h2>{''.join(notes)}{view.csrf}"
        f'<label for="username">{esc(_("Username"))}</label>'
        '<input type="text" id="username" name="username" maxlength="40" required '
        f'autocomplete="username" spellcheck="false" autocapitalize="off"{described}>'
        f'<label for="password">{esc(_("Password"))}</label>'
        '<input type="password" id="password" name="password" maxlength="128" required '
        f'autocomplete="current-password"{described}>'
        f'<button type="submit">{esc(_("Sign in"))}</button></form>'
    )
    return _page(view, _("Agent sign-in"), body, status)


def refused_form(view: View) -> Page:
    """A form posted without its session's token (403): nothing was done."""
    _ = view._
    body = error(_("The form has expired: please submit it again.")) + (
        f'<p><a href="{view.prefix}/">{esc(_("Back to the console"))}</a></p>'
    )
    return _page(view, _("12333 hotline desk"), body, 403)


# -- finding the caller -----------------------------------------------------------------------


def _purposes(view: View, chosen: str = "", key: str = "purpose") -> str:
    _ = view._
    options = "".join(
        f'<option value="{code}"{" selected" if code == chosen else ""}>{esc(_(word))}</option>'
        for code, word in PURPOSE_WORDS.items()
    )
    return (
        f'<label for="{key}">{esc(_("Purpose of the call"))}</label>'
        f'<select id="{key}" name="purpose" required>{options}</select>'
    )


def find_form(view: View, error_text: str = "", key: str = "find") -> str:
    """The form to find the caller by ID number or card number, with the call's purpose."""
    _ = view._
    described = ' aria-describedby="form-error"' if error_text else ""
    return (
        f'<form class="box" method="post" action="{view.prefix}/find" autocomplete="off">'
        f"<h2>{esc(_('Find the caller'))}</h2>{error(error_text) if error_text else ''}"
        f"{view.csrf}{_purposes(view, key=f'{key}-purpose')}"
        f'<label for="{key}-number">{esc(_("ID number or card number"))}</label>'
        f'<input type="text" id="{key}-number" name="number" maxlength="20" required '
        f'spellcheck="false" autocapitalize="characters"{described}>'
        f'<button type="submit">{esc(_("Find"))}</button></form>'
    )


def find(view: View, error: str = "", noted: bool = False) -> Page:
    """The console's home: find the next caller."""
    _ = view._
    done = ok(_("The call was noted.")) if noted else ""
    return _page(
        view,
        _("Find the caller"),
        done + find_form(view, _(error) if error else ""),
        400 if error else 200,
    )


def nobody(view: View, call: desk.Call) -> Page:
    """Nobody has the number looked up: look up again (the same call) or note the call."""
    _ = view._
    text = _("Nobody has this number in any district: check it with the caller.")
    body = (
        f'<p class="error alert" role="alert">{esc(text)}</p>'
        + find_form(view)
        + f"<section>{note_form(view, call)}</section>"
    )
    return _page(view, _("Find the caller"), body, 404)


# -- the caller -------------------------------------------------------------------------------


def verification_message(_: Callable[..., str], result: desk.Verification, way: str) -> str:
    """What a failed verification try says to the agent."""
    if result.check is desk.Check.LOCKED and result.locked_until is not None:
        until = result.locked_until.astimezone().strftime("%Y-%m-%d %H:%M")
        return error(
            _(
                "The caller's query password is locked until {until} after too many wrong "
                "tries. Any social insurance counter can unlock it with the caller's ID card.",
                until=until,
            )
        )
    if result.check is desk.Check.NO_PASSWORD:
        return error(
            _("The caller has not chosen a query password yet: verify with the questions.")
        )
    if result.check is desk.Check.UNANSWERABLE:
        return error(_("The record cannot answer the questions: verify with the query password."))
    wrong = _("The password is wrong.") if way == "password" else _("The answers are not right.")
    tries = _("{n} tries left before the password locks for 24 hours.", n=result.tries_left)
    return error(f"{wrong} {tries}")


def _agent_words(_: Callable[..., str]) -> Callable[..., str]:
    """The record page's words as an agent reads them (the caller's record, not "yours")."""
    swaps = {
        "Your record": _("The caller's record"),
        "Only a counter can cancel a loss, with your ID card.": _(
            "Only a counter can cancel a loss, with the holder's ID card."
        ),
    }

    def words(msgid: str, **values: object) -> str:
        return swaps.get(msgid) or _(msgid, **values)

    return words


def note_form(view: View, call: desk.Call) -> str:
    """The form to note the call's purpose and outcome and end the call."""
    _ = view._
    return (
        f'<form class="box" id="note" method="post" action="{view.prefix}/note" '
        'autocomplete="off">'
        f"<h2>{esc(_('Note and end the call'))}</h2>{view.csrf}"
        f"{_purposes(view, call.purpose, key='note-purpose')}"
        '<label for="outcome">'
        f"{esc(_('Outcome (at most {n} characters)', n=desk.MAX_OUTCOME))}</label>"
        f'<textarea class="outcome" id="outcome" name="outcome" rows="3" '
        f'maxlength="{desk.MAX_OUTCOME}" required></textarea>'
        f'<button type="submit">{esc(_("Save the note and end the call"))}</button></form>'
    )


def _verify_forms(view: View, questions: bool) -> str:
    _ = view._
    password = (
        f'<section><form class="box" method="post" action="{view.prefix}/verify/password" '
        f'autocomplete="off"><h2>{esc(_("Verify with the query password"))}</h2>{view.csrf}'
        f'<label for="qpw">{esc(_("The query password the caller types on the phone keypad"))}'
        '</label><input type="password" id="qpw" name="password" maxlength="8" required '
        'inputmode="numeric" autocomplete="off">'
        f'<button type="submit">{esc(_("Verify"))}</button></form></section>'
    )
    if questions:
        asked = (
            f'<form class="box" method="post" action="{view.prefix}/verify/questions" '
            f'autocomplete="off"><h2>{esc(_("Verify with two questions"))}</h2>{view.csrf}'
            f'<label for="employer">{esc(_("Which employer do you work for?"))}</label>'
            '<input type="text" id="employer" name="employer" maxlength="100" required>'
            f'<label for="contribution">'
            f"{esc(_('What was your personal contribution last month, in yuan?'))}</label>"
            '<input type="text" id="contribution" name="contribution" maxlength="20" required '
            'inputmode="decimal">'
            f'<button type="submit">{esc(_("Verify"))}</button></form>'
        )
    else:
        asked = (
            f'<h2>{esc(_("Verify with two questions"))}</h2><p class="note">'
            + esc(_("The record cannot answer the questions: verify with the query password."))
            + "</p>"
        )
    return f'<div class="two">{password}<section>{asked}</section></div>'


def caller(
    view: View,
    call: desk.Call,
    summary: dict[str, Any],
    record: dict[str, Any] | None,
    questions: bool,
    message: str = "",
    status: int = 200,
) -> Page:
    """The caller found: before verification the masked ID number, the name and the cards'
    states with the two ways to verify; after it the record with the card-lost forms."""
    _ = view._
    purpose = _(PURPOSE_WORDS.get(call.purpose, "Other"))
    facts = (
        f"<dt>{esc(_('Name'))}</dt><dd>{esc(summary['name'])}</dd>"
        f"<dt>{esc(_('ID number'))}</dt><dd>{esc(summary['ssn'])}</dd>"
        f"<dt>{esc(_('Purpose of the call'))}</dt><dd>{esc(purpose)}</dd>"
    )
    parts = [
        f"<section aria-labelledby='s-caller'><h2 id='s-caller'>{esc(_('The caller'))}</h2>"
        f"<dl>{facts}</dl>"
    ]
    if record is None:
        cards = table(
            [(_("Card number"), False), (_("Status"), False)],
            [(c["card_no"], _(c["status"])) for c in summary["cards"]],
            _("None."),
        )
        parts.append(
            f'<h2 class="sub">{esc(_("Card states"))}</h2>{cards}<p class="notice">'
            + esc(_("Not verified: only the card states are shown until the caller is verified."))
            + "</p></section>"
            + message
            + _verify_forms(view, questions)
        )
    else:
        way = call.verified_by == desk.PASSWORD_WAY
        said = _("Verified by the query password.") if way else _("Verified by the questions.")
        action = f"{view.prefix}/card/lost"
        words = _agent_words(_)
        parts.append(
            "</section>"
            + ok(said)
            + f'<p><a href="#note">{esc(_("Note and end the call"))}</a></p>'
            + message
            + render_record(
                words, record, lambda card_no: lost_form(words, card_no, action, view.csrf)
            )
        )
    parts.append(f"<section>{note_form(view, call)}</section>")
    parts.append(
        f"<details><summary>{esc(_('Find the caller'))}</summary>"
        f"{find_form(view, key='again')}</details>"
    )
    return _page(view, _("The caller"), "".join(parts), status)
