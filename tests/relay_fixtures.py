"""An office of many workstations as real processes: `hq serve`, `relay serve` behind a fault
proxy (the WAN), and workstation homes driven by the `counterdesk` command line."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from testkit import Service, free_port, start_service
from tests.cli_helpers import COUNTERDESK, cli_env, run
from tests.fault_proxy import Fault, FaultProxy
from tests.hq_fixtures import sqlite_url

DISTRICT = "370102"
FOREVER = 10**9


def _start(args: list[str], port: int) -> Service:
    return start_service(
        args,
        port=port,
        program=[str(COUNTERDESK)],
        env=cli_env(),
        timeout_s=30,
        poll_s=0.1,
        stop_timeout_s=15,
    )


@dataclass
class Workstation:
    """A workstation's home, enrolled with the relay (or headquarters) under its token."""

    home: Path
    code: str
    token: str

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a counterdesk command on this workstation's home."""
        done = run(*args, home=self.home)
        if check:
            assert done.returncode == 0, f"{args}: {done.stderr}"
        return done

    def sync(self, check: bool = True) -> subprocess.CompletedProcess[str]:
        """One sync; asserted complete unless `check` is False."""
        return self.cli("sync", "--once", check=check)

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Read the workstation's register (plain SQLite) while no command runs."""
        with sqlite3.connect(self.home / "register.db") as conn:
            return conn.execute(sql, params).fetchall()


@dataclass
class Office:
    """Headquarters, the office relay behind the WAN proxy, and the office's workstations."""

    root: Path
    hq_db: Path
    hq_port: int = field(default_factory=free_port)
    relay_port: int = field(default_factory=free_port)
    hq: Service | None = None
    relay: Service | None = None
    wan: FaultProxy | None = None
    relay_token: str = ""
    stations: list[Workstation] = field(default_factory=list)

    @property
    def hq_url(self) -> str:
        return f"http://127.0.0.1:{self.hq_port}"

    @property
    def relay_url(self) -> str:
        return f"http://127.0.0.1:{self.relay_port}"

    @property
    def relay_home(self) -> Path:
        return self.root / "relay"

    def hq_cli(self, *args: str) -> str:
        """A `counterdesk hq` command on headquarters' database; its standard output."""
        done = run("hq", *args, "--db", sqlite_url(self.hq_db))
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def hq_query(self, sql: str, *params: object) -> list[tuple]:
        """Read headquarters' database."""
        with sqlite3.connect(self.hq_db) as conn:
            return conn.execute(sql, params).fetchall()

    def start_hq(self) -> None:
        self.hq = _start(["hq", "serve", "--db", sqlite_url(self.hq_db)], self.hq_port)
        if self.wan is None:
            self.wan = FaultProxy(self.hq_port)

    def init_relay(self) -> None:
        """`relay init` through the WAN proxy (a fresh copy of the office)."""
        assert self.wan is not None
        self.relay_home.mkdir(exist_ok=True)
        done = run(
            "relay", "init", "--home", str(self.relay_home), "--hq", self.wan.url,
            "--token", self.relay_token,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    def start_relay(self) -> None:
        args = ["relay", "serve", "--home", str(self.relay_home), "--poll", "0.3"]
        self.relay = _start(args, self.relay_port)

    def stop_relay(self, sig: int = signal.SIGTERM) -> None:
        if self.relay is not None:
            self.relay.stop(sig)
            self.relay = None

    def relay_status(self) -> dict:
        done = run("relay", "status", "--json", "--home", str(self.relay_home))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def wait_until_forwarded(self, timeout_s: float = 60.0) -> None:
        """Until the relay holds nothing for headquarters (its link retries by itself)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.relay_status()["upstream"]["waiting"] == 0:
                return
            time.sleep(0.3)
        raise AssertionError(f"the relay still holds commands: {self.relay_status()}")

    def cut_wan(self) -> None:
        assert self.wan is not None
        self.wan.arm(Fault.REFUSE, "/", FOREVER)

    def restore_wan(self) -> None:
        assert self.wan is not None
        self.wan.disarm()

    def add_workstation(self, kind: str = "counter", url: str | None = None) -> Workstation:
        """Enrol a workstation at headquarters, make its home, enrol it with the relay (or
        `url`) and copy the register from there."""
        token = self.hq_cli("enrol-workstation", "--office", "lixia", "--kind", kind)
        station = Workstation(self.root / f"ws{len(self.stations) + 1}", "", token)
        run("init", "--district", DISTRICT, "--no-admin", home=station.home)
        station.cli("sync", "enrol", "--hq", url or self.relay_url, "--token", token)
        station.sync()
        station.code = station.query(
            "SELECT value FROM office_setting WHERE key = 'workstation_code'"
        )[0][0]
        self.stations.append(station)
        return station

    def close(self) -> None:
        self.stop_relay()
        if self.hq is not None:
            self.hq.stop()
        if self.wan is not None:
            self.wan.close()


@pytest.fixture
def office(hq_sqlite_demo_template: Path, tmp_path: Path) -> Iterator[Office]:
    """Headquarters over the demo city, office lixia (370102) with a relay, not started."""
    hq_db = tmp_path / "hq.db"
    shutil.copyfile(hq_sqlite_demo_template, hq_db)
    found = Office(tmp_path, hq_db)
    try:
        found.hq_cli("enrol-office", "--office", "lixia", "--district", DISTRICT)
        found.relay_token = found.hq_cli(
            "enrol-workstation", "--office", "lixia", "--kind", "relay"
        )
        found.start_hq()
        found.init_relay()
        found.start_relay()
        yield found
    finally:
        found.close()
