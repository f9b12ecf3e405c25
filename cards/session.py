"""The social security application (SSSE) over a transport: select it, read EF05 and EF06, verify
the PIN.

A read sends one READ RECORD per field, addressing the record by number through the EF's SFI
(P2 = SFI << 3 | 4), so no SELECT of the EF is needed. The holder file's record numbers depend
on the card generation, taken from EF05's specification version. When a record is missing or
holds another field, the field is read by its tag instead (P2 = SFI << 3); a record that held
another field is kept for that field, and the rest of the file is then read by tag. A card that
refuses SFI addressing has its EFs selected by file id and read with P2 = 04.
"""

from __future__ import annotations

from cards.apdu import (
    SSSE_NAME,
    StatusWord,
    Transport,
    exchange,
    read_record,
    read_record_by_tag,
    select_by_id,
    select_by_name,
    verify_pin,
)
from cards.errors import ApduError, InvalidPin, NotASocialSecurityCard, PinBlocked, WrongPin
from cards.parsers import (
    EF05_SFI,
    EF06_SFI,
    FIELDS,
    FieldSpec,
    check_holder,
    name_fills_record,
    parse_name,
)
from cards.record import CardRecord

MF_ID = 0x3F00

PROTECTED = "protected: the card requires terminal authentication"
NOT_ON_CARD = "not on this card"

# Answers to the first READ RECORD with SFI addressing that mean "no SFI addressing here".
SFI_REFUSED = frozenset({0x6A86, 0x6A81, 0x6D00, 0x6B00, 0x6A82})
# Answers to READ RECORD by tag that mean the card cannot find the record that way.
TAG_NOT_FOUND = frozenset({0x6A83, 0x6A86, 0x6A81, 0x6D00, 0x6B00})

# field -> record number
ISSUER_RECORDS: dict[str, int] = {
    "card_identifier": 1,
    "card_type": 2,
    "spec_version": 3,
    "initialising_org": 4,
    "issue_date": 5,
    "expiry_date": 6,
    "card_no": 7,
}
HOLDER_RECORDS_GEN1: dict[str, int] = {
    "ssn": 1,
    "name": 2,
    "gender": 3,
    "ethnicity": 4,
    "birthplace": 5,
    "birth_date": 6,
}
HOLDER_RECORDS: dict[str, int] = {
    "ssn": 1,
    "name": 2,
    "name_extension": 3,
    "gender": 4,
    "ethnicity": 5,
    "birthplace": 6,
    "birth_date": 7,
}

NOT_A_SOCIAL_SECURITY_CARD = (
    "the card in the reader is not a social security card (it may be a bank or transit card)"
)


def holder_records(generation: int | None) -> dict[str, int]:
    """EF06's record numbers for a card generation (unknown: as the second and third)."""
    return HOLDER_RECORDS_GEN1 if generation == 1 else HOLDER_RECORDS


class _CountingTransport:
    """A transport that counts the commands it sends."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.count = 0

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send `apdu` through the wrapped transport, counting it."""
        self.count += 1
        return self.inner.transmit(apdu)


class _Unreadable(Exception):
    """Internal: a field the card will not give (the reason goes into `record.unreadable`)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class _FileReader:
    """Reads the records of one EF, remembering how this card wants them addressed."""

    def __init__(self, session: SocialSecurityCardSession, sfi: int) -> None:
        self.session = session
        self.sfi = sfi
        self.by_id = session.sfi_refused  # the EF is selected by file id, records read P2 = 04
        self.selected = False
        self.first = True
        self.by_tag = False
        self.seen: dict[int, bytes] = {}  # records read for another field, by tag

    def read(self, spec: FieldSpec, number: int | None) -> bytes:
        """The record of field `spec`: by `number` (None: by tag), falling back to its tag."""
        if spec.tag in self.seen:
            return self.seen.pop(spec.tag)
        if number is None or self.by_tag:
            return self._read_by_tag(spec)
        apdu, data, sw = self._read_numbered(number)
        if sw == StatusWord.OK:
            if data[:1] == bytes([spec.tag]):
                return data
            if data:
                self.seen[data[0]] = data  # another field's record: keep it for that field
        elif sw == StatusWord.SECURITY_NOT_SATISFIED:
            raise _Unreadable(PROTECTED)
        elif sw != StatusWord.RECORD_NOT_FOUND:
            raise ApduError(f"READ RECORD {spec.name}", apdu, sw)
        return self._read_by_tag(spec)

    def _read_numbered(self, number: int) -> tuple[bytes, bytes, int]:
        """READ RECORD `number` (by SFI, or in the EF selected by id); (apdu, data, sw)."""
        if self.by_id:
            self._select()
        apdu = read_record(number, None if self.by_id else self.sfi)
        data, sw = self.session.send(apdu)
        if self.first and not self.by_id and sw in SFI_REFUSED:
            self.session.sfi_refused = self.by_id = True
            self._select()
            apdu = read_record(number)
            data, sw = self.session.send(apdu)
        self.first = False
        return apdu, data, sw

    def _select(self) -> None:
        if self.selected:
            return
        apdu = select_by_id(0xEF00 | self.sfi)
        _, sw = self.session.send(apdu)
        if sw != StatusWord.OK:
            raise ApduError(f"SELECT EF{self.sfi:02X}", apdu, sw)
        self.selected = True

    def _read_by_tag(self, spec: FieldSpec) -> bytes:
        if self.by_id:
            self._select()
        apdu = read_record_by_tag(spec.tag, 0 if self.by_id else self.sfi)
        data, sw = self.session.send(apdu)
        self.first = False
        if sw == StatusWord.OK:
            if data[:1] == bytes([spec.tag]):
                self.by_tag = True
            return data  # a record with another tag: the parser reports it as damaged
        if sw == StatusWord.SECURITY_NOT_SATISFIED:
            raise _Unreadable(PROTECTED)
        if sw in TAG_NOT_FOUND:
            raise _Unreadable(NOT_ON_CARD)
        raise ApduError(f"READ RECORD {spec.name}", apdu, sw)


class SocialSecurityCardSession:
    """The social security application of the card behind `transport`.

    `apdus` counts every command sent, including GET RESPONSE and resends with a corrected Le.
    """

    def __init__(self, transport: Transport) -> None:
        self._transport = _CountingTransport(transport)
        self.selected = False
        self.sfi_refused = False

    @property
    def apdus(self) -> int:
        """The number of command APDUs sent to the card so far."""
        return self._transport.count

    def send(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one command (61xx and 6Cxx handled); return (data, status word)."""
        return exchange(self._transport, apdu)

    def select(self) -> None:
        """Select SSSE by name; if that fails select the MF and try again.

        Raises NotASocialSecurityCard if the card has no SSSE application.
        """
        self.selected = False
        _, sw = self.send(select_by_name(SSSE_NAME))
        if sw != StatusWord.OK:
            _, sw = self.send(select_by_id(MF_ID, p1=0x00))
            if sw != StatusWord.OK:
                raise NotASocialSecurityCard(NOT_A_SOCIAL_SECURITY_CARD)
            _, sw = self.send(select_by_name(SSSE_NAME))
            if sw != StatusWord.OK:
                raise NotASocialSecurityCard(NOT_A_SOCIAL_SECURITY_CARD)
        self.selected = True

    def read(self) -> CardRecord:
        """Select SSSE and read the issuer (EF05) and holder (EF06) fields.

        A protected or missing field is left None and named in `unreadable`; damaged data
        raises DamagedData naming the field; any other unexpected answer raises ApduError.
        """
        start = self.apdus
        self.select()
        record = CardRecord()
        self._read_fields(_FileReader(self, EF05_SFI), ISSUER_RECORDS, record)
        self._read_fields(_FileReader(self, EF06_SFI), holder_records(record.generation), record)
        check_holder(record)
        record.apdus = self.apdus - start
        return record

    def _read_fields(
        self, reader: _FileReader, records: dict[str, int], record: CardRecord
    ) -> None:
        for name, number in records.items():
            if name == "name_extension":
                continue  # read with the name, and only when the name needs it
            spec = FIELDS[name]
            try:
                data = reader.read(spec, number)
            except _Unreadable as unreadable:
                record.unreadable[name] = unreadable.reason
                continue
            if name == "name":
                value: object = self._name(reader, data, records, record)
            else:
                value = spec.parse(data)
            setattr(record, name, value)

    def _name(
        self, reader: _FileReader, data: bytes, records: dict[str, int], record: CardRecord
    ) -> str:
        """The name, with its extension read only if the name fills its 30 bytes."""
        extension = None
        if name_fills_record(data):
            try:
                extension = reader.read(FIELDS["name_extension"], records.get("name_extension"))
            except _Unreadable as unreadable:
                if unreadable.reason != NOT_ON_CARD:
                    record.unreadable["name_extension"] = unreadable.reason
        return parse_name(data, extension)

    def verify_pin(self, pin: str) -> None:
        """Verify the card PIN once (6 digits). Never retries, never sends a default PIN.

        Raises InvalidPin (nothing sent), WrongPin with the tries left, PinBlocked or ApduError.
        """
        if len(pin) != 6 or not (pin.isascii() and pin.isdigit()):
            raise InvalidPin("the PIN must be exactly 6 digits; nothing was sent to the card")
        if not self.selected:
            self.select()
        apdu = verify_pin(pin)
        _, sw = self.send(apdu)
        if sw == StatusWord.OK:
            return
        if sw & 0xFFF0 == 0x63C0:
            raise WrongPin(sw & 0x0F)
        if sw in (StatusWord.PIN_BLOCKED, StatusWord.APPLICATION_LOCKED):
            raise PinBlocked()
        raise ApduError("VERIFY", apdu[:5], sw)  # the header only: never keep the PIN
