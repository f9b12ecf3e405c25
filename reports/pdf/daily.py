"""社保服务中心日报: the office's day in counts, the sync state and rejected commands."""

from __future__ import annotations

from reportlab.platypus import Flowable

from reports.model import CountRow, DailyReport
from reports.pdf.blocks import heading, notice_bands
from reports.pdf.formatting import day, local_time
from reports.pdf.frame import build_pdf
from reports.pdf.kit import Kit, make_kit
from reports.pdf.tables import Cell, data_table, field_table


def _sync(doc: DailyReport, kit: Kit) -> list[Flowable]:
    labels = kit.labels
    last = local_time(doc.last_sync) if doc.last_sync else labels.text("never_synced")
    pairs: list[tuple[str, Cell]] = [
        ("day", day(doc.day)),
        ("last_sync", last),
        ("pending", str(doc.pending_commands)),
    ]
    if doc.last_sync_error:
        pairs.append(("last_error", kit.para(doc.last_sync_error, "cell_alert")))
    return [*heading(kit, "sec_sync"), field_table(kit, pairs)]


def _counts(kit: Kit, key: str, rows: list[CountRow], group: str | None) -> list[Flowable]:
    def name(label: str) -> str:
        return kit.labels.term(group, label) if group else kit.safe(label)

    cells: list[list[Cell]] = [[kit.para(name(r.label)), str(r.count)] for r in rows]
    if cells:
        cells.append([kit.labels.text("total"), str(sum(r.count for r in rows))])
    table = data_table(
        kit, ("col_item", "col_count"), cells, (80, 30), numeric=(1,), total_row=bool(cells)
    )
    return [*heading(kit, key), table]


def _rejected(doc: DailyReport, kit: Kit) -> list[Flowable]:
    rows = [
        [
            local_time(r.created_at),
            kit.para(r.command, "cell_alert"),
            kit.para(r.reason, "cell_alert"),
        ]
        for r in doc.rejected
    ]
    every = range(len(rows))
    table = data_table(
        kit, ("col_time", "col_command", "col_reason"), rows, (32, 58, 90), alert_rows=every
    )
    return [*heading(kit, "sec_rejected"), table]


def daily_story(doc: DailyReport, kit: Kit) -> list[Flowable]:
    """The flowing content of the office's daily report."""
    return [
        *notice_bands(doc.header, kit),
        *_sync(doc, kit),
        *_counts(kit, "sec_visits_purpose", doc.visits_by_purpose, "purpose"),
        *_counts(kit, "sec_visits_clerk", doc.visits_by_clerk, None),
        *_counts(kit, "sec_statements", doc.statements_printed, "document"),
        *_counts(kit, "sec_card_ops", doc.card_operations, "action"),
        *_rejected(doc, kit),
    ]


def render_daily_report(doc: DailyReport, font_path: str | None = None) -> bytes:
    """The office's daily report as PDF bytes."""
    kit = make_kit(doc.header, font_path)
    title = kit.labels.text("title_daily")
    return build_pdf(doc.header, kit, title, daily_story(doc, kit))
