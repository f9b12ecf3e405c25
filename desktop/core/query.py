"""What the clerk is typing on the waiting screen: an ID number, a card number or a name.

Read as they type, so the screen can say at once what it will look for, and why an ID number
is not valid.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from desktop.core.formatting import GENDER, label
from desktop.core.i18n import _
from desktop.core.messages import id_problem
from models.clock import local_today
from models.idnumber import ID_LENGTH, InvalidIdNumber, parse_id_number
from models.lookup import NameMatches
from models.people import CARD_NUMBER, district_codes

DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A name, then a birth year and/or a district (王芳 1975, 王芳 天桥区, 王芳 1975 天桥区).
HAN = r"\u3400-\u9fff\uf900-\ufaff"
NAME = re.compile(rf"^([{HAN}·]{{1,40}})(?:\s*(\d{{4}}))?(?:\s+([{HAN}]{{2,20}}))?$")
FIRST_BIRTH_YEAR = 1900
ID_CHARACTERS = re.compile(r"^\d{0,17}[\dXx]?$")


class QueryKind(StrEnum):
    """What the text looks like."""

    EMPTY = "empty"
    ID_PARTIAL = "id-partial"  # digits, not yet 18
    ID = "id"  # 18 characters: valid or not (see `valid`)
    CARD = "card"
    NAME = "name"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class QueryReading:
    """The text read: its kind, whether Enter can look it up, and a line for the clerk."""

    kind: QueryKind
    value: str
    valid: bool
    message: str
    birth_year: int | None = None  # a name followed by a birth year (王芳 1975)
    district: str | None = None  # ... and/or by a district (王芳 天桥区) ...
    region_codes: tuple[str, ...] = ()  # ... whose region codes these are


def read_query(text: str, today: date | None = None) -> QueryReading:
    """Read the waiting screen's text (translated message)."""
    value = text.strip().upper()
    if not value:
        return QueryReading(
            QueryKind.EMPTY,
            value,
            False,
            _("Type an ID number, a card number or a name, or insert the card."),
        )
    named = NAME.match(value)
    if named:
        reading = _read_name(named.group(1), named.group(2), today)
        return _with_district(reading, named.group(3))
    if CARD_NUMBER.match(value) and not value.isdigit():
        return QueryReading(QueryKind.CARD, value, True, _("A card number: press Enter."))
    if ID_CHARACTERS.match(value) or (value.isdigit() and len(value) > ID_LENGTH):
        return _read_id(value, today)
    return QueryReading(
        QueryKind.UNKNOWN,
        value,
        False,
        _(
            "Not an ID number (18 characters), a card number (9 letters or digits) or a name "
            "in Chinese characters."
        ),
    )


def _read_name(name: str, year_text: str | None, today: date | None) -> QueryReading:
    if year_text is None:
        return QueryReading(QueryKind.NAME, name, True, _("A name: press Enter to search."))
    year = int(year_text)
    this_year = (today or local_today()).year
    if not FIRST_BIRTH_YEAR <= year <= this_year:
        return QueryReading(
            QueryKind.NAME,
            name,
            False,
            _("{year} is not a birth year: type a year from {first} to {last}.").format(
                year=year, first=FIRST_BIRTH_YEAR, last=this_year
            ),
        )
    message = _("A name and a birth year: press Enter to search those born in {year}.").format(
        year=year
    )
    return QueryReading(QueryKind.NAME, name, True, message, birth_year=year)


def _with_district(reading: QueryReading, district: str | None) -> QueryReading:
    """A name's reading narrowed to the district typed after it (and after any birth year)."""
    if district is None or not reading.valid:
        return reading
    codes = district_codes(district)
    if not codes:
        message = _(
            "{district} is not a district or county of the register: type its name as "
            "“天桥区” or “济南市天桥区”."
        ).format(district=district)
        return replace(reading, valid=False, message=message)
    if reading.birth_year is None:
        message = _("A name and a district: press Enter to search those of {district}.")
    else:
        message = _(
            "A name, a birth year and a district: press Enter to search those born in {year} "
            "of {district}."
        )
    message = message.format(district=district, year=reading.birth_year)
    return replace(reading, message=message, district=district, region_codes=codes)


def _read_id(value: str, today: date | None) -> QueryReading:
    if len(value) < ID_LENGTH:
        if len(value) == 9:
            return QueryReading(
                QueryKind.CARD,
                value,
                True,
                _("9 digits: Enter looks for this card number (an ID number has 18)."),
            )
        message = _("ID number: {n} of 18 characters.").format(n=len(value))
        return QueryReading(QueryKind.ID_PARTIAL, value, False, message)
    try:
        parsed = parse_id_number(value, today)
    except InvalidIdNumber as exc:
        return QueryReading(QueryKind.ID, value, False, id_problem(exc))
    message = _("Valid ID number: born {birth}, {gender}. Press Enter.").format(
        birth=parsed.birth_date.isoformat(), gender=label(GENDER, parsed.gender)
    )
    return QueryReading(QueryKind.ID, parsed.value, True, message)


@dataclass(frozen=True)
class DayReading:
    """A day typed as YYYY-MM-DD: the day, or why it is none ('' for empty text)."""

    value: date | None
    problem: str
    well_formed: bool = True  # False: not written like a date at all

    @property
    def no_such_day(self) -> bool:
        """Written like a date, but no calendar has it (2025-02-30)."""
        return self.value is None and self.well_formed and bool(self.problem)


def read_day(text: str) -> DayReading:
    """Read a typed day; a well-formed date that does not exist (2025-02-30) is said to be no
    such date, not a format error (translated messages)."""
    value = text.strip()
    if not value:
        return DayReading(None, "")
    found = DAY.match(value)
    if not found:
        return DayReading(None, _("a date like 2026-11-28"), well_formed=False)
    year, month, day = (int(part) for part in found.groups())
    if year < 1:
        return DayReading(None, _("a date like 2026-11-28"), well_formed=False)
    if not 1 <= month <= 12:
        return DayReading(None, _("no such date (there is no month {month})").format(month=month))
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return DayReading(
            None,
            _("no such date ({year}-{month:02d} has {days} days)").format(
                year=year, month=month, days=last
            ),
        )
    return DayReading(date(year, month, day), "")


def matches_title(matches: NameMatches, name: str) -> str:
    """The line above the matches of `name`: how many, and how to narrow a list that is not
    complete."""
    pick = _("Pick one with the arrow keys and Enter.")
    if not matches.truncated:
        return _("{n} found: pick one with the arrow keys and Enter.").format(n=len(matches.people))
    if matches.total_capped:
        shown = _("More than {total} found; the first {n} are listed.")
    else:
        shown = _("{total} found; the first {n} are listed.")
    narrow = _(
        "To narrow the search, add the birth year or the district after the name (for example "
        "“{example}” or “{district_example}”), or type the ID number or the card number."
    ).format(  # each example kept on one line when wrapped
        example=f"{name}\N{NO-BREAK SPACE}1975",
        district_example=f"{name}\N{NO-BREAK SPACE}1975\N{NO-BREAK SPACE}天桥区",
    )
    return _joined(shown.format(total=matches.total, n=len(matches.people)), narrow, pick)


def _joined(*sentences: str) -> str:
    """Sentences one after the other: a space after a Latin full stop, none after a CJK one."""
    text = ""
    for sentence in sentences:
        if text and not text.endswith(("。", "！", "？")):
            text += " "
        text += sentence
    return text
