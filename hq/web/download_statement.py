"""The citizen's downloaded personal rights record (个人权益记录): the counter's signed PDF,
numbered and signed by headquarters.

The one module of `hq` that imports `reports` (the architecture test checks it): the data is
gathered by the counter's own query (`reports.queries.rights_record`, run on headquarters'
store, whose tables have the register's columns) and drawn by the counter's renderer
(`reports.issue.signed_pdf`). Headquarters numbers it DISTRICT-YYYYMMDD-HQ-NNNNN, signs it with
its own key, records it in `hq_statement` (so `POST /v1/statements/verify` and `hq
verify-statement` confirm it) and logs the read as the holder's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hq import persons, store
from hq import statements as hq_statements
from hq.selfquery_store import SELF_ACTOR
from models.people import PersonSummary
from reports.errors import NothingToState
from reports.issue import LANGS, pdf_facts, signed_pdf
from reports.model import DocumentHeader
from reports.queries import rights_record

__all__ = ["DOWNLOAD_KIND", "PDF_LANGS", "Download", "NothingToState", "rights_download"]

DOWNLOAD_KIND = "download"  # the access log's key kind of a downloaded statement
PDF_LANGS = LANGS  # the languages the renderer prints (es pages get the en PDF)
ISSUER = {"zh": "社会保险事业中心（网上服务）", "en": "Social insurance centre (online service)"}
CLERK = {"zh": "网上自助查询", "en": "online self-query"}
_PERSON = (
    "SELECT id, ssn, name, gender, birth_date, ethnicity, region_code, phone, address, status, "
    "district FROM person WHERE id = ?"
)


@dataclass(frozen=True)
class Download:
    """A statement made for the holder: its number, the PDF and the QR code's payload."""

    number: str
    pdf: bytes
    payload: str
    pages: int


def _person(person_id: int) -> tuple[PersonSummary, str]:
    row = store.execute(_PERSON, (person_id,)).fetchone()
    if row is None:
        raise LookupError(f"no person #{person_id} at headquarters")
    birth = row[4] if isinstance(row[4], date) else date.fromisoformat(str(row[4]))
    return PersonSummary(row[0], row[1], row[2], row[3], birth, *row[5:10]), str(row[10])


def rights_download(
    person_id: int, year: int, lang: str, now: datetime, verify_url: str = ""
) -> Download:
    """Gather, number, sign, render and record the holder's rights record of `year`; the read
    is logged as their own. NothingToState (and nothing numbered) for a year without
    contributions or benefits."""
    lang = lang if lang in PDF_LANGS else "en"
    now = now.replace(microsecond=0)
    with store.read_snapshot():
        person, district = _person(person_id)
        header = DocumentHeader(
            kind="rights",
            statement_no="",
            office_name=ISSUER[lang],
            district=district,
            clerk=CLERK[lang],
            printed_at=now,
            data_as_of=now,  # headquarters holds the register itself: its data is current
            offline=False,
            demo=False,
            qr_payload="",
            lang=lang,
            verify_url=verify_url,
        )
        record = rights_record(header, person, year, now.astimezone().date(), sql=store.execute)
    reserved = hq_statements.allocate_own("rights", person_id, year, lang, district, now)
    pdf, payload = signed_pdf(reserved.key, record, reserved.number, None)
    digest, pages = pdf_facts(pdf)
    hq_statements.record_own(reserved.number, digest, pages)
    persons.log_access(None, SELF_ACTOR, person_id, DOWNLOAD_KIND, now)
    return Download(reserved.number, pdf, payload, pages)
