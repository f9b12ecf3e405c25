"""Benefits at headquarters: the demo city holds them, offices of protocol 3 receive them and
record eligibility checks, offices of protocol 1 and 2 never see them."""

from __future__ import annotations

from typing import Any

from hq import feed, store
from models.replica import PROTOCOL_HEADER
from tests.hq_fixtures import DemoHq, OfficeClient, command

AT = "2026-11-20T01:02:03.000004+00:00"
BENEFIT_TABLES = {"benefit_payment", "pension_check"}


def _retiree(district: str, *, retired: bool = True) -> tuple[int, str]:
    row = store.execute(
        "SELECT id, ssn FROM person WHERE district = ? AND status "
        + ("= 'retired'" if retired else "= 'insured'")
        + " AND EXISTS (SELECT 1 FROM card c WHERE c.person_id = person.id) ORDER BY id LIMIT 1",
        (district,),
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def _get(office: OfficeClient, path: str, version: int, **params: Any) -> dict[str, Any]:
    headers = {**office.headers(), PROTOCOL_HEADER: str(version)}
    answer = office.client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _check(ssn: str, day: str = "2026-11-19", channel: str = "counter") -> dict[str, Any]:
    payload = {"ssn": ssn, "checked_date": day, "channel": channel, "at": AT}
    return command("pension.check_recorded", payload)


def test_the_demo_city_holds_benefits_of_its_retirees(demo_hq: DemoHq) -> None:
    rows = store.execute(
        "SELECT p.status, count(*) FROM benefit_payment b JOIN person p ON p.id = b.person_id "
        "WHERE b.kind = 1 GROUP BY p.status"
    ).fetchall()
    assert dict(rows).keys() == {"retired"}
    checks = store.execute("SELECT count(DISTINCT person_id) FROM pension_check").fetchone()[0]
    assert checks > 0


def test_a_retirees_check_is_accepted_stored_and_published(demo_hq: DemoHq) -> None:
    pid, ssn = _retiree("370102")
    head = feed.head_seq()
    [result] = demo_hq.lixia.push(_check(ssn))
    assert result["status"] == "accepted", result
    row = store.execute(
        "SELECT checked_date, channel, next_due FROM pension_check WHERE person_id = ? "
        "AND year = 2026",
        (pid,),
    ).fetchone()
    assert [str(v) for v in row] == ["2026-11-19", "counter", "2027-11-19"]
    changes = _get(demo_hq.lixia, "/v1/changes", 3, after=head)["changes"]
    assert [(c["table"], c["row"]) for c in changes] == [
        ("pension_check", [pid, 2026, "2026-11-19", "counter", "2027-11-19"])
    ]
    assert _get(demo_hq.lixia, "/v1/changes", 2, after=head)["changes"] == []


def test_a_check_for_someone_not_retired_is_rejected_and_the_office_copy_undone(
    demo_hq: DemoHq,
) -> None:
    pid, ssn = _retiree("370102", retired=False)
    head = feed.head_seq()
    [result] = demo_hq.lixia.push(_check(ssn))
    assert (result["status"], result["code"]) == ("rejected", "person_state")
    assert "not retired" in result["reason"]
    changes = _get(demo_hq.lixia, "/v1/changes", 3, after=head)["changes"]
    assert [(c["table"], c["op"], c["key"]) for c in changes] == [
        ("pension_check", "delete", [pid, 2026])
    ]


def test_a_check_with_an_unknown_channel_or_of_another_district_is_rejected(
    demo_hq: DemoHq,
) -> None:
    _, ssn = _retiree("370102")
    [bad] = demo_hq.lixia.push(_check(ssn, channel="fax"))
    assert bad["code"] == "invalid_payload"
    [elsewhere] = demo_hq.shizhong.push(_check(ssn))
    assert elsewhere["code"] == "out_of_scope"


def test_offices_of_protocol_2_receive_no_benefit_rows(demo_hq: DemoHq) -> None:
    new = _get(demo_hq.lixia, "/v1/bootstrap", 3, phase="person", after=0, limit=2000)
    old = _get(demo_hq.lixia, "/v1/bootstrap", 2, phase="person", after=0, limit=2000)
    assert set(new["tables"]) >= BENEFIT_TABLES
    assert new["tables"]["benefit_payment"]["rows"]
    assert not BENEFIT_TABLES & set(old["tables"])
    assert not BENEFIT_TABLES & set(_get(demo_hq.lixia, "/v1/scope/digest", 2)["tables"])
    assert set(_get(demo_hq.lixia, "/v1/scope/digest", 3)["tables"]) >= BENEFIT_TABLES
    _, ssn = _retiree("370102")
    assert not BENEFIT_TABLES & set(_get(demo_hq.lixia, "/v1/persons", 2, ssn=ssn)["tables"])
    person = _get(demo_hq.lixia, "/v1/persons", 3, ssn=ssn)["tables"]
    assert person["benefit_payment"]["rows"]
