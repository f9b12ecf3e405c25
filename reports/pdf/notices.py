"""What a document must say about its data: how old it is, offline printing, demo data."""

from __future__ import annotations

from typing import NamedTuple

from reports.model import DocumentHeader
from reports.pdf.formatting import local_time
from reports.pdf.labels import Labels


class Notice(NamedTuple):
    """A warning printed visibly on a document."""

    kind: str  # "offline" | "demo"
    text: str


def as_of_text(header: DocumentHeader, labels: Labels) -> str:
    """The last sync with headquarters in local time, or 'never synced with headquarters'; while
    the first copy is still loading, the copy's start, said as such."""
    if header.data_as_of is None:
        return labels.text("loading_no_time" if header.loading else "never_synced")
    if header.loading:
        return labels.text("loading_as_of", as_of=local_time(header.data_as_of))
    return local_time(header.data_as_of)


def notices(header: DocumentHeader, labels: Labels) -> list[Notice]:
    """The warnings a document carries: printed offline, demo data (in that order)."""
    found = []
    if header.offline:
        if header.loading:
            found.append(Notice("offline", labels.text("offline_loading")))
        elif header.data_as_of is None:
            found.append(Notice("offline", labels.text("offline_never")))
        else:
            as_of = local_time(header.data_as_of)
            found.append(Notice("offline", labels.text("offline", as_of=as_of)))
    if header.demo:
        found.append(Notice("demo", labels.text("demo")))
    return found
