"""The world of `bench.relay`: headquarters and the relay as processes, and the workstations,
each one a home driven by a child process of its own (an agent).

`World` seeds headquarters (SQLite; cached with --keep), enrols office `bench` (its own token is
W1h's; one more workstation token per home and one for the relay), starts `hq serve` (rate
limit off, as bench.sync), runs `relay init` and starts `relay serve`, and stops them all.

`python -m bench.relay_world --home H --url U --token T` creates the home and enrols it with
the relay or headquarters at U (unless it exists), says `{"ready": ...}` on stdout, then takes
one JSON command a line on stdin and answers each with one JSON line (`"reply": <command>`):

- `lost` / `found` CARD: report the card lost (cancel the report) in the register, then one
  sync, as the application does after a local write; answers when the change was committed
  (`commit`) and when the sync ended (`synced`);
- `expect` CARD STATUS: from now on, after every pull, look whether the card has that status;
  the first pull that brings it is told as an event `{"event": "seen", "card", "pulled"}`, with
  the moment that pull returned (its changes committed);
- `sync`: one complete sync (`SyncEngine.run_once`), timed; with a poll loop running, a wake-up;
- `poll` INTERVAL / `unpoll`: start / stop the real background worker (`sync.scheduler.
  SyncWorker`) syncing every INTERVAL seconds after the end of the previous run;
- `visits` COUNT: queue that many visit commands (`visit.record`), untimed;
- `push`: push the outbox alone (`sync.push.push_outbox`), timed;
- `cards` COUNT: active cards of the register; `quit`.

Times are `time.monotonic()` (CLOCK_MONOTONIC, shared by every process of the machine), so
the parent compares the moments of two agents directly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import sync.engine as engine_module
from bench.sync import seed_into
from desktop.local_hq import counterdesk_command
from hq import offices, store
from models.actor import Actor
from models.cardops import cancel_card_loss, report_card_lost
from models.clock import utc_now
from models.enums import Role
from models.home import OfficeHome
from models.schema import Person, db
from models.visits import record_service_visit
from sync.engine import SyncEngine
from sync.enrolment import connect, enrol, open_client
from sync.push import push_outbox
from sync.scheduler import SyncWorker
from testkit import Service, free_port, start_service

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = "370102"
OFFICE = "bench"
SLOW_S = 3600.0  # a bootstrap or a push at 100,000 persons may take minutes


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the agent (child process) --------------------------------------------------------------

_out_lock = threading.Lock()
_expected: dict[str, str] = {}  # card number -> the status awaited


def _emit(message: dict[str, Any]) -> None:
    with _out_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def _watch_pulls() -> None:
    """Wrap the engine's pull: right after each pull returns, look for the awaited cards."""
    real_pull = engine_module.pull

    def pull_and_look(*args: Any, **kwargs: Any) -> Any:
        outcome = real_pull(*args, **kwargs)
        pulled = time.monotonic()
        with _out_lock:
            wanted = dict(_expected)
        for card, status in wanted.items():
            row = db.execute_sql("SELECT status FROM card WHERE card_no = ?", (card,)).fetchone()
            if row is not None and row[0] == status:
                with _out_lock:
                    _expected.pop(card, None)
                _emit({"event": "seen", "card": card, "status": status, "pulled": pulled})
        return outcome

    engine_module.pull = pull_and_look


class _Station:
    """The agent's home and what it does on each command."""

    def __init__(self, home: Path, url: str, token: str) -> None:
        self.home = OfficeHome(home)
        self.actor = Actor("bench", Role.CLERK)
        self.worker: Any = None
        if self.home.exists():
            self.home.open()
        else:
            self.home.create(DISTRICT, f"bench {home.name}")
            with open_client(url, token) as client:
                enrol(self.home, client, url, Actor("bench", Role.SUPERVISOR))

    def sync(self) -> Any:
        with connect() as client:
            return SyncEngine(client).run_once()

    def do_lost(self, cmd: dict[str, Any], cancel: bool = False) -> dict[str, Any]:
        (cancel_card_loss if cancel else report_card_lost)(cmd["card"], self.actor)
        commit = time.monotonic()
        report = self.sync()
        return {"commit": commit, "synced": time.monotonic(), **_outcome(report)}

    def do_expect(self, cmd: dict[str, Any]) -> dict[str, Any]:
        with _out_lock:
            _expected[cmd["card"]] = cmd["status"]
        return {}

    def do_sync(self, _cmd: dict[str, Any]) -> dict[str, Any]:
        if self.worker is not None:
            self.worker.wake()
            return {}
        start = time.monotonic()
        report = self.sync()
        end = time.monotonic()
        rows = report.bootstrap.rows if report.bootstrap is not None else 0
        return {"start": start, "end": end, "bootstrap_rows": rows, **_outcome(report)}

    def do_poll(self, cmd: dict[str, Any]) -> dict[str, Any]:
        self.worker = SyncWorker(self.home, connect, interval_s=float(cmd["interval"])).start()
        self.worker.wake()  # the timer left by the last single sync may be a minute away
        return {}

    def do_unpoll(self, _cmd: dict[str, Any]) -> dict[str, Any]:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        return {}

    def do_visits(self, cmd: dict[str, Any]) -> dict[str, Any]:
        ids = [p.id for p in Person.select(Person.id).order_by(Person.id)]
        count = int(cmd["count"])
        with db.atomic():
            for i in range(count):
                record_service_visit(self.actor, "counter", "lookup", person_id=ids[i % len(ids)])
        return {"queued": count}

    def do_push(self, _cmd: dict[str, Any]) -> dict[str, Any]:
        with connect() as client:
            started = time.perf_counter()
            outcome = push_outbox(client, utc_now)
            seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "accepted": outcome.accepted,
            "rejected": outcome.rejected,
            "waiting": outcome.waiting,
        }

    def do_cards(self, cmd: dict[str, Any]) -> dict[str, Any]:
        rows = db.execute_sql(
            "SELECT card_no FROM card WHERE status = 'active' ORDER BY id LIMIT ?",
            (int(cmd["count"]),),
        ).fetchall()
        return {"cards": [r[0] for r in rows]}


def _outcome(report: Any) -> dict[str, Any]:
    return {"ok": report.completed, "error": report.error.message if report.error else None}


def agent_main(argv: list[str] | None = None) -> int:
    """The agent's loop (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m bench.relay_world")
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    args = p.parse_args(argv)
    _watch_pulls()
    station = _Station(args.home, args.url, args.token)
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "lost": station.do_lost,
        "found": lambda cmd: station.do_lost(cmd, cancel=True),
        "expect": station.do_expect,
        "sync": station.do_sync,
        "poll": station.do_poll,
        "unpoll": station.do_unpoll,
        "visits": station.do_visits,
        "push": station.do_push,
        "cards": station.do_cards,
        "quit": lambda _cmd: {},
    }
    _emit({"ready": True})
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            answer = handlers[cmd["do"]](cmd)
        except Exception as exc:  # told to the parent, which stops the run
            answer = {"failed": f"{type(exc).__name__}: {exc}"}
        _emit({"reply": cmd["do"], **answer})
        if cmd["do"] == "quit":
            break
    station.do_unpoll({})
    return 0


# -- the parent's handle on an agent ---------------------------------------------------------


class AgentFailed(RuntimeError):
    """An agent failed a command, stopped, or did not answer in time."""


class Agent:
    """A workstation agent started as a child process (its stderr goes to `log`)."""

    def __init__(self, name: str, home: Path, url: str, token: str, log: Path) -> None:
        self.name = name
        self.log = log
        argv = [sys.executable, "-m", "bench.relay_world", "--home", str(home)]
        argv += ["--url", url, "--token", token]
        with log.open("ab") as err:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                cwd=ROOT,
                start_new_session=True,  # Ctrl-C reaches the benchmark, which stops it
            )
        self.lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.seen: dict[str, dict[str, Any]] = {}
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()
        self._take(600)  # {"ready": true}, after the home's creation and enrolment

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def _take(self, timeout: float) -> dict[str, Any]:
        try:
            message = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AgentFailed(f"{self.name} did not answer within {timeout:.0f} s") from None
        if message is None:
            tail = self.log.read_text(errors="replace").strip().splitlines()[-3:]
            raise AgentFailed(f"{self.name} stopped: {' / '.join(tail)}")
        if "event" in message:
            self.seen[message["card"]] = message
        return message

    def ask(self, do: str, timeout: float = 120, **fields: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events met meanwhile are kept)."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"do": do, **fields}) + "\n")
        self.process.stdin.flush()
        while True:
            message = self._take(timeout)
            if message.get("reply") == do:
                if "failed" in message:
                    raise AgentFailed(f"{self.name} {do}: {message['failed']}")
                return message

    def wait_seen(self, card: str, timeout: float) -> dict[str, Any] | None:
        """The `seen` event of `card` (None if it does not come within `timeout` s)."""
        deadline = time.monotonic() + timeout
        while card not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                self._take(left)
            except AgentFailed as exc:
                if "did not answer" in str(exc):
                    return None
                raise
        return self.seen.pop(card)

    def stop(self) -> None:
        """Quit (or, failing that, terminate) the agent."""
        if self.process.poll() is None:
            with contextlib.suppress(AgentFailed, OSError, ValueError):
                self.ask("quit", timeout=30)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- headquarters and the relay (parent side) -----------------------------------------------


class World:
    """Headquarters, the relay and the agents, all under `work`; `close` stops them all."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args  # persons, seed, rounds, relay_poll, keep
        self.work = work
        self.setup_s: dict[str, float] = {}
        self.hq_url = f"sqlite:///{work / 'hq.db'}"
        self.hq_port = free_port()
        self.relay_port = free_port()
        self.relay_home = work / "relay"
        self.hq: Service | None = None
        self.relay: Service | None = None
        self.agents: list[Agent] = []
        self.tokens: dict[str, str] = {}

    @property
    def relay_address(self) -> str:
        return f"http://127.0.0.1:{self.relay_port}"

    def prepare(self) -> None:
        """Seed (or reuse) headquarters, enrol the office, start headquarters and the relay."""
        seeded = self.work / "hq.db"
        cached = (
            self.args.keep / f"hq-{self.args.persons}-{self.args.seed}.db"
            if self.args.keep
            else None
        )
        if cached is not None and cached.exists():
            _say(f"reusing {cached}")
            shutil.copyfile(cached, seeded)
        else:
            self.setup_s["seed"] = seed_into(self.hq_url, self.args)
            if cached is not None:
                shutil.copyfile(seeded, cached)
        store.connect(self.hq_url)
        try:
            self.tokens["w1h"] = offices.enrol_office(OFFICE, [DISTRICT], "bench relay office")
            self.tokens["relay"] = offices.enrol_workstation(OFFICE, "relay").token
            names = ["w1", "w2", "w2h"] + [
                f"boot-{side}-{r}" for r in range(self.args.rounds) for side in ("relay", "hq")
            ]
            for name in names:
                self.tokens[name] = offices.enrol_workstation(OFFICE, "counter").token
        finally:
            store.close()
        self.start_hq()
        _say("relay init (the relay copies the office's scope)")
        started = time.perf_counter()
        relay_home, token = str(self.relay_home), self.tokens["relay"]
        self.cli("relay", "init", "--home", relay_home, "--hq", self.hq_address, "--token", token)
        self.setup_s["relay_init"] = time.perf_counter() - started
        self.relay = start_service(
            ["relay", "serve", "--home", str(self.relay_home), "--poll", str(self.args.relay_poll)],
            port=self.relay_port,
            log_path=self.work / "relay-serve.log",
            timeout_s=60,
        )

    @property
    def hq_address(self) -> str:
        return f"http://127.0.0.1:{self.hq_port}"

    def cli(self, *args: str) -> str:
        """Run counterdesk and wait; its standard output (RuntimeError if it failed)."""
        argv = [*counterdesk_command(), *args]
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=SLOW_S)
        if done.returncode != 0:
            raise RuntimeError(f"counterdesk {' '.join(args[:2])} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start_hq(self) -> None:
        """`hq serve` on headquarters' port (the relay knows it by that address)."""
        self.hq = start_service(
            ["hq", "serve", "--db", self.hq_url, "--rate-limit", "0"],
            port=self.hq_port,
            log_path=self.work / "hq-serve.log",
        )

    def stop_hq(self) -> None:
        """Stop `hq serve`: the relay's WAN is cut."""
        if self.hq is not None:
            self.hq.stop()
            self.hq = None

    def agent(self, name: str, side: str) -> Agent:
        """Workstation `name` (home WORK/NAME) enrolled with the relay or headquarters under
        its own token."""
        address = self.relay_address if side == "relay" else self.hq_address
        made = Agent(name, self.work / name, address, self.tokens[name], self.work / f"{name}.log")
        self.agents.append(made)
        return made

    def close(self) -> None:
        """Stop every agent, the relay and headquarters."""
        for agent in self.agents:
            agent.stop()
        if self.relay is not None:
            self.relay.stop()
        self.stop_hq()


class RelayStore:
    """Read-only looks into the relay's store while it runs (SQLite, never opened otherwise)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def waiting(self) -> int:
        """Commands (and keys) headquarters has not answered: `relay status`'s `waiting`."""
        return self.conn.execute(
            "SELECT count(*) FROM relay_forward WHERE status = 'pending'"
        ).fetchone()[0]

    def last_attempt(self) -> datetime:
        """When the link's current (or last) run started, by the relay's clock."""
        row = self.conn.execute(
            "SELECT value FROM relay_setting WHERE key = 'last_attempt_at'"
        ).fetchone()
        return datetime.fromisoformat(row[0])

    def last_answer(self) -> datetime:
        """When the relay stored headquarters' newest answer, by the relay's clock."""
        row = self.conn.execute("SELECT max(answered_at) FROM relay_forward").fetchone()
        return datetime.fromisoformat(row[0])


if __name__ == "__main__":
    sys.exit(agent_main())
