"""Reporting a card lost and cancelling the report: state rules, outbox, audit, atomicity."""

from __future__ import annotations

import json

import peewee
import pytest

from models import outbox
from models.actor import Actor
from models.cardops import cancel_card_loss, report_card_lost
from models.enums import CardStatus, Role
from models.errors import InvalidRequest, NotFound
from models.schema import AuditEvent, Card, Outbox
from tests.factories import add_card, add_person

CLERK = Actor("clerk01", Role.CLERK)


def test_reporting_an_active_card_lost_marks_it_queues_it_and_logs_it(home) -> None:
    person = add_person()
    add_card(person, "A12345678")
    report_card_lost("a12345678", CLERK)
    assert Card.get(Card.card_no == "A12345678").status == "lost"
    entry = Outbox.get()
    assert entry.command == "card.report_lost" and entry.status == "pending"
    assert json.loads(entry.payload)["card_no"] == "A12345678"
    assert len(entry.uuid) == 36
    event = AuditEvent.get()
    assert (event.actor, event.action, event.person_id) == (
        "clerk01",
        "card.report_lost",
        person.id,
    )


def test_cancelling_a_loss_report_makes_the_card_active_again(home) -> None:
    add_card(add_person(), "A12345678", CardStatus.LOST)
    cancel_card_loss("A12345678", CLERK)
    assert Card.get(Card.card_no == "A12345678").status == "active"
    assert [e.command for e in Outbox.select()] == ["card.cancel_loss"]


@pytest.mark.parametrize("status", [CardStatus.LOST, CardStatus.CANCELLED, CardStatus.REPLACED])
def test_only_an_active_card_can_be_reported_lost(home, status: CardStatus) -> None:
    add_card(add_person(), "A12345678", status)
    with pytest.raises(InvalidRequest, match="only an active card"):
        report_card_lost("A12345678", CLERK)
    assert Outbox.select().count() == 0


def test_cancelling_a_card_that_is_not_lost_is_refused(home) -> None:
    add_card(add_person(), "A12345678")
    with pytest.raises(InvalidRequest, match="no loss report to cancel"):
        cancel_card_loss("A12345678", CLERK)


def test_an_unknown_card_is_not_found(home) -> None:
    with pytest.raises(NotFound, match="no card Z99999999"):
        report_card_lost("Z99999999", CLERK)


def test_a_failing_outbox_write_leaves_the_card_unchanged(home, monkeypatch) -> None:
    add_card(add_person(), "A12345678")

    def broken(*_args, **_kwargs):
        raise peewee.OperationalError("database or disk is full")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with pytest.raises(peewee.OperationalError):
        report_card_lost("A12345678", CLERK)
    assert Card.get(Card.card_no == "A12345678").status == "active"
    assert AuditEvent.select().count() == 0


def test_enqueue_outside_a_transaction_is_refused(home) -> None:
    with pytest.raises(RuntimeError, match="inside the write's transaction"):
        outbox.enqueue("card.report_lost", {}, CLERK)
