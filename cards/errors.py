"""Typed card errors: every failure a caller must tell apart has its own class."""

from __future__ import annotations


class CardError(Exception):
    """Base of every error of the card layer. Its message is fit to show a clerk."""


class ReaderError(CardError):
    """The PC/SC layer: no card service, no reader, no card."""


class ServiceUnavailable(ReaderError):
    """pcscd (the card service) is not running."""


class NoReader(ReaderError):
    """No card reader is attached (or the named one is not)."""


class NoCard(ReaderError):
    """The reader has no card in it."""


class CardRemoved(CardError):
    """The card was taken out while it was being read."""


class ApduError(CardError):
    """The card answered a command with an unexpected status word."""

    def __init__(self, command: str, data: bytes, sw: int, message: str | None = None) -> None:
        self.command = command
        self.data = data
        self.sw = sw
        super().__init__(message or f"{command}: the card answered {sw:04X}")


class NotASocialSecurityCard(CardError):
    """The card has no social security application (a bank card, a transit card, ...)."""


FIELD_LABELS = {
    "card_identifier": "card identifier",
    "card_type": "card type",
    "spec_version": "specification version",
    "initialising_org": "initialising organisation",
    "issue_date": "issue date",
    "expiry_date": "expiry date",
    "card_no": "card number",
    "ssn": "social security number",
    "name": "name",
    "name_extension": "name extension",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "birthplace": "birthplace",
    "birth_date": "birth date",
}


class DamagedData(CardError):
    """A record the card returned cannot be right (truncated, wrong tag, bad encoding, ...)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        label = FIELD_LABELS.get(field, field)
        super().__init__(
            f"the card's {label} is damaged ({reason}): the card cannot be trusted; look the "
            "holder up by ID card and offer a replacement card"
        )


class PinError(CardError):
    """PIN verification did not succeed."""


class WrongPin(PinError):
    """The PIN was wrong; the card says how many tries are left."""

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(
            f"wrong PIN: {tries_left} tr{'y' if tries_left == 1 else 'ies'} left before the card "
            "locks"
            if tries_left
            else "wrong PIN: the card is now locked; the holder must have it unlocked at the "
            "counter"
        )


class PinBlocked(PinError):
    """The card's PIN is blocked (or the application locked): no more tries."""

    def __init__(self) -> None:
        super().__init__(
            "the card's PIN is blocked: the holder must have it unlocked at the counter; "
            "no PIN was sent"
        )


class InvalidPin(PinError, ValueError):
    """The PIN typed is not 6 digits (nothing was sent to the card)."""
