"""The vpcd link: plugs a virtual card into pcscd's virtual reader (vsmartcard-vpcd) over TCP.

vpcd listens on 127.0.0.1:35963 for reader "Virtual PCD 00 00" (35964 for "00 01"). Every
message is a 2-byte big-endian length and a payload; a 1-byte payload is a control code, any
longer one a command APDU answered with data + SW1 SW2. Connecting inserts the card, closing
the socket removes it. vpcd writes each message in two pieces: without TCP_QUICKACK before
every recv (and TCP_NODELAY) each APDU would wait about 40 ms for a delayed ACK.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from enum import Enum
from types import TracebackType

from cards.errors import CardRemoved, ServiceUnavailable
from cards.virtual.card import VirtualCard

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
VPCD_READERS = {"Virtual PCD 00 00": 35963, "Virtual PCD 00 01": 35964}
POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04
POLL_SECONDS = 0.05  # how soon a stop request is noticed while the reader is idle
RETRY_SECONDS = 0.05
# pcscd polls a reader every 0.4 s: a card put back sooner than that after a removal would be
# accepted by vpcd without pcscd ever seeing the reader empty, and pcscd would then refuse it.
REMOVAL_SETTLE_SECONDS = 0.5
_removed_at: dict[tuple[str, int], float] = {}  # (host, port) -> when this process last removed


class LinkEnd(Enum):
    """Why serving ended."""

    STOPPED = "stopped"  # asked to stop: the card was taken out on purpose
    CARD_REMOVED = "card removed"  # the card pulled itself out (fault "remove-midway")
    READER_CLOSED = "reader closed"  # vpcd (pcscd) closed the connection


class _Stopped(Exception):
    """Stop was requested while waiting for the reader."""


class VpcdLink:
    """A virtual card inserted into a vpcd reader.

    As a context manager it connects (inserts the card), serves in a daemon thread and, on
    leaving, closes the socket (removes the card). `serve_forever` serves in the calling thread.
    """

    def __init__(
        self,
        card: VirtualCard,
        port: int = VPCD_PORT,
        host: str = VPCD_HOST,
        connect_timeout: float = 5.0,
    ) -> None:
        self.card = card
        self.port = port
        self.host = host
        self.connect_timeout = connect_timeout
        self.end: LinkEnd | None = None
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def connected(self) -> bool:
        """True while the card is in the reader."""
        return self._sock is not None

    def connect(self) -> None:
        """Insert the card: connect to vpcd, retrying while pcscd starts; ServiceUnavailable
        if nothing listens within `connect_timeout` seconds. Right after a removal on the same
        port it first waits until pcscd can have seen the reader empty."""
        settle = _removed_at.get((self.host, self.port), 0.0) + REMOVAL_SETTLE_SECONDS
        time.sleep(max(0.0, settle - time.monotonic()))
        deadline = time.monotonic() + self.connect_timeout
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError as exc:
                if time.monotonic() >= deadline:
                    raise ServiceUnavailable(
                        f"no virtual card reader listens on {self.host}:{self.port} "
                        "(is pcscd with vsmartcard-vpcd running?)"
                    ) from exc
                time.sleep(RETRY_SECONDS)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(POLL_SECONDS)
        self.card.insert()
        self._sock = sock

    def serve_forever(self, stop: threading.Event) -> LinkEnd:
        """Answer the reader until `stop` is set, vpcd hangs up or the card removes itself;
        connects first if needed, and always closes the socket (removes the card) at the end."""
        if self._sock is None:
            self.connect()
        try:
            self.end = self._serve(stop)
        finally:
            self.close()
        return self.end

    def _serve(self, stop: threading.Event) -> LinkEnd:
        try:
            while True:
                message = self._receive(stop)
                if message is None:
                    return LinkEnd.READER_CLOSED
                reply = self._answer(message)
                if reply is not None:
                    self._send(reply)
        except _Stopped:
            return LinkEnd.STOPPED
        except CardRemoved:
            return LinkEnd.CARD_REMOVED
        except OSError:
            return LinkEnd.READER_CLOSED

    def _answer(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            if message[0] == GET_ATR:
                return self.card.atr
            if message[0] in (POWER_OFF, POWER_ON, RESET):
                self.card.reset()
            return None
        data, sw = self.card.respond(message)
        return data + sw.to_bytes(2, "big")

    def _receive(self, stop: threading.Event) -> bytes | None:
        header = self._receive_exactly(2, stop)
        if header is None:
            return None
        return self._receive_exactly(int.from_bytes(header, "big"), stop)

    def _receive_exactly(self, size: int, stop: threading.Event) -> bytes | None:
        sock = self._socket()
        buffer = bytearray()
        while len(buffer) < size:
            if stop.is_set():
                raise _Stopped
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            try:
                piece = sock.recv(size - len(buffer))
            except TimeoutError:
                continue
            if not piece:
                return None
            buffer += piece
        return bytes(buffer)

    def _send(self, payload: bytes) -> None:
        self._socket().sendall(len(payload).to_bytes(2, "big") + payload)

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise OSError("the virtual card is not connected")
        return self._sock

    def close(self) -> None:
        """Remove the card: close the connection (vpcd then reports no card)."""
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            _removed_at[(self.host, self.port)] = time.monotonic()

    def __enter__(self) -> VpcdLink:
        self.connect()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.serve_forever, args=(self._stop,), name=f"vpcd-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
