"""Loopback ports for servers started by tests and benchmarks."""

from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now (the system picks it).

    Another process may take it before the caller binds it; on a test machine that is rare
    enough, and a server that cannot bind fails its start with a clear message.
    """
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])
