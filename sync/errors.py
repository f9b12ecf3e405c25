"""The exception tree of sync: every outcome a caller must tell apart has its own type.

- `Offline`: headquarters could not be reached or the answer did not arrive whole (connection
  refused, name not resolved, timeout, connection reset or cut in the middle of an answer).
- `Failing`: headquarters answered, but not usefully (HTTP 5xx, a body that is not JSON or not
  of the promised shape, a compressed body that does not decompress, too many requests).
- `ProtocolTooOld` / `ProtocolTooNew`: the two sides speak protocols the other cannot.
- `Unauthorized`: the office's token is missing, unknown or revoked.
- `InvalidRequest`: headquarters refused the request (4xx) with a message; `OutOfScope` and
  `NotFoundAtHeadquarters` are the cases a caller handles on their own.
- `NotEnrolled`, `EnrolmentRefused`: the office's own state stops sync before any request.

Each message is a sentence a clerk (or the support person next to them) can act on. Each type
also has a stable `code` (stored with the sync state, translated by the application): a new
subclass must declare its own, and `error_type` finds the type again from a stored code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class LinkStatus(StrEnum):
    """The state of the link to headquarters as the status bar shows it."""

    NEVER = "never"
    ONLINE = "online"
    OFFLINE = "offline"
    FAILING = "failing"


class SyncError(Exception):
    """Base of every error sync raises on purpose."""

    code: ClassVar[str] = "sync_error"
    status: LinkStatus = LinkStatus.FAILING
    _by_code: ClassVar[dict[str, type[SyncError]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if not isinstance(code, str) or not code:
            raise TypeError(f"{cls.__name__} must declare its own stable `code`")
        if code in SyncError._by_code:
            raise TypeError(f"{cls.__name__}: code {code!r} is already {SyncError._by_code[code]}")
        SyncError._by_code[code] = cls

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def error_type(stored: str | None) -> type[SyncError] | None:
    """The error type of a stored code; registers written before codes existed stored the
    type's name, which is found too. None for nothing stored or a code this version lacks."""
    if not stored:
        return None
    if stored == SyncError.code:
        return SyncError
    found = SyncError._by_code.get(stored)
    if found is None:
        found = next((t for t in SyncError._by_code.values() if t.__name__ == stored), None)
    return found


def error_types() -> list[type[SyncError]]:
    """Every error type of sync, the base first."""
    return [SyncError, *SyncError._by_code.values()]


class Offline(SyncError):
    """Headquarters cannot be reached, or its answer was cut off on the way."""

    code = "offline"

    status = LinkStatus.OFFLINE


class RemoteLookupOffline(Offline):
    """Asking headquarters for a person of another district, without a connection."""

    code = "remote_lookup_offline"


class Failing(SyncError):
    """Headquarters answered with a failure or with something unusable."""

    code = "failing"


class ServerError(Failing):
    """HTTP 5xx: headquarters failed while handling the request."""

    code = "server_error"

    def __init__(self, message: str, http_status: int) -> None:
        super().__init__(message)
        self.http_status = http_status


class BadAnswer(Failing):
    """The answer is not JSON, or not of the shape and types the protocol promises."""

    code = "bad_answer"


class CorruptAnswer(BadAnswer):
    """A compressed answer (zstd or gzip) whose body does not decompress to the JSON it
    announced: damaged on the way. Nothing of it is used; sync asks again."""

    code = "corrupt_answer"


class FeedChanged(Failing):
    """The feed answering is not the one the register's cursor belongs to (an office relay
    rebuilt, or the office now syncs with a relay instead of headquarters, or back): the
    register is copied again at the next sync."""

    code = "feed_changed"


class FeedPruned(Failing):
    """HTTP 410 `feed_pruned`: headquarters no longer keeps every change after the register's
    cursor (it was not synced for longer than headquarters keeps its change feed): the
    register is copied again at the next sync."""

    code = "feed_pruned"


class RateLimited(Failing):
    """HTTP 429: too many requests from this office; wait `retry_after` seconds."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuditRefused(Failing):
    """Headquarters found the office's audit chain broken at an event."""

    code = "audit_refused"

    def __init__(self, message: str, broken_at: int) -> None:
        super().__init__(message)
        self.broken_at = broken_at


class ProtocolTooOld(SyncError):
    """This counterdesk speaks an older protocol than headquarters accepts: upgrade it."""

    code = "protocol_too_old"


class ProtocolTooNew(SyncError):
    """This counterdesk speaks a newer protocol than headquarters knows: upgrade headquarters."""

    code = "protocol_too_new"


class Unauthorized(SyncError):
    """The office's token is missing, unknown or revoked."""

    code = "unauthorized"


class InvalidRequest(SyncError):
    """Headquarters refused the request (HTTP 4xx); the message is headquarters' own."""

    code = "invalid_request"

    def __init__(self, message: str, code: str | None = None, http_status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status


class OutOfScope(InvalidRequest):
    """HTTP 403: a read for a district the office does not serve."""

    code = "out_of_scope"


class NotFoundAtHeadquarters(InvalidRequest):
    """HTTP 404: headquarters has nobody (or nothing) of that key either."""

    code = "not_found_at_headquarters"


class NotEnrolled(SyncError):
    """The register is not enrolled with headquarters yet (no address or token)."""

    code = "not_enrolled"


class EnrolmentRefused(SyncError):
    """This register cannot be enrolled (e.g. it holds people that did not come from
    headquarters)."""

    code = "enrolment_refused"
