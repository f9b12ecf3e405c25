"""A batch's failures in the clerk's language: each reason as a code, a translated sentence and
(for reasons without a sentence) the technical detail; and the failures CSV written with them."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path

from desktop.core.i18n import N_, _

REASONS = {
    "invalid-id": N_("invalid ID number"),
    "unknown": N_("not in this office's register"),
    "nothing": N_("nothing recorded for this year"),
    "other": N_("the statement could not be made"),
}
# Excel opens a UTF-8 file as the system's code page unless it starts with a byte order mark
CSV_ENCODING = "utf-8-sig"


def reason_kind(reason: str) -> str:
    """A batch failure's reason (the batch's English) as a short code: invalid-id, unknown,
    nothing, or other."""
    text = reason.lower()
    if text.startswith("invalid id number"):
        return "invalid-id"
    if text.startswith("not in this office's register"):
        return "unknown"
    if text.startswith("nothing to state"):
        return "nothing"
    return "other"


def reason_words(reason: str) -> tuple[str, str, str]:
    """The code, the translated sentence and the detail ('' when the sentence says all) of a
    failure's reason."""
    kind = reason_kind(reason)
    return kind, _(REASONS[kind]), reason if kind == "other" else ""


def reason_text(reason: str) -> str:
    """A failure's reason in the language in use."""
    return reason_words(reason)[1]


def write_failures_csv(path: Path, failures: Iterable[tuple[str, str]]) -> None:
    """Write the failures (who, English reason) as CSV in the language in use: headers and
    reasons translated, the reason's code kept for machines, UTF-8 with a byte order mark.
    Written beside and renamed into place, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding=CSV_ENCODING) as f:
        writer = csv.writer(f)
        writer.writerow([_("Person"), _("Reason code"), _("Reason"), _("Details")])
        for who, reason in failures:
            kind, words, detail = reason_words(reason)
            writer.writerow([who, kind, words, detail])
    os.replace(partial, path)
