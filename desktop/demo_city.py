"""The demo city on one machine: a local headquarters with a demo district, and an office of
that district enrolled with it and copied from it, in training mode.

`prepare` does every step that is not done yet, so a second run only starts headquarters and
catches up; each step is done by the real command line in a child process (`hq demo`,
`hq enrol-office`, `sync enrol`, `sync --once`), as an administrator would. The office's
register then holds what headquarters sent, and is marked as a demo district so that the
application's training mode (virtual cards of demo people) is allowed on it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.local_hq import LocalHq, counterdesk_command, port_is_free, start_local_hq
from models.db import close_register
from models.demo.vocabulary import office_name
from models.errors import InvalidRequest
from models.home import OfficeHome, setting
from models.schema import OfficeSetting, Person, StaffUser, write_transaction
from sync.settings import URL, hq_settings

HQ_FILE = "hq.db"
HQ_COMPLETE = "demo-complete"
HQ_LOG = "hq.log"
DEFAULT_PORT = 8700
DEMO_OFFICE_ID = "demo-office"

Say = Callable[[str], None]


class DemoCityFailed(InvalidRequest):
    """A step of the demo city failed; the message names the step and what it said."""


@dataclass(frozen=True)
class DemoCity:
    """Where the demo city lives and what it holds."""

    home: OfficeHome  # the office
    hq_folder: Path  # headquarters' SQLite database and log
    district: str = "370102"
    persons: int = 5000
    seed: int = 1
    port: int = DEFAULT_PORT

    @property
    def hq_db_url(self) -> str:
        """Headquarters' database."""
        return f"sqlite:///{(self.hq_folder / HQ_FILE).absolute()}"


def run_step(step: str, args: list[str], home: OfficeHome | None = None) -> str:
    command = [*counterdesk_command(), *(["--home", str(home.path)] if home else []), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        words = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise DemoCityFailed(f"{step} failed (exit status {done.returncode}): {' / '.join(words)}")
    return done.stdout


def ensure_headquarters(city: DemoCity, say: Say) -> None:
    """Fill headquarters' database with the demo district unless that was done before.

    A database left by an interrupted fill (no completion mark) is removed and made again: it
    belongs to the demo alone.
    """
    folder = city.hq_folder
    if (folder / HQ_COMPLETE).exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in (HQ_FILE, f"{HQ_FILE}-wal", f"{HQ_FILE}-shm"):
        (folder / leftover).unlink(missing_ok=True)
    say(f"Headquarters: making a demo district {city.district} of {city.persons:,} people")
    run_step(
        "making headquarters' demo district",
        [
            "hq",
            "demo",
            "--db",
            city.hq_db_url,
            "--district",
            city.district,
            "--persons",
            str(city.persons),
            "--seed",
            str(city.seed),
        ],
    )
    (folder / HQ_COMPLETE).write_text("complete\n")


def start_headquarters(city: DemoCity) -> LocalHq:
    """Start headquarters on the city's port, or on a free one when that port is taken."""
    port = city.port if port_is_free(city.port) else None
    return start_local_hq(city.hq_db_url, port=port, log_path=city.hq_folder / HQ_LOG)


def office_state(home: OfficeHome) -> str:
    """ "none", "enrolled", "empty" (created, not enrolled) or "local-demo" (made offline)."""
    if not home.exists():
        return "none"
    home.open()
    try:
        if hq_settings() is not None:
            return "enrolled"
        return "local-demo" if Person.select().exists() else "empty"
    finally:
        close_register()


def ensure_office(city: DemoCity, hq: LocalHq, say: Say) -> bool:
    """Create, enrol and copy the office unless done; point it at `hq`. False for an office made
    before without headquarters (it is left alone and works offline)."""
    home = city.home
    state = office_state(home)
    if state == "local-demo":
        return False
    if state == "none":
        home.create(city.district, office_name(city.district))
        close_register()
        state = "empty"
    if state == "empty":
        say("Office: enrolling with headquarters")
        token = office_token(city)
        run_step("enrolling the office", ["sync", "enrol", "--hq", hq.url, "--token", token], home)
    else:
        point_at(home, hq.url)
    say("Office: syncing with headquarters (the first sync copies the district)")
    run_step("syncing the office", ["sync", "--once"], home)
    mark_demo(home)
    return True


def office_token(city: DemoCity) -> str:
    """Enrol the demo office at headquarters; a new token if an interrupted run enrolled it."""
    enrol = ["hq", "enrol-office", "--db", city.hq_db_url, "--office", DEMO_OFFICE_ID]
    enrol += ["--district", city.district]
    try:
        return run_step("enrolling the office at headquarters", enrol).strip()
    except DemoCityFailed:
        return run_step("enrolling the office at headquarters", [*enrol, "--new-token"]).strip()


def point_at(home: OfficeHome, url: str) -> None:
    """Headquarters came up on another port than last time: the office follows it."""
    home.open()
    try:
        if setting(URL) != url:
            with write_transaction():
                OfficeSetting.replace(key=URL, value=url).execute()
    finally:
        close_register()


def mark_demo(home: OfficeHome) -> None:
    """Mark the copied district as a demo one (training mode), with people worth trying."""
    from models.demo.generator import demo_samples

    home.open()
    try:
        if not StaffUser.select().exists():
            raise DemoCityFailed(
                "headquarters sent no staff accounts: nobody could sign in at the office"
            )
        with write_transaction():
            OfficeSetting.replace(key="demo_state", value="complete").execute()
            OfficeSetting.replace(key="demo_source", value="headquarters").execute()
            samples = json.dumps(demo_samples(), ensure_ascii=False)
            OfficeSetting.replace(key="demo_samples", value=samples).execute()
    finally:
        close_register()
