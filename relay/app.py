"""The office relay's HTTP service: headquarters' API over the relay's store, with the relay's
own answers (relay.routes), and the background link to headquarters."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import FastAPI

from hq import store
from hq.api import RelayHooks, create_app
from models.clock import utc_now
from relay import mirror, settings, upstream
from relay.routes import Upstream, router
from relay.storage import MAX_WAIT_S, POLL_S, open_store
from sync.client import HqClient
from sync.enrolment import open_client
from sync.errors import SyncError

log = logging.getLogger(__name__)
SERVICE = "counterdesk-relay"


def _extra() -> dict[str, Any]:
    return {"feed": settings.feed_id(), "upstream": upstream.status()}


def _connect(actor: str | None) -> HqClient:
    url, token = settings.get(settings.HQ_URL), settings.get(settings.TOKEN)
    if not url or not token:
        raise upstream.NotInitialised("the relay is not linked to headquarters: `relay init`")
    return open_client(url, token, actor=actor or "relay", timeout=10.0)


_REFRESH_EVERY_S = 5.0
_tried: dict[str, float] = {}
_refresh_lock = threading.Lock()


def _unknown_token(token: str) -> None:
    """A token the relay does not know: perhaps of a workstation enrolled at headquarters
    since the relay last asked. Ask again (at most every few seconds for one workstation;
    nothing when headquarters is unreachable)."""
    row_id = token.partition(".")[0]
    with _refresh_lock:
        now = time.monotonic()
        if now - _tried.get(row_id, float("-inf")) < _REFRESH_EVERY_S:
            return
        _tried[row_id] = now
    try:
        client = _connect(None)
        try:
            upstream.refresh_office(client)
        finally:
            client.http.close()
    except SyncError:
        return  # headquarters unreachable: the token stays unknown for now


def create_relay_app(url: str, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The relay's API over its store at `url`."""
    open_store(url)
    app = create_app(
        url,
        clock=clock,
        before=(router,),
        title="counterdesk office relay",
        relay=RelayHooks(SERVICE, _extra, mirror.journal_tables, _unknown_token),
    )
    app.state.relay = Upstream(_connect)
    return app


class Link(threading.Thread):
    """The link to headquarters in the background: a run every POLL_S seconds while it
    answers, backing off (doubling up to MAX_WAIT_S) while it does not; `kick()` starts a run
    at once (a workstation pushed something)."""

    def __init__(self, poll_s: float = POLL_S, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(name="relay-link", daemon=True)
        self.poll_s = poll_s
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._kicked = False
        self.last: upstream.LinkReport | None = None

    def kick(self) -> None:
        """Run now, and forget the backoff (a workstation pushed a command)."""
        self._kicked = True
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current run."""
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        wait = self.poll_s
        while not self._stop.is_set():
            with store.session():
                try:
                    client = upstream.connect()
                    try:
                        self.last = upstream.run_once(client, self.clock)
                    finally:
                        client.http.close()
                except upstream.NotInitialised:
                    self.last = None
                except Exception as exc:  # the link must outlive one bad run: say, then retry
                    log.exception("the link to headquarters failed")
                    settings.put(**{settings.STATUS: "failing", settings.ERROR: str(exc)[:500]})
                    self.last = None
            failed = self.last is None or self.last.error is not None
            wait = min(wait * 2, MAX_WAIT_S) if failed else self.poll_s
            self._wake.wait(wait)
            self._wake.clear()
            if self._kicked:  # something new to forward: try at once, and soon again
                self._kicked = False
                wait = self.poll_s
