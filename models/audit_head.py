"""The audit chain's signed head: how many events there are, the newest's id and hash, sealed.

A hash chain shows an event changed or removed behind the newest one, but not a log emptied,
cut at its newest end, renumbered, or re-hashed from an edited event on. The head closes those
holes: it is kept outside the events' table (office setting `audit_head`), advanced in the same
transaction as every append, and sealed with an HMAC under a key kept outside the register
(`keys/audit-head.key` in the office home, readable by its owner only). Headquarters holds the
other anchor: the office sends the log's count and newest id and hash with every audit push and
headquarters compares them with the events it already holds (hq.audit).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.schema import beside_register, db

HEAD_SETTING = "audit_head"
KEY_FILE = "keys/audit-head.key"
_READ = "SELECT value FROM office_setting WHERE key = ?"
_WRITE = "INSERT OR REPLACE INTO office_setting (key, value) VALUES (?, ?)"


@dataclass(frozen=True)
class Head:
    """The chain's head as sealed: the number of events, the newest's id and hash."""

    count: int
    last_id: int
    hash: str
    seal: str = ""


@lru_cache(maxsize=8)
def _key_at(path: Path) -> bytes:
    if not path.exists():
        # Written whole under a temporary name, then linked into place: processes racing here
        # all end up with the one key that was linked first.
        path.parent.mkdir(mode=0o700, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (secrets.token_hex(32) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)
        finally:
            os.unlink(temp)
    return bytes.fromhex(path.read_text().strip())


def _key() -> bytes | None:
    path = beside_register(KEY_FILE)
    return None if path is None else _key_at(path)


def _seal(key: bytes, count: int, last_id: int, last_hash: str) -> str:
    return hmac.new(key, f"{count}|{last_id}|{last_hash}".encode(), hashlib.sha256).hexdigest()


def read_head() -> Head | None:
    """The stored head, or None if the register has none yet (made before heads existed)."""
    row = db.execute_sql(_READ, (HEAD_SETTING,)).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
        return Head(int(data["count"]), int(data["last_id"]), str(data["hash"]), str(data["seal"]))
    except (ValueError, KeyError, TypeError):
        return Head(-1, -1, "", "unreadable")


def advance(added: int, last_id: int, last_hash: str) -> None:
    """Move the head past `added` events just appended, the newest `last_id` with `last_hash`
    (inside the appending write transaction)."""
    key = _key()
    if key is None:
        return
    head = read_head()
    if head is None or head.count < 0:  # the first head of an older register: count them all
        count = db.execute_sql("SELECT count(*) FROM audit_event").fetchone()[0]
    else:
        count = head.count + added
    seal = _seal(key, count, last_id, last_hash)
    value = json.dumps({"count": count, "last_id": last_id, "hash": last_hash, "seal": seal})
    db.execute_sql(_WRITE, (HEAD_SETTING, value))


def head_problem(head: Head | None, count: int, last_id: int, last_hash: str) -> str | None:
    """What the stored `head` says is wrong with a log of `count` events whose newest is
    `last_id` with `last_hash`; None when they agree (or there is no head to compare with)."""
    if head is None:
        return None
    key = _key()
    if key is None:
        return None
    if head.count < 0 or not hmac.compare_digest(
        head.seal, _seal(key, head.count, head.last_id, head.hash)
    ):
        return "the audit log's signed head was altered or damaged"
    if count == 0 and head.count > 0:
        return f"the whole audit log was emptied (the signed head counts {head.count:,} events)"
    if last_id < head.last_id:
        return (
            f"the newest events were removed: the log ends at event {last_id}, the signed head "
            f"at event {head.last_id}"
        )
    if last_id != head.last_id or last_hash != head.hash:
        return "the newest event is not the one the signed head names (renumbered or rewritten)"
    if count != head.count:
        return f"events were removed or added: {count:,} in the log, {head.count:,} signed"
    return None
