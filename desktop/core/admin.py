"""The supervisor's and administrator's work on the register, as functions for worker threads.

Rejected commands (read and acknowledged by supervisors), the link to headquarters (anyone
signed in: its state, and a sync run with progress), and the office's settings (administrators:
read, validated, stored in `office_setting`, each change an audit event). Every function takes
the actor and checks its permission through `models.permissions.require`; none touches a widget.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from desktop.core.config import MENU_THEMES, TEXT_SIZES
from desktop.core.i18n import LANGUAGES
from models import audit
from models.actor import Actor
from models.errors import InvalidRequest
from models.home import setting
from models.permissions import Permission, require
from models.schema import OfficeSetting, write_transaction
from sync import rejections, settings
from sync.client import HqClient
from sync.engine import SyncEngine, SyncReport
from sync.enrolment import connect
from sync.errors import SyncError
from sync.status import StatusSnapshot, read_status

REJECTIONS_PERMISSION = rejections.ACKNOWLEDGE_PERMISSION  # Permission.AUDIT: supervisors
SETTINGS_PERMISSION = Permission.SETTINGS
SYNC_ACTOR = "counterdesk-app"

# The office settings this module edits (office_setting keys).
PRINTER = "printer"  # "" : save PDFs only; "default": the system's default; else a CUPS queue
CARD_READER = "card_reader"  # "" : the first reader; else a PC/SC reader name
LANGUAGE = "language"
THEME = "theme"
TEXT_SIZE = "text_size"
HQ_URL = settings.URL
EDITABLE = (HQ_URL, CARD_READER, PRINTER, LANGUAGE, THEME, TEXT_SIZE)
# The values a setting may take ("": not set, the command line or the default decides).
CHOICES: dict[str, tuple[str, ...]] = {
    LANGUAGE: ("", *LANGUAGES),
    THEME: ("", *MENU_THEMES),
    TEXT_SIZE: ("", *(str(size) for size in TEXT_SIZES)),
}
_CODE_AT_END = re.compile(r"^(?P<text>.*) \((?P<code>[a-z_]+)\)$", re.DOTALL)


# -- rejected commands --------------------------------------------------------------------------


def split_reason(reason: str | None) -> tuple[str, str | None]:
    """Headquarters' reason as stored ("text (code)") -> (text, code)."""
    if not reason:
        return "", None
    found = _CODE_AT_END.match(reason)
    if found is None:
        return reason, None
    return found["text"], found["code"]


def rejected_commands(actor: Actor) -> list[rejections.RejectedCommand]:
    """Rejected commands no supervisor has acknowledged yet, oldest first."""
    require(actor, REJECTIONS_PERMISSION)
    return rejections.rejected_awaiting()


def acknowledged_commands(actor: Actor, limit: int = 200) -> list[rejections.RejectedCommand]:
    """Rejected commands already acknowledged, newest acknowledgement first."""
    require(actor, REJECTIONS_PERMISSION)
    return rejections.rejected_acknowledged(limit)


def acknowledge(actor: Actor, uuid: str) -> rejections.RejectedCommand:
    """Record that `actor` saw the rejected command `uuid` (who and when; an audit event)."""
    require(actor, REJECTIONS_PERMISSION)
    return rejections.acknowledge(uuid, actor)


# -- the link to headquarters ---------------------------------------------------------------------


@dataclass(frozen=True)
class LinkState:
    """The link to headquarters as the screen shows it (the token is never part of it)."""

    status: StatusSnapshot
    enrolled_at: datetime | None


def _link_state() -> LinkState:
    status = read_status()
    found = settings.hq_settings()
    at = None
    if found is not None and found.enrolled_at:
        with contextlib.suppress(ValueError):
            at = datetime.fromisoformat(found.enrolled_at)
    return LinkState(status, at)


def link_status(actor: Actor) -> LinkState:
    """The enrolment and sync state; anyone signed in may read it."""
    del actor  # no permission needed: every member of staff sees the link's state
    return _link_state()


@dataclass(frozen=True)
class SyncStep:
    """Progress of a sync run: the phase, how many requests of it so far, and rows copied."""

    phase: str  # push | audit | bootstrap | pull | check
    count: int
    rows: int | None = None


Progress = Callable[[SyncStep], None]
_PHASES = {
    "push": "push",
    "push_audit": "audit",
    "request_bootstrap": "bootstrap",
    "bootstrap": "bootstrap",
    "changes": "pull",
    "digest": "check",
}


class _Watched:
    """An HqClient whose requests are reported as phases of the run (from the calling thread:
    the callback must only queue). Bootstrap pages are reported by the engine once applied,
    with their rows, unless `pages_by_request` (then as requests, like the other phases)."""

    def __init__(
        self, client: HqClient, progress: Progress, pages_by_request: bool = False
    ) -> None:
        self._client = client
        self._progress = progress
        self._pages_by_request = pages_by_request
        self._counts: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._client, name)
        phase = _PHASES.get(name)
        if phase is None or not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            count = self._counts.get(phase, 0) + 1
            self._counts[phase] = count
            if phase != "bootstrap" or self._pages_by_request:
                self._progress(SyncStep(phase, count))
            return value(*args, **kwargs)

        return call


class StepFeed:
    """The steps of sync runs made elsewhere (the application's background worker), for those
    who listen at the moment (the link screen while it waits for "Sync now"). Listeners are
    called on the worker's thread: they must only queue."""

    def __init__(self) -> None:
        self._listeners: list[Progress] = []
        self._lock = threading.Lock()

    def add(self, listener: Progress) -> None:
        """Start telling `listener` the steps."""
        with self._lock:
            self._listeners.append(listener)

    def remove(self, listener: Progress) -> None:
        """Stop telling `listener` (nothing if it was not listening)."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    @property
    def listened(self) -> bool:
        """True while someone listens."""
        with self._lock:
            return bool(self._listeners)

    def report(self, step: SyncStep) -> None:
        """Tell every listener of the moment about `step`."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(step)

    def watch(self, connect_fn: Callable[[], HqClient]) -> Callable[[], HqClient]:
        """`connect_fn` whose clients report their requests here as steps."""

        def connect_() -> HqClient:
            return _Watched(connect_fn(), self.report, pages_by_request=True)  # type: ignore[return-value]

        return connect_


@dataclass(frozen=True)
class SyncOutcome:
    """A finished "sync now": the engine's report (None if it could not start) and the state."""

    report: SyncReport | None
    link: LinkState
    problem: str | None = None  # why the run could not start (not enrolled, ...), in English
    problem_code: str | None = None  # its SyncError code
    warnings: list[str] = field(default_factory=list)


def sync_now(
    actor: Actor, progress: Progress, connect_fn: Callable[[], HqClient] | None = None
) -> SyncOutcome:
    """Run one sync with headquarters on this thread (a worker), reporting each phase.

    Every member of staff may ask for it. An unreachable headquarters is an outcome, not an
    error: the run stores "offline" with the reason, and the next attempt's time.
    """
    del actor  # clerks may sync too; the run acts as the application
    try:
        client = (connect_fn or (lambda: connect(actor=SYNC_ACTOR)))()
    except SyncError as exc:
        return SyncOutcome(None, _link_state(), exc.message, problem_code=exc.code)

    def bootstrap_page(done: dict[str, Any]) -> None:
        progress(SyncStep("bootstrap", int(done.get("pages", 0)), int(done.get("rows", 0))))

    try:
        engine = SyncEngine(_Watched(client, progress), progress=bootstrap_page)  # type: ignore[arg-type]
        report = engine.run_once()
    finally:
        client.close()
    return SyncOutcome(report, _link_state(), None, list(report.warnings))


# -- settings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeSettings:
    """The settings an administrator edits ("" where unset)."""

    hq_url: str
    enrolled: bool
    card_reader: str
    printer: str
    language: str
    theme: str
    text_size: str

    def value(self, key: str) -> str:
        """The value of one of EDITABLE."""
        return {
            HQ_URL: self.hq_url,
            CARD_READER: self.card_reader,
            PRINTER: self.printer,
            LANGUAGE: self.language,
            THEME: self.theme,
            TEXT_SIZE: self.text_size,
        }[key]


def read_settings(actor: Actor) -> OfficeSettings:
    """The stored settings (the token is never read out)."""
    require(actor, SETTINGS_PERMISSION)
    return OfficeSettings(
        hq_url=setting(HQ_URL, "") or "",
        enrolled=settings.hq_settings() is not None,
        card_reader=setting(CARD_READER, "") or "",
        printer=setting(PRINTER, "") or "",
        language=setting(LANGUAGE, "") or "",
        theme=setting(THEME, "") or "",
        text_size=setting(TEXT_SIZE, "") or "",
    )


class AddressProblem(StrEnum):
    """What is wrong with a headquarters address (the application words each one)."""

    EMPTY = "empty"
    SPACES = "spaces"
    NOT_AN_ADDRESS = "not-an-address"
    SCHEME = "scheme"
    NO_HOST = "no-host"
    EXTRAS = "extras"
    PORT_ZERO = "port-zero"


class InvalidAddress(InvalidRequest):
    """A headquarters address that cannot be used, and why (`problem`)."""

    def __init__(self, problem: AddressProblem, message: str) -> None:
        self.problem = problem
        super().__init__(message)


def check_hq_url(text: str) -> str:
    """The address normalised (no trailing slash), or InvalidAddress saying what is wrong."""
    url = text.strip()
    if not url:
        raise InvalidAddress(AddressProblem.EMPTY, "the headquarters address is empty")
    if any(c.isspace() for c in url):
        raise InvalidAddress(AddressProblem.SPACES, "the headquarters address has spaces in it")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidAddress(
            AddressProblem.NOT_AN_ADDRESS, f"{url!r} is not a web address ({exc})"
        ) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidAddress(
            AddressProblem.SCHEME, f"{url!r} does not start with http:// or https://"
        )
    if not parts.hostname:
        raise InvalidAddress(AddressProblem.NO_HOST, f"{url!r} names no computer (host)")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidAddress(
            AddressProblem.EXTRAS,
            f"{url!r} carries a user, a query or a fragment: give only the host",
        )
    if port == 0:
        raise InvalidAddress(AddressProblem.PORT_ZERO, f"{url!r} has port 0")
    return url.rstrip("/")


def _check(key: str, value: str) -> str:
    if key == HQ_URL:
        return check_hq_url(value)
    allowed_values = CHOICES.get(key)
    value = value.strip()
    if allowed_values is not None and value not in allowed_values:
        raise InvalidRequest(
            f"{value!r} is not a possible {key}: one of {', '.join(filter(None, allowed_values))}"
        )
    if key in (PRINTER, CARD_READER) and len(value) > 200:
        raise InvalidRequest(f"the {key} name is too long")
    return value


def save_settings(actor: Actor, changes: dict[str, str]) -> list[str]:
    """Store the changed settings in one transaction, each change an audit event; return the
    keys that changed. Language, theme and text size take one of CHOICES.

    The headquarters address must be an http(s) address of a host; the office's token stays.
    """
    require(actor, SETTINGS_PERMISSION)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidRequest(
            f"not an office setting this screen edits: {', '.join(sorted(unknown))}"
        )
    checked = {key: _check(key, value) for key, value in changes.items()}
    changed: list[str] = []
    with write_transaction():
        for key in EDITABLE:
            if key not in checked:
                continue
            before = setting(key, "") or ""
            after = checked[key]
            if before == after:
                continue
            if key == HQ_URL and not after:
                raise InvalidAddress(AddressProblem.EMPTY, "the headquarters address is empty")
            if after:
                OfficeSetting.replace(key=key, value=after).execute()
            else:
                OfficeSetting.delete().where(OfficeSetting.key == key).execute()
            audit.record(actor, "settings.change", None, key=key, before=before, after=after)
            changed.append(key)
    return changed


# -- what the computer offers -------------------------------------------------------------------


NO_PCSC, NO_CUPS, CUPS_FAILED = "no-pcsc", "no-cups", "cups-failed"  # kinds of Found.problem


@dataclass(frozen=True)
class Found:
    """Names found on this computer (readers, printers), or why none could be listed."""

    names: tuple[str, ...]
    problem: str | None = None  # the English detail
    error: Exception | None = None  # the typed error behind `problem`, when there is one
    kind: str | None = None  # a key of FOUND_PROBLEMS: what the application says


def card_readers() -> Found:
    """The PC/SC readers attached now (names), or why they cannot be listed."""
    try:
        from cards.pcsc import PcscContext
    except ImportError:
        return Found((), "the PC/SC library (pyscard) is not installed", kind=NO_PCSC)
    try:
        with PcscContext() as context:
            return Found(tuple(context.reader_names()))
    except Exception as exc:  # the card service is down, ...: say why, list nothing
        return Found((), str(exc), exc)


def printers(run: Callable[..., Any] = subprocess.run) -> Found:
    """The CUPS queues (`lpstat -e`), or why there are none to choose from."""
    if shutil.which("lpstat") is None:
        return Found((), "lpstat is not installed (CUPS client: package cups-client)", kind=NO_CUPS)
    try:
        done = run(["lpstat", "-e"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Found((), f"lpstat failed: {exc}", kind=CUPS_FAILED)
    if done.returncode != 0:
        return Found(
            (),
            (done.stderr or "").strip() or f"lpstat ended with {done.returncode}",
            kind=CUPS_FAILED,
        )
    return Found(tuple(line.strip() for line in done.stdout.splitlines() if line.strip()))


# -- what the application starts with ------------------------------------------------------------


@dataclass(frozen=True)
class StartSettings:
    """The stored settings the application starts with (None: not set, or not usable)."""

    lang: str | None
    theme: str | None
    text_size: int | None
    printer: str | None  # "" : save PDFs only; "default"; a CUPS queue
    card_reader: str | None


def start_settings() -> StartSettings:
    """Read the stored language, theme, text size, printer and reader from the open register,
    for the composition root (values outside CHOICES are ignored, not trusted)."""

    def chosen(key: str) -> str | None:
        value = setting(key, "") or ""
        return value if value and value in CHOICES[key] else None

    size = chosen(TEXT_SIZE)
    return StartSettings(
        lang=chosen(LANGUAGE),
        theme=chosen(THEME),
        text_size=int(size) if size else None,
        printer=setting(PRINTER),
        card_reader=setting(CARD_READER) or None,
    )
