"""The counter's chosen card reader (office setting `card_reader`): other readers are ignored."""

from __future__ import annotations

from cards.monitor import EventKind, ReaderEvent
from desktop.app.root import with_stored_settings
from desktop.core.cardreader import CardService
from desktop.core.config import AppConfig, ReaderMode
from models.home import OfficeHome
from models.schema import OfficeSetting, write_transaction

COUNTER = "Counter reader 00 00"
OTHER = "Contactless pad 00 01"


def _feed(service: CardService, *events: tuple[EventKind, str]) -> list[ReaderEvent]:
    """Events as the monitor hands them over, through the service's listener to `accept`."""
    arrived: list[ReaderEvent] = []
    service.listen(arrived.append)
    for kind, reader in events:
        service.put(ReaderEvent(kind, reader))
    return [event for event in arrived if service.accept(event)]


def test_a_chosen_reader_hides_the_events_of_the_other_readers() -> None:
    service = CardService(ReaderMode.PCSC, preferred=COUNTER)
    seen = _feed(
        service,
        (EventKind.READER_ATTACHED, OTHER),
        (EventKind.READER_ATTACHED, COUNTER),
        (EventKind.CARD_INSERTED, OTHER),
    )
    assert [(e.kind, e.reader) for e in seen] == [(EventKind.READER_ATTACHED, COUNTER)]
    assert service.view.reader == COUNTER and not service.view.card_present
    seen = _feed(service, (EventKind.CARD_INSERTED, COUNTER))
    assert service.view.card_present and seen[0].reader == COUNTER


def test_without_a_chosen_reader_any_reader_holding_a_card_is_used() -> None:
    service = CardService(ReaderMode.PCSC)
    _feed(service, (EventKind.READER_ATTACHED, COUNTER), (EventKind.READER_ATTACHED, OTHER))
    _feed(service, (EventKind.CARD_INSERTED, OTHER))
    assert service.view.reader == OTHER and service.view.card_present


def test_the_reader_comes_from_the_office_setting_unless_configured(demo: OfficeHome) -> None:
    demo.open()
    assert with_stored_settings(AppConfig()).card_reader == ""
    with write_transaction():
        OfficeSetting.replace(key="card_reader", value=COUNTER).execute()
    assert with_stored_settings(AppConfig()).card_reader == COUNTER
    assert with_stored_settings(AppConfig(card_reader="")).card_reader == ""
    assert with_stored_settings(AppConfig(card_reader=OTHER)).card_reader == OTHER
