"""Errors of the lower layers as translated messages for the clerk.

The typed errors the counter meets are mapped to their own translated sentence. An error without
a sentence of its own gets a translated sentence for its kind (not found, cannot be done now, the
register, unknown), and its English text goes on a separate "Details" line below it, for support:
never inside a translated sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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
from desktop.core.details import with_detail
from desktop.core.formatting import CARD_STATUS, label
from desktop.core.i18n import N_, _, ngettext
from desktop.core.loading import progress_figures
from desktop.core.sync_words import sync_problem
from models.cipher import DATABASE_ERRORS
from models.credentials import WeakPassword
from models.db import classify_database_error
from models.errors import (
    CardNotFound,
    CardStatusRefused,
    CredentialLocked,
    DamagedRegister,
    DiskFull,
    HomeNotWritable,
    InvalidRequest,
    KeyRequired,
    NotFound,
    PersonNotFound,
    RegisterBusy,
    RegisterError,
    RegisterInUse,
    RegisterIOError,
    RegisterUnavailable,
    SchemaTooNew,
    StaffNotFound,
    UsernameTaken,
    WrongPassphrase,
)
from models.home import REGISTER_FILE
from models.idnumber import IdProblem, InvalidIdNumber
from models.people import InvalidCardNumber, InvalidNameQuery
from models.permissions import PermissionDenied
from models.register_loading import RegisterIncomplete
from models.schema import db
from models.staff import (
    AccountDisabled,
    AccountLocked,
    BadCredentials,
    PasswordNotSet,
    PasswordProblem,
    WeakStaffPassword,
)
from reports.errors import (
    EntriesDoNotAddUp,
    FontUnavailable,
    NoMedicalAccount,
    NothingToState,
    PeriodBackwards,
)
from reports.issue import OutputNotWritable
from reports.printing import PrintFailed
from sync.errors import SyncError

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


def explain(exc: BaseException) -> tuple[str, str]:
    """A translated sentence for `exc` and the technical detail for support ('' when the
    sentence says all). A SQLite failure is first told apart (busy, full disk, I/O, damage
    confirmed by SQLite's check) as the command line does."""
    if isinstance(exc, (peewee.DatabaseError, *DATABASE_ERRORS)):
        exc = classify_database_error(exc, Path(db.database or REGISTER_FILE))
    for kind, render in _RENDERERS:
        if isinstance(exc, kind):
            return render(exc), ""
    for kind, sentence in _KINDS:
        if isinstance(exc, kind):
            return sentence(exc), str(exc)
    return _("Something went wrong. Try again; if it happens again, call support."), (
        f"{type(exc).__name__}: {exc}"
    )


def error_message(exc: BaseException) -> str:
    """A translated message for `exc`, fit to show the clerk: the sentence, and any technical
    detail on a "Details" line of its own (see `explain`)."""
    return with_detail(*explain(exc))


def _sync_sentence(exc: SyncError) -> str:
    return sync_problem(exc.code, None) or _(
        "Sync failed: it tries again by itself; if it lasts, call support."
    )


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


_RENDERERS: tuple[tuple[type[BaseException], Callable[[Any], str]], ...] = (
    (
        RegisterIncomplete,
        lambda e: _(
            "This needs the whole register, and its first copy from headquarters is still "
            "loading ({progress}). Try again once it is complete; a single person's statement "
            "can be made for anyone already received."
        ).format(progress=progress_figures(e.loading)),
    ),
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
    (PermissionDenied, lambda e: _("Your role does not allow this. Ask a supervisor.")),
    (
        PersonNotFound,
        lambda e: _(
            "Nobody with this ID number is in this office's register. If the holder was insured "
            "elsewhere, their record arrives with the next sync."
        ),
    ),
    (
        CardNotFound,
        lambda e: _(
            "Card {card} is not in this office's register: check the number on the card's "
            "front, or look the holder up by ID number."
        ).format(card=e.card_no),
    ),
    (
        CardStatusRefused,
        lambda e: _("This cannot be done with card {card}: the card is {status}.").format(
            card=e.card_no, status=label(CARD_STATUS, e.status)
        ),
    ),
    (
        StaffNotFound,
        lambda e: _("No member of staff has the username {username}.").format(username=e.username),
    ),
    (
        UsernameTaken,
        lambda e: _("The username {username} is taken: choose another one.").format(
            username=e.username
        ),
    ),
    (
        FontUnavailable,
        lambda e: _(
            "The statement cannot be made: no font for Chinese text is installed, or a name "
            "has a character the font lacks."
        ),
    ),
    (
        RegisterBusy,
        lambda e: _(
            "The register is busy: another counterdesk program is writing to it. Try again in "
            "a moment; nothing was changed."
        ),
    ),
    (
        DiskFull,
        lambda e: _("The disk holding the register is full: free some space. Nothing was lost."),
    ),
    (
        RegisterIOError,
        lambda e: _(
            "The computer could not read or write the register: check the disk and try again. "
            "What was already stored was not lost."
        ),
    ),
    (
        SchemaTooNew,
        lambda e: _(
            "The register was written by a newer counterdesk: install the update. The register "
            "was not changed."
        ),
    ),
    (
        KeyRequired,
        lambda e: _("The register is encrypted and no passphrase was given: ask a supervisor."),
    ),
    (
        WrongPassphrase,
        lambda e: _("The passphrase does not open the encrypted register: nothing was changed."),
    ),
    (
        RegisterInUse,
        lambda e: _("Another counterdesk program has the register open: close it, then try again."),
    ),
    (SyncError, _sync_sentence),
    (
        NoMedicalAccount,
        lambda e: _("{name} has no medical personal account in this register.").format(name=e.name),
    ),
    (
        NothingToState,
        lambda e: _(
            "Nothing to state: {name} has nothing recorded for {span} in this office's "
            "register. Choose another year or period."
        ).format(name=e.name, span=e.span),
    ),
    (
        PeriodBackwards,
        lambda e: _("The period runs backwards: {first} is after {last}.").format(
            first=e.date_from, last=e.date_to
        ),
    ),
    (
        EntriesDoNotAddUp,
        lambda e: _(
            "The medical account's entries do not add up to its balance: nothing was made. "
            "Report it to headquarters."
        ),
    ),
)
# Kinds of error without a sentence of their own: a sentence for the kind, the English below it.
_KINDS: tuple[tuple[type[BaseException], Callable[[Any], str]], ...] = (
    (
        PrintFailed,
        lambda e: _("The printer did not take the statement: check it, then print again."),
    ),
    (
        OutputNotWritable,
        lambda e: _(
            "The statement cannot be saved there: choose another folder. Nothing was numbered."
        ),
    ),
    (DamagedRegister, lambda e: _("The register is damaged: call support before going on.")),
    (
        HomeNotWritable,
        lambda e: _("The office's folder cannot be written: check its permissions and free space."),
    ),
    (
        RegisterUnavailable,
        lambda e: _("The register cannot be used right now. Try again; if it lasts, call support."),
    ),
    (NotFound, lambda e: _("This is not in this office's register.")),
    (InvalidRequest, lambda e: _("This cannot be done now.")),
    (RegisterError, lambda e: _("The register refused this.")),
    (
        CardError,
        lambda e: _("The card or the card reader failed: take the card out and try again."),
    ),
)
