"""The shaped link of testkit: it carries bytes both ways, counts them, models bandwidth and round
trip, and cuts at an exact byte offset or after a time."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from testkit.shaped_link import LinkShape, ShapedLink, Transmitter, shaped_link

SIZE = 200_000


class _Source(socketserver.BaseRequestHandler):
    """Reads a line with a byte count, answers that many bytes (0, 1, 2, ... mod 256)."""

    def handle(self) -> None:
        line = b""
        while not line.endswith(b"\n"):
            chunk = self.request.recv(64)
            if not chunk:
                return
            line += chunk
        count = int(line)
        self.request.sendall(bytes(i % 256 for i in range(count)))


@pytest.fixture
def source() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Source)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _fetch(link: ShapedLink, count: int) -> bytes:
    with socket.create_connection(("127.0.0.1", link.port), timeout=10) as sock:
        sock.sendall(f"{count}\n".encode())
        received = []
        try:
            while chunk := sock.recv(65536):
                received.append(chunk)
        except ConnectionResetError:
            pass
    return b"".join(received)


def test_the_link_carries_every_byte_and_counts_both_directions(source: int) -> None:
    with shaped_link(source, LinkShape(rate_bps=200e6, rtt_s=0.002)) as link:
        data = _fetch(link, SIZE)
        again = _fetch(link, 10)
    assert data == bytes(i % 256 for i in range(SIZE)) and again == bytes(range(10))
    assert link.bytes_down == SIZE + 10
    assert link.bytes_up == len(f"{SIZE}\n") + len("10\n")
    assert link.connections == 2 and link.cuts == 0


@pytest.mark.parametrize("offset", [1, 16_384, 70_001, SIZE - 1])
def test_a_cut_delivers_exactly_the_bytes_before_the_offset_then_the_line_comes_back(
    source: int, offset: int
) -> None:
    with shaped_link(source) as link:
        link.cut_at(offset)
        cut = _fetch(link, SIZE)
        whole = _fetch(link, 1000)
    assert cut == bytes(i % 256 for i in range(offset))
    assert link.cuts == 1 and len(whole) == 1000
    assert link.bytes_down == offset + 1000


def test_a_cut_after_a_time_breaks_an_answer_still_on_the_way(source: int) -> None:
    # 2,000,000 bytes at 8 Mbit/s take 2 s; the cut comes 0.3 s after the first bytes arrived
    # (timed from then, not from the request: on a loaded machine the start may be late)
    with shaped_link(source, LinkShape(rate_bps=8e6, rtt_s=0.0)) as link:
        received = []
        with socket.create_connection(("127.0.0.1", link.port), timeout=10) as sock:
            sock.sendall(b"2000000\n")
            received.append(sock.recv(65536))
            link.cut_after(0.3)
            try:
                while chunk := sock.recv(65536):
                    received.append(chunk)
            except ConnectionResetError:
                pass
        cut = b"".join(received)
    assert 0 < len(cut) < 2_000_000 and link.cuts == 1
    assert cut == bytes(i % 256 for i in range(len(cut)))


def test_the_line_delivers_at_its_rate_after_half_a_round_trip() -> None:
    line = Transmitter(LinkShape(rate_bps=20e6, rtt_s=0.040))
    # 2.5 MB = 20 Mbit: one second on the line, then 20 ms on the way
    assert line.delivery_time(100.0, 2_500_000) == pytest.approx(101.020)
    # sent while the line is still busy: queued behind the first
    assert line.delivery_time(100.5, 250_000) == pytest.approx(101.120)
    # sent after the line went idle: only its own time and the latency
    assert line.delivery_time(200.0, 0) == pytest.approx(200.020)
    unlimited = Transmitter(LinkShape(rate_bps=None, rtt_s=0.010))
    assert unlimited.delivery_time(5.0, 10**9) == pytest.approx(5.005)


def test_a_shape_describes_itself() -> None:
    assert LinkShape(20e6, 0.04).describe() == "20 Mbit/s, 40 ms"
    assert LinkShape().describe() == "unlimited, 0 ms"
