"""Issuing a document: check the output, gather the data, number, sign, render, write, record.

The order matters: nothing is numbered for a request that cannot be stated (unknown person,
empty period), and nothing half-written is ever left at the output path (a temporary file is
renamed into place once complete).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models import statements
from models.actor import Actor
from models.clock import utc_now
from models.document_kinds import document_kind
from models.errors import RegisterUnavailable
from models.home import OfficeHome, setting
from models.people import PersonSummary
from models.register_loading import register_loading, require_complete
from models.schema import StaffUser
from models.signing import data_digest, sign
from models.sync_status import Freshness, freshness
from reports import queries
from reports.kinds import DocumentRequest, spec
from reports.model import DocumentHeader

LANGS = ("zh", "en")
OFFICE_ADDRESS = "office_address"  # office settings the statements print
VERIFY_URL = "statement_verify_url"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_KEYWORDS = re.compile(rb"/Keywords\s*\(([0-9A-Za-z-]+)\)")


class OutputNotWritable(RegisterUnavailable):
    """The folder for the PDF cannot be written."""


@dataclass(frozen=True)
class IssuedDocument:
    """A document that was written."""

    number: str
    path: Path
    pages: int
    sha256: str
    qr_payload: str


def check_writable(folder: Path) -> None:
    """Prove that a file can be created in `folder` (before anything is numbered). The folder
    itself is created if missing, but never its parents: a mistyped path is refused, not
    built."""
    try:
        if not folder.parent.is_dir():
            raise FileNotFoundError(2, "its parent folder does not exist", str(folder.parent))
        folder.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as exc:
        raise OutputNotWritable(
            f"cannot write in {folder} ({exc.strerror}): choose another folder for the PDF"
        ) from exc


def check_destination(out: Path) -> None:
    """Refuse a PDF destination that cannot be written, before a number is allocated: a name
    too long for the file system, a folder given instead of a file, a folder that does not exist
    (none is created), or one that cannot be written in."""
    folder = out.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise OutputNotWritable(
            f"the folder {folder} {what}: choose another folder for the PDF, or create it "
            "first (nothing was numbered)"
        )
    try:
        longest = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        longest = 255
    if len(os.fsencode(out.name)) > longest:
        raise OutputNotWritable(
            f"the file name {out.name[:40]}… is longer than this disk allows ({longest} bytes): "
            "choose a shorter one (nothing was numbered)"
        )
    if out.is_dir():
        raise OutputNotWritable(
            f"{out} is a folder: give the PDF's file name, e.g. {out / 'statement.pdf'} "
            "(nothing was numbered)"
        )
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as exc:
        raise OutputNotWritable(
            f"cannot write in {folder} ({exc.strerror}): choose another folder for the PDF "
            "(nothing was numbered)"
        ) from exc


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder (a short name, so a
    long final name still fits), then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pdf-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clerk_label(actor: Actor) -> str:
    """'李娜 (clerk01)' for a member of staff, else the actor's name."""
    staff = StaffUser.get_or_none(StaffUser.username == actor.name)
    return f"{staff.display_name} ({staff.username})" if staff else actor.name


def _body_digest(doc: Any) -> str:
    return data_digest({f.name: getattr(doc, f.name) for f in fields(doc) if f.name != "header"})


def document_header(
    actor: Actor, kind: str, lang: str, now: datetime, fresh: Freshness | None = None
) -> DocumentHeader:
    """What a document about to be numbered carries: office, clerk, times, notices."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}")
    fresh = fresh or freshness()
    as_of = queries.data_as_of(fresh)
    loading = register_loading() if as_of is None else None
    if loading is not None:
        as_of = loading.started_at
    return DocumentHeader(
        kind=kind,
        statement_no="",
        office_name=setting("office_name", "") or "",
        district=setting("district", "000000") or "000000",
        clerk=clerk_label(actor),
        printed_at=now,
        data_as_of=as_of,
        offline=queries.is_offline(fresh, now),
        demo=setting("demo_state") is not None,
        qr_payload="",
        lang=lang,
        office_address=setting(OFFICE_ADDRESS, "") or "",
        verify_url=setting(VERIFY_URL, "") or "",
        loading=loading is not None,
    )


def signed_pdf(key: bytes, doc: Any, number: str, font_path: str | None) -> tuple[bytes, str]:
    """The PDF of `doc` numbered `number` with its signed QR payload; (bytes, payload)."""
    from reports.pdf import render  # reportlab is loaded only when a document is made

    header = doc.header
    payload = sign(key, number, header.kind, header.printed_at, _body_digest(doc))
    doc = replace(doc, header=replace(header, statement_no=number, qr_payload=payload))
    return render(doc, font_path=font_path), payload


def pdf_facts(pdf: bytes) -> tuple[str, int]:
    """The SHA-256 (hex) and page count of a PDF as recorded for headquarters."""
    return hashlib.sha256(pdf).hexdigest(), len(_PAGE.findall(pdf))


def number_in(pdf: bytes) -> str | None:
    """The statement number a document of ours carries in its metadata (keywords)."""
    found = _KEYWORDS.search(pdf)
    return found.group(1).decode("ascii") if found else None


def issue(
    home: OfficeHome,
    actor: Actor,
    kind: str,
    out: Path,
    *,
    person: PersonSummary | None = None,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    lang: str = "zh",
    now: datetime | None = None,
) -> IssuedDocument:
    """Make one document of `kind` (`models.document_kinds`: a statement for `person`, or an
    office report) for `year`, the days `date_from`-`date_to`, or the day `date_from`, as the
    kind needs, and write it to `out`."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}")
    now = now or utc_now()
    out = out.absolute()
    check_destination(out)
    if not document_kind(kind).about_person:  # an office report covers the whole register
        require_complete(f"the {kind} report")
    fresh = freshness()
    header = document_header(actor, kind, lang, now, fresh)
    request = spec(kind).checked(
        DocumentRequest(person, year, date_from, date_to, now.astimezone().date(), fresh)
    )
    doc = spec(kind).gather(header, request)
    allocated = statements.allocate(
        kind,
        person.id if person else None,
        actor,
        lang,
        header.district,
        header.data_as_of,
        header.offline,
        now,
    )
    pdf, payload = signed_pdf(home.signing_key(), doc, allocated.number, setting("statement_font"))
    write_atomically(out, pdf)
    digest, pages = pdf_facts(pdf)
    try:
        statements.issued(allocated.number, digest, pages, actor)
    except BaseException:
        out.unlink(missing_ok=True)  # no document without its record
        raise
    return IssuedDocument(allocated.number, out, pages, digest, payload)
