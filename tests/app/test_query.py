"""What the waiting screen reads the typed text as."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.i18n import set_language
from desktop.core.query import QueryKind, matches_title, read_day, read_query
from models.lookup import NameMatches

TODAY = date(2026, 11, 28)
VALID = "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "kind", "valid", "message"),
    [
        ("", QueryKind.EMPTY, False, "Type an ID number, a card number or a name"),
        ("3701021", QueryKind.ID_PARTIAL, False, "ID number: 7 of 18 characters."),
        (VALID, QueryKind.ID, True, "Valid ID number: born 1949-12-31, female. Press Enter."),
        (VALID.lower(), QueryKind.ID, True, "Valid ID number"),
        ("110105194912310021", QueryKind.ID, False, "The check character does not match"),
        ("110105194913310021", QueryKind.ID, False, "Digits 7-14 are not a real birth date"),
        ("990105194912310021", QueryKind.ID, False, "The first two digits are not a province"),
        ("1101051949123100211", QueryKind.ID, False, "this one has 19"),
        ("a12345678", QueryKind.CARD, True, "A card number: press Enter."),
        ("123456789", QueryKind.CARD, True, "9 digits: Enter looks for this card number"),
        ("王", QueryKind.NAME, True, "A name: press Enter to search."),
        ("欧阳·娜娜", QueryKind.NAME, True, "A name"),
        ("王芳 1975", QueryKind.NAME, True, "A name and a birth year: press Enter to search"),
        ("王芳1975", QueryKind.NAME, True, "those born in 1975"),
        ("王芳 2027", QueryKind.NAME, False, "2027 is not a birth year"),
        ("hello", QueryKind.UNKNOWN, False, "Not an ID number"),
    ],
)
def test_the_text_is_read_as_it_is_typed(
    text: str, kind: QueryKind, valid: bool, message: str
) -> None:
    reading = read_query(text, TODAY)
    assert (reading.kind, reading.valid) == (kind, valid)
    assert reading.message.startswith(message) or message in reading.message


@pytest.mark.parametrize(
    ("text", "year", "district", "codes"),
    [
        ("王芳 天桥区", None, "天桥区", ("370105",)),
        (" 王芳 1975 天桥区 ", 1975, "天桥区", ("370105",)),
        ("王芳1975 济南市历下区", 1975, "济南市历下区", ("370102",)),
    ],
)
def test_a_name_with_a_district_is_read_with_its_region_codes(
    text: str, year: int | None, district: str, codes: tuple[str, ...]
) -> None:
    reading = read_query(text, TODAY)
    assert (reading.kind, reading.valid, reading.value) == (QueryKind.NAME, True, "王芳")
    assert (reading.birth_year, reading.district, reading.region_codes) == (year, district, codes)
    assert district in reading.message


def test_a_district_that_is_none_or_a_wrong_year_refuses_the_name() -> None:
    unknown = read_query("王芳 1975 天桥", TODAY)
    assert not unknown.valid and unknown.region_codes == ()
    assert unknown.message.startswith("天桥 is not a district or county of the register")
    assert read_query("王芳 1850 天桥区", TODAY).message.startswith("1850 is not a birth year")


def test_a_name_with_a_birth_year_is_read_as_both() -> None:
    reading = read_query(" 王芳 1975 ", TODAY)
    assert (reading.value, reading.birth_year) == ("王芳", 1975)
    assert read_query("王芳", TODAY).birth_year is None


@pytest.mark.parametrize(
    ("text", "day", "problem", "no_such_day"),
    [
        ("2024-02-29", date(2024, 2, 29), "", False),
        (" 2026-11-28 ", date(2026, 11, 28), "", False),
        ("", None, "", False),
        ("2025-02-30", None, "no such date (2025-02 has 28 days)", True),
        ("2026-04-31", None, "no such date (2026-04 has 30 days)", True),
        ("2026-13-01", None, "no such date (there is no month 13)", True),
        ("2026-11", None, "a date like 2026-11-28", False),
        ("28.11.2026", None, "a date like 2026-11-28", False),
    ],
)
def test_a_typed_day_that_does_not_exist_is_not_called_a_format_error(
    text: str, day: date | None, problem: str, no_such_day: bool
) -> None:
    reading = read_day(text)
    assert (reading.value, reading.problem, reading.no_such_day) == (day, problem, no_such_day)


def test_a_cut_list_of_matches_says_how_many_and_how_to_narrow() -> None:
    people = [object()] * 50  # only counted here
    title = matches_title(NameMatches(people, 544, False), "王")  # type: ignore[arg-type]
    assert title.startswith("544 found; the first 50 are listed. To narrow the search")
    assert "“王\N{NO-BREAK SPACE}1975”" in title
    assert "add the birth year or the district after the name" in title
    assert "“王\N{NO-BREAK SPACE}1975\N{NO-BREAK SPACE}天桥区”" in title
    capped = matches_title(NameMatches(people, 1000, True), "王")  # type: ignore[arg-type]
    assert capped.startswith("More than 1000 found; the first 50 are listed.")
    whole = matches_title(NameMatches(people[:3], 3, False), "王")  # type: ignore[arg-type]
    assert whole == "3 found: pick one with the arrow keys and Enter."


def test_chinese_sentences_of_the_matches_line_are_joined_without_spaces() -> None:
    set_language("zh")
    title = matches_title(NameMatches([object()] * 50, 544, False), "王")  # type: ignore[arg-type]
    assert title.startswith("找到544人，仅列出前50人。如需缩小范围")
    assert " " not in title
