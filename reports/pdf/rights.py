"""个人权益记录单: a person's registrations, contributions, arrears and accounts for a year.

Compact, as the bureau's own records are: the holder with their cards in one block, the
registrations that share an employer and dates on one row, the monthly detail one row per month
with the insurance types side by side (`reports.pdf.monthgrid`), the year's totals beside the
contribution time in all. An ordinary contributor's year fits on one A4 page.
Drawn straight on the canvas (`reports.pdf.grid`): statements are made by the thousand.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm

from reports.model import EnrolmentRow, MonthRow, RightsRecord
from reports.pdf.benefits import benefits_block
from reports.pdf.fonts import require_glyphs
from reports.pdf.formatting import day, money, period
from reports.pdf.frame import draw_pdf, new_sheet
from reports.pdf.grid import ALERT, FIELD_ROW, NOTE, NOTE_HEIGHT, Layout, spread
from reports.pdf.holder import holder_fields, notice_bands
from reports.pdf.kit import make_kit
from reports.pdf.labels import Labels
from reports.pdf.monthgrid import GridColumns, MonthLine, grid_columns, month_lines, type_order
from reports.pdf.official import official_block

# Label/value column widths (points): the holder block, three pairs to a row (the last value
# holds a region's name in English, "Tianqiao District, Jinan"); the accounts.
HOLDER_WIDTHS = tuple(w * mm for w in (30, 26, 28, 36, 20, 40))
ACCOUNT_WIDTHS = tuple(w * mm for w in (44, 46, 44, 46))
# The month grid holds both parts of four types on A4 in either language (with a fifth type,
# English labels and amounts no longer fit on one line).
MAX_TYPES_WITH_EVERY_PART = 4


def _holder(doc: RightsRecord, out: Layout) -> None:
    """Who the record is about, for which year, and their social security cards."""
    kit = out.kit
    labels = kit.labels
    pairs, wide = holder_fields(kit, doc.holder, [("year", str(doc.year))])
    cards = [
        (
            "card",
            labels.text(
                "card_line",
                card_no=kit.safe(c.card_no),
                generation=c.generation,
                status=labels.term("card", c.status),
                issued=day(c.issue_date),
                expiry=day(c.expiry_date),
            ),
        )
        for c in doc.cards
    ] or [("card", labels.text("none_recorded"))]
    out.field_table(pairs, [*wide, *cards], widths=HOLDER_WIDTHS)


def _type_list(insurances: Sequence[str], out: Layout) -> str:
    labels = out.kit.labels
    return labels.text("list_separator").join(labels.term("insurance_short", i) for i in insurances)


def enrolment_table(enrolments: Sequence[EnrolmentRow], out: Layout) -> None:
    """Registrations; the types registered with one employer over the same dates share a row
    (also on the contribution certificate)."""
    kit = out.kit
    term = kit.labels.term
    merged: dict[tuple, list[str]] = {}
    for e in enrolments:
        key = (e.employer_name, e.employer_code, e.start_date, e.end_date, e.status)
        merged.setdefault(key, []).append(e.insurance)
    rows = [
        [
            _type_list(sorted(types, key=type_order), out),
            kit.safe(name),
            kit.safe(code),
            day(start),
            day(end),
            term("enrolment", status),
        ]
        for (name, code, start, end, status), types in merged.items()
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
    out.data_table(head, rows, spread(out.natural_widths(head, rows), flexible=1))


def _grid_table(
    lines: Sequence[MonthLine], columns: GridColumns, out: Layout, due: bool
) -> tuple[list[str], list[tuple[str, int]], list[list[str]]]:
    """The heading keys, column groups and cells of a month grid."""
    labels = out.kit.labels
    if due:
        employer, personal = "col_employer_due", "col_personal_due"
    else:
        employer, personal = "col_employer_short", "col_personal_short"
    head: list[str] = ["col_month", "col_base"]
    groups: list[tuple[str, int]] = [("", 1), ("", 1)]
    for insurance in columns.types:
        both = insurance in columns.with_personal
        head += [employer, personal] if both else [employer]
        groups.append((labels.term("insurance", insurance), 2 if both else 1))
    if not due:
        head += ["col_status", "col_posted"]
        groups += [("", 1), ("", 1)]
    rows: list[list[str]] = []
    for line in lines:
        cells = [period(line.period), money(line.base_fen)]
        for insurance in columns.types:
            part = line.parts.get(insurance)
            cells.append(money(part[0]) if part else "")
            if insurance in columns.with_personal:
                cells.append(money(part[1]) if part else "")
        if not due:
            cells += [labels.term("contribution", line.status), day(line.posted_date)]
        rows.append(cells)
    return head, groups, rows


def month_grid(months: Sequence[MonthRow], out: Layout, *, due: bool) -> None:
    """Months as rows, the types as column groups of the employer and personal parts. With
    more types than the page's width holds, a type whose personal part is zero in every month
    loses that column (a note says so); the rule is the same in both languages, so that their
    layout is the same. With `due` (arrears) there is no status or posting date: every row is
    unpaid."""
    labels = out.kit.labels
    lines = month_lines(months)
    columns = grid_columns(lines)
    if len(columns.types) <= MAX_TYPES_WITH_EVERY_PART:
        columns = columns.every_part()
    head, groups, rows = _grid_table(lines, columns, out, due)
    alerts = range(len(rows)) if due else [i for i, m in enumerate(lines) if m.status == "arrears"]
    numeric = range(1, len(head) - (0 if due else 2))  # the base and every part
    widths = spread(out.natural_widths(head, rows, groups))
    out.data_table(head, rows, widths, numeric=numeric, alert_rows=alerts, groups=groups)
    if columns.without_personal:
        key = "no_personal_due" if due else "no_personal_part"
        note = labels.text(key, types=_type_list(columns.without_personal, out))
        out.paragraph(note, NOTE, before=2)
    if any(line.split for line in lines):
        out.paragraph(labels.text("months_split"), NOTE, before=2)


def _months(doc: RightsRecord, out: Layout) -> None:
    text = out.kit.labels.text
    out.heading("sec_months", year=doc.year)
    if not doc.months_complete:
        out.paragraph(text("months_incomplete"), ALERT)
    if not doc.months:
        out.paragraph(text("no_months"), NOTE)
        return
    month_grid(doc.months, out, due=False)


def _year_totals(doc: RightsRecord, out: Layout) -> None:
    """The year per type, with each type's contribution time in all (any year held)."""
    kit = out.kit
    term = kit.labels.term
    in_year = {y.insurance for y in doc.year_totals}
    rows: list[list[str]] = [
        [
            term("insurance", y.insurance),
            str(y.months_paid),
            str(y.months_in_arrears),
            money(y.base_total_fen),
            money(y.employer_fen),
            money(y.personal_fen),
            kit.labels.duration(doc.months_paid_total[y.insurance])
            if y.insurance in doc.months_paid_total
            else "",
        ]
        for y in doc.year_totals
    ]
    # A type contributed to in other years only (a retiree's pension): nothing this year.
    nothing = [str(0), str(0), money(0), money(0), money(0)]
    rows += [
        [term("insurance", insurance), *nothing, kit.labels.duration(months)]
        for insurance, months in doc.months_paid_total.items()
        if insurance not in in_year
    ]
    alerts = [i for i, y in enumerate(doc.year_totals) if y.months_in_arrears]
    if rows:
        employer = sum(y.employer_fen for y in doc.year_totals)
        personal = sum(y.personal_fen for y in doc.year_totals)
        rows.append([kit.labels.text("total"), "", "", "", money(employer), money(personal), ""])
    head = (
        "col_insurance",
        "col_months_paid",
        "col_months_arrears",
        "col_base_total",
        "col_employer_part",
        "col_personal_part",
        "col_contribution_time",
    )
    out.heading("sec_year_totals", year=doc.year)
    out.data_table(
        head,
        rows,
        spread(out.natural_widths(head, rows)),
        numeric=(1, 2, 3, 4, 5),
        alert_rows=alerts,
        total_row=bool(rows),
    )


def _arrears(doc: RightsRecord, out: Layout) -> None:
    if not doc.arrears:
        out.heading("sec_arrears", keep=NOTE_HEIGHT)
        out.paragraph(out.kit.labels.text("no_arrears"), NOTE)
        return
    out.heading("sec_arrears")
    outside = sorted({m.period for m in doc.arrears if m.period // 100 != doc.year})
    if outside:
        labels = out.kit.labels
        spans = labels.text("list_separator").join(_month_spans(outside, labels))
        note = labels.text("arrears_outside_year", year=doc.year, months=spans)
        out.paragraph(note, ALERT, before=0, after=2)
    month_grid(doc.arrears, out, due=True)


def _month_spans(periods: Sequence[int], labels: Labels) -> list[str]:
    """Sorted YYYYMM periods as runs of consecutive months: ['2026-01 至 2026-10', ...]."""
    runs: list[list[int]] = []
    for value in periods:
        if runs and _next_month(runs[-1][-1]) == value:
            runs[-1].append(value)
        else:
            runs.append([value])
    return [
        period(run[0])
        if len(run) == 1
        else labels.text("period_range", start=period(run[0]), end=period(run[-1]))
        for run in runs
    ]


def _next_month(value: int) -> int:
    year, month = divmod(value, 100)
    return (year + 1) * 100 + 1 if month == 12 else value + 1


def _accounts(doc: RightsRecord, out: Layout) -> None:
    term = out.kit.labels.term
    pairs = [(term("account", a.kind), money(a.balance_fen)) for a in doc.accounts]
    out.heading("sec_accounts", keep=FIELD_ROW * max(1, (len(pairs) + 1) // 2))
    if not pairs:
        out.paragraph(out.kit.labels.text("none_recorded"), NOTE)
        return
    out.field_table(pairs, widths=ACCOUNT_WIDTHS, keys=False)


def lay_out_rights(doc: RightsRecord, out: Layout) -> None:
    """The content of a rights record, in the order of MOHRSS Order 14 art. 2."""
    notice_bands(doc.header, out)
    _holder(doc, out)
    enrolment_table(doc.enrolments, out)
    _months(doc, out)
    _year_totals(doc, out)
    _arrears(doc, out)
    benefits_block(doc.benefits, doc.year, out)
    _accounts(doc, out)
    official_block(doc.header, out)


def render_rights_record(doc: RightsRecord, font_path: str | None = None) -> bytes:
    """The personal rights record as PDF bytes; `FontUnavailable` if the name cannot print."""
    kit = make_kit(doc.header, font_path)
    require_glyphs(kit.font, "the holder's name", doc.holder.name)
    title = kit.labels.text("title_rights")
    sheet = new_sheet()
    lay_out_rights(doc, Layout(kit, sheet))
    return draw_pdf(doc.header, kit, title, sheet)
