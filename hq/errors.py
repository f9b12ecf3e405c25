"""Headquarters' exception tree and the error codes of the HTTP contract (docs/sync-protocol.md)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """The `error` field of an HTTP error answer."""

    INVALID_REQUEST = "invalid_request"
    PROTOCOL_TOO_NEW = "protocol_too_new"
    UNAUTHORIZED = "unauthorized"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_FOUND = "not_found"
    PROTOCOL_TOO_OLD = "protocol_too_old"
    RATE_LIMITED = "rate_limited"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    SERVER_ERROR = "server_error"
    SERVER_BUSY = "server_busy"
    UPSTREAM_UNREACHABLE = "upstream_unreachable"  # the office relay cannot reach headquarters
    FEED_PRUNED = "feed_pruned"  # the cursor is older than the changes the feed still keeps


STATUS_OF: dict[ErrorCode, int] = {
    ErrorCode.INVALID_REQUEST: 400,
    ErrorCode.PROTOCOL_TOO_NEW: 400,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.OUT_OF_SCOPE: 403,
    ErrorCode.UPSTREAM_UNREACHABLE: 504,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PROTOCOL_TOO_OLD: 426,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.SERVER_ERROR: 500,
    ErrorCode.SERVER_BUSY: 503,
    ErrorCode.FEED_PRUNED: 410,
}


class HqError(Exception):
    """Base of every error headquarters raises on purpose."""


class StoreUnavailable(HqError):
    """The database URL is wrong or the database cannot be reached or written."""


class SchemaTooNew(HqError):
    """The database was written by a newer headquarters; it is refused, never modified."""


class NotFound(HqError):
    """The person, card, statement or office asked for does not exist at headquarters."""


class InvalidInput(HqError):
    """An argument that cannot be used (bad district code, unknown table, ...)."""


class SeedCollision(InvalidInput):
    """Two generated demo districts share a value that must be unique."""


class ApiError(HqError):
    """An error answered over HTTP with the contract's body."""

    def __init__(
        self, code: ErrorCode, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = STATUS_OF[code]
        self.headers = headers or {}


class FeedPruned(HqError):
    """The changes after a cursor are no longer all in the feed (pruned): the office must copy
    its register again (bootstrap)."""

    def __init__(self, after: int, pruned_through: int) -> None:
        self.after, self.pruned_through = after, pruned_through
        super().__init__(
            f"the change feed no longer holds the changes after {after} (pruned up to "
            f"{pruned_through}): this register must be copied again from headquarters"
        )
