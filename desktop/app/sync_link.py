"""The sync engine's background worker, plugged into the status bar when the office is enrolled.

`sync.scheduler.SyncWorker` runs in its own thread and calls its listeners after every run;
the status bar's `StatusFeed.publish` is one of them (it only queues the snapshot for the main
loop). After a change at the counter, `wake` asks for a sync at once, so that headquarters
confirms it sooner.
"""

from __future__ import annotations

from desktop.app.status import StatusFeed
from models.home import OfficeHome
from sync.enrolment import connect
from sync.scheduler import SyncWorker
from sync.settings import hq_settings

SYNC_ACTOR = "counterdesk-app"


class SyncLink:
    """The worker (None while the office is not enrolled) and the calls the window needs."""

    def __init__(self, worker: SyncWorker | None) -> None:
        self.worker = worker

    @classmethod
    def start(cls, home: OfficeHome, feed: StatusFeed) -> SyncLink:
        """Start syncing in the background if the open register is enrolled with headquarters."""
        if hq_settings() is None:
            return cls(None)
        worker = SyncWorker(home, lambda: connect(actor=SYNC_ACTOR), listeners=[feed.publish])
        return cls(worker.start())

    def wake(self) -> None:
        """Sync now (a command was queued)."""
        if self.worker is not None:
            self.worker.wake()

    def stop(self) -> None:
        """Stop the worker after its current step."""
        if self.worker is not None:
            self.worker.stop(timeout=10)
