"""The 12333 hotline desk's console, under /hotline (see docs/hotline.md).

An agent (a headquarters staff account of role `hotline`) signs in, finds the caller by ID
number or card number, verifies the caller by the query password or two questions, then sees
the caller's record, can report a card lost, and notes the call's purpose and outcome. Plain
server-rendered HTML without script, the self-query's security: a signed session cookie
(HttpOnly, SameSite=Strict, Secure off loopback), CSRF tokens on every form, the idle and total
timeouts, no personal data in URLs, the security headers. The pages are in
`hq.web.hotline_pages`; what happens is in `hq.hotline_store`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from hq import hotline_store as desk
from hq import staff_console, store
from hq.ratelimit import RateLimiter
from hq.routes import ServiceState, state_of
from hq.staff import HOTLINE_ROLE
from hq.web import hotline_pages as pages
from hq.web import security
from hq.web.i18n import LANGUAGES, pick, translator
from hq.web.pages import CSS

PREFIX = "/hotline"
COOKIE = "cd_hotline"
MAX_FORM = 16384  # the outcome: 500 CJK characters are 4,500 bytes once URL-encoded
router = APIRouter(prefix=PREFIX, include_in_schema=False)


@dataclass(frozen=True)
class DeskSession:
    """What the console's cookie holds: a random id, the agent's username once signed in, the
    open call's id, the language and the session's times. No citizen's data."""

    sid: str
    started: float
    seen: float
    agent: str | None = None
    call: int | None = None
    lang: str = ""
    noted: bool = False  # say "the call was noted" on the next page

    def signed_in(self) -> bool:
        """True once the agent's password was checked."""
        return self.agent is not None


def _new_session(now: datetime, lang: str = "") -> DeskSession:
    plain = security.new_session(now, lang)
    return DeskSession(plain.sid, plain.started, plain.seen, lang=lang)


def _own_signer() -> security.Signer:
    """The self-query's key source, derived apart: neither's cookie is the other's."""
    base = security.Signer()
    return security.Signer(hashlib.sha256(b"hotline:" + base.key).digest())


@dataclass
class DeskState:
    """The console's signing key and its sign-in rate limit per client address."""

    signer: security.Signer = field(default_factory=_own_signer)
    per_address: RateLimiter = field(default_factory=lambda: RateLimiter(10 / 60, 20))


@dataclass
class Ctx:
    """One request's session, language and clock."""

    request: Request
    web: DeskState
    hq: ServiceState
    now: datetime
    session: DeskSession
    expired: bool
    lang: str

    @property
    def _(self) -> Callable[..., str]:
        return translator(self.lang)

    def csrf_field(self) -> str:
        """The hidden CSRF field of this session's forms."""
        return pages.hidden("csrf", self.web.signer.csrf(self.session))

    def view(self) -> pages.View:
        """What the pages need to know of this request."""
        return pages.View(self.lang, self._, self.csrf_field(), self.session.agent, PREFIX)


def _ctx(request: Request) -> Ctx:
    """The request's context; a signed-in agent whose account was disabled or changed role
    since is signed out (checked on every request)."""
    web: DeskState = request.app.state.hotline
    hq = state_of(request)
    now = hq.clock()
    held = web.signer.load(request.cookies.get(COOKIE), DeskSession)
    session = security.live(held, now)
    expired = held is not None and held.signed_in() and session is None
    lang = pick(request.query_params.get("lang"), held.lang if held else "")
    if (
        session is not None
        and session.agent is not None
        and not staff_console.still_allowed(session.agent, HOTLINE_ROLE)
    ):
        session = None
    session = replace(session or _new_session(now, lang), lang=lang)
    return Ctx(request, web, hq, now, session, expired, lang)


def _finish(ctx: Ctx, response: Response, session: DeskSession | None = None) -> Response:
    security.set_session_cookie(
        response,
        ctx.request,
        ctx.web.signer,
        COOKIE,
        session or ctx.session,
    )
    return security.add_headers(response)


def _html(ctx: Ctx, page: pages.Page, session: DeskSession | None = None) -> Response:
    return _finish(ctx, HTMLResponse(page.html, status_code=page.status), session)


def _go(ctx: Ctx, path: str, session: DeskSession | None = None) -> Response:
    return _finish(ctx, RedirectResponse(PREFIX + path, status_code=303), session)


def _form_of(body: bytes) -> dict[str, str]:
    if len(body) > MAX_FORM:
        return {}
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v[0] for k, v in fields.items()}


Work = Callable[[Ctx, dict[str, str]], Response]


async def _run(request: Request, work: Work, posted: bool) -> Response:
    """Read the form (a POST without its session's CSRF token is refused before anything is
    checked or counted), then do `work` on a worker thread inside a store session."""
    form = _form_of(await request.body()) if posted else {}

    def run() -> Response:
        state_of(request).ensure_connected()
        with store.session():
            ctx = _ctx(request)
            if posted:
                held = ctx.web.signer.load(request.cookies.get(COOKIE), DeskSession)
                if not ctx.web.signer.csrf_ok(held, form.get("csrf", "")):
                    return _html(ctx, pages.refused_form(ctx.view()))
            return work(ctx, form)

    return await anyio.to_thread.run_sync(run)


def _route(method: str, path: str) -> Callable[[Work], Work]:
    def register(work: Work) -> Work:
        async def endpoint(request: Request) -> Response:
            return await _run(request, work, method == "POST")

        endpoint.__doc__ = work.__doc__
        router.add_api_route(path, endpoint, methods=[method])
        return work

    return register


@router.get("/site.css")
def style() -> Response:
    """The console's style sheet (the self-query's, and the console's few additions)."""
    response = Response(CSS + pages.EXTRA_CSS, media_type="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return security.add_headers(response, private=False)


def _signed_out(ctx: Ctx) -> Response | None:
    """The sign-in page (after a timeout: saying so) if no agent is signed in."""
    if ctx.session.signed_in():
        return None
    return _html(ctx, pages.sign_in(ctx.view(), expired=ctx.expired))


def _open_call(ctx: Ctx) -> desk.Call | None:
    assert ctx.session.agent is not None
    return desk.call_of(ctx.session.agent, ctx.session.call)


# -- signing in and out -----------------------------------------------------------------------


@_route("GET", "/")
def home(ctx: Ctx, form: dict[str, str]) -> Response:
    """The sign-in form, the open call, or the form to find a caller."""
    refused = _signed_out(ctx)
    if refused is not None:
        return refused
    if _open_call(ctx) is not None:
        return _go(ctx, "/call")
    page = pages.find(ctx.view(), noted=ctx.session.noted)
    return _html(ctx, page, replace(ctx.session, noted=False))


@_route("POST", "/signin")
def sign_in(ctx: Ctx, form: dict[str, str]) -> Response:
    """Check an agent's username and password (failures counted, locked after 5)."""
    address = ctx.request.client.host if ctx.request.client else "?"
    wait = ctx.web.per_address.retry_after(address)
    if wait is not None:
        return _html(ctx, pages.sign_in(ctx.view(), wait=wait))
    result = staff_console.sign_in(
        form.get("username", "")[:40], form.get("password", "")[:128], HOTLINE_ROLE, ctx.now
    )
    if result.outcome is staff_console.ConsoleOutcome.OK and result.username is not None:
        desk.log(result.username, desk.Action.SIGN_IN, ctx.now)
        fresh = replace(_new_session(ctx.now, ctx.lang), agent=result.username)
        return _go(ctx, "/", fresh)
    if result.username is not None:
        desk.log(result.username, desk.Action.SIGN_IN_FAILED, ctx.now, detail=result.outcome)
    return _html(ctx, pages.sign_in(ctx.view(), result=result))


@_route("POST", "/signout")
def sign_out(ctx: Ctx, form: dict[str, str]) -> Response:
    """End the agent's session."""
    if ctx.session.agent is not None:
        desk.log(ctx.session.agent, desk.Action.SIGN_OUT, ctx.now)
    return _go(ctx, "/", _new_session(ctx.now, ctx.lang))


# -- the call ---------------------------------------------------------------------------------


@_route("POST", "/find")
def find(ctx: Ctx, form: dict[str, str]) -> Response:
    """Find the caller by ID number or card number; the lookup is logged."""
    refused = _signed_out(ctx)
    if refused is not None:
        return refused
    assert ctx.session.agent is not None
    try:
        call = desk.lookup(
            ctx.session.agent,
            _open_call(ctx),
            form.get("purpose", ""),
            form.get("number", "")[:40],
            ctx.now,
        )
    except desk.NumberRefused as exc:
        desk.log(ctx.session.agent, desk.Action.LOOKUP, ctx.now, detail="malformed number")
        return _html(ctx, pages.find(ctx.view(), error=str(exc)))
    return _go(ctx, "/call", replace(ctx.session, call=call.id))


def _call_page(ctx: Ctx, call: desk.Call, message: str = "", status: int = 200) -> Response:
    today = ctx.now.astimezone().date()
    if call.person_id is None:
        return _html(ctx, pages.nobody(ctx.view(), call))
    summary = desk.summary(call.person_id)
    record = desk.record(call, today, ctx.now) if call.verified else None
    questions = desk.questions_available(call.person_id, today)
    page = pages.caller(ctx.view(), call, summary, record, questions, message, status)
    return _html(ctx, page)


def _with_call(ctx: Ctx) -> tuple[Response | None, desk.Call | None]:
    refused = _signed_out(ctx)
    if refused is not None:
        return refused, None
    call = _open_call(ctx)
    if call is None:
        return _go(ctx, "/", replace(ctx.session, call=None)), None
    return None, call


@_route("GET", "/call")
def call_page(ctx: Ctx, form: dict[str, str]) -> Response:
    """The caller found: the summary, then (once verified) the record; the note form."""
    refused, call = _with_call(ctx)
    if call is None:
        return refused
    return _call_page(ctx, call)


@_route("POST", "/verify/password")
def verify_password(ctx: Ctx, form: dict[str, str]) -> Response:
    """Verify the caller by the query password typed on the phone keypad."""
    refused, call = _with_call(ctx)
    if call is None or call.person_id is None:
        return refused or _go(ctx, "/call")
    result = desk.verify_password(call, form.get("password", ""), ctx.now)
    if result.check is desk.Check.OK:
        return _go(ctx, "/call")
    return _call_page(ctx, call, pages.verification_message(ctx._, result, "password"), 401)


@_route("POST", "/verify/questions")
def verify_questions(ctx: Ctx, form: dict[str, str]) -> Response:
    """Verify the caller by the employer and last month's personal contribution."""
    refused, call = _with_call(ctx)
    if call is None or call.person_id is None:
        return refused or _go(ctx, "/call")
    today = ctx.now.astimezone().date()
    result = desk.verify_questions(
        call, form.get("employer", ""), form.get("contribution", ""), today, ctx.now
    )
    if result.check is desk.Check.OK:
        return _go(ctx, "/call")
    return _call_page(ctx, call, pages.verification_message(ctx._, result, "questions"), 401)


@_route("POST", "/card/lost")
def card_lost(ctx: Ctx, form: dict[str, str]) -> Response:
    """Report the verified caller's card lost (with the confirmation ticked)."""
    refused, call = _with_call(ctx)
    if call is None or call.person_id is None:
        return refused or _go(ctx, "/call")
    _ = ctx._
    if not call.verified:
        desk.log(call.agent, desk.Action.REFUSED, ctx.now, call=call, detail="card lost")
        return _call_page(ctx, call, pages.error(_("Verify the caller first.")), 403)
    if form.get("confirm") != "yes":
        text = _("Tick the box to confirm that the card is lost.")
        return _call_page(ctx, call, pages.error(text), 400)
    if not desk.report_card_lost(call, form.get("card", ""), ctx.now):
        return _call_page(ctx, call, pages.error(_("This card cannot be reported lost here.")), 409)
    text = _("The card was reported lost. The offices of the district see it at their next sync.")
    return _call_page(ctx, call, pages.ok(text))


@_route("POST", "/note")
def note(ctx: Ctx, form: dict[str, str]) -> Response:
    """Note the call's purpose and outcome, and end the call."""
    refused, call = _with_call(ctx)
    if call is None:
        return refused
    outcome = form.get("outcome", "")
    if not outcome.strip():
        return _call_page(ctx, call, pages.error(ctx._("Write the outcome of the call.")), 400)
    desk.note(call, form.get("purpose", call.purpose), outcome, ctx.now)
    return _go(ctx, "/", replace(ctx.session, call=None, noted=True))


@router.get("/{rest:path}")
def elsewhere(request: Request, rest: str) -> Response:
    """Any other address under /hotline (a language link on a form's answer): the console's
    home, in the language asked for."""
    lang = request.query_params.get("lang")
    target = PREFIX + "/" + (f"?lang={lang}" if lang in LANGUAGES else "")
    return security.add_headers(RedirectResponse(target, status_code=303))
