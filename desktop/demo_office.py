"""The demo office of many workstations: beside the demo city's headquarters, an office relay
(HOME-relay) and N workstation homes (HOME-ws1 ...) enrolled with it, so a newcomer can watch a
change made at one window reach the others through the relay, and what happens when the line to
headquarters is cut (the Training menu of each window).

As `demo_city`, every step is the real command line in a child process (`hq enrol-workstation`,
`relay init`, `sync enrol`, `sync --once`) and a second run only starts what is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.demo_city import (
    DEMO_OFFICE_ID,
    DemoCity,
    Say,
    mark_demo,
    office_state,
    point_at,
    run_step,
)
from desktop.local_hq import LocalHq, port_is_free, start_local_relay
from models.db import close_register
from models.demo.vocabulary import office_name
from models.home import OfficeHome

RELAY_PORT = 8710


@dataclass(frozen=True)
class DemoOffice:
    """Where the relay and the workstation homes of the demo office live."""

    city: DemoCity
    workstations: int

    @property
    def relay_home(self) -> Path:
        """The relay's folder, beside the office home."""
        home = self.city.home.path
        return home.parent / f"{home.name}-relay"

    def station_home(self, number: int) -> OfficeHome:
        """The home of workstation `number` (1-based), beside the office home."""
        home = self.city.home.path
        return OfficeHome(home.parent / f"{home.name}-ws{number}")


def _enrol(city: DemoCity, kind: str) -> str:
    """A new workstation of the demo office at headquarters; its token."""
    args = ["hq", "enrol-workstation", "--db", city.hq_db_url, "--office", DEMO_OFFICE_ID]
    return run_step(f"enrolling a {kind} at headquarters", [*args, "--kind", kind]).strip()


def ensure_relay(office: DemoOffice, hq: LocalHq, say: Say) -> LocalHq:
    """Copy the office into the relay (once) and start it; the running relay."""
    folder = office.relay_home
    if not (folder / "relay.db").exists():  # the office itself was enrolled by ensure_office
        token = _enrol(office.city, "relay")
        folder.mkdir(parents=True, exist_ok=True)
        say("Relay: copying the office from headquarters")
        init = ["relay", "init", "--home", str(folder), "--hq", hq.url, "--token", token]
        run_step("linking the relay to headquarters", init)
    port = RELAY_PORT if port_is_free(RELAY_PORT) else None
    return start_local_relay(folder, port=port, log_path=folder / "relay.log")


def ensure_workstations(office: DemoOffice, relay: LocalHq, say: Say) -> list[OfficeHome]:
    """Create, enrol with the relay and copy each workstation home unless done; sync them."""
    homes = []
    city = office.city
    for number in range(1, office.workstations + 1):
        home = office.station_home(number)
        state = office_state(home)
        if state == "none":
            home.create(city.district, office_name(city.district))
            close_register()
            state = "empty"
        if state == "empty":
            say(f"Workstation {number}: enrolling with the office relay")
            token = _enrol(city, "counter")
            enrol = ["sync", "enrol", "--hq", relay.url, "--token", token]
            run_step(f"enrolling workstation {number}", enrol, home)
        elif state == "enrolled":
            point_at(home, relay.url)
        if state != "local-demo":
            run_step(f"syncing workstation {number}", ["sync", "--once"], home)
            mark_demo(home)
            homes.append(home)
    return homes
