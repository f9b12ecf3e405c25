"""The citizen's online self-query (社保个人信息查询), under /selfquery.

Sign in with the ID number and the query password; a holder still on the initial password
(the birth date) must choose a new one first; then the record page. Forms are plain POSTs with
a CSRF token; no personal data travels in a URL. See docs/self-query.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from hq import selfquery_store as sq
from hq import store
from hq.ratelimit import RateLimiter
from hq.routes import ServiceState, state_of
from hq.web import security
from hq.web.i18n import pick, translator
from hq.web.pages import CSS, esc, layout
from hq.web.record_page import download_form, lost_form, render_record
from models.credentials import UnheldTries
from models.idnumber import InvalidIdNumber, parse_id_number

PREFIX = "/selfquery"
COOKIE = "cd_selfquery"
MAX_FORM = 2048
router = APIRouter(prefix=PREFIX, include_in_schema=False)


@dataclass
class WebState:
    """The self-query's signing key, rate limits (sign-in per address and per ID number, the
    verification page's uploads per address) and the failures counted for ID numbers nobody
    holds."""

    signer: security.Signer = field(default_factory=security.Signer)
    per_address: RateLimiter = field(default_factory=lambda: RateLimiter(10 / 60, 20))
    per_id: RateLimiter = field(default_factory=lambda: RateLimiter(3 / 60, 10))
    unknown: UnheldTries = field(default_factory=UnheldTries)
    uploads: RateLimiter = field(default_factory=lambda: RateLimiter(10 / 60, 10))  # per address


@dataclass
class Ctx:
    """One request's session, language and clock."""

    request: Request
    web: WebState
    hq: ServiceState
    now: datetime
    session: security.Session
    expired: bool
    lang: str

    @property
    def _(self) -> Callable[..., str]:
        return translator(self.lang)


def _ctx(request: Request) -> Ctx:
    web: WebState = request.app.state.selfquery
    hq = state_of(request)
    now = hq.clock()
    held = web.signer.load(request.cookies.get(COOKIE))
    session = security.live(held, now)
    expired = held is not None and held.signed_in() and session is None
    lang = pick(request.query_params.get("lang"), held.lang if held else "")
    if session is None:
        session = security.new_session(now, lang)
    session = replace(session, lang=lang)
    return Ctx(request, web, hq, now, session, expired, lang)


def _finish(ctx: Ctx, response: Response, session: security.Session | None = None) -> Response:
    security.set_session_cookie(
        response, ctx.request, ctx.web.signer, COOKIE, session or ctx.session
    )
    return security.add_headers(response)


def _page(ctx: Ctx, title: str, body: str, status: int = 200, signed_in: bool = False) -> Response:
    _ = ctx._
    actions = ""
    if signed_in:
        actions = (
            f'<form method="post" action="{PREFIX}/signout">{_csrf(ctx)}'
            f'<button type="submit">{esc(_("Sign out"))}</button></form>'
        )
    html = layout(
        lang=ctx.lang,
        title=f"{title} · {_('Social insurance self-query')}",
        heading=_("Social insurance self-query"),
        body=body,
        css_href=f"{PREFIX}/site.css",
        skip_text=_("Skip to the content"),
        lang_label=_("Language"),
        actions=actions,
    )
    return _finish(ctx, HTMLResponse(html, status_code=status))


def _csrf(ctx: Ctx) -> str:
    return f'<input type="hidden" name="csrf" value="{esc(ctx.web.signer.csrf(ctx.session))}">'


def _go(ctx: Ctx, path: str, session: security.Session | None = None) -> Response:
    return _finish(ctx, RedirectResponse(PREFIX + path, status_code=303), session)


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v[0] for k, v in fields.items()}


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


# -- sign-in ----------------------------------------------------------------------------------


def _signin_page(ctx: Ctx, errors: list[str] | None = None, status: int = 200) -> Response:
    _ = ctx._
    notes = []
    if ctx.expired:
        notes.append(
            '<p class="notice" role="status">'
            + esc(_("Your session has ended. Please sign in again."))
            + "</p>"
        )
    if errors:
        notes.append(
            '<div class="error" role="alert" id="form-error">'
            + "".join(f"<p>{esc(e)}</p>" for e in errors)
            + "</div>"
        )
    described = ' aria-describedby="form-error"' if errors else ""
    body = (
        f'<form class="box" method="post" action="{PREFIX}/signin" autocomplete="off">'
        f"<h2>{esc(_('Sign in'))}</h2>{''.join(notes)}{_csrf(ctx)}"
        f'<label for="idno">{esc(_("ID number"))}</label>'
        f'<input type="text" id="idno" name="idno" maxlength="18" required '
        f'inputmode="text" autocomplete="username" spellcheck="false"{described}>'
        f'<label for="password">{esc(_("Query password"))}</label>'
        f'<input type="password" id="password" name="password" maxlength="8" required '
        f'inputmode="numeric" autocomplete="current-password"{described}>'
        f'<p class="note">{esc(_("Your first password is your birth date (YYYYMMDD)."))}</p>'
        f'<button type="submit">{esc(_("Sign in"))}</button></form>'
        f'<p class="center"><a href="{PREFIX}/verify">{esc(_("Verify a statement"))}</a></p>'
    )
    return _page(ctx, _("Sign in"), body, status)


@router.get("/site.css")
def style() -> Response:
    """The pages' style sheet."""
    response = Response(CSS, media_type="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return security.add_headers(response, private=False)


@router.get("/")
def home(request: Request) -> Response:
    """The sign-in form, or where a signed-in holder goes next."""
    ctx = _ctx(request)
    if ctx.session.signed_in():
        return _go(ctx, "/password" if ctx.session.must_change else "/record")
    return _signin_page(ctx)


async def _posted(request: Request) -> tuple[Ctx, dict[str, str] | None]:
    """The page's context and the posted form; the form is None when it lacks its session's
    CSRF token (every POST of these pages checks it first)."""
    ctx = _ctx(request)
    form = await _form(request)
    held = ctx.web.signer.load(request.cookies.get(COOKIE))
    return ctx, (form if ctx.web.signer.csrf_ok(held, form.get("csrf", "")) else None)


async def holder_post(request: Request) -> tuple[Ctx, dict[str, str]] | Response:
    """The context and form of a POST a signed-in holder makes from the record (a download, a
    lost card), or the answer that stops it: a form without its token, a holder not signed in,
    or one still on the initial password (sent to choose a new one)."""
    posted = await _signed_in_post(request)
    if isinstance(posted, Response):
        return posted
    ctx, form = posted
    if ctx.session.must_change:
        return _go(ctx, "/password")
    return ctx, form


async def _signed_in_post(request: Request) -> tuple[Ctx, dict[str, str]] | Response:
    """The context and form of a POST by a signed-in holder, or the answer that stops it (a
    form without its token, a holder not signed in)."""
    ctx, form = await _posted(request)
    if form is None:
        return _refused_form(ctx)
    refused = _signed_in(ctx)
    if refused is not None:
        return refused
    return ctx, form


def _refused_form(ctx: Ctx) -> Response:
    """403 for a form without its session's token: a signed-in holder stays signed in and is
    led back to the record; anyone else sees the sign-in form."""
    text = ctx._("The form has expired: please submit it again.")
    if ctx.session.signed_in() and not ctx.session.must_change:
        return _message(ctx, text, 403)
    return _signin_page(ctx, [text], 403)


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Check the ID number and password; count failures; lock after MAX_ATTEMPTS."""
    ctx, form = await _posted(request)
    if form is None:
        return _refused_form(ctx)
    _ = ctx._
    wait = ctx.web.per_address.retry_after(_address(request))
    if wait is not None:
        return _signin_page(
            ctx, [_("Too many attempts: wait {s} seconds and try again.", s=wait)], 429
        )
    try:
        ssn = parse_id_number(form.get("idno", "")).value
    except InvalidIdNumber:
        return _signin_page(
            ctx, [_("This is not a valid ID number: check it digit by digit.")], 400
        )
    wait = ctx.web.per_id.retry_after(ctx.web.signer.tag(ssn))
    if wait is not None:
        return _signin_page(
            ctx, [_("Too many attempts: wait {s} seconds and try again.", s=wait)], 429
        )
    password = form.get("password", "")[:64]

    def check() -> sq.SignIn:
        ctx.hq.ensure_connected()
        with store.session():
            return sq.sign_in(ssn, password, ctx.now, ctx.web.unknown)

    result = await anyio.to_thread.run_sync(check)
    if result.outcome is sq.Outcome.OK:
        fresh = security.new_session(ctx.now, ctx.lang)
        fresh = replace(fresh, person=result.person_id, must_change=result.initial_password)
        return _go(ctx, "/password" if result.initial_password else "/record", fresh)
    if result.outcome is sq.Outcome.LOCKED and result.locked_until is not None:
        until = result.locked_until.astimezone().strftime("%Y-%m-%d %H:%M")
        message = _(
            "The password is locked until {until} after too many wrong tries. "
            "It can be unlocked at any social insurance counter with your ID card.",
            until=until,
        )
        return _signin_page(ctx, [message], 401)
    errors = [
        _("The ID number or the password is wrong."),
        _("{n} tries left before the password locks for 24 hours.", n=result.tries_left),
    ]
    return _signin_page(ctx, errors, 401)


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End the session."""
    ctx, form = await _posted(request)
    if form is None:
        return _refused_form(ctx)
    return _go(ctx, "/", security.new_session(ctx.now, ctx.lang))


# -- the new password -------------------------------------------------------------------------


def _password_page(ctx: Ctx, errors: list[str] | None = None, status: int = 200) -> Response:
    _ = ctx._
    initial = _("You are still using the initial password. Choose a new one before you continue.")
    notice = f'<p class="notice">{esc(initial)}</p>' if ctx.session.must_change else ""
    error = (
        '<div class="error" role="alert" id="form-error">'
        + "".join(f"<p>{esc(e)}</p>" for e in errors)
        + "</div>"
        if errors
        else ""
    )
    body = (
        f'<form class="box" method="post" action="{PREFIX}/password" autocomplete="off">'
        f"<h2>{esc(_('Choose a new password'))}</h2>" + notice + f"{error}{_csrf(ctx)}"
        f'<label for="new">{esc(_("New password (6 to 8 digits)"))}</label>'
        '<input type="password" id="new" name="new" maxlength="8" required inputmode="numeric" '
        'autocomplete="new-password">'
        f'<label for="again">{esc(_("New password again"))}</label>'
        '<input type="password" id="again" name="again" maxlength="8" required '
        'inputmode="numeric" autocomplete="new-password">'
        f'<button type="submit">{esc(_("Save"))}</button></form>'
    )
    return _page(ctx, _("Choose a new password"), body, status, signed_in=True)


def _signed_in(ctx: Ctx) -> Response | None:
    """A redirect to the sign-in form if the session holds nobody."""
    if ctx.session.signed_in():
        return None
    return _signin_page(ctx, status=401) if ctx.expired else _go(ctx, "/")


@router.get("/password")
def password_form(request: Request) -> Response:
    """The form to choose a new query password."""
    ctx = _ctx(request)
    return _signed_in(ctx) or _password_page(ctx)


@router.post("/password")
async def password_change(request: Request) -> Response:
    """Save a new query password (6 to 8 digits, not the birth date)."""
    posted = await _signed_in_post(request)
    if isinstance(posted, Response):
        return posted
    ctx, form = posted
    new, again = form.get("new", ""), form.get("again", "")
    if new != again:
        return _password_page(ctx, [ctx._("The two passwords differ.")], 400)
    person = ctx.session.person
    assert person is not None

    def save() -> str | None:
        ctx.hq.ensure_connected()
        with store.session():
            try:
                sq.change_password(person, new, ctx.now)
            except sq.PasswordRefused as exc:
                return str(exc)
        return None

    problem = await anyio.to_thread.run_sync(save)
    if problem is not None:
        return _password_page(ctx, [ctx._(problem)], 400)
    return _go(ctx, "/record", replace(ctx.session, must_change=False))


# -- the record -------------------------------------------------------------------------------


@router.get("/record")
def record_page(request: Request) -> Response:
    """The holder's record; the read is logged at headquarters as their own."""
    ctx = _ctx(request)
    refused = _signed_in(ctx)
    if refused is not None:
        return refused
    if ctx.session.must_change:
        return _go(ctx, "/password")
    person = ctx.session.person
    assert person is not None
    ctx.hq.ensure_connected()
    with store.session():
        record = sq.own_record(person, ctx.now.astimezone().date(), ctx.now)
    action, csrf = f"{PREFIX}/card/lost", _csrf(ctx)
    years = statement_years(ctx.now)
    download = download_form(ctx._, f"{PREFIX}/statement", csrf, years, years[1])
    body = render_record(
        ctx._, record, lambda card_no: lost_form(ctx._, card_no, action, csrf), download
    )
    body += f'<p><a href="{PREFIX}/password">{esc(ctx._("Choose a new password"))}</a></p>'
    return _page(ctx, ctx._("Your record"), body, signed_in=True)


@router.post("/card/lost")
async def card_lost(request: Request) -> Response:
    """Report the holder's own active card lost; it reaches the offices through the feed."""
    posted = await holder_post(request)
    if isinstance(posted, Response):
        return posted
    ctx, form = posted
    person = ctx.session.person
    assert person is not None
    if form.get("confirm") != "yes":
        return _message(ctx, ctx._("Tick the box to confirm that the card is lost."), 400)

    def report() -> bool:
        ctx.hq.ensure_connected()
        with store.session():
            return sq.report_card_lost(person, form.get("card", "")[:16], ctx.now)

    if not await anyio.to_thread.run_sync(report):
        return _message(ctx, ctx._("This card cannot be reported lost here."), 409)
    return _go(ctx, "/record")


def statement_years(now: datetime) -> list[int]:
    """The years the rights record can be downloaded for, newest first: this year and the nine
    before it (the second, the last complete year, is the default)."""
    this = now.astimezone().year
    return list(range(this, this - 10, -1))


def _message(ctx: Ctx, text: str, status: int) -> Response:
    body = (
        f'<section><p class="error" role="alert">{esc(text)}</p>'
        f'<p><a href="{PREFIX}/record">{esc(ctx._("Your record"))}</a></p></section>'
    )
    return _page(ctx, ctx._("Your record"), body, status, signed_in=True)
