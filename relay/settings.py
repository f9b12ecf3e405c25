"""The relay's settings and upstream state, kept in `relay_setting`."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hq import store
from relay.schema import RelaySetting

HQ_URL = "hq_url"
TOKEN = "token"
OFFICE = "office"  # JSON: {"id", "districts", "code"}
FEED_ID = "feed_id"
CURSOR = "upstream_cursor"
BOOTSTRAP = "bootstrap"  # JSON progress of the copy from headquarters; "done" when finished
DATA_AS_OF = "data_as_of"
LAST_SUCCESS = "last_success_at"
LAST_ATTEMPT = "last_attempt_at"
STATUS = "status"  # never | online | offline
ERROR = "error"
OFFICE_REFRESHED = "office_refreshed_at"


def get(key: str, default: str | None = None) -> str | None:
    """One setting (None when unset)."""
    row = RelaySetting.get_or_none(RelaySetting.key == key)
    return row.value if row is not None else default


def put(**values: Any) -> None:
    """Set settings (None removes one), in one transaction."""
    with store.write_transaction():
        for key, value in values.items():
            if value is None:
                RelaySetting.delete().where(RelaySetting.key == key).execute()
            else:
                text = value.isoformat() if isinstance(value, datetime) else str(value)
                RelaySetting.insert(key=key, value=text).on_conflict(
                    conflict_target=[RelaySetting.key], update={RelaySetting.value: text}
                ).execute()


def feed_id() -> str:
    """This store's feed id, made once when the store is created: a rebuilt relay has a new
    one, so the workstations know their cursors belong to another feed."""
    found = get(FEED_ID)
    if found is None:
        found = "relay-" + secrets.token_hex(8)
        put(**{FEED_ID: found})
    return found


@dataclass(frozen=True)
class OfficeFacts:
    """Who headquarters takes the relay for."""

    id: str
    districts: tuple[str, ...]
    code: str | None


def office() -> OfficeFacts | None:
    """The office the relay serves (None before `relay init`)."""
    text = get(OFFICE)
    if not text:
        return None
    data = json.loads(text)
    return OfficeFacts(data["id"], tuple(data["districts"]), data.get("code"))


def set_office(facts: OfficeFacts) -> None:
    """Remember the office the relay serves."""
    put(
        **{
            OFFICE: json.dumps(
                {"id": facts.id, "districts": list(facts.districts), "code": facts.code}
            )
        }
    )


def time_of(key: str) -> datetime | None:
    """A setting holding a time."""
    text = get(key)
    return datetime.fromisoformat(text) if text else None
