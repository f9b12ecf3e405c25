"""Training mode: a simulated network outage between the office and headquarters.

While it is on, every request of the sync worker fails as a real outage does (a connection
error before anything is sent), so the clerk sees the office go offline, keeps working, and
sees the queued changes go out and be confirmed when the line comes back.
"""

from __future__ import annotations

import threading

import httpx

from sync.client import HqClient

OUTAGE_MESSAGE = "network outage simulated in training mode"


class SimulatedOutage:
    """The switch, shared by the Training menu (main thread) and the sync worker's requests."""

    def __init__(self) -> None:
        self._on = threading.Event()

    @property
    def on(self) -> bool:
        """True while the outage lasts."""
        return self._on.is_set()

    def set(self, on: bool) -> None:
        """Start or end the outage."""
        if on:
            self._on.set()
        else:
            self._on.clear()

    def wrap(self, client: HqClient) -> HqClient:
        """`client` with its HTTP connection routed through this switch."""
        old = client.http
        client.http = httpx.Client(
            base_url=old.base_url,
            timeout=old.timeout,
            transport=OutageTransport(httpx.HTTPTransport(), self),
        )
        old.close()
        return client


class OutageTransport(httpx.BaseTransport):
    """Passes requests to `inner` unless the outage is on; then fails them as unreachable."""

    def __init__(self, inner: httpx.BaseTransport, outage: SimulatedOutage) -> None:
        self.inner = inner
        self.outage = outage

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request`, or raise ConnectError during the outage."""
        if self.outage.on:
            raise httpx.ConnectError(OUTAGE_MESSAGE, request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()
