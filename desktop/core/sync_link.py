"""The sync engine's background worker, plugged into the status bar when the office is enrolled.

`sync.scheduler.SyncWorker` runs in its own thread and calls its listeners after every run;
its requests are told as steps to whoever listens (`StepFeed`: the link screen's "Sync now").
The window's listener (`on_update`, made by its task runner) only queues each update for the
main loop. After a change at the counter, `wake` asks for a sync at once, so that headquarters
confirms it sooner.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.core.admin import StepFeed
from desktop.core.outage import SimulatedOutage
from models.home import OfficeHome
from sync.client import HqClient
from sync.enrolment import connect
from sync.scheduler import SyncWorker, WorkerUpdate
from sync.settings import hq_settings

SYNC_ACTOR = "counterdesk-app"


class SyncLink:
    """The worker (None while the office is not enrolled), the steps of its runs, and the calls
    the window needs."""

    def __init__(self, worker: SyncWorker | None, steps: StepFeed | None = None) -> None:
        self.worker = worker
        self.steps = steps or StepFeed()

    @classmethod
    def start(
        cls,
        home: OfficeHome,
        on_update: Callable[[WorkerUpdate], None],
        outage: SimulatedOutage | None = None,
    ) -> SyncLink:
        """Start syncing in the background if the open register is enrolled with headquarters.

        With `outage` (training mode) every connection goes through its switch.
        """
        if hq_settings() is None:
            return cls(None)

        def connect_() -> HqClient:
            client = connect(actor=SYNC_ACTOR)
            return client if outage is None else outage.wrap(client)

        steps = StepFeed()
        worker = SyncWorker(home, steps.watch(connect_), listeners=[on_update])
        return cls(worker.start(), steps)

    @property
    def enrolled(self) -> bool:
        """True when a worker syncs with headquarters."""
        return self.worker is not None

    def wake(self) -> None:
        """Sync now (a command was queued)."""
        if self.worker is not None:
            self.worker.wake()

    def stop(self) -> None:
        """Stop the worker after its current step."""
        if self.worker is not None:
            self.worker.stop(timeout=10)
