"""One entry point for callers: render any report dataclass by its type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reports.model import (
    AuditExtract,
    ContributionCertificate,
    DailyReport,
    MedicalStatement,
    RightsRecord,
)
from reports.pdf.audit import render_audit_extract
from reports.pdf.certificate import render_certificate
from reports.pdf.daily import render_daily_report
from reports.pdf.medical import render_medical_statement
from reports.pdf.rights import render_rights_record

Document = RightsRecord | MedicalStatement | ContributionCertificate | DailyReport | AuditExtract

_RENDERERS: dict[type, Callable[[Any, str | None], bytes]] = {
    RightsRecord: render_rights_record,
    MedicalStatement: render_medical_statement,
    ContributionCertificate: render_certificate,
    DailyReport: render_daily_report,
    AuditExtract: render_audit_extract,
}


def render(doc: Document, font_path: str | None = None) -> bytes:
    """The PDF bytes of any report document; TypeError for anything else."""
    renderer = _RENDERERS.get(type(doc))
    if renderer is None:
        raise TypeError(f"no PDF renderer for {type(doc).__name__}")
    return renderer(doc, font_path)
