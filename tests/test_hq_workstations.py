"""An office's workstations at headquarters: tokens, codes, coded statement numbers, migration."""

from __future__ import annotations

import pytest

from hq import offices, store
from hq.errors import InvalidInput, NotFound
from hq.schema import SCHEMA_VERSION
from models import audit, signing
from models.replica import PROTOCOL_HEADER
from tests.hq_fixtures import DemoHq, OfficeClient, a_person, command
from tests.test_hq_statements import PRINTED, enrol_key, verify

KEY_A = bytes.fromhex("a1" * 32)
KEY_B = bytes.fromhex("b2" * 32)


def workstation(demo_hq: DemoHq, kind: str = "counter", **options: str) -> OfficeClient:
    made = offices.enrol_workstation("lixia", kind, **options)
    return OfficeClient(demo_hq.client, made.token)


def issued(number: str, ssn: str, sha: str = "ab") -> dict:
    return {
        "number": number,
        "ssn": ssn,
        "kind": "rights",
        "sha256": sha * 32,
        "pages": 2,
        "printed_at": "2026-11-20T01:02:03.000000+00:00",
        "offline": True,
    }


def test_a_workstation_has_its_own_code_and_token_and_the_office_s_scope(
    demo_hq: DemoHq,
) -> None:
    window = workstation(demo_hq, name="window 3")
    kiosk = workstation(demo_hq, "kiosk")
    hello = window.get("/v1/hello").json()
    assert hello["office"]["id"] == "lixia" and hello["office"]["districts"] == ["370102"]
    assert hello["office"]["workstation"] == {"id": "lixia-C03", "code": "C03", "kind": "counter"}
    # lixia's own PC is C01, shizhong's C02: codes are unique in the city
    assert kiosk.get("/v1/hello").json()["office"]["workstation"]["code"] == "K01"
    own = demo_hq.lixia.get("/v1/hello").json()["office"]["workstation"]
    assert own == {"id": "lixia", "code": "C01", "kind": "counter"}
    assert window.get("/v1/changes", after=0, limit=1).status_code == 200


def test_two_workstations_print_the_first_statement_of_the_day_without_a_collision(
    demo_hq: DemoHq,
) -> None:
    window = workstation(demo_hq)
    enrol_key(demo_hq.lixia, KEY_A)
    enrol_key(window, KEY_B)
    _, ssn = a_person("370102")
    first_here, first_there = "370102-20261120-C01-00001", "370102-20261120-C03-00001"
    assert demo_hq.lixia.push(command("statement.issued", issued(first_here, ssn)))[0][
        "status"
    ] == ("accepted")
    assert window.push(command("statement.issued", issued(first_there, ssn, "cd")))[0][
        "status"
    ] == ("accepted")
    for key, number, code in ((KEY_A, first_here, "C01"), (KEY_B, first_there, "C03")):
        answer = verify(demo_hq, signing.sign(key, number, "rights", PRINTED, "0" * 16))
        assert answer["genuine"] is True, answer["reason"]
        assert answer["statement"]["office"] == "lixia"
        assert answer["statement"]["workstation"] == code


def test_a_number_carrying_another_workstation_s_code_is_refused(demo_hq: DemoHq) -> None:
    window = workstation(demo_hq)
    _, ssn = a_person("370102")
    result = window.push(command("statement.issued", issued("370102-20261120-C01-00001", ssn)))
    assert result[0]["status"] == "rejected" and result[0]["code"] == "invalid_payload"
    assert "C01" in result[0]["reason"] and "C03" in result[0]["reason"]


def test_a_coded_number_is_checked_only_against_its_workstation_s_keys(demo_hq: DemoHq) -> None:
    window = workstation(demo_hq)
    enrol_key(demo_hq.lixia, KEY_A)
    enrol_key(window, KEY_B)
    signed_by_other = signing.sign(KEY_A, "370102-20261120-C03-00009", "rights", PRINTED, "0" * 16)
    answer = verify(demo_hq, signed_by_other)
    assert answer["genuine"] is False and "C03" in answer["reason"]
    unknown = signing.sign(KEY_A, "370102-20261120-C77-00009", "rights", PRINTED, "0" * 16)
    assert "C77" in verify(demo_hq, unknown)["reason"]
    # a workstation of an office that does not serve the number's district
    foreign = signing.sign(KEY_B, "370103-20261120-C03-00009", "rights", PRINTED, "0" * 16)
    answer = verify(demo_hq, foreign)
    assert answer["genuine"] is False and "370103" in answer["reason"]


def test_an_old_number_is_still_verified_against_the_office_and_its_workstations(
    demo_hq: DemoHq,
) -> None:
    window = workstation(demo_hq)
    enrol_key(window, KEY_B)
    old = signing.sign(KEY_B, "370102-20261120-00004", "rights", PRINTED, "0" * 16)
    answer = verify(demo_hq, old)
    assert answer["genuine"] is True and answer["statement"]["workstation"] == "C03"


def test_each_workstation_keeps_its_own_audit_chain(demo_hq: DemoHq) -> None:
    window = workstation(demo_hq)
    for office in (demo_hq.lixia, window):
        event = {
            "id": 1,
            "at": "2026-11-20T01:02:03.000000+00:00",
            "actor": "clerk01",
            "action": "person.read",
            "person_id": None,
            "detail": None,
            "prev_hash": audit.GENESIS,
        }
        event["hash"] = audit.event_hash(
            audit.GENESIS, **{k: event[k] for k in ("at", "actor", "action", "person_id", "detail")}
        )
        answer = office.post("/v1/audit", {"events": [event]}).json()
        assert answer["accepted"] == 1 and answer["broken_at"] is None, answer


def test_revoking_the_office_stops_its_workstations_and_one_workstation_alone(
    demo_hq: DemoHq,
) -> None:
    window, kiosk = workstation(demo_hq), workstation(demo_hq, "kiosk")
    offices.revoke_office("lixia-K01")
    assert kiosk.get("/v1/changes", after=0).status_code == 401
    assert window.get("/v1/changes", after=0).status_code == 200
    offices.revoke_office("lixia")
    assert window.get("/v1/changes", after=0).status_code == 401


def test_workstations_are_refused_for_unknown_offices_taken_codes_and_bad_kinds(
    demo_hq: DemoHq,
) -> None:
    with pytest.raises(NotFound):
        offices.enrol_workstation("nowhere", "counter")
    with pytest.raises(InvalidInput, match="taken"):
        offices.enrol_workstation("lixia", "counter", code="C01")
    with pytest.raises(InvalidInput, match="kind"):
        offices.enrol_workstation("lixia", "printer")
    with pytest.raises(InvalidInput, match="code"):
        offices.enrol_workstation("lixia", "counter", code="c1")
    made = offices.enrol_workstation("lixia", "counter")
    with pytest.raises(InvalidInput, match="workstation"):
        offices.enrol_workstation(made.id, "counter")


def _as_schema_2() -> None:
    """Take the office table back to schema version 2 (no workstation columns)."""
    columns = "id, name, token_hash, created_at, revoked_at, client_version, enrolled_at"
    if store.is_postgres():
        store.execute(
            "ALTER TABLE office DROP COLUMN parent_id, DROP COLUMN code, "
            "DROP COLUMN kind, DROP COLUMN last_seen_at"
        )
    else:
        store.execute("PRAGMA foreign_keys = OFF")
        store.execute(
            "CREATE TABLE office_v2 (id VARCHAR(40) NOT NULL PRIMARY KEY, name VARCHAR(100), "
            "token_hash VARCHAR(64) NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT, "
            "client_version VARCHAR(40), enrolled_at TEXT)"
        )
        store.execute(f"INSERT INTO office_v2 SELECT {columns} FROM office")
        store.execute("DROP TABLE office")
        store.execute("ALTER TABLE office_v2 RENAME TO office")
    store.execute("DELETE FROM schema_version")
    store.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (2, 'x', 'y')")


def test_offices_enrolled_before_workstations_get_a_code_and_keep_their_token(
    demo_hq: DemoHq,
) -> None:
    _as_schema_2()
    store.close()
    store.connect(demo_hq.url)
    versions = store.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    assert versions == SCHEMA_VERSION
    codes = {r["id"]: r["code"] for r in offices.listing()}
    assert codes == {"lixia": "C01", "shizhong": "C02"}
    assert demo_hq.lixia.get("/v1/hello").json()["office"]["workstation"]["code"] == "C01"
    assert offices.enrol_workstation("lixia", "counter").code == "C03"


def test_the_office_s_journal_reaches_its_workstations_speaking_protocol_2_only(
    demo_hq: DemoHq,
) -> None:
    window = workstation(demo_hq)
    visit = {
        "ssn": None,
        "card_no": None,
        "channel": "counter",
        "purpose": "lookup",
        "staff": "clerk01",
        "at": "2026-11-20T01:02:03.000000+00:00",
        "note": None,
    }
    assert demo_hq.lixia.push(command("visit.record", visit))[0]["status"] == "accepted"

    def journal(office: OfficeClient, protocol: str) -> list[list]:
        headers = office.headers(**{PROTOCOL_HEADER: protocol})
        page = office.client.get("/v1/changes", params={"after": 0}, headers=headers).json()
        return [c["row"] for c in page["changes"] if c["table"] == "office_visit"]

    shared = journal(window, "2")
    assert len(shared) == 1 and shared[0][1:3] == ["C01", None] and shared[0][5] == "lookup"
    assert journal(window, "1") == []  # an older counterdesk would not know the table
    assert journal(demo_hq.shizhong, "2") == []  # another office's journal is not its own
    bootstrap = window.get("/v1/bootstrap", phase="office", after=0).json()
    assert bootstrap["done"] is True
    assert bootstrap["tables"]["office_visit"]["rows"] == shared


def test_wrong_query_passwords_counted_at_several_workstations_add_up_to_one_lock(
    demo_hq: DemoHq,
) -> None:
    window = workstation(demo_hq)
    _, ssn = a_person("370102")

    def failed(office: OfficeClient, count: int, at: str = "2026-11-20T02:00:00.000000+00:00"):
        item = command(
            "query_password.failed_attempt",
            {"ssn": ssn, "failed_attempts": count, "locked": count >= 5},
        )
        assert office.push({**item, "created_at": at})[0]["status"] == "accepted"
        return store.execute(
            "SELECT failed_attempts, locked_until FROM query_credential c JOIN person p "
            "ON p.id = c.person_id WHERE p.ssn = ?",
            (ssn,),
        ).fetchone()

    assert failed(demo_hq.lixia, 3) == (3, None)
    assert failed(window, 1) == (3, None)  # the window had not heard of the first three yet
    count, locked_until = failed(window, 5)
    assert count == 5 and locked_until is not None
    reset = command("query_password.reset", {"ssn": ssn, "password_hash": None, "to_initial": True})
    reset["created_at"] = "2026-11-20T03:00:00.000000+00:00"
    assert demo_hq.lixia.push(reset)[0]["status"] == "accepted"
    # a count made before the reset, arriving after it, is stale
    assert failed(window, 4, "2026-11-20T02:30:00.000000+00:00") == (0, None)
