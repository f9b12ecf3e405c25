"""A translated sentence with the technical detail for support on a line of its own below it
(never inside the sentence)."""

from __future__ import annotations

from desktop.core.i18n import _


def with_detail(sentence: str, detail: str | None) -> str:
    """`sentence` and, on its own "Details" line below it, `detail` (if any)."""
    if not detail:
        return sentence
    return sentence + "\n" + _("Details: {detail}").format(detail=detail)
