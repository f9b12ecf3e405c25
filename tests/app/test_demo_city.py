"""The application against a real headquarters on loopback: the demo city of `make run`.

Headquarters is `counterdesk hq serve` in its own process over a copy of the demo city's
database; the office was enrolled and copied from it by `desktop.demo_city`. A card reported
lost at the counter during a (simulated) network outage waits, then reaches headquarters and
is confirmed when the line comes back.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from desktop.core.config import ReaderMode
from desktop.core.sync_link import SyncLink
from desktop.demo_city import DemoCity, ensure_headquarters, ensure_office, start_headquarters
from desktop.local_hq import LocalHq, counterdesk_command, port_is_free, running_local_hq
from models.db import close_register
from models.enums import CardStatus
from models.home import OfficeHome, setting
from models.schema import Card, Outbox
from sync.errors import LinkStatus
from testkit import free_port
from tests.app.driver import AppDriver
from tests.cli_helpers import cli_env

FAST = {"status_refresh_ms": 100, "tick_ms": 50}
PERSONS = 150


@dataclass
class City:
    """A running copy of the demo city: the office's home and its headquarters."""

    home: OfficeHome
    hq: LocalHq


def _quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="session")
def city_template(tmp_path_factory: pytest.TempPathFactory) -> DemoCity:
    """A small demo city made once: headquarters' database and the enrolled, copied office."""
    root = tmp_path_factory.mktemp("demo-city")
    city = DemoCity(OfficeHome(root / "office"), root / "office-hq", persons=PERSONS, port=0)
    ensure_headquarters(city, _quiet)
    hq = start_headquarters(city)
    try:
        assert ensure_office(city, hq, _quiet)
    finally:
        hq.stop()
    return city


@pytest.fixture
def city(city_template: DemoCity, tmp_path: Path) -> Iterator[City]:
    """A copy of the city for one test, with its headquarters running on a free port."""
    office = tmp_path / "office"
    hq_folder = tmp_path / "office-hq"
    shutil.copytree(city_template.home.path, office)
    shutil.copytree(city_template.hq_folder, hq_folder)
    copy = DemoCity(OfficeHome(office), hq_folder, persons=PERSONS, port=0)
    with running_local_hq(copy.hq_db_url) as hq:
        assert ensure_office(copy, hq, _quiet)  # points the office at this port, syncs
        yield City(copy.home, hq)
    close_register()


def _hq_card_status(hq: LocalHq, card_no: str) -> str:
    """The card's state as headquarters holds it (its support look-up, as a supervisor)."""
    done = subprocess.run(
        [*counterdesk_command(), "hq", "lookup", "--db", hq.db_url, "--card", card_no, "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=cli_env(),  # signed in as the demo roster's supervisor
    )
    cards = json.loads(done.stdout)["cards"]
    return next(c["status"] for c in cards if c["card_no"] == card_no)


@pytest.mark.slow
def test_the_demo_city_office_is_a_training_district_with_staff_and_people(
    city: City,
) -> None:
    city.home.open()
    assert setting("demo_state") == "complete"
    assert setting("demo_source") == "headquarters"
    assert setting("demo_samples") not in (None, "[]")
    assert httpx.get(f"{city.hq.url}/v1/hello", timeout=5).status_code < 500


def test_a_card_reported_lost_during_an_outage_is_confirmed_when_the_line_is_back(
    make_app: Callable[..., AppDriver], city: City
) -> None:
    app = make_app(home=city.home, training=True, reader=ReaderMode.TRAINING, **FAST)
    window = app.window
    window.sync = SyncLink.start(
        city.home, window.tasks.listener(window.status_published), window.outage
    )
    app.pump(
        lambda: window.snapshot is not None and window.snapshot.state is LinkStatus.ONLINE,
        "the office to be online",
    )
    app.sign_in()
    samples = json.loads(setting("demo_samples") or "[]")
    contributor = next(s for s in samples if s["label"] == "contributor")
    card_no = contributor["card_no"]

    window.menus.outage_var.set(True)
    window.training.set_outage(True)
    app.pump(
        lambda: window.snapshot is not None and window.snapshot.state is LinkStatus.OFFLINE,
        "the status bar to show the outage",
    )
    assert "simulated" in str(window.snapshot.reason)
    app.screenshot("demo-city-outage")

    customer = app.open_by_id(Card.get(Card.card_no == card_no).person.ssn)
    app.press("F5", customer)
    app.answer_dialog(yes=True)
    app.settle()
    assert Card.get(Card.card_no == card_no).status == CardStatus.LOST
    app.pump(
        lambda: "1 change waiting" in window.statusbar.pending.cget("text"),
        "the status bar to count the change",
    )
    assert customer.log.texts()[-1].endswith("waiting for headquarters")
    assert _hq_card_status(city.hq, card_no) == "active"
    app.screenshot("demo-city-lost-offline")

    window.menus.outage_var.set(False)
    window.training.set_outage(False)
    app.pump(
        lambda: customer.log.texts()[-1].endswith("confirmed by headquarters"),
        "headquarters' confirmation",
        timeout=60,
    )
    assert Outbox.get(Outbox.command == "card.report_lost").status == "accepted"
    assert _hq_card_status(city.hq, card_no) == "lost"
    app.screenshot("demo-city-confirmed")


def test_a_terminated_demo_city_closes_the_app_and_stops_headquarters(
    city_template: DemoCity, tmp_path: Path, display: str
) -> None:
    office, hq_folder = tmp_path / "office", tmp_path / "office-hq"
    shutil.copytree(city_template.home.path, office)
    shutil.copytree(city_template.hq_folder, hq_folder)
    port = free_port()
    argv = [*counterdesk_command(), "--home", str(office), "demo-city"]
    argv += ["--hq-folder", str(hq_folder), "--port", str(port), "--persons", str(PERSONS)]
    log = tmp_path / "demo-city.log"
    with log.open("w") as said:
        demo = subprocess.Popen(
            argv, env=cli_env({"DISPLAY": display}), stdout=said, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120
        while "until the application is closed" not in log.read_text(errors="replace"):
            assert demo.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the application was never opened"
            time.sleep(0.2)
        assert not port_is_free(port)  # headquarters serves
        demo.send_signal(signal.SIGTERM)
        demo.wait(60)
    finally:
        if demo.poll() is None:
            demo.kill()
        left = subprocess.run(["pkill", "-f", str(hq_folder)], check=False)  # never leave any
    assert demo.returncode == 128 + signal.SIGTERM
    assert left.returncode == 1  # pkill found no headquarters left serving
    assert "Headquarters stopped." in log.read_text(errors="replace")
    assert port_is_free(port)
    apps = subprocess.run(["pgrep", "-f", f"{office} app"], capture_output=True, text=True)
    assert apps.stdout.strip() == ""  # the application was closed too
