"""The tests' and benchmarks' process kit (testkit): free ports, servers started and stopped,
Xvfb screens."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from testkit import (
    ServiceFailed,
    XvfbFailed,
    free_port,
    running_service,
    running_xvfb,
    start_service,
    xvfb_binary,
)
from tests.hq_fixtures import sqlite_url


def python_server(code: str) -> list[str]:
    """A stand-in server: this interpreter running `code` (the port options are ignored)."""
    return [sys.executable, "-c", code]


def live_members(group: int) -> list[int]:
    """Processes of a process group that still run (zombies waiting for a reaper excluded)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            found.append(int(stat.parent.name))
    return found


def settled_members(group: int, patience_s: float = 10.0) -> list[int]:
    """`live_members` once they are gone, or after `patience_s` (a SIGKILLed process takes a
    moment to die)."""
    deadline = time.monotonic() + patience_s
    while (found := live_members(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_a_free_port_has_no_listener_and_can_be_bound() -> None:
    port = free_port()
    with socket.socket() as client, pytest.raises(ConnectionRefusedError):
        client.connect(("127.0.0.1", port))
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))


def test_a_server_dying_at_start_is_reported_with_its_last_words(tmp_path: Path) -> None:
    code = "import sys; sys.stderr.write('cannot open the database: disk on fire\\n'); sys.exit(3)"
    with pytest.raises(ServiceFailed) as failed:
        start_service(["hq", "serve"], program=python_server(code), log_path=tmp_path / "hq.log")
    message = str(failed.value)
    assert "hq serve exited while starting (exit status 3)" in message
    assert "disk on fire" in message


def test_a_server_that_never_answers_is_stopped_and_its_output_quoted() -> None:
    code = "import time; print('still warming up', flush=True); time.sleep(600)"
    with pytest.raises(ServiceFailed) as failed:
        start_service(["relay", "serve"], program=python_server(code), timeout_s=1.0)
    message = str(failed.value)
    assert "relay serve did not answer" in message and "still warming up" in message
    pids = subprocess.run(
        ["pgrep", "-f", "still warming up"], capture_output=True, text=True
    ).stdout.split()
    assert pids == []


def test_hq_serve_answers_on_its_port_and_leaves_no_process_after_stop(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "hq.db")
    with running_service(["hq", "serve", "--db", db, "--workers", "2"]) as hq:
        assert httpx.get(f"{hq.url}/v1/hello", timeout=5).status_code == 200
        group = hq.process.pid
        assert len(live_members(group)) >= 3  # the server and its two workers
    assert hq.process.returncode is not None
    assert settled_members(group) == []  # no worker left behind either
    assert not hq.log_path.exists()  # its temporary log is removed


def test_a_server_stopped_with_sigint_exits_cleanly(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "hq.db")
    with running_service(["hq", "serve", "--db", db], stop_signal=signal.SIGINT) as hq:
        pass
    assert hq.process.returncode == 0


def test_the_xvfb_starter_gives_a_display_that_answers_xdpyinfo() -> None:
    if xvfb_binary() is None or shutil.which("xdpyinfo") is None:
        message = "Xvfb and xdpyinfo are needed (Debian packages xvfb, x11-utils)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with running_xvfb("800x600x24") as screen:
        info = subprocess.run(
            ["xdpyinfo", "-display", screen.display], capture_output=True, text=True, timeout=30
        )
        assert info.returncode == 0, info.stderr
        assert "800x600 pixels" in info.stdout
    gone = subprocess.run(
        ["xdpyinfo", "-display", screen.display], capture_output=True, text=True, timeout=30
    )
    assert gone.returncode != 0


def test_xvfb_that_cannot_start_is_reported_with_its_words() -> None:
    if xvfb_binary() is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb)")
    with pytest.raises(XvfbFailed) as failed, running_xvfb("not-a-screen"):
        pass
    assert "did not report a display" in str(failed.value)
