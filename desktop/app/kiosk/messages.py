"""What the kiosk says to the citizen when something goes wrong: short, and where to go next.

Unlike the counter's messages these never show the register's own (English) words.
"""

from __future__ import annotations

from cards.errors import CardRemoved, DamagedData, NoCard, NotASocialSecurityCard, PinBlocked
from desktop.app.kiosk.services import (
    CardLetterNeeded,
    CardNotUsable,
    NotReceivedYet,
    UnknownHolder,
)
from desktop.core.i18n import _, ngettext
from desktop.core.loading import kiosk_still_loading
from models.enums import CardStatus
from models.errors import CredentialLocked, NotFound
from models.idnumber import InvalidIdNumber


def kiosk_error(error: BaseException) -> str:
    """A translated message for the citizen."""
    if isinstance(error, CardNotUsable):
        return card_not_usable(error.status)
    if isinstance(error, NotReceivedYet):
        if error.tries_left is None:
            return kiosk_still_loading()
        return ngettext(
            "The query password is wrong, or your record has not arrived at this machine yet: "
            "{n} try left. Please try again later, or go to a counter.",
            "The query password is wrong, or your record has not arrived at this machine yet: "
            "{n} tries left. Please try again later, or go to a counter.",
            error.tries_left,
        ).format(n=error.tries_left)
    if isinstance(error, CardLetterNeeded):
        return _(
            "More than one card ends in these digits. Please type the card number with its "
            "letter: touch ABC first."
        )
    if isinstance(error, UnknownHolder):
        return _(
            "Your card works, but this office holds no record of you. Please ask at the "
            "counter or call 12333."
        )
    if isinstance(error, InvalidIdNumber | NotFound):
        return _("No record was found for this number. Check it, or please ask at the counter.")
    if isinstance(error, NoCard | CardRemoved):
        return _("The card was taken out too soon. Please insert it again and leave it in.")
    if isinstance(error, NotASocialSecurityCard):
        return _("This is not a social security card. Please insert your social security card.")
    if isinstance(error, DamagedData):
        return _("Your card cannot be read. Please ask at the counter for a replacement card.")
    if isinstance(error, PinBlocked):
        return pin_locked()
    if isinstance(error, CredentialLocked):
        return password_locked()
    return _("Sorry, this cannot be done here right now. Please ask at the counter.")


def pin_locked() -> str:
    """The card's PIN is blocked."""
    return _("Your card's PIN is locked. Please ask at the counter to have it unlocked.")


def password_locked() -> str:
    """The query password is locked."""
    return _(
        "Your query password is locked after too many wrong tries. Please ask at the counter "
        "with your ID card to have it reset."
    )


def wrong_pin(tries_left: int) -> str:
    """A wrong PIN and the tries left."""
    if tries_left <= 0:
        return pin_locked()
    return ngettext(
        "Wrong PIN: {n} try left before the card locks.",
        "Wrong PIN: {n} tries left before the card locks.",
        tries_left,
    ).format(n=tries_left)


def wrong_password(tries_left: int) -> str:
    """A wrong query password and the tries left."""
    if tries_left <= 0:
        return password_locked()
    return ngettext(
        "Wrong query password: {n} try left.",
        "Wrong query password: {n} tries left.",
        tries_left,
    ).format(n=tries_left)


def card_not_usable(status: str) -> str:
    """Why a card is refused, and what to do (a counter can help)."""
    if status == CardStatus.LOST:
        return _(
            "This card is reported lost, so it cannot be used here. If you have found it, "
            "please go to a counter to cancel the loss report."
        )
    if status == CardStatus.FROZEN:
        return _("This card is frozen, so it cannot be used here. Please go to a counter.")
    if status == CardStatus.REPLACED:
        return _(
            "This card has been replaced by a newer one. Please use your new card, or go to "
            "a counter."
        )
    return _("This card is no longer valid. Please go to a counter.")
