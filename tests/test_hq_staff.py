"""Staff accounts at headquarters: per district, published to the offices of their districts
only, changed by offices through checked commands, and by `counterdesk hq staff`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hq import staff, store
from hq.errors import InvalidInput
from models.staff import hash_password
from tests.cli_helpers import run
from tests.hq_fixtures import DemoHq, command, sqlite_url

HASH = hash_password("a-new-password-1")


def staff_changes(office) -> list[dict]:
    answer = office.get("/v1/changes", after=0)
    assert answer.status_code == 200, answer.text
    return [c for c in answer.json()["changes"] if c["table"] == "staff_user"]


def add_item(
    username: str, role: str = "clerk", district: str = "370102", actor: str = "supervisor01"
):
    item = command(
        "staff.add",
        {
            "username": username,
            "display_name": "新同事",
            "role": role,
            "password_hash": HASH,
            "district": district,
        },
    )
    item["actor"] = actor
    return item


def test_the_demo_city_holds_the_office_demo_roster_for_every_district(demo_hq: DemoHq) -> None:
    accounts = {a.username: a for a in staff.list_accounts()}
    assert {"admin", "supervisor01", "supervisor02", "clerk01", "clerk08"} <= set(accounts)
    assert accounts["clerk01"].districts == ("370102", "370103")
    assert accounts["admin"].role == "admin" and accounts["clerk01"].role == "clerk"


def test_an_account_reaches_only_the_offices_of_its_districts(demo_hq: DemoHq) -> None:
    staff.add_account("zhao.lei", "赵磊", "clerk", HASH, ["370103"])
    assert [c["row"][0] for c in staff_changes(demo_hq.shizhong)] == ["zhao.lei"]
    assert staff_changes(demo_hq.lixia) == []
    lixia = demo_hq.lixia.get("/v1/bootstrap", phase="staff").json()
    names = [row[0] for row in lixia["tables"]["staff_user"]["rows"]]
    assert "zhao.lei" not in names and "clerk01" in names and lixia["done"]
    shizhong = demo_hq.shizhong.get("/v1/bootstrap", phase="staff").json()
    assert "zhao.lei" in [row[0] for row in shizhong["tables"]["staff_user"]["rows"]]
    digest = demo_hq.lixia.get("/v1/scope/digest").json()["tables"]["staff_user"]
    assert digest["count"] == len(names)


def test_usernames_are_unique_in_the_city_and_passwords_only_hashes(demo_hq: DemoHq) -> None:
    with pytest.raises(InvalidInput, match="clerk01 is taken"):
        staff.add_account("clerk01", "重名", "clerk", HASH, ["370103"])
    with pytest.raises(InvalidInput, match="argon2id"):
        staff.add_account("plain", "明文", "clerk", "a-new-password-1", ["370103"])
    with pytest.raises(InvalidInput, match="staff role"):
        staff.add_account("boss", "老板", "kiosk", HASH, ["370103"])


def test_a_supervisor_s_new_clerk_is_accepted_and_published_to_the_district(
    demo_hq: DemoHq,
) -> None:
    [result] = demo_hq.lixia.push(add_item("qian.li"))
    assert result["status"] == "accepted", result
    account = staff.find("qian.li")
    assert account is not None and account.districts == ("370102",) and account.active
    assert [c["row"][:5] for c in staff_changes(demo_hq.lixia)] == [
        ["qian.li", "新同事", "clerk", HASH, 1]
    ]


@pytest.mark.parametrize(
    ("item", "code", "words"),
    [
        (add_item("new.admin", role="admin"), "not_allowed", "may not create"),
        (add_item("far.away", district="370103"), "out_of_scope", "does not serve district"),
        (add_item("clerk02"), "username_taken", "taken in the city"),
        (add_item("by.clerk", actor="clerk01"), "not_allowed", "may not create"),
        (add_item("by.stranger", actor="nobody"), "not_allowed", "not an active staff account"),
    ],
)
def test_staff_commands_headquarters_refuses_say_why(
    demo_hq: DemoHq, item: dict, code: str, words: str
) -> None:
    [result] = demo_hq.lixia.push(item)
    assert (result["status"], result["code"]) == ("rejected", code)
    assert words in result["reason"]
    assert staff.find(item["payload"]["username"]) is None or code == "username_taken"


def test_a_refused_change_to_an_account_publishes_it_again(demo_hq: DemoHq) -> None:
    item = command("staff.disable", {"username": "admin"})
    item["actor"] = "supervisor01"
    [result] = demo_hq.lixia.push(item)
    assert (result["status"], result["code"]) == ("rejected", "not_allowed")
    assert [c["row"][0] for c in staff_changes(demo_hq.lixia)] == ["admin"]
    assert staff.find("admin").active


def test_an_office_changes_only_accounts_of_its_districts(demo_hq: DemoHq) -> None:
    staff.add_account("zhao.lei", "赵磊", "clerk", HASH, ["370103"])
    item = command("staff.password_set", {"username": "zhao.lei", "password_hash": HASH})
    item["actor"] = "zhao.lei"
    [result] = demo_hq.lixia.push(item)
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")
    unknown = command("staff.disable", {"username": "ghost"})
    unknown["actor"] = "supervisor01"
    assert demo_hq.lixia.push(unknown)[0]["code"] == "unknown_staff"


def test_own_password_and_a_supervisor_s_disable_are_applied(demo_hq: DemoHq) -> None:
    own = command("staff.password_set", {"username": "clerk03", "password_hash": HASH})
    own["actor"] = "clerk03"
    disable = command("staff.disable", {"username": "clerk04"})
    disable["actor"] = "supervisor02"
    assert [r["status"] for r in demo_hq.lixia.push(own, disable)] == ["accepted", "accepted"]
    rows = store.execute(
        "SELECT username, password_hash, active FROM staff_user WHERE username IN (?, ?) "
        "ORDER BY username",
        ("clerk03", "clerk04"),
    ).fetchall()
    assert [(r[0], r[1] == HASH, r[2]) for r in rows] == [
        ("clerk03", True, 1),
        ("clerk04", False, 0),
    ]
    # both districts' offices are told: the demo roster serves 370102 and 370103
    assert {c["row"][0] for c in staff_changes(demo_hq.shizhong)} == {"clerk03", "clerk04"}


def test_a_password_that_is_not_an_argon2id_hash_is_an_invalid_payload(demo_hq: DemoHq) -> None:
    item = command("staff.password_set", {"username": "clerk03", "password_hash": "plain-text-1"})
    item["actor"] = "clerk03"
    assert demo_hq.lixia.push(item)[0]["code"] == "invalid_payload"


@pytest.mark.slow
def test_hq_staff_commands_add_disable_enable_passwd_and_list(tmp_path: Path) -> None:
    db = ["--db", sqlite_url(tmp_path / "hq.db")]
    added = run(
        "hq", "staff", "add", "wang.fang", "--name", "王芳", "--role", "supervisor",
        "--district", "370102", "370103", *db, stdin="first-pass-1\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "next sync" in added.stderr
    weak = run(
        "hq", "staff", "add", "li.na", "--name", "李娜", "--role", "clerk",
        "--district", "370102", *db, stdin="12345678\n",
    )  # fmt: skip
    assert weak.returncode == 1 and "digits only; nothing was changed" in weak.stderr
    assert run("hq", "staff", "disable", "wang.fang", *db).returncode == 0
    listed = run("hq", "staff", "list", "--district", "370103", "--json", *db)
    [account] = json.loads(listed.stdout)["accounts"]
    assert account["active"] is False and account["districts"] == ["370102", "370103"]
    assert "password" not in json.dumps(account).replace("has_password", "")
    assert run("hq", "staff", "enable", "wang.fang", *db).returncode == 0
    assert run("hq", "staff", "passwd", "wang.fang", *db, stdin="second-pass-2\n").returncode == 0
    text = run("hq", "staff", "list", *db).stdout
    assert "wang.fang" in text and "DISABLED" not in text
    missing = run("hq", "staff", "passwd", "nobody", *db, stdin="second-pass-2\n")
    assert missing.returncode == 1 and "no staff account 'nobody'" in missing.stderr
