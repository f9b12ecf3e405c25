"""The records of EF05 (issuer) and EF06 (holder), built from a profile with its data faults."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from cards.codec import encode_an, encode_cn, tlv
from cards.virtual.faults import Fault
from cards.virtual.names import EXTENSION_LENGTH, NAME_LENGTH, split_name
from cards.virtual.profile import CardProfile
from cards.virtual.ssn import with_wrong_check

EF05 = 0xEF05
EF06 = 0xEF06
NAME_EXTENSION_TAG = 0x4E
GARBAGE_NAME = b"\xff" * NAME_LENGTH  # 0xFF starts no GBK or GB 18030 character
GARBAGE_BIRTH_DATE = bytes.fromhex("19AB0CDE")


class Record(NamedTuple):
    """One record: its tag, the profile field it carries, and its bytes as the card sends them."""

    tag: int
    field: str
    data: bytes


Files = dict[int, dict[int, Record]]  # file id -> record number -> record


def build_files(profile: CardProfile) -> Files:
    """EF05 and EF06, numbered as the profile's generation lays them out."""
    files = {EF05: _numbered(_issuer(profile)), EF06: _numbered(_holder(profile))}
    if Fault.TRUNCATED in profile.faults:
        for records in files.values():
            for number, record in records.items():
                records[number] = record._replace(data=_truncate(record.data))
    return files


def _numbered(records: list[Record | None]) -> dict[int, Record]:
    """Records numbered from 1; a None keeps its number free (READ RECORD answers 6A83)."""
    return {number: record for number, record in enumerate(records, 1) if record}


def _issuer(profile: CardProfile) -> list[Record | None]:
    return [
        Record(0x01, "card_identifier", tlv(0x01, bytes.fromhex(profile.card_identifier))),
        Record(0x02, "card_type", tlv(0x02, encode_an(profile.card_type.encode("ascii"), 1))),
        Record(0x03, "spec_version", tlv(0x03, profile.spec_version.encode("ascii"))),
        Record(0x04, "initialising_org", tlv(0x04, bytes.fromhex(profile.initialising_org))),
        Record(0x05, "issue_date", tlv(0x05, _bcd_date(profile.issue_date))),
        Record(0x06, "expiry_date", tlv(0x06, _bcd_date(profile.expiry_date))),
        Record(0x07, "card_no", tlv(0x07, encode_an(profile.card_no.encode("ascii"), 9))),
    ]


def _holder(profile: CardProfile) -> list[Record | None]:
    faults = profile.faults
    ssn = with_wrong_check(profile.ssn) if Fault.BAD_CHECK_DIGIT in faults else profile.ssn
    head, rest = split_name(profile.name)
    name = GARBAGE_NAME if Fault.GARBAGE in faults else encode_an(head, NAME_LENGTH)
    birth_date = profile.birth_date
    if Fault.MISMATCH in faults:
        birth_date += timedelta(days=1)
    born = GARBAGE_BIRTH_DATE if Fault.GARBAGE in faults else _bcd_date(birth_date)
    extension = None
    if rest:
        value = encode_an(rest, EXTENSION_LENGTH)
        extension = Record(NAME_EXTENSION_TAG, "name", tlv(NAME_EXTENSION_TAG, value))
    records: list[Record | None] = [
        Record(0x08, "ssn", tlv(0x08, encode_an(ssn.encode("ascii"), 18))),
        Record(0x09, "name", tlv(0x09, name)),
        Record(0x0A, "gender", tlv(0x0A, profile.gender.encode("ascii"))),
        Record(0x0B, "ethnicity", tlv(0x0B, bytes([profile.ethnicity]))),
        Record(0x0C, "birthplace", tlv(0x0C, encode_cn(profile.birthplace, 3))),
        Record(0x0D, "birth_date", tlv(0x0D, born)),
    ]
    if profile.generation >= 2:
        records.insert(2, extension)  # record 3, absent without an extension
    return records


def _bcd_date(day: date) -> bytes:
    return encode_cn(day.strftime("%Y%m%d"), 4)


def _truncate(data: bytes) -> bytes:
    """Header and half the value: always shorter than the length byte says."""
    return data[: 2 + data[1] // 2]
