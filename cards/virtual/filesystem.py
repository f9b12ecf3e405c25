"""The card's files: MF, DF SSSE, EF05 and EF06; what is selected; which record a READ reaches."""

from __future__ import annotations

from cards.apdu import SSSE_NAME, StatusWord
from cards.virtual.faults import Fault
from cards.virtual.profile import CardProfile
from cards.virtual.records import EF05, EF06, Record, build_files

MF = 0x3F00
SSSE = "SSSE"
FILES_BY_SFI = {5: EF05, 6: EF06}
BY_NUMBER = 0x04  # low bits of READ RECORD's P2: P1 is a record number; 0: P1 is a tag


class FileSystem:
    """Selection state and record lookup, with the faults that change how files are reached."""

    def __init__(self, profile: CardProfile) -> None:
        self._files = build_files(profile)
        self._faults = profile.faults
        self._protected = profile.protected or frozenset()
        self._df: int | str | None = None
        self._ef: int | None = None

    def reset(self) -> None:
        """Back to the state after power on: the MF implicitly current, no EF."""
        self._df = None
        self._ef = None

    def select(self, p1: int, data: bytes) -> int:
        """SELECT by name (P1 04) or by file id (P1 00 or 02); the status word."""
        if p1 == 0x04:
            return self._select_name(data)
        if p1 not in (0x00, 0x02):
            return StatusWord.WRONG_P1P2
        if p1 == 0x00 and data in (b"", MF.to_bytes(2, "big")):
            self._df, self._ef = MF, None
            return StatusWord.OK
        file_id = int.from_bytes(data, "big") if len(data) == 2 else None
        if self._df != SSSE or file_id not in self._files:
            return StatusWord.FILE_NOT_FOUND
        self._ef = file_id
        return StatusWord.OK

    def _select_name(self, name: bytes) -> int:
        if Fault.FOREIGN in self._faults or name != SSSE_NAME:
            return StatusWord.FILE_NOT_FOUND
        if Fault.MF_FIRST in self._faults and self._df != MF:
            return StatusWord.FILE_NOT_FOUND
        self._df, self._ef = SSSE, None
        return StatusWord.OK

    def read_record(self, p1: int, p2: int) -> tuple[bytes, int]:
        """READ RECORD: the record's bytes and 9000, or no bytes and the error status word."""
        sfi, mode = p2 >> 3, p2 & 0x07
        if mode not in (0, BY_NUMBER) or (sfi and Fault.NO_SFI in self._faults):
            return b"", StatusWord.WRONG_P1P2
        file_id = self._ef
        if sfi:
            file_id = FILES_BY_SFI.get(sfi) if self._df == SSSE else None
        if file_id is None:
            return b"", StatusWord.FILE_NOT_FOUND
        self._ef = file_id  # addressing an EF by SFI makes it current (ISO 7816-4)
        record = self._find(file_id, p1, by_number=mode == BY_NUMBER)
        if record is None:
            return b"", StatusWord.RECORD_NOT_FOUND
        if record.field in self._protected:
            return b"", StatusWord.SECURITY_NOT_SATISFIED
        return record.data, StatusWord.OK

    def _find(self, file_id: int, key: int, by_number: bool) -> Record | None:
        records = self._files[file_id]
        if by_number:
            return records.get(key)
        return next((record for record in records.values() if record.tag == key), None)
