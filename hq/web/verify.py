"""The public statement verification page (/selfquery/verify): anyone types or pastes the code
printed under a statement's QR code and sees whether headquarters confirms it.

The same check as POST /v1/statements/verify (hq.statements); the page shows the statement's
number, kind, printing time, office and pages, never whose it is.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from starlette.responses import Response

from hq import statements, store
from hq.web.pages import esc
from hq.web.selfquery import PREFIX, Ctx, _csrf, _ctx, _page, _posted, _refused_form

MAX_CODE = 400
router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _verify_page(ctx: Ctx, result: str = "", code: str = "", status: int = 200) -> Response:
    _ = ctx._
    body = (
        f'<form class="box" method="post" action="{PREFIX}/verify" autocomplete="off">'
        f"<h2>{esc(_('Verify a statement'))}</h2>"
        '<p class="note">'
        + esc(
            _("Type or paste the code printed under the statement QR code (it starts with CD1|).")
        )
        + "</p>"
        f"{result}{_csrf(ctx)}"
        f'<label for="code">{esc(_("Statement code"))}</label>'
        f'<textarea id="code" name="code" rows="3" maxlength="{MAX_CODE}" required '
        f'spellcheck="false">{esc(code)}</textarea>'
        f'<button type="submit">{esc(_("Verify"))}</button></form>'
    )
    return _page(ctx, _("Verify a statement"), body, status, signed_in=ctx.session.signed_in())


@router.get("/verify")
def verify_form(request: Request) -> Response:
    """The verification form (no sign-in needed)."""
    return _verify_page(_ctx(request))


@router.post("/verify")
async def verify(request: Request) -> Response:
    """Check a statement code and say whether it is genuine."""
    ctx, form = await _posted(request)
    if form is None:
        return _refused_form(ctx)
    code = form.get("code", "").strip()[:MAX_CODE]

    def check() -> statements.Verification:
        ctx.hq.ensure_connected()
        with store.session():
            return statements.verify_statement(code)

    found = await anyio.to_thread.run_sync(check)
    _ = ctx._
    if found.genuine and found.statement is not None:
        s = found.statement
        rows = [
            (_("Statement number"), s["number"]),
            (_("Kind"), s["kind"]),
            (_("Printed at"), s["printed_at"]),
            (_("Office"), s["office"]),
            (_("Pages"), s["pages"] if s["pages"] is not None else "—"),
        ]
        facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
        result = (
            '<div class="ok" role="status"><p><strong>'
            + esc(_("Genuine: headquarters confirms this statement."))
            + f"</strong></p><dl>{facts}</dl></div>"
        )
    else:
        result = (
            '<div class="error" role="alert"><p>'
            + esc(_("Not confirmed: treat the document as not genuine."))
            + f'</p><p class="note" lang="en">{esc(found.reason or "")}</p></div>'
        )
    return _verify_page(ctx, result, code)
