"""个人权益记录单: a person's registrations, contributions, arrears and accounts for a year."""

from __future__ import annotations

from reportlab.platypus import Flowable

from reports.model import MonthRow, RightsRecord
from reports.pdf.blocks import heading, holder_block, notice_bands
from reports.pdf.fonts import require_glyphs
from reports.pdf.formatting import day, money, period
from reports.pdf.frame import build_pdf
from reports.pdf.kit import Kit, make_kit
from reports.pdf.tables import data_table

_MONTH_HEAD = (
    "col_month",
    "col_insurance",
    "col_base",
    "col_employer_part",
    "col_personal_part",
    "col_status",
    "col_posted",
)


def _cards(doc: RightsRecord, kit: Kit) -> list[Flowable]:
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
    return [*heading(kit, "sec_cards"), data_table(kit, head, rows, (56, 22, 32, 35, 35))]


def _enrolments(doc: RightsRecord, kit: Kit) -> list[Flowable]:
    term = kit.labels.term
    rows = [
        [
            term("insurance", e.insurance),
            kit.para(e.employer_name),
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
    table = data_table(kit, head, rows, (22, 56, 36, 22, 22, 22))
    return [*heading(kit, "sec_enrolments"), table]


def _month_cells(row: MonthRow, kit: Kit) -> list[str]:
    return [
        period(row.period),
        kit.labels.term("insurance", row.insurance),
        money(row.base_fen),
        money(row.employer_fen),
        money(row.personal_fen),
        kit.labels.term("contribution", row.status),
        day(row.posted_date),
    ]


def _months(doc: RightsRecord, kit: Kit) -> list[Flowable]:
    flow: list[Flowable] = [*heading(kit, "sec_months", year=doc.year)]
    if not doc.months_complete:
        flow.append(kit.para(kit.labels.text("months_incomplete"), "alert"))
    if not doc.months:
        flow.append(kit.para(kit.labels.text("no_months"), "note"))
        return flow
    rows = [_month_cells(m, kit) for m in doc.months]
    alerts = [i for i, m in enumerate(doc.months) if m.status == "arrears"]
    widths = (20, 26, 28, 28, 28, 22, 28)
    flow.append(data_table(kit, _MONTH_HEAD, rows, widths, numeric=(2, 3, 4), alert_rows=alerts))
    return flow


def _year_totals(doc: RightsRecord, kit: Kit) -> list[Flowable]:
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
    table = data_table(
        kit,
        head,
        rows,
        (30, 24, 26, 34, 33, 33),
        numeric=(1, 2, 3, 4, 5),
        alert_rows=alerts,
        total_row=bool(rows),
    )
    return [*heading(kit, "sec_year_totals", year=doc.year), table]


def _contribution_time(doc: RightsRecord, kit: Kit) -> list[Flowable]:
    rows = [
        [kit.labels.term("insurance", insurance), kit.labels.duration(months)]
        for insurance, months in doc.months_paid_total.items()
    ]
    table = data_table(kit, ("col_insurance", "col_contribution_time"), rows, (40, 50))
    return [*heading(kit, "sec_contribution_time"), table]


def _arrears(doc: RightsRecord, kit: Kit) -> list[Flowable]:
    flow: list[Flowable] = [*heading(kit, "sec_arrears")]
    if not doc.arrears:
        return [*flow, kit.para(kit.labels.text("no_arrears"), "note")]
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
    table = data_table(kit, head, rows, (24, 30, 34, 34, 34), numeric=(2, 3, 4), alert_rows=every)
    return [*flow, table]


def _accounts(doc: RightsRecord, kit: Kit) -> list[Flowable]:
    rows = [[kit.labels.term("account", a.kind), money(a.balance_fen)] for a in doc.accounts]
    table = data_table(kit, ("col_account", "col_balance"), rows, (60, 40), numeric=(1,))
    return [*heading(kit, "sec_accounts"), table]


def rights_story(doc: RightsRecord, kit: Kit) -> list[Flowable]:
    """The flowing content of a rights record, in the order of MOHRSS Order 14 art. 2."""
    return [
        *notice_bands(doc.header, kit),
        holder_block(kit, doc.holder, [("year", str(doc.year))]),
        *_cards(doc, kit),
        *_enrolments(doc, kit),
        *_months(doc, kit),
        *_year_totals(doc, kit),
        *_contribution_time(doc, kit),
        *_arrears(doc, kit),
        *_accounts(doc, kit),
    ]


def render_rights_record(doc: RightsRecord, font_path: str | None = None) -> bytes:
    """The personal rights record as PDF bytes; `FontUnavailable` if the name cannot print."""
    kit = make_kit(doc.header, font_path)
    require_glyphs(kit.font, "the holder's name", doc.holder.name)
    title = kit.labels.text("title_rights")
    return build_pdf(doc.header, kit, title, rights_story(doc, kit))
