"""The soak: a busy office on one register, then proof that nothing broke or lied.

All at once, on one office home, for `--minutes`:
- the counter application under Xvfb serving cards (bench.app_child `cards`, training reader),
  started again after every few customers;
- 4 command-line workers issuing statements, reporting cards lost and cancelling the reports,
  and looking people up;
- a statements batch, again and again;
- the sync worker (`counterdesk sync`) against a headquarters that is killed (SIGKILL) and
  restarted every 10-20 s;
- backups every 10 s;
- a watcher that looks at every counterdesk process's open files 20 times a second for a
  register, -wal or -shm file deleted while open.

Afterwards, with headquarters up: a last sync, then the checks: PRAGMA integrity_check ok; no
file removed while open; no "damaged" (exit 3) anywhere; every command either done (exit 0) or
refused with a message (exit 1, 7 busy); every outbox item settled and held by headquarters
exactly once with the same answer; the touched cards in the same state at both ends; statement
numbers unique and all known to headquarters; `audit verify` intact. The counts are printed (and
returned as a dict by `run`).

    .venv/bin/python -m bench.soak --minutes 10            # the long run
    .venv/bin/python -m bench.soak --minutes 1 --persons 300

No timing is asserted; tests/test_soak.py runs a short soak (25 s or more) in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.cli_staff import PASSWORD_ENV, USER_ENV
from desktop.local_hq import counterdesk_command
from models.clock import local_today
from models.demo.people import DEMO_STAFF_PASSWORD
from testkit import Service, Xvfb, free_port, start_service, start_xvfb

ALLOWED_EXITS = {0: "done", 1: "refused (not found or wrong state)", 7: "busy, try again"}
SIDE_FILES = ("register.db", "register.db-wal", "register.db-shm")


@dataclass
class Tally:
    """What every worker did, and what the watcher saw (shared, under a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    runs: Counter[str] = field(default_factory=Counter)  # "statement exit 0" -> count
    unexplained: list[str] = field(default_factory=list)  # a failure with nothing on stderr
    damaged: list[str] = field(default_factory=list)  # exit 3 anywhere
    other_exits: list[str] = field(default_factory=list)
    deleted_while_open: list[str] = field(default_factory=list)
    hq_kills: int = 0
    batch_statements: int = 0
    app_runs: int = 0
    app_cards: int = 0
    fd_scans: int = 0

    def record(self, what: str, done: subprocess.CompletedProcess[str]) -> None:
        """Count one finished command and judge its exit status."""
        last = (done.stderr or "").strip().splitlines()[-1:] or [""]
        with self.lock:
            self.runs[f"{what} exit {done.returncode}"] += 1
            if done.returncode == 3:
                self.damaged.append(f"{what}: {last[0]}")
            elif done.returncode not in ALLOWED_EXITS:
                self.other_exits.append(f"{what} exit {done.returncode}: {last[0]}")
            if done.returncode != 0 and not last[0].strip():
                self.unexplained.append(f"{what} exit {done.returncode}: {last[0]!r}")


@dataclass(frozen=True)
class Busy:
    """How busy a short soak must have been before it stops: each kind of work finished well
    (exit 0) at least once, headquarters killed `hq_kills` times, `app_cards` cards served by
    the application. On a loaded machine a short soak may otherwise stop before that."""

    kinds: tuple[str, ...] = ()
    hq_kills: int = 0
    app_cards: int = 0


class Soak:
    """One soak run in `work` (see the module docstring)."""

    def __init__(
        self,
        work: Path,
        persons: int,
        seed: int = 1,
        hq_kill_every: tuple[float, float] = (10.0, 20.0),
    ) -> None:
        self.work = work
        self.hq_kill_every = hq_kill_every  # seconds between kills of headquarters: from, to
        self.home = work / "home"
        self.hq_folder = work / "hq"
        self.persons = persons
        self.seed = seed
        self.port = free_port()
        self.tally = Tally()
        self.stop = threading.Event()
        self.hq: Service | None = None
        self.children: list[subprocess.Popen[str]] = []
        self.display = ""
        self.xvfb: Xvfb | None = None

    # -- set-up --------------------------------------------------------------------------------

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run counterdesk on the home and wait, signed in as the demo roster's supervisor."""
        argv = [*counterdesk_command(), "--home", str(self.home), *args]
        env = {**os.environ, USER_ENV: "supervisor01", PASSWORD_ENV: DEMO_STAFF_PASSWORD}
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False, env=env
        )

    @property
    def hq_url(self) -> str:
        """Headquarters' database."""
        return f"sqlite:///{(self.hq_folder / 'hq.db').absolute()}"

    def prepare(self) -> None:
        """Headquarters' demo district and an office enrolled and copied from it."""
        done = self.cli(
            "demo-city",
            "--persons",
            str(self.persons),
            "--seed",
            str(self.seed),
            "--port",
            str(self.port),
            "--hq-folder",
            str(self.hq_folder),
            "--no-app",
            timeout=900,
        )
        if done.returncode != 0:
            raise RuntimeError(f"demo-city failed: {done.stderr[-2000:]}")

    def start_xvfb(self) -> None:
        """A virtual screen for the application."""
        self.xvfb = start_xvfb("1366x768x24", stop_timeout_s=30)
        self.display = self.xvfb.display

    def start_hq(self) -> None:
        """`hq serve` on the soak's port (the office knows it by that address), answering."""
        self.hq = start_service(
            ["hq", "serve", "--db", self.hq_url],
            port=self.port,
            log_path=self.hq_folder / "hq-serve.log",
            stop_timeout_s=30,
        )

    # -- the workers ---------------------------------------------------------------------------

    def sample(self, count: int) -> list[tuple[str, str]]:
        """(card number, ID number) of `count` persons with an active card, read before the
        workers start."""
        conn = sqlite3.connect(
            f"{(self.home / 'register.db').resolve().as_uri()}?mode=ro", uri=True
        )
        try:
            return conn.execute(
                "SELECT c.card_no, p.ssn FROM card c JOIN person p ON p.id = c.person_id "
                "WHERE c.status = 'active' AND p.status = 'insured' ORDER BY p.id LIMIT ?",
                (count,),
            ).fetchall()
        finally:
            conn.close()

    def contributors(self, year: int, count: int) -> list[str]:
        """ID numbers of `count` persons with contributions paid in `year` (each gets a rights
        record of that year; people with nothing to state are refused by design)."""
        conn = sqlite3.connect(
            f"{(self.home / 'register.db').resolve().as_uri()}?mode=ro", uri=True
        )
        try:
            rows = conn.execute(
                "SELECT p.ssn FROM person p WHERE EXISTS (SELECT 1 FROM contribution c "
                "WHERE c.person_id = p.id AND c.period BETWEEN ? AND ?) "
                "ORDER BY p.id DESC LIMIT ?",
                (year * 100 + 1, year * 100 + 12, count),
            ).fetchall()
        finally:
            conn.close()
        return [row[0] for row in rows]

    def counter_worker(self, index: int, cards: list[tuple[str, str]]) -> None:
        """Statements, card reports and cancellations, lookups, for this worker's own cards."""
        rng = random.Random(self.seed * 100 + index)
        out = self.work / "statements" / f"w{index}"
        out.mkdir(parents=True, exist_ok=True)
        lost: set[str] = set()
        while not self.stop.is_set():
            card, _ssn = rng.choice(cards)
            action = rng.choice(("statement", "card", "card", "lookup"))
            if action == "statement":
                pdf = out / f"{uuid.uuid4().hex}.pdf"
                done = self.cli("statement", "--card", card, "--kind", "medical", "--out", str(pdf))
            elif action == "card":
                verb = "cancel-loss" if card in lost else "report-lost"
                done = self.cli("card", verb, card)
                if done.returncode == 0:
                    lost.symmetric_difference_update({card})
                action = f"card {verb}"
            else:
                done = self.cli("lookup", "--card", card)
            self.tally.record(action, done)

    def batch_worker(self, ids: list[str], year: int) -> None:
        """Statement batches of the same people, one after another."""
        ids_file = self.work / "batch-ids.txt"
        ids_file.write_text("\n".join(ids) + "\n")
        round_ = 0
        while not self.stop.is_set():
            round_ += 1
            out = self.work / "batches" / f"round-{round_}"
            out.mkdir(parents=True, exist_ok=True)
            done = self.cli(
                "statements",
                "batch",
                "--ids",
                str(ids_file),
                "--year",
                str(year),
                "--out",
                str(out),
                "--workers",
                "2",
            )
            self.tally.record("batch", done)
            summary = next(out.glob("*-summary.json"), None)
            if summary is not None:
                made = json.loads(summary.read_text())
                with self.tally.lock:
                    self.tally.batch_statements += int(made.get("made", 0))

    def backup_worker(self) -> None:
        """A checked backup every 10 s."""
        while not self.stop.wait(10):
            self.tally.record(
                "backup", self.cli("backup", "--dir", str(self.work / "backups"), "--keep", "3")
            )

    def hq_killer(self) -> None:
        """Kill headquarters (SIGKILL) every 10-20 s (`hq_kill_every`) and bring it back 2-5 s
        later."""
        rng = random.Random(self.seed)
        while not self.stop.wait(rng.uniform(*self.hq_kill_every)):
            assert self.hq is not None
            self.hq.kill()
            with self.tally.lock:
                self.tally.hq_kills += 1
            if self.stop.wait(rng.uniform(2, 5)):
                break
            self.start_hq()

    def app_worker(self) -> None:
        """The counter application serving cards, started again after every 8 customers."""
        env = {**os.environ, "DISPLAY": self.display}
        run = 0
        while not self.stop.is_set():
            run += 1
            argv = [sys.executable, "-m", "bench.app_child", "cards", str(self.home), "training"]
            argv += ["50", "8", str(self.seed + run)]
            app = subprocess.Popen(
                argv,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
            self.children.append(app)
            out, err = app.communicate()
            with self.tally.lock:
                self.tally.app_runs += 1
                self.tally.app_cards += sum(line.startswith("CARD ") for line in out.splitlines())
                self.tally.runs[f"app exit {app.returncode}"] += 1
                if app.returncode != 0:
                    self.tally.other_exits.append(f"app exit {app.returncode}: {err[-400:]}")

    def watcher(self) -> None:
        """Look for a register file deleted while a counterdesk process has it open."""
        names = {str(self.home / name) for name in SIDE_FILES}
        pids: list[str] = []
        next_list = 0.0
        while not self.stop.wait(0.05):
            if time.monotonic() >= next_list:
                pids = _counterdesk_pids()
                next_list = time.monotonic() + 1
            for pid in pids:
                fd_dir = Path("/proc") / pid / "fd"
                try:
                    targets = [os.readlink(fd_dir / fd) for fd in os.listdir(fd_dir)]
                except OSError:
                    continue
                for target in targets:
                    if target.endswith(" (deleted)") and target[: -len(" (deleted)")] in names:
                        with self.tally.lock:
                            self.tally.deleted_while_open.append(f"pid {pid}: {target}")
            with self.tally.lock:
                self.tally.fd_scans += 1

    # -- the run -------------------------------------------------------------------------------

    def busy_enough(self, busy: Busy) -> bool:
        """True once the soak has done everything `busy` asks for."""
        with self.tally.lock:
            return (
                all(self.tally.runs.get(f"{kind} exit 0", 0) > 0 for kind in busy.kinds)
                and self.tally.hq_kills >= busy.hq_kills
                and self.tally.app_cards >= busy.app_cards
            )

    def run(
        self, minutes: float, until: Busy = Busy(), longest_minutes: float = 0.0
    ) -> dict[str, Any]:
        """Prepare, run everything for `minutes`, stop, settle and check; the counts. Go on
        after `minutes` (up to `longest_minutes` in all) until the soak is as busy as `until`
        asks: on a loaded machine a short soak may otherwise not have been busy in every way."""
        self.prepare()
        self.start_xvfb()
        self.start_hq()
        sample = self.sample(4 * 6)
        year = local_today().year - 1
        batch_ids = self.contributors(year, 60)
        if not batch_ids:
            raise RuntimeError(f"no one in the demo district paid contributions in {year}")
        sync = subprocess.Popen(
            [*counterdesk_command(), "--home", str(self.home), "sync"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        threads = [
            threading.Thread(target=self.counter_worker, args=(i, sample[i * 6 : i * 6 + 6]))
            for i in range(4)
        ]
        threads += [
            threading.Thread(target=self.batch_worker, args=(batch_ids, year)),
            threading.Thread(target=self.backup_worker),
            threading.Thread(target=self.hq_killer),
            threading.Thread(target=self.app_worker),
            threading.Thread(target=self.watcher),
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            self.stop.wait(minutes * 60)
            longest = started + max(minutes, longest_minutes) * 60
            while not self.busy_enough(until) and time.monotonic() < longest:
                self.stop.wait(1)
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=600)
            sync.send_signal(signal.SIGTERM)
            try:
                sync.wait(timeout=60)
            except subprocess.TimeoutExpired:
                sync.kill()
        ran_s = time.monotonic() - started
        if self.hq is None or not self.hq.alive():
            self.start_hq()
        try:
            return self.settle_and_check(ran_s)
        finally:
            assert self.hq is not None
            self.hq.stop()
            if self.xvfb is not None:
                self.xvfb.stop()

    def settle_and_check(self, ran_s: float) -> dict[str, Any]:
        """A last sync with headquarters up, then every check of the module docstring."""
        last_sync = None
        for _ in range(20):
            last_sync = self.cli("sync", "--once")
            if last_sync.returncode == 0 and self._pending() == 0:
                break
            time.sleep(1)
        office = sqlite3.connect(self.home / "register.db")
        hq = sqlite3.connect(self.hq_folder / "hq.db")
        try:
            integrity = office.execute("PRAGMA integrity_check").fetchone()[0]
            outbox = dict(office.execute("SELECT uuid, status FROM outbox").fetchall())
            held = Counter(r[0] for r in hq.execute("SELECT uuid FROM command"))
            hq_status = dict(hq.execute("SELECT uuid, status FROM command").fetchall())
            numbers = [r[0] for r in office.execute("SELECT number FROM statement")]
            issued = {
                r[0]
                for r in office.execute("SELECT number FROM statement WHERE sha256 IS NOT NULL")
            }
            hq_numbers = {r[0] for r in hq.execute("SELECT number FROM statement")}
            touched = [
                r[0]
                for r in office.execute(
                    "SELECT DISTINCT json_extract(payload, '$.card_no') FROM outbox "
                    "WHERE command LIKE 'card.%'"
                )
            ]
            office_cards = dict(office.execute("SELECT card_no, status FROM card").fetchall())
            hq_cards = dict(hq.execute("SELECT card_no, status FROM card").fetchall())
        finally:
            office.close()
            hq.close()
        audit = self.cli("audit", "verify", "--json")
        checks = {
            "integrity_check": integrity,
            "files_deleted_while_open": len(self.tally.deleted_while_open),
            "false_damaged": len(self.tally.damaged),
            "unexpected_exits": len(self.tally.other_exits),
            "failures_without_a_message": len(self.tally.unexplained),
            "outbox_items": len(outbox),
            "outbox_pending_after_last_sync": sum(1 for s in outbox.values() if s == "pending"),
            "outbox_items_missing_at_hq": sum(1 for u in outbox if held[u] == 0),
            "outbox_items_held_twice_at_hq": sum(1 for u in outbox if held[u] > 1),
            "answers_differing": sum(
                1 for u, s in outbox.items() if s != "pending" and hq_status.get(u) != s
            ),
            "cards_touched": len(touched),
            "cards_differing": sum(1 for c in touched if office_cards.get(c) != hq_cards.get(c)),
            "statements": len(numbers),
            "statement_numbers_repeated": len(numbers) - len(set(numbers)),
            "statements_issued_unknown_at_hq": len(issued - hq_numbers),
            "audit_verify_exit": audit.returncode,
        }
        ok = (
            integrity == "ok"
            and not self.tally.deleted_while_open
            and not self.tally.damaged
            and not self.tally.other_exits
            and not self.tally.unexplained
            and checks["outbox_pending_after_last_sync"] == 0
            and checks["outbox_items_missing_at_hq"] == 0
            and checks["outbox_items_held_twice_at_hq"] == 0
            and checks["answers_differing"] == 0
            and checks["cards_differing"] == 0
            and checks["statement_numbers_repeated"] == 0
            and checks["statements_issued_unknown_at_hq"] == 0
            and audit.returncode == 0
        )
        return {
            "ok": ok,
            "ran_s": round(ran_s, 1),
            "persons": self.persons,
            "runs": dict(sorted(self.tally.runs.items())),
            "hq_kills": self.tally.hq_kills,
            "app_runs": self.tally.app_runs,
            "app_cards_served": self.tally.app_cards,
            "batch_statements": self.tally.batch_statements,
            "fd_scans": self.tally.fd_scans,
            "checks": checks,
            "last_sync_exit": last_sync.returncode if last_sync else None,
            "problems": (
                self.tally.damaged
                + self.tally.other_exits
                + self.tally.unexplained
                + self.tally.deleted_while_open
            )[:20],
        }

    def _pending(self) -> int:
        conn = sqlite3.connect(self.home / "register.db")
        try:
            return conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[
                0
            ]
        finally:
            conn.close()


def _counterdesk_pids() -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = (Path("/proc") / pid / "cmdline").read_bytes()
        except OSError:
            continue
        if b"counterdesk" in cmdline or b"bench.app_child" in cmdline:
            found.append(pid)
    return found


def run(
    minutes: float,
    persons: int,
    work: Path | None = None,
    hq_kill_every: tuple[float, float] = (10.0, 20.0),
    until: Busy = Busy(),
    longest_minutes: float = 0.0,
) -> dict[str, Any]:
    """One soak; the counts and checks (see the module docstring). `hq_kill_every` is the
    range of seconds between two kills of headquarters; `until` and `longest_minutes` as
    in `Soak.run`."""
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
        return Soak(work, persons, hq_kill_every=hq_kill_every).run(minutes, until, longest_minutes)
    with tempfile.TemporaryDirectory(prefix="counterdesk-soak-") as folder:
        return Soak(Path(folder), persons, hq_kill_every=hq_kill_every).run(
            minutes, until, longest_minutes
        )


def main() -> None:
    """Command line: run one soak and print its counts as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    parser.add_argument("--persons", type=int, default=2000, help="the district (default 2000)")
    parser.add_argument("--work", type=Path, help="keep the office and logs in this folder")
    args = parser.parse_args()
    result = run(args.minutes, args.persons, args.work)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
