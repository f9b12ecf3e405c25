"""A loopback HTTP proxy that injects network and server faults between an office and headquarters.

One request per connection: the proxy reads the office's request, forwards it (with
`Connection: close`) to the real headquarters, reads the whole answer and passes it on — unless a
fault is armed for the request's path, in which case it does what the fault says:

- CUT: forward, let headquarters answer (and commit), send only the first bytes of the answer,
  close: a connection cut in the middle of a response;
- SWALLOW: forward, let headquarters answer (and commit), send nothing and close once the
  client gives up: a timeout after the server committed;
- ERROR_500: do not forward; answer HTTP 500 with a JSON error body;
- CORRUPT: forward; replace the answer's body with bytes that are not JSON;
- REFUSE: close the connection at once without forwarding: headquarters unreachable.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from enum import StrEnum


class Fault(StrEnum):
    """What the proxy does to one matching request."""

    CUT = "cut"
    SWALLOW = "swallow"
    ERROR_500 = "error_500"
    CORRUPT = "corrupt"
    REFUSE = "refuse"


@dataclass
class _Armed:
    fault: Fault
    path_prefix: str
    remaining: int


@dataclass
class FaultProxy:
    """Listens on a free loopback port and forwards to `upstream_port`."""

    upstream_port: int
    host: str = "127.0.0.1"
    seen: list[tuple[str, str, Fault | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server((self.host, 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The address the office should use for headquarters."""
        return f"http://{self.host}:{self.port}"

    def arm(self, fault: Fault, path_prefix: str = "/", times: int = 1) -> None:
        """Apply `fault` to the next `times` requests whose path starts with `path_prefix`."""
        with self._lock:
            self._armed.append(_Armed(fault, path_prefix, times))

    def disarm(self) -> None:
        """Forget every armed fault."""
        with self._lock:
            self._armed.clear()

    def close(self) -> None:
        """Stop listening."""
        self._stopped.set()
        self._listener.close()

    def _take(self, path: str) -> Fault | None:
        with self._lock:
            for armed in self._armed:
                if path.startswith(armed.path_prefix) and armed.remaining > 0:
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._armed.remove(armed)
                    return armed.fault
        return None

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            request = _read_request(client)
            if request is None:
                return
            method, path = _request_line(request)
            fault = self._take(path)
            self.seen.append((method, path, fault))
            if fault is Fault.REFUSE:
                return
            if fault is Fault.ERROR_500:
                body = b'{"error": "server_error", "message": "injected failure"}'
                client.sendall(
                    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n"
                    b"content-length: " + str(len(body)).encode() + b"\r\n"
                    b"connection: close\r\n\r\n" + body
                )
                return
            answer = _forward(self.host, self.upstream_port, request)
            if fault is Fault.CUT:
                client.sendall(answer[: max(1, len(answer) // 2)])
            elif fault is Fault.SWALLOW:
                client.settimeout(30)
                try:
                    while client.recv(4096):
                        pass
                except OSError:
                    pass
            elif fault is Fault.CORRUPT:
                head, _, body = answer.partition(b"\r\n\r\n")
                garbage = b"<html>proxy error" + b"#" * max(0, len(body) - 17)
                client.sendall(head + b"\r\n\r\n" + garbage[: len(body)])
            else:
                client.sendall(answer)


def _read_request(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _request_line(request: bytes) -> tuple[str, str]:
    method, target, _version = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    return method, target


def _forward(host: str, port: int, request: bytes) -> bytes:
    with socket.create_connection((host, port), timeout=60) as upstream:
        upstream.sendall(request)
        chunks = []
        while chunk := upstream.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
