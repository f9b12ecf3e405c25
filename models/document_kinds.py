"""The kinds of numbered document, and what the register and headquarters need of each.

This table drives everything about a document's kind the way `models.replica.TABLES` drives
sync: who may make it, whether it is about one person, and what it covers (a year, a period of
days, one day). The report side of each kind (its query and its renderer) is one module of
`reports.kinds`; the application's words for it are in `desktop.core.doc_kinds`. Tests check
that the three agree. A kind's name is part of the sync protocol (`statement.issued`): never
rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.permissions import Permission


class Span(StrEnum):
    """What a document covers."""

    YEAR = "year"  # a calendar year
    PERIOD = "period"  # from one day to another, both included
    DAY = "day"  # one local day


@dataclass(frozen=True)
class DocumentKind:
    """One kind of numbered document."""

    name: str
    permission: Permission  # needed to number one (and to mark it printed)
    about_person: bool  # a statement for one person (else an office report)
    span: Span


DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("rights", Permission.STATEMENTS, True, Span.YEAR),  # 个人权益记录单
    DocumentKind("medical", Permission.STATEMENTS, True, Span.PERIOD),  # 医保个人账户对账单
    DocumentKind("certificate", Permission.STATEMENTS, True, Span.PERIOD),  # 参保缴费证明
    DocumentKind("daily", Permission.REPORTS, False, Span.DAY),  # the office's daily report
    DocumentKind("audit", Permission.REPORTS, False, Span.PERIOD),  # who looked at whom
)
KINDS: tuple[str, ...] = tuple(k.name for k in DOCUMENT_KINDS)
_BY_NAME = {k.name: k for k in DOCUMENT_KINDS}


def document_kind(name: str) -> DocumentKind:
    """The kind called `name`; ValueError naming the known ones otherwise."""
    found = _BY_NAME.get(name)
    if found is None:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {name!r}")
    return found


def statement_kinds() -> tuple[DocumentKind, ...]:
    """The kinds made for one person, in the table's order."""
    return tuple(k for k in DOCUMENT_KINDS if k.about_person)
