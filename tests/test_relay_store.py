"""The relay's own store: its settings and its feed id, on SQLite and PostgreSQL."""

from __future__ import annotations

import stat
from pathlib import Path

from hq import store
from relay import settings
from relay.storage import open_store


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


def test_the_relay_takes_a_workstation_s_key_and_commands_on_either_database(
    hq_url: str,
) -> None:
    from fastapi.testclient import TestClient

    from hq import offices
    from models.replica import PROTOCOL_HEADER, PROTOCOL_VERSION
    from relay.app import create_relay_app
    from relay.schema import RelayForward

    open_store(hq_url)
    with store.session():  # the office's rows, as `relay init` learns them from headquarters
        offices.enrol_office("lixia", ["370102"])
        token = offices.enrol_workstation("lixia", "counter").token
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    with TestClient(create_relay_app(hq_url)) as relay:
        key = {"office_name": "历下区", "signing_key": "ab" * 32, "client_version": "x"}
        assert relay.post("/v1/enrol", json=key, headers=headers).status_code == 200
        item = {
            "uuid": "u-1",
            "command": "visit.record",
            "payload": {"ssn": None, "card_no": None, "channel": "counter", "purpose": "lookup",
                        "staff": "clerk01", "at": "2026-11-16T02:00:00+00:00", "note": None},
            "created_at": "2026-11-16T02:00:00+00:00",
            "actor": "clerk01",
        }  # fmt: skip
        for _ in range(2):  # sent again: held once, still waiting for headquarters
            answer = relay.post("/v1/push", json={"items": [item]}, headers=headers).json()
            assert answer["results"][0]["status"] == "pending"
        hello = relay.get("/v1/hello", headers=headers).json()
        assert hello["service"] == "counterdesk-relay" and hello["upstream"]["waiting"] == 2
        assert "upstream" not in relay.get("/v1/hello").json()  # not without a token
    with store.session():
        kinds = sorted(r.kind for r in RelayForward.select())
    assert kinds == ["enrol", "push"]
