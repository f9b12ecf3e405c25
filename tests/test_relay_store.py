"""The relay's own store: its settings and its feed id, on SQLite and PostgreSQL."""

from __future__ import annotations

import stat
from pathlib import Path

from hq import store
from relay import settings
from relay.app import open_store


def test_the_relay_keeps_its_settings_and_feed_id_on_either_database(hq_url: str) -> None:
    open_store(hq_url)
    with store.session():
        first = settings.feed_id()
        settings.put(**{settings.CURSOR: 5, settings.STATUS: "online"})
        settings.put(**{settings.CURSOR: 9})
        assert settings.get(settings.CURSOR) == "9" and settings.get(settings.STATUS) == "online"
        settings.put(**{settings.STATUS: None})
        assert settings.get(settings.STATUS) is None
        assert settings.feed_id() == first and first.startswith("relay-")


def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "relay" / "relay.db"
    open_store(f"sqlite:///{path}")
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        store.close()
