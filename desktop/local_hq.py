"""A headquarters of our own on loopback: `counterdesk hq serve` as a child process.

Used by the demo city (`counterdesk demo-city`, `make run`), the tests and the benchmarks, so
that an office can sync with a real HTTP server without a network. The child is the real
command line, so nothing of `hq` is imported here.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class LocalHqFailed(RuntimeError):
    """The local headquarters did not start (its own message is included)."""


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True if nothing listens on loopback `port` and it can be bound."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def counterdesk_command() -> list[str]:
    """How to run this installation's command line in a child process."""
    return [sys.executable, "-m", "desktop.cli"]


@dataclass
class LocalHq:
    """A running `hq serve`: its address and process."""

    db_url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The base address offices use."""
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        """True while the server process runs."""
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after a grace period)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_local_hq(
    db_url: str,
    *,
    port: int | None = None,
    log_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> LocalHq:
    """Start `counterdesk hq serve --db DB_URL` on loopback and wait until it answers /v1/hello.

    `port` None picks a free one. The server's output goes to `log_path` (or is discarded).
    Raises LocalHqFailed with the server's last words if it exits or does not answer in time.
    """
    return _start(["hq", "serve", "--db", db_url], db_url, port, log_path, env, args)


def start_local_relay(
    relay_home: Path, *, port: int | None = None, log_path: Path | None = None
) -> LocalHq:
    """Start `counterdesk relay serve --home RELAY_HOME` on loopback (as `start_local_hq`)."""
    url = f"sqlite:///{(relay_home / 'relay.db').absolute()}"
    return _start(["relay", "serve", "--home", str(relay_home)], url, port, log_path, None, ())


def _start(
    serve: list[str],
    db_url: str,
    port: int | None,
    log_path: Path | None,
    env: Mapping[str, str] | None,
    args: tuple[str, ...],
) -> LocalHq:
    chosen = port or free_port()
    command = [
        *counterdesk_command(),
        *serve,
        "--host",
        "127.0.0.1",
        "--port",
        str(chosen),
        *args,
    ]
    child_env = {**os.environ, **(env or {})}
    log = log_path.open("ab") if log_path is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=child_env, start_new_session=True
        )
    finally:
        if log_path is not None:
            log.close()  # type: ignore[union-attr]
    server = LocalHq(db_url, chosen, process, log_path, dict(env or {}))
    try:
        _wait_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: LocalHq) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if not server.alive():
            raise LocalHqFailed(
                f"the server stopped at start (exit status {server.process.returncode})"
                f"{_last_words(server.log_path)}"
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/v1/hello", timeout=1.0).status_code < 500:
                return
        time.sleep(0.05)
    raise LocalHqFailed(f"the server did not answer on {server.url} within {READY_TIMEOUT_S} s")


def _last_words(log_path: Path | None, lines: int = 5) -> str:
    if log_path is None or not log_path.exists():
        return ""
    tail = log_path.read_text(errors="replace").strip().splitlines()[-lines:]
    return (": " + " / ".join(tail)) if tail else ""


@contextlib.contextmanager
def running_local_hq(db_url: str, **options: object) -> Iterator[LocalHq]:
    """`start_local_hq` as a context manager that stops the server on exit."""
    server = start_local_hq(db_url, **options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
