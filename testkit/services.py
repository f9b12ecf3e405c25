"""`counterdesk hq serve` and `relay serve` (or any server of ours) as a child process on a
loopback port: started, waited for until it answers, stopped without leaving a process behind.

Everything the server writes (standard output and error) goes to a log file, never to a pipe
nobody reads (a chatty server would block on a full pipe); a failed start quotes its last lines.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from desktop.local_hq import counterdesk_command
from testkit.ports import LOOPBACK, free_port

READY_TIMEOUT_S = 30.0
READY_POLL_S = 0.05
STOP_TIMEOUT_S = 10.0
HELLO_PATH = "/v1/hello"
TAIL_LINES = 30


class ServiceFailed(RuntimeError):
    """A server exited while starting or did not answer in time (its last output included)."""


@dataclass
class Service:
    """A running server: its address and process (the leader of a process group of its own)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    scheme: str = "http"
    stop_signal: int = signal.SIGTERM
    stop_timeout_s: float = STOP_TIMEOUT_S
    own_log: bool = field(default=False, repr=False)  # a temporary log, removed by stop()

    @property
    def url(self) -> str:
        """The base address clients use."""
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    def alive(self) -> bool:
        """True while the server process runs."""
        return self.process.poll() is None

    def tail(self, lines: int = TAIL_LINES) -> str:
        """The last `lines` lines the server wrote (standard output and error)."""
        try:
            text = self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL the server process alone, as a crash would, and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def stop(self, first: int | None = None) -> None:
        """Stop the server: signal `first` (default `stop_signal`), then after `stop_timeout_s`
        SIGKILL to its whole process group (also any worker it left behind); removes a
        temporary log."""
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal if first is None else first)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(self.stop_timeout_s)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # start_new_session: group id = pid
        self.process.wait()
        if self.own_log:
            self.log_path.unlink(missing_ok=True)


def start_service(
    args: Sequence[str],
    *,
    port: int | None = None,
    program: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    log_path: Path | None = None,
    scheme: str = "http",
    client: Mapping[str, Any] | None = None,
    timeout_s: float = READY_TIMEOUT_S,
    poll_s: float = READY_POLL_S,
    stop_signal: int = signal.SIGTERM,
    stop_timeout_s: float = STOP_TIMEOUT_S,
) -> Service:
    """Start `PROGRAM ARGS --host 127.0.0.1 --port PORT` and wait until it answers /v1/hello
    (any status below 500).

    `args` is the command and its options, e.g. `["hq", "serve", "--db", url]`. `port` None
    picks a free one. `program` defaults to this interpreter's `python -m desktop.cli`; `env`
    is the child's whole environment (default: this process's). The output is appended to
    `log_path` (default: a temporary file). `client` holds httpx options for the readiness
    request (`verify=` for TLS). Raises ServiceFailed, quoting the server's last output, if it
    exits or does not answer within `timeout_s`; the server is stopped then.
    """
    chosen = port or free_port()
    name = " ".join(args[:2])
    own_log = log_path is None
    if log_path is None:
        handle, temporary = tempfile.mkstemp(prefix="testkit-", suffix=".log")
        os.close(handle)
        log_path = Path(temporary)
    command = [
        *(program or counterdesk_command()),
        *args,
        "--host",
        LOOPBACK,
        "--port",
        str(chosen),
    ]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ if env is None else env),
            start_new_session=True,
        )
    service = Service(
        name, chosen, process, log_path, scheme, stop_signal, stop_timeout_s, own_log=own_log
    )
    try:
        _wait_until_answering(service, client or {}, timeout_s, poll_s)
    except BaseException:
        service.stop()
        raise
    return service


@contextlib.contextmanager
def running_service(args: Sequence[str], **options: Any) -> Iterator[Service]:
    """`start_service` as a context manager that stops the server on exit."""
    service = start_service(args, **options)
    try:
        yield service
    finally:
        service.stop()


def _wait_until_answering(
    service: Service, client: Mapping[str, Any], timeout_s: float, poll_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if not service.alive():
            raise ServiceFailed(
                f"{service.name} exited while starting (exit status "
                f"{service.process.returncode}){_quoted(service)}"
            )
        with contextlib.suppress(httpx.HTTPError):
            answer = httpx.get(f"{service.url}{HELLO_PATH}", timeout=1.0, **client)
            if answer.status_code < 500:
                return
        if time.monotonic() >= deadline:
            raise ServiceFailed(
                f"{service.name} did not answer at {service.url} within {timeout_s:g} s"
                f"{_quoted(service)}"
            )
        time.sleep(poll_s)


def _quoted(service: Service) -> str:
    tail = service.tail()
    where = "" if service.own_log else f" ({service.log_path})"
    return f"; its last output{where}:\n{tail}" if tail else "; it wrote nothing"
