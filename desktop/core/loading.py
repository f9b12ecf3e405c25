"""A counter whose first copy of the register is still arriving: what a lookup that finds nobody
means then, what headquarters says of the person, and the progress in words.

While the first bootstrap runs (models/register_loading.py) the register holds the persons of
the pages committed so far: a person it does not find may not have arrived yet, so the counter
never says "no such person" then. It asks headquarters online instead (sync/remote.py, the same
question as `counterdesk sync lookup`), where the link allows, and shows where the answer came
from and how fresh it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from desktop.core.formatting import GENDER, PERSON_STATUS, age_words, label, local_time
from desktop.core.i18n import _, language
from models.actor import Actor
from models.errors import NotFound
from models.idnumber import mask_id_number, parse_id_number
from models.lookup import KeyKind
from models.names import region_name
from models.people import normalise_card_number
from models.register_loading import RegisterLoading
from sync.errors import NotFoundAtHeadquarters, SyncError

HQ_TIMEOUT_S = 10.0  # the clerk waits for this answer: a short timeout, not a bootstrap's


class LookupVerdict(StrEnum):
    """What a lookup by ID or card number means for the clerk."""

    FOUND = "found"  # in the register: open it
    NO_SUCH_PERSON = "no-such-person"  # the whole register is here and nobody has the number
    NOT_YET_RECEIVED = "not-yet-received"  # the register is still loading: may not be here yet


def lookup_verdict(found: bool, loading: RegisterLoading | None) -> LookupVerdict:
    """The meaning of a lookup: found, or (not found) nobody, or not received yet."""
    if found:
        return LookupVerdict.FOUND
    return LookupVerdict.NO_SUCH_PERSON if loading is None else LookupVerdict.NOT_YET_RECEIVED


class HqAnswer(StrEnum):
    """What headquarters said when asked for a person the loading register lacks."""

    FOUND = "found"
    NOBODY = "nobody"  # headquarters has nobody with the number either
    UNREACHABLE = "unreachable"  # not enrolled, offline, or it failed: not asked


@dataclass(frozen=True)
class HeadquartersPerson:
    """The person as headquarters holds them (shown, never stored: sync/remote.py)."""

    name: str
    masked_ssn: str
    gender: str
    birth_date: str
    status: str
    district: str
    answered_at: datetime  # headquarters' time of its answer


class StillLoading(NotFound):
    """Nobody found, while the register is still loading: the person may not be here yet."""

    def __init__(
        self,
        shown: str,
        loading: RegisterLoading,
        answer: HqAnswer,
        person: HeadquartersPerson | None = None,
    ) -> None:
        self.shown, self.loading, self.answer, self.person = shown, loading, answer, person
        super().__init__(
            f"{shown} is not in the register yet: its first copy from headquarters is still "
            f"loading ({loading.received:,} persons received); headquarters: {answer.value}"
        )


Asker = Callable[[KeyKind, str, Actor], object]  # sync.remote.ask_headquarters, connected


def ask_headquarters(kind: KeyKind, value: str, actor: Actor) -> object:
    """Ask the enrolled headquarters (or the office relay) for the person, with a short timeout
    (a `sync.remote.RemoteRecord`; the errors of sync/remote.py)."""
    from sync.enrolment import connect
    from sync.errors import NotEnrolled, RemoteLookupOffline
    from sync.remote import ask_headquarters as ask

    try:
        client = connect(actor=actor.name, timeout=HQ_TIMEOUT_S)
    except NotEnrolled as exc:
        raise RemoteLookupOffline(exc.message) from exc
    try:
        return ask(client, kind, value, actor)
    finally:
        client.close()


def not_yet_received(
    kind: KeyKind,
    value: str,
    actor: Actor,
    loading: RegisterLoading,
    asker: Asker = ask_headquarters,
) -> StillLoading:
    """The error for a person the loading register lacks, with headquarters' answer (asked
    online by ID or card number; a name is not asked)."""
    if kind is KeyKind.ID_NUMBER:
        shown = mask_id_number(parse_id_number(value).value)
    elif kind is KeyKind.CARD:
        shown = normalise_card_number(value)
    else:
        raise ValueError("headquarters is asked by ID number or card number, not by name")
    try:
        record = asker(kind, value, actor)
    except NotFoundAtHeadquarters:
        return StillLoading(shown, loading, HqAnswer.NOBODY)
    except (SyncError, OSError):
        return StillLoading(shown, loading, HqAnswer.UNREACHABLE)
    person = getattr(record, "person", {})
    return StillLoading(
        shown,
        loading,
        HqAnswer.FOUND,
        HeadquartersPerson(
            name=str(person.get("name", "")),
            masked_ssn=mask_id_number(str(person.get("ssn", ""))),
            gender=str(person.get("gender", "")),
            birth_date=str(person.get("birth_date", "")),
            status=str(person.get("status", "")),
            district=str(getattr(record, "district", "")),
            answered_at=record.server_time,  # type: ignore[attr-defined]
        ),
    )


# -- words ------------------------------------------------------------------------------------


def progress_text(loading: RegisterLoading) -> str:
    """'Register loading: 12,000 of about 100,000 persons (12 %)' (or without a total)."""
    if loading.total is None:
        return _("Register loading: {received:,} persons received so far").format(
            received=loading.received
        )
    return _("Register loading: {received:,} of about {total:,} persons ({percent} %)").format(
        received=loading.received, total=loading.total, percent=loading.percent
    )


def progress_short(loading: RegisterLoading) -> str:
    """'Register loading 12 %' (or the persons received without a total), for the status bar."""
    if loading.percent is None:
        return _("Register loading: {received:,} persons").format(received=loading.received)
    return _("Register loading {percent} %").format(percent=loading.percent)


def progress_figures(loading: RegisterLoading) -> str:
    """'12,000 of about 100,000 persons received, 12 %' (or without a total), inside a
    sentence."""
    if loading.total is None:
        return _("{received:,} persons received so far").format(received=loading.received)
    return _("{received:,} of about {total:,} persons received, {percent} %").format(
        received=loading.received, total=loading.total, percent=loading.percent
    )


def still_loading_message(error: StillLoading, now: datetime) -> str:
    """What the counter says for a person the loading register lacks: not here yet (never
    "no such person"), the progress, and headquarters' answer with its time. One sentence a
    line, so that a Chinese text (wrapped by Tk only at spaces) breaks between sentences."""
    lines = [
        _(
            "{who} is not in this computer's register yet: the register is still loading from "
            "headquarters ({progress})."
        ).format(who=error.shown, progress=progress_figures(error.loading)),
        _("Not found here does not mean that the person does not exist."),
    ]
    if error.answer is HqAnswer.NOBODY:
        lines.append(
            _("Headquarters, asked just now, has nobody with this number either: check it.")
        )
    elif error.answer is HqAnswer.FOUND and error.person is not None:
        p = error.person
        lines.append(
            _("Answer from headquarters at {time} ({age} ago):").format(
                time=local_time(p.answered_at),
                age=age_words(max(0.0, (now - p.answered_at).total_seconds())),
            )
        )
        lines.append(
            _("{name}, {ssn}, {gender}, born {birth}, {district}, {status}.").format(
                name=p.name,
                ssn=p.masked_ssn,
                gender=label(GENDER, p.gender),
                birth=p.birth_date,
                district=region_name(p.district, language()) or p.district,
                status=label(PERSON_STATUS, p.status),
            )
        )
        lines.append(_("The record opens here once it has arrived."))
    else:
        lines.append(
            _(
                "Headquarters cannot be asked now (no connection): try again later, or ask at "
                "another counter."
            )
        )
    return "\n".join(lines)


def name_not_found_message(loading: RegisterLoading) -> str:
    """Nobody of this name among the persons received so far."""
    return _(
        "Nobody with this name among the persons received so far: the register is still "
        "loading ({progress}). Look the person up by ID number or card number to ask "
        "headquarters."
    ).format(progress=progress_figures(loading))


def kiosk_still_loading() -> str:
    """The kiosk's words for a record it cannot show while loading (never whether it exists)."""
    return _(
        "This machine is still receiving the records and cannot show every one yet. Please "
        "try again later, or go to a counter."
    )
