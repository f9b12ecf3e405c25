"""What a virtual card holds: issuer data, holder data, PIN, protected fields and faults."""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from cards.virtual.faults import Fault, parse_faults
from cards.virtual.names import split_name
from cards.virtual.ssn import birth_date_of, gender_code_of

SSC_RID = "D156000005"
DEFAULT_PIN = "123456"
DEFAULT_ISSUE_DATE = date(2021, 6, 1)
VALIDITY_YEARS = 10
# 3B, T0 = 6D (TB1 and TC1 follow, 13 historical bytes), TB1 = TC1 = 00, historical bytes.
DEFAULT_ATR = bytes.fromhex("3B6D0000" + "8031806586270100B308019000")
GENERATION_3_PROTECTED = frozenset({"ssn", "birth_date", "ethnicity", "birthplace"})
FIELDS = frozenset({
    "card_identifier", "card_type", "spec_version", "initialising_org", "issue_date",
    "expiry_date", "card_no", "ssn", "name", "gender", "ethnicity", "birthplace", "birth_date",
})  # fmt: skip
CHUNK_WHEN_CHUNKED = 8


@dataclass(frozen=True)
class CardProfile:
    """The contents of one virtual social security card, in the card's own terms.

    `protected` None means the generation's default (the fields of generation 3 that answer
    6982); `chunk_size` None means 8 bytes with the fault "chunked" and no chunking without.
    """

    card_identifier: str  # 32 hex digits: region(6) + D156000005 + 16 hex digits
    card_type: str  # an 1, e.g. "3"
    generation: int  # 1, 2 or 3
    initialising_org: str  # 24 hex digits
    issue_date: date
    expiry_date: date
    card_no: str  # 9 ASCII letters or digits
    ssn: str  # 18 ASCII characters
    name: str
    gender: str  # "1" male, "2" female
    ethnicity: int  # GB 3304 code, one byte
    birthplace: str  # 6-digit region code
    birth_date: date
    pin: str = DEFAULT_PIN
    pin_tries: int = 3
    protected: frozenset[str] | None = None
    faults: frozenset[Fault] = field(default_factory=frozenset)
    remove_after: int = 5  # APDUs answered before the fault "remove-midway" pulls the card
    chunk_size: int | None = None
    atr: bytes = DEFAULT_ATR

    def __post_init__(self) -> None:
        object.__setattr__(self, "faults", parse_faults(self.faults))
        if self.protected is None:
            default = GENERATION_3_PROTECTED if self.generation == 3 else frozenset()
            object.__setattr__(self, "protected", default)
        else:
            object.__setattr__(self, "protected", frozenset(self.protected))
        self._validate()

    def _validate(self) -> None:
        checks = {
            "card_identifier must be 32 hex digits": _is_hex(self.card_identifier, 32),
            "card_type must be one ASCII character": len(self.card_type.encode()) == 1,
            "generation must be 1, 2 or 3": self.generation in (1, 2, 3),
            "initialising_org must be 24 hex digits": _is_hex(self.initialising_org, 24),
            "card_no must be 9 ASCII letters or digits": _is_alnum(self.card_no, 9),
            "ssn must be 18 ASCII characters": self.ssn.isascii() and len(self.ssn) == 18,
            "gender must be '1' or '2'": self.gender in ("1", "2"),
            "ethnicity must fit one byte": 0 <= self.ethnicity <= 0xFF,
            "birthplace must be 6 digits": _is_digits(self.birthplace, 6),
            "pin must be 6 digits": _is_digits(self.pin, 6),
            "pin_tries must be 1 to 15": 1 <= self.pin_tries <= 15,
            "remove_after must not be negative": self.remove_after >= 0,
            "chunk_size must be 1 to 255": self.chunk_size is None or 0 < self.chunk_size < 256,
        }
        wrong = [message for message, ok in checks.items() if not ok]
        unknown = sorted((self.protected or frozenset()) - FIELDS)
        if unknown:
            wrong.append(f"unknown protected fields {unknown}")
        if wrong:
            raise ValueError("; ".join(wrong))
        _, extension = split_name(self.name)
        if extension and self.generation == 1:
            raise ValueError(f"{self.name!r} needs a name extension, which generation 1 lacks")

    @property
    def spec_version(self) -> str:
        """The specification version the card reports: "1.00", "2.00" or "3.00"."""
        return f"{self.generation}.00"

    @property
    def chunk(self) -> int | None:
        """Longest response piece before 61xx chaining, or None for whole responses."""
        if self.chunk_size is not None:
            return self.chunk_size
        return CHUNK_WHEN_CHUNKED if Fault.CHUNKED in self.faults else None

    @classmethod
    def from_holder(
        cls,
        ssn: str,
        name: str,
        *,
        gender: str | None = None,
        birth_date: date | None = None,
        card_no: str | None = None,
        generation: int = 3,
        card_identifier: str | None = None,
        issue_date: date = DEFAULT_ISSUE_DATE,
        birthplace: str | None = None,
        ethnicity: int = 0x01,
        pin: str = DEFAULT_PIN,
        faults: Iterable[Fault | str] = (),
    ) -> CardProfile:
        """A card for a holder, from plain values (gender "M"/"F"), with sensible defaults.

        The birth date and gender come from the ssn unless given; the card number is made
        from the ssn and the identifier from the card number and the ssn's region.
        """
        region = ssn[:6] if _is_digits(ssn[:6], 6) else "000000"
        number = card_no or _card_no_for(ssn)
        return cls(
            card_identifier=card_identifier or _identifier_for(number, region),
            card_type="3",
            generation=generation,
            initialising_org=region + "0" * 18,
            issue_date=issue_date,
            expiry_date=_years_later(issue_date, VALIDITY_YEARS),
            card_no=number,
            ssn=ssn,
            name=name,
            gender=_gender_code(gender) if gender else gender_code_of(ssn),
            ethnicity=ethnicity,
            birthplace=birthplace or region,
            birth_date=birth_date or birth_date_of(ssn),
            pin=pin,
            faults=parse_faults(faults),
        )


def _gender_code(gender: str) -> str:
    codes = {"M": "1", "F": "2"}
    if gender.upper() not in codes:
        raise ValueError(f"gender must be 'M' or 'F', not {gender!r}")
    return codes[gender.upper()]


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _card_no_for(ssn: str) -> str:
    digest = int.from_bytes(hashlib.sha256(ssn.encode()).digest()[:8], "big")
    return f"A{digest % 10**8:08d}"


def _identifier_for(card_no: str, region: str) -> str:
    return region + SSC_RID + hashlib.sha256(card_no.encode()).hexdigest()[:16].upper()


def _is_hex(text: str, length: int) -> bool:
    return len(text) == length and all(c in string.hexdigits for c in text)


def _is_digits(text: str, length: int) -> bool:
    return len(text) == length and text.isascii() and text.isdigit()


def _is_alnum(text: str, length: int) -> bool:
    return len(text) == length and text.isascii() and text.isalnum()
