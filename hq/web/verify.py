"""The public statement verification page (/selfquery/verify): anyone types or pastes the code
printed under a statement's QR code, or uploads the statement's PDF or a photo of its QR code,
and sees whether headquarters confirms it.

The same check as POST /v1/statements/verify (hq.statements); the page shows the statement's
number, kind, printing time, office and pages, never whose it is.
"""

from __future__ import annotations

from datetime import datetime

import anyio
from fastapi import APIRouter, Request
from starlette.responses import Response

from hq import statements, store
from hq.statements import HQ_OFFICE
from hq.web.pages import esc
from hq.web.selfquery import (
    COOKIE,
    PREFIX,
    Ctx,
    _address,
    _csrf,
    _ctx,
    _page,
    _posted,
    _refused_form,
)
from hq.web.verify_upload import MAX_BODY, MAX_UPLOAD, Problem, parse_form, read_code

MAX_CODE = 400
DECODERS = anyio.CapacityLimiter(2)  # pdftoppm / zbarimg runs at once, in this process
PROBLEMS = {
    Problem.EMPTY: "Choose a file to upload.",
    Problem.TOO_LARGE: "The file is larger than {mb} MB: upload a smaller picture of the QR code.",
    Problem.WRONG_TYPE: "This kind of file cannot be read here: upload a PDF, PNG or JPEG file.",
    Problem.UNREADABLE: "The file could not be read as a picture or a PDF: it may be damaged.",
    Problem.NO_CODE: (
        "No QR code was found in the file: upload a sharper picture, or type the code."
    ),
}
router = APIRouter(prefix=PREFIX, include_in_schema=False)


KIND_NAMES = {  # the statement kinds as the page names them (models.document_kinds)
    "rights": "Personal rights record",
    "medical": "Medical account statement",
    "certificate": "Certificate of contributions",
    "daily": "Daily report",
    "audit": "Audit extract",
}


def _verify_page(
    ctx: Ctx, result: str = "", code: str = "", status: int = 200, upload_result: str = ""
) -> Response:
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
        f'<form class="box" method="post" action="{PREFIX}/verify/upload" '
        'enctype="multipart/form-data">'
        f"<h2>{esc(_('Or upload the statement'))}</h2>"
        '<p class="note" id="upload-note">'
        + esc(
            _(
                "The PDF you downloaded, or a photo or scan of its QR code (PNG or JPEG, at "
                "most {mb} MB).",
                mb=MAX_UPLOAD // (1024 * 1024),
            )
        )
        + f"</p>{upload_result}{_csrf(ctx)}"
        f'<label for="statement">{esc(_("Statement file"))}</label>'
        '<input type="file" id="statement" name="statement" required '
        'accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" '
        'aria-describedby="upload-note">'
        f'<button type="submit">{esc(_("Upload and verify"))}</button></form>'
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
    return await _answer(ctx, form.get("code", "").strip()[:MAX_CODE])


def _problem(ctx: Ctx, problem: Problem, status: int) -> Response:
    text = ctx._(PROBLEMS[problem], mb=MAX_UPLOAD // (1024 * 1024))
    result = f'<div class="error" role="alert"><p>{esc(text)}</p></div>'
    return _verify_page(ctx, status=status, upload_result=result)


async def _capped_body(request: Request) -> bytes | None:
    """The request's body, or None if it passes MAX_BODY: then the rest is received and
    dropped (hq.limits caps the whole), so the browser reads the page that says so."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
    return b"".join(chunks) if size <= MAX_BODY else None


@router.post("/verify/upload")
async def verify_upload(request: Request) -> Response:
    """Read the code from an uploaded statement PDF or QR picture, then check it."""
    ctx = _ctx(request)
    wait = ctx.web.uploads.retry_after(_address(request))
    if wait is not None:  # before reading: an upload costs two programs' runs
        text = ctx._("Too many attempts: wait {s} seconds and try again.", s=wait)
        result = f'<div class="error" role="alert"><p>{esc(text)}</p></div>'
        return _verify_page(ctx, status=429, upload_result=result)
    body = await _capped_body(request)
    if body is None:
        return _problem(ctx, Problem.TOO_LARGE, 413)
    fields, upload = parse_form(request.headers.get("content-type", ""), body)
    held = ctx.web.signer.load(request.cookies.get(COOKIE))
    if not ctx.web.signer.csrf_ok(held, fields.get("csrf", "")):
        return _refused_form(ctx)
    decoded = await anyio.to_thread.run_sync(read_code, upload or b"", limiter=DECODERS)
    if decoded.code is None:
        problem = decoded.problem or Problem.NO_CODE
        status = {Problem.TOO_LARGE: 413, Problem.WRONG_TYPE: 415}.get(problem, 422)
        return _problem(ctx, problem, status)
    return await _answer(ctx, decoded.code[:MAX_CODE])


def _local_time(stamp: str) -> str:
    """A UTC time of the register shown in local time, to the minute."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


async def _answer(ctx: Ctx, code: str) -> Response:
    """The page with headquarters' answer for `code`."""

    def check() -> statements.Verification:
        ctx.hq.ensure_connected()
        with store.session():
            return statements.verify_statement(code)

    found = await anyio.to_thread.run_sync(check)
    _ = ctx._
    if found.genuine and found.statement is not None:
        s = found.statement
        kind = KIND_NAMES.get(s["kind"])
        office = s["office"]
        rows = [
            (_("Statement number"), s["number"]),
            (_("Kind"), _(kind) if kind else s["kind"]),
            (_("Printed at"), _local_time(s["printed_at"])),
            (_("Office"), _("Headquarters (online service)") if office == HQ_OFFICE else office),
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
