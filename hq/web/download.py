"""POST /selfquery/statement: the signed-in holder downloads their personal rights record.

A plain form post with the session's CSRF token and the year (no personal data in the URL);
the answer is the PDF as an attachment, never cached. A year with nothing to state gets a page
that says so. See hq/web/download_statement.py for what is made and recorded.
"""

from __future__ import annotations

import os

import anyio
from fastapi import APIRouter, Request
from starlette.responses import Response

from hq import store
from hq.web.download_statement import Download, NothingToState, rights_download
from hq.web.selfquery import (
    PREFIX,
    _finish,
    _message,
    holder_post,
    statement_years,
)

VERIFY_URL_ENV = "COUNTERDESK_HQ_VERIFY_URL"  # the public verification page printed on the PDF
router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.post("/statement")
async def download_statement(request: Request) -> Response:
    """The holder's rights record of the chosen year as a signed PDF (an attachment)."""
    posted = await holder_post(request)
    if isinstance(posted, Response):
        return posted
    ctx, form = posted
    person = ctx.session.person
    assert person is not None
    _ = ctx._
    years = statement_years(ctx.now)
    chosen = form.get("year", "")
    if not chosen.isascii() or not chosen.isdigit() or int(chosen) not in years:
        return _message(ctx, _("Choose a year from the list."), 400)
    year = int(chosen)
    verify_url = os.environ.get(VERIFY_URL_ENV, "")  # never the request's Host header

    def make() -> Download | None:
        ctx.hq.ensure_connected()
        with store.session():
            try:
                return rights_download(person, year, ctx.lang, ctx.now, verify_url)
            except NothingToState:
                return None

    made = await anyio.to_thread.run_sync(make)
    if made is None:
        text = _(
            "There is nothing to state for {year}: no contributions and no benefits are "
            "recorded for that year. Choose another year.",
            year=year,
        )
        return _message(ctx, text, 404)
    response = Response(made.pdf, media_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{made.number}.pdf"'
    return _finish(ctx, response)  # no-store, like every page with personal data
