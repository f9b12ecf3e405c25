"""A pension eligibility check recorded at a workstation and still waiting at the relay for
headquarters: headquarters' feed passed on by the relay does not overwrite it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hq import offices, register, store
from models.idnumber import make_id_number
from models.replica import PENSION_CHECK, PROTOCOL_HEADER, PROTOCOL_VERSION
from relay import mirror, upstream
from relay.schema import RelayForward
from relay.storage import open_store
from sync.answers import Change

NOW = datetime(2026, 11, 19, 2, 0, tzinfo=UTC)
DISTRICTS = ["370102"]


def _retiree(person_id: int, sequence: int) -> str:
    """A retired person in the relay's copy of the register; their ID number."""
    ssn = make_id_number("370102", date(1955, 4, 1), sequence)
    row = [person_id, ssn, "王芳", "F", "1955-04-01", "01", "370102", None, None, "retired", NOW]
    register.upsert_rows("person", [row], district="370102", now=NOW)
    return ssn


def _checks(person_id: int) -> list[tuple]:
    return [
        tuple(str(v) for v in row)
        for row in store.execute(
            "SELECT year, checked_date, channel FROM pension_check WHERE person_id = ?",
            (person_id,),
        ).fetchall()
    ]


def _last_published(person_id: int) -> str:
    """The data of the relay feed's last pension check change of the person."""
    rows = store.execute(
        "SELECT data FROM feed_change WHERE table_name = 'pension_check' ORDER BY seq"
    ).fetchall()
    return [data for (data,) in rows if data.startswith(f"[{person_id},")][-1]


def test_headquarters_feed_keeps_off_a_check_waiting_at_the_relay_until_it_is_answered(
    hq_url: str,
) -> None:
    from fastapi.testclient import TestClient

    from relay.app import create_relay_app

    open_store(hq_url)
    with store.session():
        offices.enrol_office("lixia", DISTRICTS)
        token = offices.enrol_workstation("lixia", "counter").token
        with store.write_transaction():
            ssn = _retiree(41, 2)
            _retiree(42, 4)
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    item = {
        "uuid": "check-1",
        "command": "pension.check_recorded",
        "payload": {"ssn": ssn, "checked_date": "2026-11-19", "channel": "counter",
                    "at": "2026-11-19T02:00:00+00:00"},
        "created_at": "2026-11-19T02:00:00+00:00",
        "actor": "clerk01",
    }  # fmt: skip
    with TestClient(create_relay_app(hq_url)) as relay:
        key = {"office_name": "历下区", "signing_key": "ab" * 32, "client_version": "x"}
        assert relay.post("/v1/enrol", json=key, headers=headers).status_code == 200
        answer = relay.post("/v1/push", json={"items": [item]}, headers=headers).json()
        assert answer["results"][0]["status"] == "pending"
    ours = ("2026", "2026-11-19", "counter")
    older = [41, 2026, "2026-01-05", "app", "2027-01-05"]  # headquarters' row, not yet the check
    theirs = [42, 2026, "2026-02-01", "online", "2027-02-01"]
    feed = [Change(1, PENSION_CHECK, "upsert", older), Change(2, PENSION_CHECK, "upsert", theirs)]
    with store.session():
        assert _checks(41) == [ours]  # applied at once, for the office
        keep = upstream.protected()
        assert keep.check_persons == {41}
        with store.write_transaction():
            assert mirror.apply_changes(feed, DISTRICTS, "lixia", keep, NOW) == 1
        assert _checks(41) == [ours]
        assert '"2026-11-19"' in _last_published(41)  # the workstations pull the check
        assert _checks(42) == [("2026", "2026-02-01", "online")]
        RelayForward.update(status="accepted").where(RelayForward.uuid == "check-1").execute()
        assert upstream.protected().check_persons == frozenset()
        with store.write_transaction():  # answered: headquarters' rows are the truth again
            mirror.apply_changes(feed[:1], DISTRICTS, "lixia", upstream.protected(), NOW)
        assert _checks(41) == [("2026", "2026-01-05", "app")]
