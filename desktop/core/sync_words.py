"""The sync engine's problems in the clerk's language.

The engine stores its last error as English text and, beside it, the error's stable code
(`sync.errors`, `SyncError.code`); the code picks a translated sentence here. The English text
stays available as the detail for support. Every error type has a sentence in every language
(tests/app/test_catalogs.py); a code this version does not know (a newer sync) shows the English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.details import with_detail
from desktop.core.i18n import N_, _
from sync.engine import SKEW_LIMIT_S
from sync.errors import error_type

if TYPE_CHECKING:
    from sync.engine import SyncReport

SYNC_PROBLEMS = {
    "sync_error": N_("Sync failed: it tries again by itself; if it lasts, call support."),
    "offline": N_("Headquarters cannot be reached: work continues offline and sync tries again."),
    "remote_lookup_offline": N_(
        "Headquarters cannot be reached: customers of other districts cannot be looked up now."
    ),
    "failing": N_("Headquarters did not answer usefully: sync tries again by itself."),
    "server_error": N_("Headquarters had a failure: sync tries again by itself."),
    "bad_answer": N_(
        "Headquarters' answer could not be used: sync tries again; if it lasts, call support."
    ),
    "corrupt_answer": N_(
        "Headquarters' answer arrived damaged and was not used: sync asks again by itself."
    ),
    "feed_changed": N_(
        "The office's data now comes from another source (a rebuilt office relay, or "
        "headquarters instead of the relay): the register is copied again at the next sync."
    ),
    "feed_pruned": N_(
        "This computer was not synced for longer than headquarters keeps its changes: the "
        "register is copied again at the next sync."
    ),
    "rate_limited": N_(
        "Headquarters asked this office to slow down: sync waits, then tries again."
    ),
    "audit_refused": N_(
        "Headquarters found this office's audit log broken: call support before going on."
    ),
    "protocol_too_old": N_("This counterdesk is too old for headquarters: install the update."),
    "protocol_too_new": N_(
        "Headquarters is older than this counterdesk: sync waits until headquarters is updated."
    ),
    "unauthorized": N_(
        "Headquarters does not accept this office's token: the administrator must enrol the "
        "office again."
    ),
    "invalid_request": N_("Headquarters refused a request of this office: call support."),
    "out_of_scope": N_("Headquarters says this is outside the office's districts."),
    "not_found_at_headquarters": N_(
        "Headquarters has no record of this either: check the number with the customer."
    ),
    "not_enrolled": N_("This office is not enrolled with headquarters."),
    "enrolment_refused": N_("Headquarters refused to enrol this office."),
    "relay_not_initialised": N_(
        "The office relay is not linked to headquarters yet: the administrator must run "
        "`counterdesk relay init` on it."
    ),
}


def sync_problem(kind: str | None, english: str | None) -> str | None:
    """The translated sentence for an error of code `kind` (or, as registers before codes
    stored it, of type name `kind`), else the engine's English text."""
    found = error_type(kind)
    if found is not None and found.code in SYNC_PROBLEMS:
        return _(SYNC_PROBLEMS[found.code])
    return english


def start_problem(code: str | None, english: str | None) -> str:
    """Why a sync could not start (the error's `code`), translated, the engine's words below."""
    sentence = sync_problem(code, None) or _(SYNC_PROBLEMS["sync_error"])
    return with_detail(sentence, english)


def report_warnings(report: SyncReport) -> list[str]:
    """What a finished sync warns of, translated from the report's fields (the engine's own
    English sentences in `report.warnings` are for the command line)."""
    found = []
    skew = report.clock_skew_s
    if skew is not None and abs(skew) > SKEW_LIMIT_S:
        minutes = round(abs(skew) / 60)
        found.append(
            (
                _(
                    "This computer's clock is about {n} min ahead of headquarters': set the right "
                    "time."
                )
                if skew > 0
                else _(
                    "This computer's clock is about {n} min behind headquarters': set the right "
                    "time."
                )
            ).format(n=minutes)
        )
    if report.audit.broken_at is not None:
        found.append(
            with_detail(
                _(
                    "Headquarters found this office's audit log broken at event {id}: check the "
                    "chain in the audit log and tell headquarters."
                ).format(id=report.audit.broken_at),
                report.audit.head_problem,
            )
        )
    if report.check is not None and report.check.outcome == "mismatch":
        found.append(
            with_detail(
                _(
                    "The data check found differences with headquarters: the next sync copies "
                    "the whole register again."
                ),
                "; ".join(report.check.differences[:3]),
            )
        )
    return found
