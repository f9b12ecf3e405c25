"""The sync engine's problems in the clerk's language.

The engine stores its last error as English text and, beside it, the error's type
(`sync.errors`); the type picks a translated sentence here. The English text stays available
as the detail for support. A type without a sentence (a newer sync) shows the English text.
"""

from __future__ import annotations

from desktop.app.i18n import N_, _

SYNC_PROBLEMS = {
    "Offline": N_("Headquarters cannot be reached: work continues offline and sync tries again."),
    "RemoteLookupOffline": N_(
        "Headquarters cannot be reached: customers of other districts cannot be looked up now."
    ),
    "Failing": N_("Headquarters did not answer usefully: sync tries again by itself."),
    "ServerError": N_("Headquarters had a failure: sync tries again by itself."),
    "BadAnswer": N_(
        "Headquarters' answer could not be used: sync tries again; if it lasts, call support."
    ),
    "RateLimited": N_("Headquarters asked this office to slow down: sync waits, then tries again."),
    "AuditRefused": N_(
        "Headquarters found this office's audit log broken: call support before going on."
    ),
    "ProtocolTooOld": N_("This counterdesk is too old for headquarters: install the update."),
    "ProtocolTooNew": N_(
        "Headquarters is older than this counterdesk: sync waits until headquarters is updated."
    ),
    "Unauthorized": N_(
        "Headquarters does not accept this office's token: the administrator must enrol the "
        "office again."
    ),
    "InvalidRequest": N_("Headquarters refused a request of this office: call support."),
    "OutOfScope": N_("Headquarters says this is outside the office's districts."),
    "NotEnrolled": N_("This office is not enrolled with headquarters."),
    "EnrolmentRefused": N_("Headquarters refused to enrol this office."),
}


def sync_problem(kind: str | None, english: str | None) -> str | None:
    """The translated sentence for an error of type `kind`, else the engine's English text."""
    if kind in SYNC_PROBLEMS:
        return _(SYNC_PROBLEMS[kind])
    return english
