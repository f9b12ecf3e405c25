"""`counterdesk demo-city`: headquarters and an office of the demo district on this machine,
then the counter application in training mode (what `make run` does)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.cli_common import EXIT_OK, home_of
from desktop.cli_staff import PASSWORD_ENV
from desktop.demo_city import DEFAULT_PORT, DemoCity, ensure_headquarters, ensure_office
from desktop.demo_city import start_headquarters as start_hq
from desktop.demo_office import DemoOffice, ensure_relay, ensure_workstations
from desktop.local_hq import LocalHq, counterdesk_command
from models.db import close_register
from models.demo.people import DEMO_STAFF_PASSWORD
from models.demo.vocabulary import JINAN_REGIONS
from models.home import OfficeHome, setting

APP_HINT = "staff clerk01, supervisor01 or admin, password demo-2026"
DEMO_LOOKUP_USER = "clerk01"  # the demo's lookup acts as a clerk of the demo roster


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def hq_folder_of(args: argparse.Namespace, home_path: Path) -> Path:
    """Headquarters' folder: --hq-folder, else beside the office home (HOME-hq)."""
    if args.hq_folder:
        return Path(args.hq_folder).expanduser().absolute()
    return home_path.parent / f"{home_path.name}-hq"


def _first_sample_card(home: OfficeHome) -> str | None:
    """The card number of the first demo person worth trying, if the office lists any."""
    home.open()
    try:
        samples = json.loads(setting("demo_samples", "[]") or "[]")
    finally:
        close_register()
    return samples[0]["card_no"] if samples else None


def cmd_demo_city(args: argparse.Namespace) -> int:
    """counterdesk demo-city."""
    home = home_of(args)
    city = DemoCity(
        home, hq_folder_of(args, home.path), args.district, args.persons, args.seed, args.port
    )
    _stop_on_signals()
    ensure_headquarters(city, _say)
    hq: LocalHq | None = None
    try:
        with _SIGNALS.held():  # a `kill` while it starts must not leave it serving
            hq = start_hq(city)
        _say(f"Headquarters: serving {city.hq_folder / 'hq.db'} at {hq.url}")
        if not ensure_office(city, hq, _say):
            _say(
                f"The office home {home.path} holds a demo district made without "
                "headquarters: it opens offline. Remove that folder (or choose another "
                "--home) for the demo with a local headquarters."
            )
        here = [*counterdesk_command(), "--home", str(home.path)]
        subprocess.run([*here, "status"], check=False)
        card = _first_sample_card(home)
        if card:
            _say(f"\n$ counterdesk --as {DEMO_LOOKUP_USER} lookup --card {card}")
            as_clerk = {**os.environ, PASSWORD_ENV: DEMO_STAFF_PASSWORD}
            lookup = [*here, "--as", DEMO_LOOKUP_USER, "lookup", "--card", card]
            subprocess.run(lookup, check=False, env=as_clerk)
        if args.workstations:
            return _office_of_many(city, hq, args)
        app = [*here, "app", "--training"]
        if args.no_app:
            return EXIT_OK
        if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
            _say(
                "\nNo display: the application needs a desktop. There, run `make run` again or "
                f"`counterdesk --home {home.path} demo-city`."
            )
            return EXIT_OK
        _say(f"\nOpening the counter application in training mode ({APP_HINT}).")
        _say("Headquarters runs until the application is closed.")
        return _run_until_closed(app)
    finally:
        if hq is not None:
            hq.stop()
            _say("Headquarters stopped.")


def _office_of_many(city: DemoCity, hq: LocalHq, args: argparse.Namespace) -> int:
    """The relay and N workstations of the demo office; their applications, side by side."""
    office = DemoOffice(city, args.workstations)
    relay: LocalHq | None = None
    try:
        with _SIGNALS.held():
            relay = ensure_relay(office, hq, _say)
        _say(f"Office relay: serving {office.relay_home} at {relay.url}")
        homes = ensure_workstations(office, relay, _say)
        for home in homes:
            _say(f"  workstation {home.path}: counterdesk --home {home.path} app --training")
        _say(
            "Report a card lost at one window, then look the card up at another: the change "
            "travels through the relay within seconds, even with the line to headquarters cut "
            "(`kill` the `hq serve` process, or the Training menu's 'cut the line' on a window "
            "cuts that window from the relay)."
        )
        if args.no_app or (not os.environ.get("DISPLAY") and sys.platform.startswith("linux")):
            return EXIT_OK
        apps: list[subprocess.Popen[bytes]] = []
        try:
            with _SIGNALS.held():
                for h in homes:
                    argv = [*counterdesk_command(), "--home", str(h.path), "app", "--training"]
                    apps.append(subprocess.Popen(argv))
            _say(f"Opened {len(apps)} counter applications; everything stops when all are closed.")
            for app in apps:
                app.wait()
        finally:
            for app in apps:
                if app.poll() is None:
                    app.terminate()
        return EXIT_OK
    finally:
        if relay is not None:
            relay.stop()
            _say("Office relay stopped.")


class SignalExit:
    """SIGTERM and SIGHUP as SystemExit(128 + signal), held back while a child is started.

    A signal that lands inside `subprocess.Popen` (or while a server starts) would raise
    there, after the child exists but before the caller holds it: the child would be left
    running. Inside `held()` the signal is only noted; it is raised when the block ends, once
    the child has been handed over to the `finally` that stops it."""

    def __init__(self) -> None:
        self.holding = False
        self.noted: int | None = None

    def handle(self, signum: int, _frame: object) -> None:
        """The signal handler: leave now, or note the signal while one is held."""
        if self.holding:
            self.noted = signum
            return
        raise SystemExit(128 + signum)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold SIGTERM and SIGHUP back for the block; leave at its end if one came."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
            if self.noted is not None:
                raise SystemExit(128 + self.noted)


_SIGNALS = SignalExit()


def _stop_on_signals() -> None:
    """Turn SIGTERM and SIGHUP (`kill`, a closed session) into SystemExit, so that the way out
    (the application closed, headquarters stopped) is taken: headquarters runs in a session of
    its own and would otherwise be left serving."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _SIGNALS.handle)


def _run_until_closed(argv: list[str]) -> int:
    """Run the application; its exit status. Leaving early (a signal) closes it first."""
    app: subprocess.Popen[bytes] | None = None
    try:
        with _SIGNALS.held():
            app = subprocess.Popen(argv)
        return app.wait()
    finally:
        if app is not None and app.poll() is None:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()


def add_demo_city_commands(sub: argparse._SubParsersAction) -> None:
    """Add `demo-city`."""
    p = sub.add_parser(
        "demo-city",
        help="a local headquarters and an office of its demo district, then the application",
        description="Make (once) a headquarters with a demo district and an office of that "
        "district enrolled with it and copied from it; start headquarters on loopback, sync "
        "the office, and open the counter application in training mode. Headquarters stops "
        "when the application closes.",
    )
    p.add_argument(
        "--hq-folder", metavar="DIR", help="headquarters' folder (default: HOME-hq beside the home)"
    )
    p.add_argument(
        "--district",
        default="370102",
        choices=sorted(JINAN_REGIONS),
        metavar="CODE",
        help="the demo district (default 370102, 历下区)",
    )
    p.add_argument("--persons", type=int, default=5000, help="people in the district (5000)")
    p.add_argument("--seed", type=int, default=1, help="random seed of the demo (default 1)")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"headquarters' loopback port (default {DEFAULT_PORT}; another if taken)",
    )
    p.add_argument(
        "--no-app", action="store_true", help="prepare and sync only; do not open the app"
    )
    p.add_argument(
        "--workstations",
        type=int,
        default=0,
        metavar="N",
        help="also an office relay and N workstations enrolled with it, each opened in its "
        "own window (default 0: one PC enrolled with headquarters directly)",
    )
    p.set_defaults(func=cmd_demo_city)
