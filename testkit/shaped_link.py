"""A shaped link: a loopback TCP proxy with a bandwidth, a round-trip time, and a cut on demand.

It stands between an office and headquarters (any TCP service) the way a WAN line does: each
direction carries at most `rate_bps` bits per second, shared by every connection of the link,
and every byte arrives `rtt_s / 2` after it was sent (so a request and its answer take one
`rtt_s` more than on loopback). `cut_at(bytes)` or `cut_after(seconds)` breaks every open
connection once the link has carried that many bytes towards the client (the office), or after
that time: the byte at the offset is not delivered, the sockets are reset, as when the line
drops. Connections opened after a cut work again (the line came back).

Pure Python asyncio in a thread of its own; no root, no traffic control. `bytes_down` and
`bytes_up` count what it delivered in each direction; `connections` the connections accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from testkit.ports import LOOPBACK

CHUNK = 16 * 1024  # bytes read at once: 6.5 ms at 20 Mbit/s, fine enough for the shaping


@dataclass(frozen=True)
class LinkShape:
    """A line's bandwidth (bits per second each way; None: unlimited) and round trip."""

    rate_bps: float | None = None
    rtt_s: float = 0.0

    def describe(self) -> str:
        """E.g. "20 Mbit/s, 40 ms"."""
        rate = "unlimited" if self.rate_bps is None else f"{self.rate_bps / 1e6:g} Mbit/s"
        return f"{rate}, {self.rtt_s * 1000:g} ms"


class Transmitter:
    """One direction of the line, shared by its connections: busy until `free_at`."""

    def __init__(self, shape: LinkShape) -> None:
        self.shape = shape
        self.free_at = 0.0

    def delivery_time(self, now: float, size: int) -> float:
        """When `size` bytes sent at `now` have arrived at the far end."""
        if self.shape.rate_bps is None:
            done = now
        else:
            start = max(now, self.free_at)
            done = start + size * 8 / self.shape.rate_bps
            self.free_at = done
        return done + self.shape.rtt_s / 2


class ShapedLink:
    """The proxy: listens on a free loopback port and forwards to `upstream_port`."""

    def __init__(self, upstream_port: int, shape: LinkShape | None = None) -> None:
        self.upstream_port = upstream_port
        self.shape = shape or LinkShape()
        self.bytes_down = 0  # delivered towards the client
        self.bytes_up = 0  # delivered towards the upstream service
        self.connections = 0
        self.cuts = 0
        self._cut_at: int | None = None
        self._cut_deadline: float | None = None
        self._down = Transmitter(self.shape)
        self._up = Transmitter(self.shape)
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.Server | None = None
        self.port = 0
        self._thread = threading.Thread(target=self._run, name="shaped-link", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the shaped link did not start listening")

    @property
    def url(self) -> str:
        """The address a client should use instead of the upstream service's."""
        return f"http://{LOOPBACK}:{self.port}"

    def cut_at(self, offset: int) -> None:
        """Break the link once it has delivered `offset` bytes towards the client (counted
        from the start, `bytes_down`); once only."""
        self._cut_at = offset

    def cut_after(self, seconds: float) -> None:
        """Break every connection open `seconds` from now; once only."""
        self._cut_deadline = time.monotonic() + seconds
        self._loop.call_soon_threadsafe(self._loop.call_later, seconds, self._cut_by_time)

    def close(self) -> None:
        """Stop listening, break every connection and end the thread."""
        if not self._loop.is_closed():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> ShapedLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the loop's side -----------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, LOOPBACK, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        self._break_all()

    def _cut_by_time(self) -> None:
        if self._cut_deadline is not None:
            self._cut_deadline = None
            self.cuts += 1
            self._break_all()

    def _break_all(self) -> None:
        for writer in list(self._writers):
            _reset(writer)
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(LOOPBACK, self.upstream_port)
        except OSError:
            _reset(writer)
            return
        pair = {writer, up_writer}
        self._writers |= pair
        try:
            await asyncio.gather(
                self._pump(reader, up_writer, down=False),
                self._pump(up_reader, writer, down=True),
            )
        finally:
            self._writers -= pair
            for end in pair:
                with contextlib.suppress(Exception):
                    end.close()

    async def _pump(
        self, source: asyncio.StreamReader, target: asyncio.StreamWriter, *, down: bool
    ) -> None:
        """Carry one direction: each chunk is delivered when the shaped line would deliver it;
        chunks in flight travel concurrently (a round trip is latency, not a pause)."""
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        sender = asyncio.ensure_future(self._deliver(queue, target, down=down))
        try:
            while True:
                try:
                    data = await source.read(CHUNK)
                except (ConnectionError, OSError):
                    data = b""
                if not data:
                    break
                line = self._down if down else self._up
                await queue.put((line.delivery_time(time.monotonic(), len(data)), data))
        finally:
            await queue.put(None)
            with contextlib.suppress(Exception):
                await sender

    async def _deliver(
        self,
        queue: asyncio.Queue[tuple[float, bytes] | None],
        target: asyncio.StreamWriter,
        *,
        down: bool,
    ) -> None:
        while (item := await queue.get()) is not None:
            due, data = item
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if target.is_closing():
                continue
            if down and self._cut_at is not None and self.bytes_down + len(data) >= self._cut_at:
                data = data[: max(0, self._cut_at - self.bytes_down)]
                self._cut_at = None
                self.cuts += 1
                self.bytes_down += len(data)
                target.write(data)
                with contextlib.suppress(Exception):
                    await target.drain()
                self._break_all()
                continue
            if down:
                self.bytes_down += len(data)
            else:
                self.bytes_up += len(data)
            target.write(data)
            try:
                await target.drain()
            except (ConnectionError, OSError):
                _reset(target)
        if not target.is_closing():
            with contextlib.suppress(Exception):
                target.write_eof()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close a connection at once, unsent data dropped (a reset, as a broken line gives)."""
    transport = writer.transport
    with contextlib.suppress(Exception):
        transport.abort()


@contextlib.contextmanager
def shaped_link(upstream_port: int, shape: LinkShape | None = None) -> Iterator[ShapedLink]:
    """A `ShapedLink` to `upstream_port`, closed on exit."""
    link = ShapedLink(upstream_port, shape)
    try:
        yield link
    finally:
        link.close()
