"""The QR payload of a document: its number and facts, signed with the office's key (HMAC).

    CD1|<number>|<kind>|<printed, UTC, YYYYMMDDTHHMMSSZ>|<digest>|<signature>

`digest` is the first 16 hex digits of the SHA-256 of the document's data (what it states) as
canonical JSON (`data_digest`);
`signature` the first 32 hex digits of HMAC-SHA256(office key, everything before it).
Headquarters, holding the office's key, verifies a scanned code with `verify`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

VERSION = "CD1"


@dataclass(frozen=True)
class SignedFacts:
    """What a QR code says, once verified."""

    number: str
    kind: str
    printed_at: datetime
    digest: str


def data_digest(body: Any) -> str:
    """16 hex digits of the SHA-256 of a document body (a dataclass or plain data) as canonical
    JSON: dataclasses as objects with their fields in declaration order, other keys sorted,
    dates in ISO 8601, UTF-8, no spaces; anything JSON has no type for as its `str`."""
    text = orjson.dumps(body, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(text).hexdigest()[:16]


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def sign(key: bytes, number: str, kind: str, printed_at: datetime, digest: str) -> str:
    """The QR payload for a document."""
    stamp = printed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    message = "|".join((VERSION, number, kind, stamp, digest))
    return f"{message}|{_mac(key, message)}"


def verify(key: bytes, payload: str) -> SignedFacts | None:
    """The facts of a genuine payload; None if it was not signed with `key` or is malformed."""
    if not payload.isascii():
        return None  # every genuine payload is ASCII (and compare_digest refuses other text)
    parts = payload.strip().split("|")
    if len(parts) != 6 or parts[0] != VERSION:
        return None
    message, signature = "|".join(parts[:5]), parts[5]
    if not hmac.compare_digest(_mac(key, message), signature):
        return None
    try:
        printed = datetime.strptime(parts[3], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return SignedFacts(parts[1], parts[2], printed, parts[4])
