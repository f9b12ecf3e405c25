"""Pure functions from the bytes of one record (TLV) to the value of one field.

Every parser takes the raw record as the card returned it (`tag length value`, trailing bytes
ignored) and returns the field's value, or raises `DamagedData(field, reason)` and nothing else.
Field names are the attribute names of `CardRecord` (plus `name_extension`, which is appended
to the name). `FIELDS` describes every field: its file (SFI), its tag and its parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cards.codec import decode_an, decode_ascii, decode_bcd_date, decode_cn, decode_gbk, parse_tlv
from cards.errors import DamagedData
from cards.record import CardRecord

EF05_SFI = 0x05
EF06_SFI = 0x06

SPEC_VERSIONS = ("1.00", "2.00", "3.00")
NAME_BYTES = 30
NAME_EXTENSION_BYTES = 20

# GB 11643-1999 check character: ISO 7064 MOD 11-2.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"


# -- helpers ------------------------------------------------------------------------------------


def _binary_hex(data: bytes, tag: int, field: str, length: int) -> str:
    """A binary value of exactly `length` bytes, as upper-case hex digits."""
    value = parse_tlv(data, tag, field)
    if len(value) != length:
        raise DamagedData(field, f"value of {len(value)} byte(s), expected {length}")
    return value.hex().upper()


def _ascii(data: bytes, tag: int, field: str) -> str:
    """A padded ASCII value that must not be empty."""
    text = decode_ascii(parse_tlv(data, tag, field), field)
    if not text:
        raise DamagedData(field, "value is empty")
    return text


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"{first17!r} is not 17 digits")
    total = sum(weight * int(digit) for weight, digit in zip(ID_WEIGHTS, first17, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def is_valid_id_number(text: str) -> bool:
    """True if `text` is 17 digits and the right check character (a lower-case x is accepted)."""
    if len(text) != 18 or not (text[:17].isascii() and text[:17].isdigit()):
        return False
    return text[17].upper() == id_check_character(text[:17])


# -- EF05: card issuer data ---------------------------------------------------------------------


def parse_card_identifier(data: bytes) -> str:
    """Tag 01: the 16-byte card identifier as 32 upper-case hex digits."""
    return _binary_hex(data, 0x01, "card_identifier", 16)


def parse_card_type(data: bytes) -> str:
    """Tag 02: the card type, one alphanumeric character."""
    text = _ascii(data, 0x02, "card_type")
    if len(text) != 1:
        raise DamagedData("card_type", f"{text!r} is not one character")
    return text


def parse_spec_version(data: bytes) -> str:
    """Tag 03: the specification version, "1.00", "2.00" or "3.00" (the card generation)."""
    text = _ascii(data, 0x03, "spec_version")
    if text not in SPEC_VERSIONS:
        raise DamagedData("spec_version", f"{text!r} is not a known specification version")
    return text


def parse_initialising_org(data: bytes) -> str:
    """Tag 04: the 12-byte initialising organisation as 24 upper-case hex digits."""
    return _binary_hex(data, 0x04, "initialising_org", 12)


def parse_issue_date(data: bytes) -> date:
    """Tag 05: the issue date, BCD YYYYMMDD."""
    return decode_bcd_date(parse_tlv(data, 0x05, "issue_date"), "issue_date")


def parse_expiry_date(data: bytes) -> date:
    """Tag 06: the expiry date, BCD YYYYMMDD."""
    return decode_bcd_date(parse_tlv(data, 0x06, "expiry_date"), "expiry_date")


def parse_card_no(data: bytes) -> str:
    """Tag 07: the card number, 9 ASCII letters or digits (e.g. X00000019)."""
    text = _ascii(data, 0x07, "card_no")
    if len(text) != 9 or not (text.isascii() and text.isalnum()):
        raise DamagedData("card_no", f"{text!r} is not 9 letters or digits")
    return text


# -- EF06: holder data --------------------------------------------------------------------------


def parse_ssn(data: bytes) -> str:
    """Tag 08: the social security number, an 18-character GB 11643 ID number (X upper-case)."""
    text = _ascii(data, 0x08, "ssn")
    if len(text) != 18:
        raise DamagedData("ssn", f"{len(text)} characters, expected 18")
    if not (text[:17].isascii() and text[:17].isdigit()) or text[17] not in "0123456789Xx":
        raise DamagedData("ssn", "an ID number is 17 digits and a digit or X")
    if not is_valid_id_number(text):
        raise DamagedData("ssn", "the check character is wrong")
    return text.upper()


def name_fills_record(data: bytes) -> bool:
    """True if the name (tag 09) uses all 30 bytes with no 00 padding: it may go on in 4E."""
    value = parse_tlv(data, 0x09, "name")
    return len(value) == NAME_BYTES and value[-1] != 0


def parse_name(data: bytes, extension: bytes | None = None) -> str:
    """Tag 09: the holder's name (GBK, read as GB 18030), with the name extension record
    (tag 4E) appended when given. The two are decoded together, so a character split across
    them still decodes."""
    value = parse_tlv(data, 0x09, "name")
    if len(value) > NAME_BYTES:
        raise DamagedData("name", f"value of {len(value)} bytes, at most {NAME_BYTES}")
    raw = decode_an(value)
    if extension is not None:
        raw += _name_extension_bytes(extension)
    return decode_gbk(raw, "name")


def _name_extension_bytes(data: bytes) -> bytes:
    """The unpadded bytes of a name extension record."""
    value = parse_tlv(data, 0x4E, "name_extension")
    if len(value) > NAME_EXTENSION_BYTES:
        raise DamagedData(
            "name_extension", f"value of {len(value)} bytes, at most {NAME_EXTENSION_BYTES}"
        )
    return decode_an(value)


def parse_name_extension(data: bytes) -> str:
    """Tag 4E: the rest of a long name (GBK, up to 20 bytes); "" if it is all padding."""
    raw = _name_extension_bytes(data)
    return decode_gbk(raw, "name_extension") if raw else ""


def parse_gender(data: bytes) -> str:
    """Tag 0A: the gender, ASCII '1' (male, "M") or '2' (female, "F")."""
    text = _ascii(data, 0x0A, "gender")
    genders = {"1": "M", "2": "F"}
    if text not in genders:
        raise DamagedData("gender", f"{text!r} is neither '1' nor '2'")
    return genders[text]


def parse_ethnicity(data: bytes) -> str:
    """Tag 0B: the ethnicity code (GB 3304), one byte shown as 2 hex digits."""
    return _binary_hex(data, 0x0B, "ethnicity", 1)


def parse_birthplace(data: bytes) -> str:
    """Tag 0C: the birthplace, a 6-digit region code in BCD (trailing F padding allowed)."""
    digits = decode_cn(parse_tlv(data, 0x0C, "birthplace"), "birthplace")
    if len(digits) != 6:
        raise DamagedData("birthplace", f"region code {digits!r} is not 6 digits")
    return digits


def parse_birth_date(data: bytes) -> date:
    """Tag 0D: the birth date, BCD YYYYMMDD."""
    return decode_bcd_date(parse_tlv(data, 0x0D, "birth_date"), "birth_date")


# -- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """Where a field lives (its file's SFI and its record's tag) and how to parse it."""

    name: str
    sfi: int
    tag: int
    parse: Callable[[bytes], object]

    @property
    def file_id(self) -> int:
        """The EF's two-byte file id (EF05, EF06)."""
        return 0xEF00 | self.sfi


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("card_identifier", EF05_SFI, 0x01, parse_card_identifier),
        FieldSpec("card_type", EF05_SFI, 0x02, parse_card_type),
        FieldSpec("spec_version", EF05_SFI, 0x03, parse_spec_version),
        FieldSpec("initialising_org", EF05_SFI, 0x04, parse_initialising_org),
        FieldSpec("issue_date", EF05_SFI, 0x05, parse_issue_date),
        FieldSpec("expiry_date", EF05_SFI, 0x06, parse_expiry_date),
        FieldSpec("card_no", EF05_SFI, 0x07, parse_card_no),
        FieldSpec("ssn", EF06_SFI, 0x08, parse_ssn),
        FieldSpec("name", EF06_SFI, 0x09, parse_name),
        FieldSpec("name_extension", EF06_SFI, 0x4E, parse_name_extension),
        FieldSpec("gender", EF06_SFI, 0x0A, parse_gender),
        FieldSpec("ethnicity", EF06_SFI, 0x0B, parse_ethnicity),
        FieldSpec("birthplace", EF06_SFI, 0x0C, parse_birthplace),
        FieldSpec("birth_date", EF06_SFI, 0x0D, parse_birth_date),
    )
}


def parse_field(name: str, data: bytes) -> object:
    """Parse the record `data` as the field called `name` (a key of FIELDS)."""
    return FIELDS[name].parse(data)


# -- cross-checks -------------------------------------------------------------------------------


def check_holder(record: CardRecord) -> None:
    """Check the holder fields against each other, where both were read: the ID number's
    characters 7-14 are the birth date, and its 17th digit is odd for men, even for women."""
    ssn = record.ssn
    if ssn is None:
        return
    if not is_valid_id_number(ssn):
        raise DamagedData("ssn", "not a valid ID number")
    born = record.birth_date
    if born is not None and ssn[6:14] != f"{born.year:04d}{born.month:02d}{born.day:02d}":
        raise DamagedData(
            "birth_date",
            f"{born.isoformat()} disagrees with the ID number's {ssn[6:14]}",
        )
    if record.gender is not None:
        expected = "M" if int(ssn[16]) % 2 else "F"
        if record.gender != expected:
            raise DamagedData(
                "gender", f"{record.gender} disagrees with the ID number (which says {expected})"
            )
