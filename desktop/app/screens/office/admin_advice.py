"""What a rejected command was, and what to do about it, in plain words.

The rejection codes are headquarters' (`hq.commands.RejectCode`, docs/sync-protocol.md):
out_of_scope, unknown_person, unknown_card, card_state, invalid_payload, unknown_command,
duplicate_number, person_state, and for staff commands not_allowed, unknown_staff,
username_taken (a test checks that every code has its advice). Headquarters' own reason
(English) is shown beside it.
"""

from __future__ import annotations

from desktop.core.i18n import N_, _
from models.commands import CommandName

COMMANDS: dict[str, str] = {  # by command (models.commands), every one (a test checks)
    CommandName.CARD_REPORT_LOST: N_("Card reported lost"),
    CommandName.CARD_CANCEL_LOSS: N_("Card loss report cancelled"),
    CommandName.PASSWORD_RESET: N_("Query password reset"),
    CommandName.PASSWORD_FAILED: N_("Wrong query password recorded"),
    CommandName.PASSWORD_UNLOCKED: N_("Query password unlocked"),
    CommandName.VISIT: N_("Visit recorded"),
    CommandName.STATEMENT_ISSUED: N_("Statement issued"),
    CommandName.STATEMENT_PRINTED: N_("Statement printed"),
    CommandName.STAFF_ADD: N_("Member of staff added"),
    CommandName.STAFF_DISABLE: N_("Staff account disabled"),
    CommandName.STAFF_PASSWORD: N_("Staff password set"),
    CommandName.STAFF_SIGN_IN_STATE: N_("Staff sign-in failures shared with the office"),
    CommandName.PENSION_CHECK: N_("Pension eligibility check recorded"),
}
ADVICE = {
    "card_state": N_(
        "Headquarters already held this card in another state (for example cancelled or "
        "replaced there), so the change was not made. The register here is corrected at the "
        "next sync: check the card's state with the customer, and offer a replacement card if "
        "they need one."
    ),
    "person_state": N_(
        "Headquarters does not hold this person as retired, so no pension eligibility check "
        "was recorded. The register here is corrected at the next sync: check the person's "
        "status with the customer; a retirement registered today reaches headquarters tomorrow."
    ),
    "unknown_card": N_(
        "Headquarters does not know this card number. Check the number printed on the card "
        "with the customer; a card issued today reaches headquarters tomorrow."
    ),
    "unknown_person": N_(
        "Headquarters has nobody with this ID number. Check the number against the customer's "
        "ID card; someone registered elsewhere today reaches headquarters tomorrow."
    ),
    "out_of_scope": N_(
        "The person or card belongs to a district this office does not serve: the customer "
        "must go to an office of their own district (hotline 12333)."
    ),
    "invalid_payload": N_(
        "Headquarters could not use what this office sent (for example, the card does not "
        "belong to that person). Check the card and the person with the customer; if they were "
        "right, call support with the command's number."
    ),
    "unknown_command": N_(
        "Headquarters does not know this kind of change yet (its software is older than this "
        "office's). Nothing is needed at the counter: call support."
    ),
    "duplicate_number": N_(
        "This statement number was already used for another document. Stop printing "
        "statements and call support: the office's statement numbering must be checked."
    ),
    "not_allowed": N_(
        "Headquarters does not let this member of staff make this change (their role or "
        "district does not allow it): a supervisor of the district, or headquarters' "
        "administrator, must make it."
    ),
    "unknown_staff": N_(
        "Headquarters has no such staff account (perhaps adding it was rejected first): see "
        "that rejection, then add the account again if it is still needed."
    ),
    "username_taken": N_(
        "This username is already used in the city: add the member of staff again under "
        "another username."
    ),
}
# headquarters' reason in a few words, by its code (headquarters' own words are the details)
REASONS = {
    "card_state": N_("the card is in another state at headquarters"),
    "unknown_card": N_("headquarters does not know this card"),
    "unknown_person": N_("headquarters has nobody with this ID number"),
    "out_of_scope": N_("outside this office's districts"),
    "invalid_payload": N_("headquarters could not use what was sent"),
    "unknown_command": N_("headquarters does not know this kind of change"),
    "duplicate_number": N_("the statement number was already used"),
    "not_allowed": N_("this member of staff may not make this change"),
    "unknown_staff": N_("headquarters has no such staff account"),
    "username_taken": N_("the username is already used in the city"),
}
UNKNOWN_REASON = N_("rejected by headquarters (see its own words)")
UNKNOWN_ADVICE = N_(
    "Read headquarters' reason. If it does not say what to do, call support with the "
    "command's number."
)


def command_label(command: str) -> str:
    """The command in words (its name when unknown)."""
    text = COMMANDS.get(command)
    return _(text) if text else command


def reason_words(code: str | None) -> str:
    """Headquarters' reason for a rejection with `code`, in a few translated words."""
    return _(REASONS.get(code or "", UNKNOWN_REASON))


def advice(code: str | None) -> str:
    """What to do about a rejection with `code`, translated."""
    return _(ADVICE.get(code or "", UNKNOWN_ADVICE))
