"""Parts the statements share, laid out on the canvas: warning bands and the holder block."""

from __future__ import annotations

from collections.abc import Sequence

from models.names import ethnicity_name, region_name
from reports.model import DocumentHeader, Holder
from reports.pdf.formatting import day
from reports.pdf.grid import Layout
from reports.pdf.kit import Kit
from reports.pdf.notices import notices
from reports.pdf.styles import ALERT_FILL, ALERT_INK, OFFLINE_FILL, OFFLINE_INK


def notice_bands(header: DocumentHeader, out: Layout) -> None:
    """Coloured full-width bands for 'printed offline' and 'demo data' (first page, on top)."""
    for notice in notices(header, out.kit.labels):
        if notice.kind == "demo":
            out.band(notice.text, ALERT_FILL, ALERT_INK)
        else:
            out.band(notice.text, OFFLINE_FILL, OFFLINE_INK)


def holder_fields(
    kit: Kit, holder: Holder, extra: Sequence[tuple[str, str]] = ()
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Who the statement is about, as (paired, wide) label/value rows for `Layout.field_table`:
    name, ID number as given, ethnic group and region in words (`models.names`), ..., then
    `extra` pairs; the address on a row of its own."""
    term, lang = kit.labels.term, kit.labels.lang
    pairs = [
        ("name", kit.safe(holder.name)),
        ("ssn", holder.ssn),
        ("gender", term("gender", holder.gender)),
        ("birth_date", day(holder.birth_date)),
        ("ethnicity", kit.safe(ethnicity_name(holder.ethnicity, lang))),
        ("region", kit.safe(region_name(holder.region_code, lang))),
        ("status", term("person", holder.status)),
        *extra,
    ]
    return pairs, [("address", kit.safe(holder.address))]
