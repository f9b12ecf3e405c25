"""个人权益记录单: a person's registrations, contributions, arrears and accounts for a year.

Drawn straight on the canvas (`reports.pdf.grid`): statements are made by the thousand.
"""

from __future__ import annotations

from reports.model import MonthRow, RightsRecord
from reports.pdf.fonts import require_glyphs
from reports.pdf.formatting import day, money, period
from reports.pdf.frame import draw_pdf, new_sheet
from reports.pdf.grid import ALERT, NOTE, Layout
from reports.pdf.holder import holder_fields, notice_bands
from reports.pdf.kit import make_kit

_MONTH_HEAD = (
    "col_month",
    "col_insurance",
    "col_base",
    "col_employer_part",
    "col_personal_part",
    "col_status",
    "col_posted",
)


def _cards(doc: RightsRecord, out: Layout) -> None:
    kit = out.kit
    rows = [
        [
            c.card_no,
            str(c.generation),
            kit.labels.term("card", c.status),
            day(c.issue_date),
            day(c.expiry_date),
        ]
        for c in doc.cards
    ]
    head = ("col_card_no", "col_generation", "col_status", "col_issue_date", "col_expiry_date")
    out.heading("sec_cards")
    out.data_table(head, rows, (56, 22, 32, 35, 35))


def _enrolments(doc: RightsRecord, out: Layout) -> None:
    kit = out.kit
    term = kit.labels.term
    rows = [
        [
            term("insurance", e.insurance),
            kit.safe(e.employer_name),
            kit.safe(e.employer_code),
            day(e.start_date),
            day(e.end_date),
            term("enrolment", e.status),
        ]
        for e in doc.enrolments
    ]
    head = (
        "col_insurance",
        "col_employer",
        "col_employer_code",
        "col_start",
        "col_end",
        "col_status",
    )
    out.heading("sec_enrolments")
    out.data_table(head, rows, (22, 56, 36, 22, 22, 22))


def _month_cells(row: MonthRow, out: Layout) -> list[str]:
    term = out.kit.labels.term
    return [
        period(row.period),
        term("insurance", row.insurance),
        money(row.base_fen),
        money(row.employer_fen),
        money(row.personal_fen),
        term("contribution", row.status),
        day(row.posted_date),
    ]


def _months(doc: RightsRecord, out: Layout) -> None:
    text = out.kit.labels.text
    out.heading("sec_months", year=doc.year)
    if not doc.months_complete:
        out.paragraph(text("months_incomplete"), ALERT)
    if not doc.months:
        out.paragraph(text("no_months"), NOTE)
        return
    rows = [_month_cells(m, out) for m in doc.months]
    alerts = [i for i, m in enumerate(doc.months) if m.status == "arrears"]
    widths = (20, 26, 28, 28, 28, 22, 28)
    out.data_table(_MONTH_HEAD, rows, widths, numeric=(2, 3, 4), alert_rows=alerts)


def _year_totals(doc: RightsRecord, out: Layout) -> None:
    kit = out.kit
    rows: list[list[str]] = [
        [
            kit.labels.term("insurance", y.insurance),
            str(y.months_paid),
            str(y.months_in_arrears),
            money(y.base_total_fen),
            money(y.employer_fen),
            money(y.personal_fen),
        ]
        for y in doc.year_totals
    ]
    alerts = [i for i, y in enumerate(doc.year_totals) if y.months_in_arrears]
    if rows:
        employer = sum(y.employer_fen for y in doc.year_totals)
        personal = sum(y.personal_fen for y in doc.year_totals)
        rows.append([kit.labels.text("total"), "", "", "", money(employer), money(personal)])
    head = (
        "col_insurance",
        "col_months_paid",
        "col_months_arrears",
        "col_base_total",
        "col_employer_part",
        "col_personal_part",
    )
    out.heading("sec_year_totals", year=doc.year)
    out.data_table(
        head,
        rows,
        (30, 24, 26, 34, 33, 33),
        numeric=(1, 2, 3, 4, 5),
        alert_rows=alerts,
        total_row=bool(rows),
    )


def _contribution_time(doc: RightsRecord, out: Layout) -> None:
    kit = out.kit
    rows = [
        [kit.labels.term("insurance", insurance), kit.labels.duration(months)]
        for insurance, months in doc.months_paid_total.items()
    ]
    out.heading("sec_contribution_time")
    out.data_table(("col_insurance", "col_contribution_time"), rows, (40, 50))


def _arrears(doc: RightsRecord, out: Layout) -> None:
    kit = out.kit
    out.heading("sec_arrears")
    if not doc.arrears:
        out.paragraph(kit.labels.text("no_arrears"), NOTE)
        return
    rows = [
        [
            period(m.period),
            kit.labels.term("insurance", m.insurance),
            money(m.base_fen),
            money(m.employer_fen),
            money(m.personal_fen),
        ]
        for m in doc.arrears
    ]
    head = ("col_month", "col_insurance", "col_base", "col_employer_due", "col_personal_due")
    every = range(len(rows))
    out.data_table(head, rows, (24, 30, 34, 34, 34), numeric=(2, 3, 4), alert_rows=every)


def _accounts(doc: RightsRecord, out: Layout) -> None:
    term = out.kit.labels.term
    rows = [[term("account", a.kind), money(a.balance_fen)] for a in doc.accounts]
    out.heading("sec_accounts")
    out.data_table(("col_account", "col_balance"), rows, (60, 40), numeric=(1,))


def lay_out_rights(doc: RightsRecord, out: Layout) -> None:
    """The content of a rights record, in the order of MOHRSS Order 14 art. 2."""
    notice_bands(doc.header, out)
    out.field_table(*holder_fields(out.kit, doc.holder, [("year", str(doc.year))]))
    _cards(doc, out)
    _enrolments(doc, out)
    _months(doc, out)
    _year_totals(doc, out)
    _contribution_time(doc, out)
    _arrears(doc, out)
    _accounts(doc, out)


def render_rights_record(doc: RightsRecord, font_path: str | None = None) -> bytes:
    """The personal rights record as PDF bytes; `FontUnavailable` if the name cannot print."""
    kit = make_kit(doc.header, font_path)
    require_glyphs(kit.font, "the holder's name", doc.holder.name)
    title = kit.labels.text("title_rights")
    sheet = new_sheet()
    lay_out_rights(doc, Layout(kit, sheet))
    return draw_pdf(doc.header, kit, title, sheet)
