"""Tests for models.idnumber (GB 11643-1999 resident ID numbers)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.idnumber import (
    IdNumber,
    IdProblem,
    InvalidIdNumber,
    check_character,
    is_valid_id_number,
    make_id_number,
    mask_id_number,
    normalise_id_number,
    parse_id_number,
)

pytestmark = pytest.mark.dates  # run again at the edges of months and years

TODAY = date(2024, 6, 1)
# Published example number: Beijing Chaoyang, born 1949-12-31, sequence 002, check X.
VALID_X = "11010519491231002X"
# Computed with make_id_number("370102", date(1980, 1, 1), 123).
VALID_JINAN = "370102198001011237"
# Computed with make_id_number("440305", date(2000, 2, 29), 456).
VALID_LEAP_DAY = "440305200002294564"

PROVINCES = [
    *range(11, 16),
    *range(21, 24),
    *range(31, 38),
    *range(41, 47),
    *range(50, 55),
    *range(61, 66),
    71,
    81,
    82,
    83,
]
DIGITS = "0123456789"

regions = st.builds(
    lambda province, rest: f"{province:02d}{rest:04d}",
    st.sampled_from(PROVINCES),
    st.integers(0, 9999),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999)
valid_numbers = st.builds(make_id_number, regions, births, sequences)


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


# --- check character -------------------------------------------------------


def test_weights_are_the_published_mod_11_2_weights() -> None:
    from models import idnumber

    assert idnumber._WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("37010219800101123", "7"),
        ("44030520000229456", "4"),
        ("00000000000000000", "1"),
    ],
)
def test_check_character_matches_known_values(first17: str, expected: str) -> None:
    assert check_character(first17) == expected


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1101051949123100A"])
def test_check_character_rejects_anything_but_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_character(bad)


def test_check_character_rejects_non_ascii_digits() -> None:
    with pytest.raises(ValueError):
        check_character("１１０１０５１９４９１２３１００２")  # full-width digits


# --- parsing valid numbers -------------------------------------------------


def test_valid_number_with_x_check_character_is_parsed() -> None:
    parsed = parse_id_number(VALID_X, today=TODAY)
    assert parsed == IdNumber(VALID_X)
    assert parsed.region_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sequence == 2
    assert parsed.gender == "F"


def test_lower_case_x_is_accepted_as_check_character() -> None:
    assert parse_id_number(VALID_X.lower(), today=TODAY).value == VALID_X


def test_surrounding_whitespace_is_stripped() -> None:
    assert parse_id_number(f" \t{VALID_JINAN}\n ", today=TODAY).value == VALID_JINAN


def test_odd_sequence_means_male_and_even_means_female() -> None:
    assert parse_id_number(VALID_JINAN, today=TODAY).gender == "M"  # sequence 123
    assert parse_id_number(VALID_LEAP_DAY, today=TODAY).gender == "F"  # sequence 456


def test_sequence_zero_is_accepted_and_even() -> None:
    number = make_id_number("310104", date(1990, 6, 15), 0)
    parsed = parse_id_number(number, today=TODAY)
    assert number[14:17] == "000"
    assert (parsed.sequence, parsed.gender) == (0, "F")


def test_leap_day_birth_date_is_accepted() -> None:
    assert parse_id_number(VALID_LEAP_DAY, today=TODAY).birth_date == date(2000, 2, 29)


def test_birth_date_equal_to_today_is_accepted() -> None:
    number = make_id_number("370102", TODAY, 1)
    assert parse_id_number(number, today=TODAY).birth_date == TODAY


def test_first_of_january_1900_is_accepted() -> None:
    number = make_id_number("370102", date(1900, 1, 1), 1)
    assert parse_id_number(number, today=TODAY).birth_date == date(1900, 1, 1)


@pytest.mark.parametrize("prefix", ["71", "81", "82", "83"])
def test_taiwan_hong_kong_and_macao_prefixes_are_accepted(prefix: str) -> None:
    number = make_id_number(f"{prefix}0000", date(1980, 1, 1), 1)
    assert parse_id_number(number, today=TODAY).region_code == f"{prefix}0000"


def test_region_code_ending_in_0000_is_accepted() -> None:
    number = make_id_number("370000", date(1980, 1, 1), 1)
    assert is_valid_id_number(number)


def test_is_valid_id_number_uses_today_by_default() -> None:
    assert is_valid_id_number(VALID_X)
    assert not is_valid_id_number(make_id_number("370102", date(9999, 1, 1), 1))


def test_is_valid_id_number_is_false_for_non_strings() -> None:
    assert not is_valid_id_number(None)  # type: ignore[arg-type]


def test_parse_rejects_non_strings_with_type_error() -> None:
    with pytest.raises(TypeError):
        parse_id_number(370102198001011237)  # type: ignore[arg-type]


# --- problems --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem", "message_part"),
    [
        ("", IdProblem.EMPTY, "empty"),
        ("   ", IdProblem.EMPTY, "empty"),
        (VALID_X[:17], IdProblem.WRONG_LENGTH, "has 17 characters; it must have 18"),
        (VALID_X + "1", IdProblem.WRONG_LENGTH, "has 19 characters"),
        ("370102800101123", IdProblem.WRONG_LENGTH, "15-digit numbers"),
        ("110105 9491231002X", IdProblem.BAD_CHARACTERS, "position 7"),
        ("1101051949123100AX", IdProblem.BAD_CHARACTERS, "'A' at position 17"),
        ("11010519491231002Y", IdProblem.BAD_CHARACTERS, "ends with 'Y'"),
        ("X10105194912310021", IdProblem.BAD_CHARACTERS, "position 1"),
        ("１１０１０５１９４９１２３１００２Ｘ", IdProblem.BAD_CHARACTERS, "position 1"),
        (with_check("99010219800101123"), IdProblem.BAD_REGION, "region code 990102"),
        (with_check("00010219800101123"), IdProblem.BAD_REGION, "not a province"),
        (with_check("16010219800101123"), IdProblem.BAD_REGION, "first two digits"),
        (with_check("37010219990231123"), IdProblem.BAD_DATE, "birth date 19990231 is not a real"),
        (with_check("37010219991301123"), IdProblem.BAD_DATE, "not a real date"),
        (with_check("37010219990100123"), IdProblem.BAD_DATE, "not a real date"),
        (with_check("37010219000229123"), IdProblem.BAD_DATE, "not a real date"),
        (with_check("37010218991231123"), IdProblem.BAD_DATE, "before 1900"),
        (with_check("37010200000101123"), IdProblem.BAD_DATE, "not a real date"),
        (with_check("37010220240602123"), IdProblem.FUTURE_DATE, "after today"),
        (
            "370102198001011235",
            IdProblem.BAD_CHECK_DIGIT,
            "check character is 5 but the first 17 digits give 7",
        ),
        ("110105194912310021", IdProblem.BAD_CHECK_DIGIT, "give X: a digit was probably"),
    ],
)
def test_each_problem_is_reported_with_a_clear_message(
    text: str, problem: IdProblem, message_part: str
) -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(text, today=TODAY)
    assert caught.value.problem is problem
    assert message_part in str(caught.value)
    assert caught.value.value == normalise_id_number(text)
    if problem is not IdProblem.FUTURE_DATE:  # is_valid_id_number checks against the real today
        assert not is_valid_id_number(text)


def test_wrong_length_message_explains_the_structure() -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(VALID_X[:17], today=TODAY)
    assert str(caught.value) == (
        "ID number has 17 characters; it must have 18 "
        "(6-digit region, 8-digit birth date, 3-digit sequence, check character)"
    )


def test_invalid_id_number_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_id_number("nonsense", today=TODAY)


@given(valid_numbers)
def test_error_messages_never_contain_the_full_number(number: str) -> None:
    broken = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(broken, today=TODAY)
    assert broken not in str(caught.value)
    assert broken not in repr(caught.value)


# --- derived values and masking --------------------------------------------


def test_masked_property_hides_birth_date_and_sequence() -> None:
    assert parse_id_number(VALID_JINAN, today=TODAY).masked == "370102********1237"


def test_repr_shows_only_the_masked_number() -> None:
    parsed = parse_id_number(VALID_JINAN, today=TODAY)
    assert VALID_JINAN not in repr(parsed)
    assert "370102********1237" in repr(parsed)


def test_id_number_is_immutable() -> None:
    parsed = parse_id_number(VALID_JINAN, today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = VALID_X  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("370102198001011234", "370102********1234"),
        ("A1234567890123", "**********0123"),
        ("123456789012", "********9012"),
        ("12345678901", "***********"),
        ("1234567890", "**********"),
        ("", ""),
    ],
)
def test_mask_id_number_hides_at_least_eight_characters(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(1980, 1, 1), 0),
        (date(1980, 12, 31), 0),
        (date(1981, 1, 1), 1),
        (date(2023, 12, 31), 43),
        (date(2024, 1, 1), 44),
    ],
)
def test_age_goes_up_on_the_birthday(day: date, age: int) -> None:
    assert parse_id_number(VALID_JINAN, today=TODAY).age_on(day) == age


def test_leap_day_baby_is_a_year_older_on_first_of_march() -> None:
    parsed = parse_id_number(VALID_LEAP_DAY, today=TODAY)
    assert parsed.age_on(date(2001, 2, 28)) == 0
    assert parsed.age_on(date(2001, 3, 1)) == 1
    assert parsed.age_on(date(2004, 2, 29)) == 4


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_id_number(VALID_JINAN, today=TODAY).age_on(date(1979, 12, 31))


def test_normalise_strips_and_upper_cases_without_validating() -> None:
    assert normalise_id_number("  11010519491231002x\n") == VALID_X
    assert normalise_id_number(" abc ") == "ABC"


# --- make_id_number --------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "birth", "sequence"),
    [
        ("37010", date(1980, 1, 1), 1),
        ("3701020", date(1980, 1, 1), 1),
        ("37010a", date(1980, 1, 1), 1),
        ("990102", date(1980, 1, 1), 1),
        ("370102", date(1899, 12, 31), 1),
        ("370102", date(1980, 1, 1), -1),
        ("370102", date(1980, 1, 1), 1000),
        ("370102", date(1980, 1, 1), True),
    ],
)
def test_make_id_number_rejects_parts_that_cannot_form_a_valid_number(
    region: str, birth: date, sequence: int
) -> None:
    with pytest.raises(ValueError):
        make_id_number(region, birth, sequence)


def test_make_id_number_zero_pads_the_sequence() -> None:
    assert make_id_number("370102", date(1980, 1, 1), 7)[14:17] == "007"


# --- properties ------------------------------------------------------------


@given(regions, births, sequences)
def test_made_numbers_round_trip_through_parse(region: str, birth: date, sequence: int) -> None:
    number = make_id_number(region, birth, sequence)
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.value == number
    assert (parsed.region_code, parsed.birth_date, parsed.sequence) == (region, birth, sequence)
    assert parsed.gender == ("M" if sequence % 2 else "F")


@given(valid_numbers, st.integers(0, 17), st.sampled_from(DIGITS + "X"))
def test_changing_any_single_character_makes_the_number_invalid(
    number: str, position: int, replacement: str
) -> None:
    if position < 17 and replacement == "X":
        replacement = "0"
    if replacement == number[position]:
        replacement = DIGITS[(DIGITS.index(replacement) + 1) % 10] if replacement != "X" else "0"
    changed = number[:position] + replacement + number[position + 1 :]
    assert changed != number
    assert not is_valid_id_number(changed)
    if position < 17:
        # Stronger: the checksum alone catches it, whatever other rule fails first.
        assert check_character(changed[:17]) != number[17]


@given(valid_numbers, st.integers(0, 16))
def test_swapping_two_adjacent_different_digits_is_detected(number: str, position: int) -> None:
    # MOD 11-2 weights satisfy w[i] = 2 * w[i+1] (mod 11), so swapping neighbours with
    # digits a != b changes the sum by w[i+1] * (b - a), never 0 mod 11. This includes
    # swapping the 17th digit with a digit check character (weights 2 and 1).
    a, b = number[position], number[position + 1]
    if a == b or "X" in (a, b):
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not is_valid_id_number(swapped)
    if position < 16:
        assert check_character(swapped[:17]) != number[17]


@given(st.text(alphabet=DIGITS, min_size=17, max_size=17), st.integers(0, 6))
def test_swapping_digits_ten_positions_apart_is_not_detected(first17: str, position: int) -> None:
    # Limitation of MOD 11-2: the weights repeat with period 10 (2**10 = 1 mod 11),
    # so positions i and i + 10 carry the same weight and swapping them goes unnoticed.
    chars = list(first17)
    chars[position], chars[position + 10] = chars[position + 10], chars[position]
    assert check_character("".join(chars)) == check_character(first17)


@given(st.text(max_size=30))
def test_parse_either_succeeds_or_raises_invalid_id_number(text: str) -> None:
    try:
        parsed = parse_id_number(text, today=TODAY)
    except InvalidIdNumber as error:
        assert str(error)
        assert error.value == normalise_id_number(text)
    else:
        assert parsed.value == normalise_id_number(text)


@given(st.text(max_size=30))
def test_masking_preserves_length(text: str) -> None:
    assert len(mask_id_number(text)) == len(text)
