"""The card layer through the real stack: pyscard -> pcscd -> vpcd -> the virtual card."""

from __future__ import annotations

import queue
from datetime import date

import pytest

from cards.errors import (
    CardRemoved,
    DamagedData,
    NoCard,
    NotASocialSecurityCard,
    PinBlocked,
    WrongPin,
)
from cards.monitor import EventKind, ReaderEvent, ReaderMonitor
from cards.pcsc import PcscContext
from cards.session import SocialSecurityCardSession
from cards.virtual import CardProfile, VirtualCard, VpcdLink
from cards.virtual.service import wait_until_empty

SSN = "11010519491231002X"


def card(generation: int = 2, faults: tuple[str, ...] = (), name: str = "张三") -> VirtualCard:
    profile = CardProfile.from_holder(
        SSN,
        name,
        card_no="X00000019",
        generation=generation,
        faults=faults,
        issue_date=date(2020, 5, 1),
    )
    return VirtualCard(profile)


def read_through_pcsc(reader: str) -> tuple[SocialSecurityCardSession, object]:
    with PcscContext() as context, context.connect(reader, wait_ms=3000) as transport:
        session = SocialSecurityCardSession(transport)
        return session, session.read()


@pytest.mark.parametrize("generation", [1, 2, 3])
def test_every_generation_reads_through_pcscd(
    vpcd_port: int, vpcd_reader: str, generation: int
) -> None:
    with VpcdLink(card(generation), port=vpcd_port):
        _session, record = read_through_pcsc(vpcd_reader)
    assert record.card_no == "X00000019"
    assert record.generation == generation
    assert record.name == "张三"
    assert record.apdus <= 15
    if generation == 3:
        assert record.ssn is None and "ssn" in record.unreadable
    else:
        assert (record.ssn, record.birth_date, record.gender) == (SSN, date(1949, 12, 31), "F")
        assert record.complete


def test_a_pin_right_then_wrong_then_blocked(vpcd_port: int, vpcd_reader: str) -> None:
    with (
        VpcdLink(card(), port=vpcd_port),
        PcscContext() as context,
        context.connect(vpcd_reader, wait_ms=3000) as transport,
    ):
        session = SocialSecurityCardSession(transport)
        session.verify_pin("123456")
        with pytest.raises(WrongPin) as first:
            session.verify_pin("000000")
        assert first.value.tries_left == 2
        for _ in range(2):
            with pytest.raises(WrongPin):
                session.verify_pin("000000")
        with pytest.raises(PinBlocked):
            session.verify_pin("123456")


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("garbage", DamagedData),
        ("truncated", DamagedData),
        ("bad-check-digit", DamagedData),
        ("mismatch", DamagedData),
        ("foreign", NotASocialSecurityCard),
        ("remove-midway", CardRemoved),
    ],
)
def test_a_damaged_or_foreign_card_raises_a_typed_error(
    vpcd_port: int, vpcd_reader: str, fault: str, error: type[Exception]
) -> None:
    with VpcdLink(card(faults=(fault,)), port=vpcd_port), pytest.raises(error):
        read_through_pcsc(vpcd_reader)


@pytest.mark.parametrize("fault", ["mf-first", "no-sfi", "chunked"])
def test_awkward_but_valid_cards_still_read_completely(
    vpcd_port: int, vpcd_reader: str, fault: str
) -> None:
    with VpcdLink(card(faults=(fault,)), port=vpcd_port):
        _session, record = read_through_pcsc(vpcd_reader)
    assert record.complete and record.ssn == SSN


def test_an_empty_reader_says_there_is_no_card(vpcd_reader: str) -> None:
    with PcscContext() as context:
        states = {s.name: s.card_present for s in context.states()}
        assert states[vpcd_reader] is False
        with pytest.raises(NoCard, match="insert the card"):
            context.connect(vpcd_reader)


def test_the_monitor_reports_insertion_and_removal(vpcd_port: int, vpcd_reader: str) -> None:
    events: queue.Queue[ReaderEvent] = queue.Queue()
    monitor = ReaderMonitor(PcscContext, events, wait_ms=100)
    monitor.start()
    try:
        seen = [events.get(timeout=5) for _ in range(2)]
        assert {(e.kind, e.reader) for e in seen} >= {(EventKind.READER_ATTACHED, vpcd_reader)}
        with VpcdLink(card(), port=vpcd_port):
            inserted = _next_for(events, vpcd_reader)
            assert inserted.kind == EventKind.CARD_INSERTED
        removed = _next_for(events, vpcd_reader)
        assert removed.kind == EventKind.CARD_REMOVED
        assert removed.at > inserted.at
    finally:
        monitor.stop()
        wait_until_empty(vpcd_reader)


def _next_for(events: queue.Queue[ReaderEvent], reader: str) -> ReaderEvent:
    while True:
        event = events.get(timeout=5)
        if event.reader == reader and event.kind in (
            EventKind.CARD_INSERTED,
            EventKind.CARD_REMOVED,
        ):
            return event
