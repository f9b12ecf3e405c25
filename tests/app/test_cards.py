"""The card at the counter: a real PC/SC reader (pcscd + vpcd), and the training reader."""

from __future__ import annotations

from collections.abc import Callable

from cards.virtual import CardProfile, VirtualCard, VpcdLink
from cards.virtual.service import wait_until_empty
from desktop.core.config import ReaderMode
from desktop.core.training import CardKind, holder_profile
from models.actor import Actor
from models.enums import Role
from tests.app.conftest import Sample
from tests.app.driver import AppDriver

TRAINER = Actor("clerk01", Role.CLERK)


def test_an_inserted_card_opens_its_holder_and_a_wrong_pin_shows_the_tries_left(
    make_app: Callable[..., AppDriver],
    samples: dict[str, Sample],
    vpcd_port: int,
    vpcd_reader: str,
) -> None:
    app = make_app(reader=ReaderMode.PCSC, tick_ms=50)
    app.pump(lambda: app.window.cards.view.reader == vpcd_reader, "pcscd's virtual reader")
    app.sign_in()
    sample = samples["contributor"]
    card = VirtualCard(holder_profile(sample.card_no, TRAINER))
    with VpcdLink(card, port=vpcd_port):
        customer = app.wait_for_screen("customer")
        assert customer.visit.card is not None and customer.visit.card.card_no == sample.card_no
        assert customer.visit.overview.person.ssn == sample.ssn
        assert f"{vpcd_reader}: card inserted" in app.window.statusbar.reader.cget("text")
        panel = customer.verification
        assert app.focused() == panel.pin
        app.type_into(panel.pin, "000000")
        app.press("Return", panel.pin)
        app.settle()
        assert panel.pin_state.cget("text") == "Wrong PIN: 2 tries left before the card locks."
        app.screenshot("customer-wrong-pin")
        app.type_into(panel.pin, "123456")
        panel.pin_button.invoke()
        app.settle()
        assert panel.pin_state.cget("text") == "✔ PIN verified"
    app.pump(lambda: not app.window.cards.view.card_present, "the card's removal")
    assert wait_until_empty(vpcd_reader)


def test_a_card_from_another_city_is_identified_and_the_clerk_told_what_can_be_done(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app(training=True)
    app.sign_in()
    app.window.menus.training.invoke(1)  # Insert a card from another city
    screen = app.wait_for_screen("unknown_card")
    assert "region Beijing (region code 110102), in another city" in screen.explanation.cget("text")
    assert "12333" in screen.advice.cget("text")
    assert screen.as_of.cget("text").startswith("Data as of")
    app.screenshot("unknown-card-other-city")
    app.press("Escape", screen)
    app.wait_for_screen("waiting")


def test_a_damaged_and_a_foreign_card_get_a_clear_message(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(training=True)
    app.sign_in()
    waiting = app.screen
    app.window.training.insert(samples["contributor"].card_no, CardKind.DAMAGED)
    app.pump(lambda: "damaged" in waiting.message.cget("text"), "the damaged card's message")
    assert "offer a replacement card" in waiting.message.cget("text")
    app.screenshot("waiting-damaged-card")
    app.window.training.insert(samples["contributor"].card_no, CardKind.FOREIGN)
    app.pump(
        lambda: "not a social security card" in waiting.message.cget("text"),
        "the foreign card's message",
    )
    assert app.key == "waiting"


def test_the_training_menu_inserts_a_demo_persons_card(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(training=True)
    app.sign_in()
    app.window.menus.training.invoke(0)  # Insert the card of a demo person…
    app.pump(lambda: app.window.dialogs.current is not None, "the training dialog")
    dialog = app.window.dialogs.current
    assert [row[1] for row in dialog.table.rows()][:4] == [s.name for s in samples.values()][:4]
    app.screenshot("training-dialog")
    app.press("Return", dialog.table.tree)
    customer = app.wait_for_screen("customer")
    assert customer.visit.card is not None
    assert customer.visit.overview.person.ssn == samples["contributor"].ssn
    assert "Training reader: card inserted" in app.window.statusbar.reader.cget("text")


def test_a_card_unknown_here_opens_its_holder_by_the_id_number_on_it(
    make_app: Callable[..., AppDriver], samples: dict[str, Sample]
) -> None:
    app = make_app(training=True)
    app.sign_in()
    sample = samples["retiree"]
    new_card = CardProfile.from_holder(sample.ssn, sample.name, card_no="B99999999", generation=2)
    app.window.cards.insert_training_card(new_card)
    customer = app.wait_for_screen("customer")
    assert customer.visit.overview.person.ssn == sample.ssn
    assert "Card B99999999 is not in this office's register" in customer.notice.cget("text")
    app.screenshot("customer-card-not-in-register")


def test_a_card_from_another_city_names_its_region_in_chinese(
    make_app: Callable[..., AppDriver],
) -> None:
    app = make_app(training=True, lang="zh")
    app.sign_in()
    app.window.menus.training.invoke(1)  # Insert a card from another city
    screen = app.wait_for_screen("unknown_card")
    shown = [w.cget("text") for w in screen.fields.winfo_children()]
    assert "北京市（地区代码 110102）" in shown and "110102" not in shown
    assert "北京市（地区代码 110102）" in screen.explanation.cget("text")
    app.screenshot("unknown-card-other-city-zh")
