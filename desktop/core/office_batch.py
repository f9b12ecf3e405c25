"""Batches of statements from the application, in a process of their own (`BatchProcess`:
see the note there), with their plan, progress and outcome."""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import pickle
import select
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from desktop.core.batch_failures import write_failures_csv
from desktop.core.documents import BatchStopped, EmptyBatch, IdsFileUnreadable, writable_folder
from desktop.core.i18n import set_language
from desktop.core.services import STATEMENTS_FOLDER
from models.actor import Actor
from models.db import close_register
from models.home import OfficeHome
from models.permissions import Permission, require
from models.register_loading import require_complete

BATCH_FOLDER = "batches"

# -- batches -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRequest:
    """What to make: the rights records of `year` for a district or a file of ID numbers."""

    year: int
    out_dir: Path
    lang: str = "zh"  # the statements' language
    district: str | None = None
    ids_file: Path | None = None
    workers: int | None = None  # None: all cores but one (the counter keeps working)
    ui_lang: str = "zh"  # the language of the failures CSV: the application's


@dataclass(frozen=True)
class BatchPlan:
    """A checked request: the people found, and the lines of the IDs file that failed."""

    home: OfficeHome
    actor: Actor
    request: BatchRequest
    person_ids: list[int]
    earlier_failures: list[tuple[str, str]]

    @property
    def total(self) -> int:
        """People asked for (found or not)."""
        return len(self.person_ids) + len(self.earlier_failures)


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch is."""

    total: int
    made: int
    skipped: int
    failed: int
    seconds: float

    @property
    def done(self) -> int:
        """Statements made, skipped or failed so far."""
        return self.made + self.skipped + self.failed

    @property
    def per_second(self) -> float:
        """Statements made per second."""
        return self.made / self.seconds if self.seconds > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        """The time left at the present pace (None before there is a pace)."""
        rate = self.per_second
        return (self.total - self.done) / rate if rate > 0 else None

    @classmethod
    def of(cls, summary: Any) -> BatchProgress:
        """From a reports.batch.BatchSummary."""
        return cls(
            summary.total, summary.made, summary.skipped, len(summary.failed), summary.seconds
        )


@dataclass(frozen=True)
class BatchOutcome:
    """How a batch ended, and where its summary files are."""

    progress: BatchProgress
    failures: list[tuple[str, str]]
    cancelled: bool
    failures_csv: Path
    summary_json: Path


def default_batch_folder(home: OfficeHome, year: int) -> Path:
    """Where a batch of `year` goes unless another folder is chosen (a second run resumes)."""
    return home.path / STATEMENTS_FOLDER / BATCH_FOLDER / f"rights-{year}"


def plan_batch(home: OfficeHome, actor: Actor, request: BatchRequest) -> BatchPlan:
    """Check the request and find the people: the permission, the folder, the IDs file."""
    from reports.batch import people_from_ids, people_of_district

    require(actor, Permission.STATEMENTS)
    require_complete("a batch of statements")
    writable_folder(request.out_dir)
    if request.ids_file is not None:
        try:
            lines = request.ids_file.read_text("utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise IdsFileUnreadable(request.ids_file, "not a UTF-8 text file") from exc
        except OSError as exc:
            raise IdsFileUnreadable(request.ids_file, exc.strerror or str(exc)) from exc
        ids, failed = people_from_ids(lines)
    elif request.district:
        ids, failed = people_of_district(request.district), []
    else:
        raise ValueError("a batch needs a district or a file of ID numbers")
    if not ids and not failed:
        raise EmptyBatch("nobody to make statements for")
    if home.is_encrypted():  # the batch's own process opens the register with it
        home = home.with_passphrase(home.known_passphrase())
    return BatchPlan(home, actor, request, ids, failed)


# Why a process of its own. `reports.batch.run_batch` forks worker processes and, around them,
# closes and reopens the register (`close_register()`, `home.open()`). In the application that
# is unsafe from a worker thread:
# - fork() copies the whole application: the Tk interpreter, and the SQLite connections that
#   other threads (the task runner, the sync worker) hold open at that moment. SQLite forbids
#   carrying a connection across fork, and a Tk object collected in a forked worker would call
#   into a Tcl interpreter whose thread does not exist there (a hang);
# - peewee keeps one connection per thread, but `close_register()` and `home.open()` change
#   what the whole process shares: the register's lock (models.reglock), the driver class and
#   the database path of the one `db` object, under the feet of the other threads.
# So the batch runs in a fresh interpreter started with "spawn": no Tk, no threads, no open
# connection; it opens the register itself (with the passphrase the plan carries) and forks
# its workers from there, as the command line does. The application's own connections are never
# touched and the counter keeps working meanwhile (SQLite WAL; writers queue with the busy
# timeout). Progress comes back over a pipe that the Tk main loop reads with after().


def _batch_child(
    plan: BatchPlan, conn: Connection, stop: Any, parent_pid: int
) -> None:  # pragma: no cover - runs in the batch's own process
    """The batch's process: open the register, run the batch, send progress and the outcome."""
    from reports.batch import run_batch

    def progress(summary: Any) -> None:
        if _writable(conn):  # nobody reading (the screen is away): skip, never block the batch
            conn.send(BatchProgress.of(summary))

    def should_stop() -> bool:  # cancelled, or the application went away
        return stop.is_set() or os.getppid() != parent_pid

    request = plan.request
    try:
        plan.home.open()
        summary = run_batch(
            plan.home,
            plan.actor,
            plan.person_ids,
            request.year,
            request.out_dir,
            request.lang,
            request.workers or max(1, (os.cpu_count() or 2) - 1),
            progress,
            plan.earlier_failures,
            should_stop=should_stop,
        )
        failures_csv = request.out_dir / f"rights-{request.year}-failures.csv"
        set_language(request.ui_lang)
        write_failures_csv(failures_csv, summary.failed)
        conn.send(
            BatchOutcome(
                BatchProgress.of(summary),
                list(summary.failed),
                summary.cancelled,
                failures_csv,
                request.out_dir / f"rights-{request.year}-summary.json",
            )
        )
    except BaseException as exc:
        _send_error(conn, exc)
    finally:
        close_register()
        conn.close()


def _writable(conn: Connection) -> bool:
    """True if a small message can be sent without waiting for the reader."""
    try:
        return bool(select.select([], [conn], [], 0)[1])
    except (OSError, ValueError, TypeError):  # no select() on Windows pipes: just send
        return True


def _send_error(conn: Connection, exc: BaseException) -> None:
    try:
        pickle.loads(pickle.dumps(exc))  # some exceptions cannot be rebuilt on the other side
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):  # the application may be gone
        conn.send(exc)


def start_batch(home: OfficeHome, actor: Actor, request: BatchRequest) -> BatchProcess:
    """Check the request, then start the batch in its own process (returns at once)."""
    job = BatchProcess(plan_batch(home, actor, request))
    job.start()
    return job


BatchItem = BatchProgress | BatchOutcome | BaseException  # what a batch's process sends
FOLLOW_WAIT_S = 0.25  # at most this long between looks at a batch process that died


@dataclass
class BatchProcess:
    """A batch running in its own process; the main loop calls `poll()` for what it sent."""

    plan: BatchPlan
    _process: Any = None
    _conn: Connection | None = None
    _stop: Any = None
    finished: bool = False
    cancel_requested: bool = False

    def start(self) -> None:
        """Start the batch's process (returns at once)."""
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._stop = context.Event()
        self._process = context.Process(
            target=_batch_child,
            args=(self.plan, sender, self._stop, os.getpid()),
            name="counterdesk-batch",
        )
        self._process.start()
        sender.close()  # the child holds the other end: EOF when it exits
        self._conn = receiver
        atexit.register(self.stop_and_wait)  # the application closes: stop the batch too

    def cancel(self) -> None:
        """Ask the batch to stop after the statements in hand (it then writes its summary)."""
        self.cancel_requested = True
        if self._stop is not None:
            self._stop.set()

    def poll(self) -> list[BatchItem]:
        """What the batch sent since the last call (never blocks). Once it has ended, the last
        item is a BatchOutcome, or the exception that stopped it."""
        conn = self._conn
        if conn is None or self.finished:
            return []
        alive = self._process.is_alive()  # asked first: a process that ended sent all it had
        received: list[Any] = []
        try:
            while conn.poll():
                received.append(conn.recv())
                if not isinstance(received[-1], BatchProgress):
                    break
        except (EOFError, OSError):  # the process ended without its outcome
            received.append(BatchStopped(self._exit_text()))
        if not received and not alive:
            received.append(BatchStopped(self._exit_text()))
        if received and not isinstance(received[-1], BatchProgress):
            self._finish()
        return received

    def follow(self, emit: Callable[[BatchItem], None]) -> None:
        """Wait for what the batch sends and `emit` each item, until it has ended (the last item
        is then a BatchOutcome, or the exception that stopped it). Blocks: run it on a thread
        of its own (`desktop.app.tasks.TaskRunner.follow`)."""
        while not self.finished and self._conn is not None:
            with contextlib.suppress(OSError, EOFError):
                self._conn.poll(FOLLOW_WAIT_S)  # wakes as soon as something arrives
            for item in self.poll():
                emit(item)

    def _exit_text(self) -> str:
        self._process.join(timeout=1)
        return f"the batch's process ended with exit code {self._process.exitcode}"

    def _finish(self) -> None:
        self.finished = True
        atexit.unregister(self.stop_and_wait)
        self._process.join(timeout=5)
        if self._conn is not None:
            self._conn.close()

    def stop_and_wait(self, timeout: float = 10.0) -> None:
        """Cancel and wait for the process (the application is closing)."""
        if self._process is None or self.finished:
            return
        self.cancel()
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(1)
