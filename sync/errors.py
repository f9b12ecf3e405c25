"""The exception tree of sync: every outcome a caller must tell apart has its own type.

- `Offline`: headquarters could not be reached or the answer did not arrive whole (connection
  refused, name not resolved, timeout, connection reset or cut in the middle of an answer).
- `Failing`: headquarters answered, but not usefully (HTTP 5xx, a body that is not JSON or not
  of the promised shape, too many requests).
- `ProtocolTooOld` / `ProtocolTooNew`: the two sides speak protocols the other cannot.
- `Unauthorized`: the office's token is missing, unknown or revoked.
- `InvalidRequest`: headquarters refused the request (4xx) with a message; `OutOfScope` and
  `NotFoundAtHeadquarters` are the cases a caller handles on their own.
- `NotEnrolled`, `EnrolmentRefused`: the office's own state stops sync before any request.

Each message is a sentence a clerk (or the support person next to them) can act on.
"""

from __future__ import annotations

from enum import StrEnum


class LinkStatus(StrEnum):
    """The state of the link to headquarters as the status bar shows it."""

    NEVER = "never"
    ONLINE = "online"
    OFFLINE = "offline"
    FAILING = "failing"


class SyncError(Exception):
    """Base of every error sync raises on purpose."""

    status: LinkStatus = LinkStatus.FAILING

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Offline(SyncError):
    """Headquarters cannot be reached, or its answer was cut off on the way."""

    status = LinkStatus.OFFLINE


class RemoteLookupOffline(Offline):
    """Asking headquarters for a person of another district, without a connection."""


class Failing(SyncError):
    """Headquarters answered with a failure or with something unusable."""


class ServerError(Failing):
    """HTTP 5xx: headquarters failed while handling the request."""

    def __init__(self, message: str, http_status: int) -> None:
        super().__init__(message)
        self.http_status = http_status


class BadAnswer(Failing):
    """The answer is not JSON, or not of the shape and types the protocol promises."""


class FeedChanged(Failing):
    """The feed answering is not the one the register's cursor belongs to (an office relay
    rebuilt, or the office now syncs with a relay instead of headquarters, or back): the
    register is copied again at the next sync."""


class RateLimited(Failing):
    """HTTP 429: too many requests from this office; wait `retry_after` seconds."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuditRefused(Failing):
    """Headquarters found the office's audit chain broken at an event."""

    def __init__(self, message: str, broken_at: int) -> None:
        super().__init__(message)
        self.broken_at = broken_at


class ProtocolTooOld(SyncError):
    """This counterdesk speaks an older protocol than headquarters accepts: upgrade it."""


class ProtocolTooNew(SyncError):
    """This counterdesk speaks a newer protocol than headquarters knows: upgrade headquarters."""


class Unauthorized(SyncError):
    """The office's token is missing, unknown or revoked."""


class InvalidRequest(SyncError):
    """Headquarters refused the request (HTTP 4xx); the message is headquarters' own."""

    def __init__(self, message: str, code: str | None = None, http_status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status


class OutOfScope(InvalidRequest):
    """HTTP 403: a read for a district the office does not serve."""


class NotFoundAtHeadquarters(InvalidRequest):
    """HTTP 404: headquarters has nobody (or nothing) of that key either."""


class NotEnrolled(SyncError):
    """The register is not enrolled with headquarters yet (no address or token)."""


class EnrolmentRefused(SyncError):
    """This register cannot be enrolled (e.g. it holds people that did not come from
    headquarters)."""
