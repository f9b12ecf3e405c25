"""The virtual card through the real stack: VpcdLink -> vpcd -> pcscd -> pyscard."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from smartcard.CardConnectionDecorator import CardConnectionDecorator
from smartcard.Exceptions import CardConnectionException, NoCardException
from smartcard.System import readers

from cards.apdu import SSSE_NAME, read_record, select_by_id, select_by_name, verify_pin
from cards.errors import ServiceUnavailable
from cards.virtual import CardProfile, Fault, LinkEnd, VirtualCard, VpcdLink
from tests.pcsc_fixtures import reader_states, wait_until_empty

SSN = "370102199003071238"
WAIT_SECONDS = 3.0
ROUND_TRIPS = 200


def virtual_card(*faults: Fault) -> VirtualCard:
    """A second-generation card (nothing protected) with the given faults."""
    return VirtualCard(
        CardProfile.from_holder(SSN, "张三", card_no="X00000019", generation=2, faults=faults)
    )


def send(connection: CardConnectionDecorator, apdu: bytes) -> tuple[bytes, int]:
    """Transmit through pyscard; the response data and status word."""
    data, sw1, sw2 = connection.transmit(list(apdu))
    return bytes(data), sw1 << 8 | sw2


def open_connection(reader_name: str) -> CardConnectionDecorator:
    """A pyscard connection to the card in `reader_name`, waiting for the card to be seen."""
    reader = next(reader for reader in readers() if str(reader) == reader_name)
    connection = reader.createConnection()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            connection.connect()
            return connection
        except (NoCardException, CardConnectionException):
            if time.monotonic() > deadline:
                release(connection)
                raise
            time.sleep(0.02)


def release(connection: CardConnectionDecorator) -> None:
    """Disconnect and free the PC/SC context, whatever state the card is in."""
    with suppress(CardConnectionException):
        connection.release()


@contextmanager
def connected(reader_name: str) -> Iterator[CardConnectionDecorator]:
    """A connection to the card in `reader_name` for the duration of the block."""
    connection = open_connection(reader_name)
    try:
        yield connection
    finally:
        release(connection)


def test_a_linked_card_is_present_and_answers_select_and_read_record(
    vpcd_port: int, vpcd_reader: str
) -> None:
    card = virtual_card()
    with VpcdLink(card, port=vpcd_port), connected(vpcd_reader) as connection:
        assert reader_states()[vpcd_reader] is True
        assert bytes(connection.getATR()) == card.atr
        assert send(connection, select_by_name(SSSE_NAME)) == (b"", 0x9000)
        assert send(connection, read_record(7, sfi=5)) == (b"\x07\x09X00000019", 0x9000)


def test_the_second_virtual_reader_is_served_on_port_35964(pcscd: str) -> None:
    with VpcdLink(virtual_card(), port=35964), connected("Virtual PCD 00 01") as connection:
        assert send(connection, select_by_name(SSSE_NAME)) == (b"", 0x9000)


def test_leaving_the_link_removes_the_card(vpcd_port: int, vpcd_reader: str) -> None:
    with VpcdLink(virtual_card(), port=vpcd_port) as link:
        connection = open_connection(vpcd_reader)
    try:
        assert not link.connected
        with pytest.raises(CardConnectionException):
            send(connection, select_by_name(SSSE_NAME))
        assert wait_until_empty(vpcd_reader, WAIT_SECONDS)
    finally:
        release(connection)


def test_remove_midway_fails_a_transmit_and_removes_the_card(
    vpcd_port: int, vpcd_reader: str
) -> None:
    link = VpcdLink(virtual_card(Fault.REMOVE_MIDWAY), port=vpcd_port)
    with link, connected(vpcd_reader) as connection:
        assert send(connection, select_by_name(SSSE_NAME))[1] == 0x9000
        for number in range(1, 5):
            assert send(connection, read_record(number, sfi=5))[1] == 0x9000
        with pytest.raises(CardConnectionException):
            send(connection, read_record(5, sfi=5))
        assert wait_until_empty(vpcd_reader, WAIT_SECONDS)
        assert link.end is LinkEnd.CARD_REMOVED


def test_a_reset_drops_the_selection_but_keeps_the_pin_counter(
    vpcd_port: int, vpcd_reader: str
) -> None:
    with VpcdLink(virtual_card(), port=vpcd_port), connected(vpcd_reader) as connection:
        send(connection, select_by_name(SSSE_NAME))
        send(connection, select_by_id(0xEF05))
        assert send(connection, verify_pin("000000")) == (b"", 0x63C2)
        connection.reconnect()  # warm reset
        assert send(connection, read_record(1)) == (b"", 0x6A82)
        assert send(connection, bytes.fromhex("00200000")) == (b"", 0x63C2)


def test_serve_forever_ends_when_asked_and_removes_the_card(
    vpcd_port: int, vpcd_reader: str
) -> None:
    link = VpcdLink(virtual_card(), port=vpcd_port)
    stop = threading.Event()
    ends: list[LinkEnd] = []
    server = threading.Thread(target=lambda: ends.append(link.serve_forever(stop)), daemon=True)
    server.start()
    with connected(vpcd_reader) as connection:
        assert send(connection, select_by_name(SSSE_NAME))[1] == 0x9000
    stop.set()
    server.join(timeout=2)
    assert ends == [LinkEnd.STOPPED]
    assert wait_until_empty(vpcd_reader, WAIT_SECONDS)


def test_connecting_gives_up_when_no_virtual_reader_listens() -> None:
    card = virtual_card()
    with pytest.raises(ServiceUnavailable, match="35999"):
        VpcdLink(card, port=35999, connect_timeout=0.2).connect()


def test_many_commands_in_a_row_get_the_answers_of_the_card_in_process(
    vpcd_port: int, vpcd_reader: str
) -> None:
    """Records of every length (and a missing one), ROUND_TRIPS commands in a row: through
    vpcd and pcscd each gets the answer the same card gives in process. vpcd writes every
    message in two pieces, so a link that lost the framing once would answer later commands
    with pieces of earlier answers. (How fast a round trip is: python -m bench.card_read.)"""
    commands = [read_record(number, sfi=sfi) for sfi in (5, 6) for number in range(1, 9)]
    commands = (commands * (ROUND_TRIPS // len(commands) + 1))[:ROUND_TRIPS]
    reference = virtual_card()
    reference.insert()
    reference.respond(select_by_name(SSSE_NAME))
    expected = [(data, int(sw)) for data, sw in map(reference.respond, commands)]
    assert {sw for _, sw in expected} == {0x9000, 0x6A83}
    with VpcdLink(virtual_card(), port=vpcd_port), connected(vpcd_reader) as connection:
        send(connection, select_by_name(SSSE_NAME))
        answers = [send(connection, command) for command in commands]
    assert answers == expected
