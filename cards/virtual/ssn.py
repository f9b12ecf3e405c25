"""What a resident ID number (= social security number) tells: check character, birth date, sex.

The virtual card may import nothing outside `cards`, so it uses the card parsers' check of
GB 11643-1999 (the register's own checker lives in `models`).
"""

from __future__ import annotations

from datetime import date

from cards.parsers import ID_CHECK_CHARACTERS, id_check_character

check_character = id_check_character


def with_wrong_check(ssn: str) -> str:
    """The same number with a check character that is certainly wrong."""
    right = check_character(ssn[:17])
    wrong = next(c for c in ID_CHECK_CHARACTERS if c != right and c != ssn[17:].upper())
    return ssn[:17] + wrong


def birth_date_of(ssn: str) -> date:
    """The birth date in characters 7-14; ValueError if it is not a date."""
    digits = ssn[6:14]
    if len(digits) != 8 or not digits.isdigit():
        raise ValueError(f"{ssn!r} holds no birth date")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def gender_code_of(ssn: str) -> str:
    """'1' (male) for an odd 17th digit, '2' (female) for an even one."""
    digit = ssn[16:17]
    if not digit.isdigit():
        raise ValueError(f"{ssn!r} holds no sequence number")
    return "1" if int(digit) % 2 else "2"
