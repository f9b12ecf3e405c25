"""Finding people in the register: by ID number, by card number, by (partial) Chinese name.

These are the counter's hot paths, so they run fixed SQL through `db.execute_sql` rather than
building peewee queries each time (building the SQL is most of peewee's cost).
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from models.idnumber import mask_id_number, parse_id_number
from models.names import COUNTIES, SHANDONG_CITIES
from models.schema import db

_PERSON_COLUMNS = (
    "p.id, p.ssn, p.name, p.gender, p.birth_date, p.ethnicity, p.region_code, p.phone, "
    "p.address, p.status"
)
_BY_SSN = f"SELECT {_PERSON_COLUMNS} FROM person p WHERE p.ssn = ?"
_BY_CARD = (
    f"SELECT {_PERSON_COLUMNS}, c.card_no, c.status FROM card c "
    "JOIN person p ON p.id = c.person_id WHERE c.card_no = ?"
)
# A birth year (or NULL), then the region codes as ",370103,370802," (or NULL): both optional.
_NARROWED = (
    "(? IS NULL OR substr(p.birth_date, 1, 4) = ?) "
    "AND (? IS NULL OR instr(?, ',' || p.region_code || ',') > 0)"
)
_BY_NAME_EXACT = (
    f"SELECT {_PERSON_COLUMNS} FROM person p WHERE p.name = ? AND {_NARROWED} ORDER BY p.id LIMIT ?"
)
_BY_NAME_PREFIX = (
    f"SELECT {_PERSON_COLUMNS} FROM person p WHERE p.name > ? AND p.name < ? AND {_NARROWED} "
    "ORDER BY p.name, p.id LIMIT ?"
)
_BY_NAME_FROM_2 = (
    f"SELECT {_PERSON_COLUMNS} FROM person p WHERE substr(p.name, 2) >= ? "
    f"AND substr(p.name, 2) < ? AND {_NARROWED} ORDER BY substr(p.name, 2), p.id LIMIT ?"
)
_BY_NAME_FROM_3 = (
    f"SELECT {_PERSON_COLUMNS} FROM person p WHERE substr(p.name, 3) >= ? "
    f"AND substr(p.name, 3) < ? AND {_NARROWED} ORDER BY substr(p.name, 3), p.id LIMIT ?"
)
# The same four steps, each stopped after `cap` rows, counted without duplicates: a bounded
# count (at most 4 x cap index entries), asked only when a search has more than a screenful.
_COUNT_BY_NAME = (
    "SELECT count(*) FROM ("
    f"SELECT id FROM (SELECT p.id FROM person p WHERE p.name = ? AND {_NARROWED} LIMIT ?) "
    f"UNION SELECT id FROM (SELECT p.id FROM person p WHERE p.name > ? AND p.name < ? "
    f"AND {_NARROWED} LIMIT ?) "
    f"UNION SELECT id FROM (SELECT p.id FROM person p WHERE substr(p.name, 2) >= ? "
    f"AND substr(p.name, 2) < ? AND {_NARROWED} LIMIT ?) "
    f"UNION SELECT id FROM (SELECT p.id FROM person p WHERE substr(p.name, 3) >= ? "
    f"AND substr(p.name, 3) < ? AND {_NARROWED} LIMIT ?))"
)

CARD_NUMBER = re.compile(r"^[A-Z0-9]{9}$")
NAME_TEXT = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·A-Za-z ]{1,40}$")


@dataclass(frozen=True)
class PersonSummary:
    """The identity part of a person's record."""

    id: int
    ssn: str
    name: str
    gender: str
    birth_date: date
    ethnicity: str
    region_code: str
    phone: str | None
    address: str | None
    status: str

    @property
    def masked_ssn(self) -> str:
        """The ID number as shown on screen: 370102********1234."""
        return mask_id_number(self.ssn)

    @classmethod
    def from_row(cls, row: tuple) -> PersonSummary:
        """Build from the first ten columns of the person queries above."""
        return cls(row[0], row[1], row[2], row[3], date.fromisoformat(row[4]), *row[5:10])


class InvalidCardNumber(ValueError):
    """A card number that cannot exist (wrong length or characters)."""


class InvalidNameQuery(ValueError):
    """A name search that cannot match a name in the register."""


def normalise_card_number(text: str) -> str:
    """Upper-case and strip a card number; raise InvalidCardNumber if it cannot be one."""
    value = text.strip().upper()
    if not CARD_NUMBER.match(value):
        raise InvalidCardNumber(
            f"card number {text.strip()!r} is not valid: a social security card number has 9 "
            "letters or digits, as printed on the card's front (e.g. A12345678)"
        )
    return value


def find_by_ssn(text: str) -> PersonSummary | None:
    """The person with this ID number, or None. Raises InvalidIdNumber for a malformed number."""
    ssn = parse_id_number(text).value
    row = db.execute_sql(_BY_SSN, (ssn,)).fetchone()
    return PersonSummary.from_row(row) if row else None


@dataclass(frozen=True)
class CardHolder:
    """A person found through one of their cards, with that card's number and status."""

    person: PersonSummary
    card_no: str
    card_status: str


def find_by_card(text: str) -> CardHolder | None:
    """The holder of the card with this number, or None. Raises InvalidCardNumber."""
    card_no = normalise_card_number(text)
    row = db.execute_sql(_BY_CARD, (card_no,)).fetchone()
    if row is None:
        return None
    return CardHolder(PersonSummary.from_row(row), row[10], row[11])


CARD_DIGITS = re.compile(r"^[0-9]{8}$")


def card_numbers_with_digits(digits: str) -> list[str]:
    """The card numbers this register holds that are one letter followed by `digits` (8
    digits, as typed on a keypad without letters), in order; one index probe per letter."""
    if not CARD_DIGITS.match(digits):
        raise InvalidCardNumber(f"{digits!r} is not the 8 digits of a card number")
    candidates = [letter + digits for letter in string.ascii_uppercase]
    marks = ", ".join("?" * len(candidates))
    rows = db.execute_sql(
        f"SELECT card_no FROM card WHERE card_no IN ({marks}) ORDER BY card_no", candidates
    ).fetchall()
    return [row[0] for row in rows]


def _name_query(text: str) -> str:
    query = text.strip()
    if not NAME_TEXT.match(query):
        raise InvalidNameQuery(
            f"{text!r} is not a name: type one or more Chinese characters of the name (e.g. 王 "
            "or 王芳)"
        )
    return query


def search_by_name(
    text: str,
    limit: int = 50,
    birth_year: int | None = None,
    region_codes: Sequence[str] = (),
) -> list[PersonSummary]:
    """People whose name is `text`, starts with it, or has it from the 2nd or 3rd character
    (the given name after a one- or two-character surname), in that order, up to `limit`;
    with `birth_year`, only those born that year; with `region_codes` (see `district_codes`),
    only those whose region code is one of them.

    Every step is an index range, so a search costs the same in a district of any size; text
    that starts at the 4th character or later (long names) is not found this way.
    """
    query = _name_query(text)
    born = _narrowing_args(birth_year, region_codes)
    found: dict[int, PersonSummary] = {}
    upper = query + "\U0010ffff"
    steps = (
        (_BY_NAME_EXACT, (query, *born)),
        (_BY_NAME_PREFIX, (query, upper, *born)),
        (_BY_NAME_FROM_2, (query, upper, *born)),
        (_BY_NAME_FROM_3, (query, upper, *born)),
    )
    for sql, args in steps:
        if len(found) >= limit:
            break
        # ask for `limit` rows: a row an earlier step found may come again
        for row in db.execute_sql(sql, (*args, limit)).fetchall():
            if row[0] not in found and len(found) < limit:
                found[row[0]] = PersonSummary.from_row(row)
    return list(found.values())


def count_by_name(
    text: str, cap: int, birth_year: int | None = None, region_codes: Sequence[str] = ()
) -> int:
    """How many people `search_by_name` would find without a limit, counted up to `cap`: a
    result above `cap` means "more than `cap`" (each step stops after cap + 1 rows)."""
    query = _name_query(text)
    born = _narrowing_args(birth_year, region_codes)
    upper = query + "\U0010ffff"
    step = cap + 1
    args = (
        *(query, *born, step),
        *(query, upper, *born, step),
        *(query, upper, *born, step),
        *(query, upper, *born, step),
    )
    return int(db.execute_sql(_COUNT_BY_NAME, args).fetchone()[0])


def district_codes(text: str) -> tuple[str, ...]:
    """The GB/T 2260 region codes of a district or county typed by its name, alone or after
    its city ('天桥区', '济南市天桥区'; '市中区' is Jinan's and Jining's before 2013): () for a
    name that is none. Only the districts `models.names` holds are known."""
    name = text.strip()
    codes = []
    for code, (county, _english) in COUNTIES.items():
        city = SHANDONG_CITIES.get(code[:4], ("", ""))[0]
        if name in (county, city + county) and county != "市辖区":
            codes.append(code)
    return tuple(sorted(codes))


def _narrowing_args(
    birth_year: int | None, region_codes: Sequence[str]
) -> tuple[str | None, str | None, str | None, str | None]:
    year = None if birth_year is None else f"{birth_year:04d}"
    regions = "," + ",".join(region_codes) + "," if region_codes else None
    return year, year, regions, regions
