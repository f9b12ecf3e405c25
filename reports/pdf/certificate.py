"""参保缴费证明: the certificate of contributions, drawn on the canvas like the rights record.

The holder with the period, one sentence of attestation and how to check the certificate (its
QR code and number, at headquarters), the registrations, every month of the period (arrears in
red), and the period's totals per insurance type with the contribution time in all.
"""

from __future__ import annotations

from reports.model import ContributionCertificate
from reports.pdf.fonts import require_glyphs
from reports.pdf.formatting import day, money, period
from reports.pdf.frame import draw_pdf, new_sheet
from reports.pdf.grid import ALERT, NOTE, VALUE, Layout, spread
from reports.pdf.holder import holder_fields, notice_bands
from reports.pdf.kit import make_kit
from reports.pdf.official import official_block
from reports.pdf.rights import enrolment_table, month_grid


def _attestation(doc: ContributionCertificate, out: Layout) -> None:
    text = out.kit.labels.text
    start, end = period(doc.first_period), period(doc.last_period)
    if doc.insured_since is not None:
        words = text(
            "certify",
            name=out.kit.safe(doc.holder.name),
            since=day(doc.insured_since),
            start=start,
            end=end,
        )
    else:
        words = text(
            "certify_unregistered", name=out.kit.safe(doc.holder.name), start=start, end=end
        )
    out.paragraph(words, VALUE, before=6, after=2)


def _months(doc: ContributionCertificate, out: Layout) -> None:
    text = out.kit.labels.text
    out.heading("sec_period_months", start=period(doc.first_period), end=period(doc.last_period))
    if not doc.months_complete:
        out.paragraph(text("period_incomplete"), ALERT)
    month_grid(doc.months, out, due=False)


def _totals(doc: ContributionCertificate, out: Layout) -> None:
    """The period per type, with each type's contribution time in all."""
    kit = out.kit
    term = kit.labels.term
    rows = [
        [
            term("insurance", t.insurance),
            str(t.months_paid),
            str(t.months_in_arrears),
            money(t.employer_fen),
            money(t.personal_fen),
            kit.labels.duration(doc.months_paid_total.get(t.insurance, 0)),
        ]
        for t in doc.period_totals
    ]
    alerts = [i for i, t in enumerate(doc.period_totals) if t.months_in_arrears]
    employer = sum(t.employer_fen for t in doc.period_totals)
    personal = sum(t.personal_fen for t in doc.period_totals)
    rows.append([kit.labels.text("total"), "", "", money(employer), money(personal), ""])
    head = (
        "col_insurance",
        "col_months_paid",
        "col_months_arrears",
        "col_employer_part",
        "col_personal_part",
        "col_contribution_time",
    )
    out.heading("sec_period_totals")
    out.data_table(
        head,
        rows,
        spread(out.natural_widths(head, rows)),
        numeric=(1, 2, 3, 4),
        alert_rows=alerts,
        total_row=True,
    )


def lay_out_certificate(doc: ContributionCertificate, out: Layout) -> None:
    """The content of a contribution certificate."""
    span = out.kit.labels.text("period_range", start=day(doc.date_from), end=day(doc.date_to))
    notice_bands(doc.header, out)
    out.field_table(*holder_fields(out.kit, doc.holder, [("period", span)]))
    _attestation(doc, out)
    out.paragraph(out.kit.labels.text("certificate_check"), NOTE, before=0)
    enrolment_table(doc.enrolments, out)
    _months(doc, out)
    _totals(doc, out)
    official_block(doc.header, out)


def render_certificate(doc: ContributionCertificate, font_path: str | None = None) -> bytes:
    """The contribution certificate as PDF bytes; `FontUnavailable` if the name cannot print."""
    kit = make_kit(doc.header, font_path)
    require_glyphs(kit.font, "the holder's name", doc.holder.name)
    title = kit.labels.text("title_certificate")
    sheet = new_sheet()
    lay_out_certificate(doc, Layout(kit, sheet))
    return draw_pdf(doc.header, kit, title, sheet)
