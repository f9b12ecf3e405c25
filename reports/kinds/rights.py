"""个人权益记录单: one person's year (MOHRSS Order 14 art. 2); `reports.pdf.rights` draws it."""

from __future__ import annotations

from models.document_kinds import document_kind
from reports import queries
from reports.kinds import DocumentRequest, DocumentSpec
from reports.model import DocumentHeader, RightsRecord


def gather(header: DocumentHeader, request: DocumentRequest) -> RightsRecord:
    """The year's record of the person (NothingToState for a year without contributions)."""
    assert request.person is not None and request.year is not None and request.today is not None
    return queries.rights_record(header, request.person, request.year, request.today)


SPEC = DocumentSpec(document_kind("rights"), gather)
