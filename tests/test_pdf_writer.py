"""The fast document writer gives reportlab's bytes for every kind of document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reports.pdf import frame
from reports.pdf.audit import render_audit_extract
from reports.pdf.certificate import render_certificate
from reports.pdf.daily import render_daily_report
from reports.pdf.medical import render_medical_statement
from reports.pdf.rights import render_rights_record
from tests.test_pdf_render import (
    LONG_YEARS,
    make_audit,
    make_certificate,
    make_daily,
    make_holder,
    make_medical,
    make_months,
    make_rights,
)


def _rare_name_rights() -> Any:
    doc = make_rights(offline=True)
    return type(doc)(**{**doc.__dict__, "holder": make_holder(name="欧阳堃喆")})


DOCUMENTS: dict[str, tuple[Callable[[Any], bytes], Callable[[], Any]]] = {
    "rights, zh": (render_rights_record, make_rights),
    "rights, en": (render_rights_record, lambda: make_rights(lang="en")),
    "rights over 3 pages": (render_rights_record, lambda: make_rights(make_months(LONG_YEARS))),
    "rights, offline, rare name": (render_rights_record, _rare_name_rights),
    "medical": (render_medical_statement, make_medical),
    "certificate": (render_certificate, make_certificate),
    "certificate, en, incomplete": (
        render_certificate,
        lambda: make_certificate(complete=False, lang="en"),
    ),
    "daily report (platypus)": (render_daily_report, make_daily),
    "audit extract (platypus)": (render_audit_extract, lambda: make_audit(rows=60)),
}


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_the_fast_writer_writes_reportlabs_bytes(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    render, make = DOCUMENTS[kind]
    doc = make()
    fast = render(doc)
    monkeypatch.setattr(frame, "write_fast", lambda canv: None)  # reportlab's own writer
    assert render(doc) == fast
    assert fast.startswith(b"%PDF-") and fast.rstrip().endswith(b"%%EOF")
