"""The faults a virtual card can be told to have, named as on the command line."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Fault(StrEnum):
    """One way the virtual card misbehaves, to test how clients cope."""

    TRUNCATED = "truncated"  # every record holds fewer bytes than its length byte says
    GARBAGE = "garbage"  # the name is not GBK; the birth date BCD holds non-digit nibbles
    BAD_CHECK_DIGIT = "bad-check-digit"  # the ssn on the card has a wrong check character
    MISMATCH = "mismatch"  # the birth date on the card differs from the one in the ssn
    REMOVE_MIDWAY = "remove-midway"  # the card is pulled out after a few APDUs
    FOREIGN = "foreign"  # not a social security card: every SELECT by name answers 6A82
    MF_FIRST = "mf-first"  # SSSE can be selected only right after selecting the MF
    NO_SFI = "no-sfi"  # READ RECORD with SFI addressing answers 6A86
    CHUNKED = "chunked"  # responses longer than the chunk size come in 61xx pieces


def parse_faults(names: Iterable[str]) -> frozenset[Fault]:
    """Faults from their names (e.g. command-line words); ValueError names the unknown one."""
    faults = set()
    for name in names:
        try:
            faults.add(Fault(name.strip().lower()))
        except ValueError:
            known = ", ".join(fault.value for fault in Fault)
            raise ValueError(f"unknown card fault {name!r} (known: {known})") from None
    return frozenset(faults)
