"""The office relay with headquarters, the relay and workstations as separate processes on
loopback; the relay's link to headquarters (the WAN) goes through the fault proxy."""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.cli_helpers import COUNTERDESK, cli_env, run
from tests.fault_proxy import Fault, FaultProxy
from tests.pdf_helpers import scan_qr
from tests.relay_fixtures import FOREVER, Office, Workstation


def active_card(station: Workstation, skip: int = 0) -> str:
    return station.query(
        "SELECT card_no FROM card WHERE status = 'active' ORDER BY id LIMIT 1 OFFSET ?", skip
    )[0][0]


def card_status(station: Workstation, card_no: str) -> str:
    return station.query("SELECT status FROM card WHERE card_no = ?", card_no)[0][0]


def outbox(station: Workstation) -> dict[str, str]:
    return dict(station.query("SELECT uuid, status FROM outbox"))


NUMBERS = "SELECT number FROM statement"


def batch(station: Workstation, out: Path, year: int) -> tuple[subprocess.Popen[str], int]:
    """`statements batch` of the year of everyone with contributions in it, on a workstation,
    started (not waited for), and how many persons it holds."""
    ids = out.with_name(f"{out.name}-{year}.txt")
    paid = station.query(
        "SELECT DISTINCT p.ssn FROM person p JOIN contribution c ON c.person_id = p.id "
        "WHERE c.period BETWEEN ? AND ? ORDER BY p.ssn",
        year * 100 + 1,
        year * 100 + 12,
    )
    ids.write_text("".join(f"{ssn}\n" for (ssn,) in paid), "utf-8")
    args = ["statements", "batch", "--ids", str(ids), "--year", str(year), "--workers", "1"]
    started = subprocess.Popen(
        [str(COUNTERDESK), "--home", str(station.home), *args, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    return started, len(paid)


@pytest.mark.slow
def test_the_office_works_as_one_through_its_relay_while_the_wan_is_down(
    office: Office, tmp_path: Path
) -> None:
    window, other, kiosk = (office.add_workstation(), office.add_workstation(),
                            office.add_workstation("kiosk"))  # fmt: skip
    office.cut_wan()
    # a card reported lost at one window is refused at the next one and at the kiosk
    lost = active_card(window)
    window.cli("card", "report-lost", lost)
    assert "held by the office relay" in window.sync().stdout
    # its audit events are held at the relay too: not sent again at every sync meanwhile
    held = (
        "SELECT cursor, json_extract(detail, '$.relayed.up_to') FROM sync_state WHERE channel = ?"
    )
    cursor, relayed = window.query(held, "audit")[0]
    assert relayed > int(cursor or 0)
    for station in (other, kiosk):
        station.sync()
        assert card_status(station, lost) == "lost"
    refused = other.cli("card", "report-lost", lost, check=False)
    assert refused.returncode != 0 and "lost" in refused.stderr
    # three workstations print a batch of statements each, at the same time, offline, twice
    printed = Counter[str]()
    for year in (2024, 2025):
        batches = [(s, *batch(s, tmp_path / s.code, year)) for s in (window, other, kiosk)]
        for station, started, persons in batches:
            assert started.wait(300) == 0, started.stderr.read() if started.stderr else ""
            printed[station.code] += persons
    for station in (window, other, kiosk):
        station.sync()
    numbers = [n for s in (window, other, kiosk) for (n,) in s.query(NUMBERS)]
    assert len(numbers) == len(set(numbers))
    for station in (window, other, kiosk):
        assert len(station.query(NUMBERS)) >= printed[station.code] > 50
    # the WAN returns; the relay is killed while it forwards, and started again
    office.restore_wan()
    office.stop_relay(signal.SIGKILL)
    office.start_relay()
    office.wait_until_forwarded()
    for station in (window, other, kiosk):
        station.sync()
        assert set(outbox(station).values()) == {"accepted"}, outbox(station)
    # every command reached headquarters exactly once, under its own workstation
    sent = [uuid for s in (window, other, kiosk) for uuid in outbox(s)]
    at_hq = office.hq_query("SELECT uuid FROM command WHERE office_id LIKE 'lixia-%'")
    assert Counter(u for (u,) in at_hq) == Counter(sent)
    held = {n for (n,) in office.hq_query("SELECT number FROM statement")}
    assert held >= set(numbers)
    assert office.hq_query("SELECT status FROM card WHERE card_no = ?", lost) == [("lost",)]
    # a statement of each workstation checks out at headquarters
    for station in (window, other, kiosk):
        pdf = next((tmp_path / station.code).glob("*.pdf"))
        payload = scan_qr(pdf, tmp_path)
        verdict = json.loads(office.hq_cli("verify-statement", payload, "--json"))
        assert verdict["genuine"] is True and verdict["statement"]["workstation"] == station.code


@pytest.mark.slow
def test_a_rebuilt_relay_and_a_workstation_cut_from_the_lan_lose_nothing(office: Office) -> None:
    window = office.add_workstation()
    lan = FaultProxy(office.relay_port)  # the far workstation's LAN cable
    try:
        far = office.add_workstation(url=lan.url)
        # the WAN is down: the window's command waits at the relay, which then dies for good
        office.cut_wan()
        first = active_card(window)
        window.cli("card", "report-lost", first)
        window.sync()
        office.stop_relay(signal.SIGKILL)
        for name in ("relay.db", "relay.db-wal", "relay.db-shm"):
            (office.relay_home / name).unlink(missing_ok=True)
        # the far workstation's LAN is cut too: it keeps serving alone
        lan.arm(Fault.REFUSE, "/", FOREVER)
        second = active_card(far, skip=3)
        far.cli("card", "report-lost", second)
        cut = far.sync(check=False)
        assert cut.returncode == 6 and "the office relay" in cut.stderr
        assert card_status(far, second) == "lost"
        # a new relay is built from headquarters; the workstations copy it and send again
        office.restore_wan()
        office.init_relay()
        office.start_relay()
        lan.disarm()
        for station in (window, far):
            refused = station.sync(check=False)  # the feed changed: the register is copied again
            assert refused.returncode == 6 and "copies the register again" in refused.stderr
            station.sync()
        office.wait_until_forwarded()
        for station in (window, far):
            station.sync()
            assert set(outbox(station).values()) == {"accepted"}, outbox(station)
            assert card_status(station, first) == card_status(station, second) == "lost"
        sent = [uuid for s in (window, far) for uuid in outbox(s)]
        at_hq = office.hq_query("SELECT uuid FROM command WHERE office_id LIKE 'lixia-%'")
        assert Counter(u for (u,) in at_hq) == Counter(sent)
    finally:
        lan.close()


@pytest.mark.slow
def test_the_same_card_changed_at_two_offices_is_corrected_on_every_workstation(
    office: Office,
) -> None:
    window, other = office.add_workstation(), office.add_workstation()
    token = office.hq_cli("enrol-office", "--office", "east", "--district", "370102")
    elsewhere = Workstation(office.root / "east", "", token)
    run("init", "--district", "370102", "--no-admin", home=elsewhere.home)
    elsewhere.cli("sync", "enrol", "--hq", office.hq_url, "--token", token)
    elsewhere.sync()
    card = active_card(window)
    office.cut_wan()
    window.cli("card", "report-lost", card)
    window.sync()
    other.sync()
    elsewhere.cli("card", "report-lost", card)  # the other office reaches headquarters first
    elsewhere.sync()
    when = "SELECT status_changed_at FROM card WHERE card_no = ?"
    assert other.query(when, card) != office.hq_query(when, card)  # the office's own view
    office.restore_wan()
    office.wait_until_forwarded()
    window.sync()
    other.sync()
    rejected = window.query("SELECT status, reason FROM outbox WHERE command = 'card.report_lost'")
    assert rejected[0][0] == "rejected" and "card_state" in rejected[0][1]
    truth = office.hq_query("SELECT status, status_changed_at FROM card WHERE card_no = ?", card)
    for station in (window, other, elsewhere):
        row = station.query("SELECT status, status_changed_at FROM card WHERE card_no = ?", card)
        assert row == truth
