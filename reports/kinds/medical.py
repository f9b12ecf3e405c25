"""医疗保险个人账户对账单: one person's medical account over a period; `reports.pdf.medical`."""

from __future__ import annotations

from models.document_kinds import document_kind
from reports import queries
from reports.kinds import DocumentRequest, DocumentSpec
from reports.model import DocumentHeader, MedicalStatement


def gather(header: DocumentHeader, request: DocumentRequest) -> MedicalStatement:
    """The account's entries between the two days (NoMedicalAccount, NothingToState)."""
    assert request.person is not None
    assert request.date_from is not None and request.date_to is not None
    return queries.medical_statement(header, request.person, request.date_from, request.date_to)


SPEC = DocumentSpec(document_kind("medical"), gather)
