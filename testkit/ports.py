"""Loopback ports for servers started by tests and benchmarks: the product's own helper (the
demo city picks its ports with it), so there is one way to find a free port."""

from __future__ import annotations

from desktop.local_hq import free_port

LOOPBACK = "127.0.0.1"

__all__ = ["LOOPBACK", "free_port"]
