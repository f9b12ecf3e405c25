"""The report side of every kind of document: one module per kind, registered here.

Each module of this package defines `SPEC`, a `DocumentSpec`: the kind's rules (from
`models.document_kinds`, which the register and headquarters use too) and the function that
gathers its data into the dataclass its renderer draws (`reports.model`, rendered by
`reports.pdf.render`). `reports.issue.issue` makes every kind through this table: a new kind is
a line in `models.document_kinds`, a module here, its renderer under `reports/pdf/` and its
words (the document's labels, the application's catalog entries).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.document_kinds import DOCUMENT_KINDS, DocumentKind, Span, document_kind
from models.people import PersonSummary
from models.sync_status import Freshness
from reports.model import DocumentHeader


@dataclass(frozen=True)
class DocumentRequest:
    """What a document is asked for: whom, which year or days, as of which day."""

    person: PersonSummary | None = None
    year: int | None = None
    date_from: date | None = None  # a period's first day, or the day of a one-day document
    date_to: date | None = None
    today: date | None = None  # the local date it is made on
    fresh: Freshness | None = None  # the register's sync state as the header states it


Gather = Callable[[DocumentHeader, DocumentRequest], Any]


@dataclass(frozen=True)
class DocumentSpec:
    """One kind: its rules and how its data is gathered."""

    kind: DocumentKind
    gather: Gather

    def checked(self, request: DocumentRequest) -> DocumentRequest:
        """`request` if it has what the kind needs; ValueError naming what is missing."""
        needs: list[tuple[object, str]] = []
        if self.kind.about_person:
            needs.append((request.person, "a person"))
        if self.kind.span is Span.YEAR:
            needs.append((request.year, "a year"))
        elif self.kind.span is Span.PERIOD:
            needs += [(request.date_from, "a first day"), (request.date_to, "a last day")]
        else:
            needs.append((request.date_from, "a day"))
        for value, what in needs:
            if value is None:
                raise ValueError(f"this document needs {what}")
        return request


def spec(kind: str) -> DocumentSpec:
    """The report side of `kind`; ValueError for a kind that does not exist."""
    name = document_kind(kind).name
    module = importlib.import_module(f"reports.kinds.{name}")
    found: DocumentSpec = module.SPEC
    if found.kind.name != name:
        raise RuntimeError(f"reports.kinds.{name} defines the kind {found.kind.name!r}")
    return found


def every_spec() -> list[DocumentSpec]:
    """Every kind's report side, in the order of `models.document_kinds`."""
    return [spec(k.name) for k in DOCUMENT_KINDS]
