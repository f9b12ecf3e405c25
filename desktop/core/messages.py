"""Errors of the lower layers as translated messages for the clerk.

The typed errors the counter meets are mapped to their own translated sentence. Errors without a
mapping show their English text inside a translated frame sentence.
"""

from __future__ import annotations

from pathlib import Path

import peewee

from cards.errors import (
    FIELD_LABELS,
    CardError,
    CardRemoved,
    DamagedData,
    InvalidPin,
    NoCard,
    NoReader,
    NotASocialSecurityCard,
    PinBlocked,
    ServiceUnavailable,
    WrongPin,
)
from desktop.core.i18n import N_, _, ngettext
from models.cipher import DATABASE_ERRORS
from models.credentials import WeakPassword
from models.db import classify_database_error
from models.errors import (
    CredentialLocked,
    InvalidRequest,
    NotFound,
    RegisterError,
    RegisterUnavailable,
)
from models.home import REGISTER_FILE
from models.idnumber import IdProblem, InvalidIdNumber
from models.people import InvalidCardNumber, InvalidNameQuery
from models.permissions import PermissionDenied
from models.schema import db
from models.staff import (
    AccountDisabled,
    AccountLocked,
    BadCredentials,
    PasswordNotSet,
    PasswordProblem,
    WeakStaffPassword,
)
from reports.errors import FontUnavailable
from reports.issue import OutputNotWritable
from reports.printing import PrintFailed

ID_PROBLEMS = {
    IdProblem.EMPTY: N_("Type the 18 characters of the ID number."),
    IdProblem.WRONG_LENGTH: N_("An ID number has 18 characters; this one has {n}."),
    IdProblem.BAD_CHARACTERS: N_(
        "The first 17 characters must be digits and the last a digit or X."
    ),
    IdProblem.BAD_REGION: N_("The first two digits are not a province of China."),
    IdProblem.BAD_DATE: N_("Digits 7-14 are not a real birth date (YYYYMMDD)."),
    IdProblem.FUTURE_DATE: N_("The birth date in digits 7-14 is in the future."),
    IdProblem.BAD_CHECK_DIGIT: N_(
        "The check character does not match: a digit was probably mistyped."
    ),
}
PASSWORD_PROBLEMS = {
    PasswordProblem.TOO_SHORT: N_("A password needs at least 8 characters."),
    PasswordProblem.ALL_DIGITS: N_("A password must not be digits only."),
    PasswordProblem.SAME_AS_USERNAME: N_("A password must not be the username."),
}
CARD_FIELDS = {
    "card_identifier": N_("card identifier"),
    "card_type": N_("card type"),
    "spec_version": N_("specification version"),
    "initialising_org": N_("initialising organisation"),
    "issue_date": N_("issue date"),
    "expiry_date": N_("expiry date"),
    "card_no": N_("card number"),
    "ssn": N_("ID number"),
    "name": N_("name"),
    "name_extension": N_("name extension"),
    "gender": N_("gender"),
    "ethnicity": N_("ethnicity"),
    "birthplace": N_("birthplace"),
    "birth_date": N_("birth date"),
}


def card_field(name: str) -> str:
    """A card field's translated label."""
    text = CARD_FIELDS.get(name)
    return _(text) if text else FIELD_LABELS.get(name, name)


def id_problem(exc: InvalidIdNumber) -> str:
    """Why an ID number is not valid, translated."""
    return _(ID_PROBLEMS[exc.problem]).format(n=len(exc.value))


def error_message(exc: BaseException) -> str:
    """A translated message for `exc`, fit to show the clerk. A SQLite failure is first told
    apart (busy, full disk, I/O, damage confirmed by SQLite's check) as the command line does."""
    if isinstance(exc, (peewee.DatabaseError, *DATABASE_ERRORS)):
        exc = classify_database_error(exc, Path(db.database or REGISTER_FILE))
    for kind, render in _RENDERERS:
        if isinstance(exc, kind):
            return render(exc)
    if isinstance(exc, RegisterError | CardError):
        return _("The register or the card reader said: {detail}").format(detail=exc)
    return _("Something went wrong: {detail}").format(detail=f"{type(exc).__name__}: {exc}")


def _wrong_pin(exc: WrongPin) -> str:
    if exc.tries_left == 0:
        return _("Wrong PIN: the card is now locked. The holder must have it unlocked.")
    return ngettext(
        "Wrong PIN: {n} try left before the card locks.",
        "Wrong PIN: {n} tries left before the card locks.",
        exc.tries_left,
    ).format(n=exc.tries_left)


def _bad_credentials(exc: BadCredentials) -> str:
    if exc.remaining is None:
        return _("Wrong username or password.")
    return ngettext(
        "Wrong username or password: {n} try left before the account locks.",
        "Wrong username or password: {n} tries left before the account locks.",
        exc.remaining,
    ).format(n=exc.remaining)


def _locked(exc: AccountLocked) -> str:
    seconds = exc.seconds_left()
    return ngettext(
        "Too many wrong passwords: try again in {n} second.",
        "Too many wrong passwords: try again in {n} seconds.",
        seconds,
    ).format(n=seconds)


_RENDERERS: tuple[tuple[type[BaseException], object], ...] = (
    (WrongPin, _wrong_pin),
    (PinBlocked, lambda e: _("The card's PIN is blocked: the holder must have it unlocked.")),
    (InvalidPin, lambda e: _("A card PIN has exactly 6 digits; nothing was sent to the card.")),
    (
        ServiceUnavailable,
        lambda e: _("The card service is not running: start pcscd, then try again."),
    ),
    (NoReader, lambda e: _("No card reader is attached: plug one in.")),
    (NoCard, lambda e: _("There is no card in the reader: insert the card, chip first.")),
    (CardRemoved, lambda e: _("The card was taken out while it was read: insert it again.")),
    (
        NotASocialSecurityCard,
        lambda e: _(
            "This is not a social security card (perhaps a bank or transit card). "
            "Ask for the social security card or the ID card."
        ),
    ),
    (
        DamagedData,
        lambda e: _(
            "The card's {field} is damaged, so the card cannot be trusted. Look the holder up "
            "by ID number and offer a replacement card."
        ).format(field=card_field(e.field)),
    ),
    (InvalidIdNumber, id_problem),
    (
        InvalidCardNumber,
        lambda e: _("A card number has 9 letters or digits, as printed on the card's front."),
    ),
    (InvalidNameQuery, lambda e: _("Type one or more Chinese characters of the name.")),
    (BadCredentials, _bad_credentials),
    (AccountLocked, _locked),
    (AccountDisabled, lambda e: _("This account is disabled: ask an administrator.")),
    (
        PasswordNotSet,
        lambda e: _("This account has no password yet: an administrator must set one."),
    ),
    (WeakStaffPassword, lambda e: _(PASSWORD_PROBLEMS[e.problem])),
    (WeakPassword, lambda e: _("A query password has 6 to 8 digits.")),
    (
        CredentialLocked,
        lambda e: _(
            "The query password is locked after too many wrong attempts. It can be reset "
            "here once the holder has shown their ID card."
        ),
    ),
    (
        PermissionDenied,
        lambda e: _("Your role does not allow this. Ask a supervisor. ({detail})").format(detail=e),
    ),
    (NotFound, lambda e: _("Not found in this office's register: {detail}").format(detail=e)),
    (InvalidRequest, lambda e: _("This cannot be done now: {detail}").format(detail=e)),
    (FontUnavailable, lambda e: _("The statement cannot be printed: {detail}").format(detail=e)),
    (PrintFailed, lambda e: _("The printer did not take the statement: {detail}").format(detail=e)),
    (
        OutputNotWritable,
        lambda e: _("The statement cannot be saved: {detail}").format(detail=e),
    ),
    (
        RegisterUnavailable,
        lambda e: _("The register cannot be used right now: {detail}").format(detail=e),
    ),
)
