"""The application's words for each kind of statement made for one person (the kinds:
`models.document_kinds`): the choice on the statement screen and its shortcut. A test checks
that every statement kind has its words here."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.i18n import N_


@dataclass(frozen=True)
class KindWords:
    """How the statement screen offers one kind (texts untranslated: N_)."""

    choice: str  # the radio button, with its key
    short: str  # the shortcut's name in the footer
    key: str  # the function key that chooses it


STATEMENT_WORDS: dict[str, KindWords] = {
    "rights": KindWords(N_("F5 Personal rights record (a year)"), N_("Rights record"), "F5"),
    "medical": KindWords(
        N_("F6 Medical account statement (a period)"), N_("Medical statement"), "F6"
    ),
    "certificate": KindWords(
        N_("F7 Certificate of contributions (a period)"), N_("Certificate"), "F7"
    ),
}
