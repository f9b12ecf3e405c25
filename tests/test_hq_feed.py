"""The change feed: numbering in commit order, scope, cursor, tombstones, pages, concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from hq import feed, register, store
from hq.errors import InvalidInput, NotFound
from hq.feed import Change, Op
from models.clock import utc_now
from tests.hq_fixtures import DemoHq, a_card, a_person

PERSON_ROW = [
    7,
    "370104199001011230",
    "王五",
    "M",
    "1990-01-01",
    "01",
    "370104",
    None,
    None,
    "insured",
    "2026-11-01T00:00:00.000000+00:00",
]


def employer(i: int) -> list[Any]:
    return [i, f"91370100{i:08d}X", f"单位{i}", "370102", 50]


def rows_of(table: str, person_id: int) -> int:
    query = f"SELECT count(*) FROM {table} WHERE person_id = ?"
    return store.execute(query, (person_id,)).fetchone()[0]


def pull_all(districts: list[str], after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
    found = []
    while True:
        page = feed.pull(districts, after, limit)
        found += page.changes
        after = page.next
        if not page.more:
            return found


def test_every_write_gets_the_next_sequence_number(hq_url: str) -> None:
    store.connect(hq_url)
    assert register.upsert_rows("employer", [employer(1), employer(2)]) == 2
    assert register.upsert_rows("person", [PERSON_ROW]) == 3
    assert register.upsert_rows("employer", [employer(1)]) == 4
    assert register.delete_rows("employer", [[2]]) == 5
    assert register.delete_rows("employer", [[99]]) == 5  # nothing to delete, nothing published
    assert feed.head_seq() == 5
    changes = pull_all(["370104"])
    assert [c["seq"] for c in changes] == [1, 2, 3, 4, 5]
    assert changes[2] == {"seq": 3, "table": "person", "op": "upsert", "row": PERSON_ROW}
    assert changes[4] == {"seq": 5, "table": "employer", "op": "delete", "key": [2]}


def test_a_new_person_is_served_where_they_live_unless_told_otherwise(hq_url: str) -> None:
    store.connect(hq_url)
    register.upsert_rows("person", [PERSON_ROW])
    register.upsert_rows("person", [[8, "370104199001011249", *PERSON_ROW[2:]]], district="370102")
    register.upsert_rows("person", [[7, *PERSON_ROW[1:9], "retired", PERSON_ROW[10]]])
    districts = dict(store.execute("SELECT id, district FROM person").fetchall())
    assert districts == {7: "370104", 8: "370102"}
    assert [c["seq"] for c in pull_all(["370102"])] == [2]


def test_rows_that_do_not_fit_the_register_are_refused_with_nothing_published(
    hq_url: str,
) -> None:
    store.connect(hq_url)
    with pytest.raises(InvalidInput, match="not a replicated table"):
        register.upsert_rows("outbox", [[1]])
    with pytest.raises(InvalidInput, match="write them through"):
        register.upsert_rows("staff_user", [["x", "x", "clerk", None, 1, "t", "t"]])
    with pytest.raises(InvalidInput, match="values"):
        register.upsert_rows("employer", [[1, "x"]])
    with pytest.raises(InvalidInput, match="no person"):
        register.upsert_rows("query_credential", [[404, None, 0, None, "2026-11-01T00:00:00Z"]])
    with pytest.raises(NotFound):
        register.set_card_status("Z00000000", "lost")
    with pytest.raises(InvalidInput, match="card status"):
        register.set_card_status("Z00000000", "melted")
    assert feed.head_seq() == 0


def test_appending_outside_a_feed_transaction_is_a_bug(hq_url: str) -> None:
    store.connect(hq_url)
    with pytest.raises(RuntimeError, match="write_transaction"):
        feed.append([Change("employer", Op.DELETE, None, [1])], utc_now())


def test_an_office_pulls_its_scope_and_the_city_wide_employers(demo_hq: DemoHq) -> None:
    lixia_card, _, _ = a_card("370102")
    shizhong_card, _, _ = a_card("370103")
    register.set_card_status(shizhong_card, "frozen")
    register.set_card_status(lixia_card, "frozen")
    register.upsert_rows("employer", [employer(900)])
    register.set_card_status(shizhong_card, "active")
    answer = demo_hq.lixia.get("/v1/changes", after=0).json()
    assert [(c["seq"], c["table"]) for c in answer["changes"]] == [(2, "card"), (3, "employer")]
    assert answer["changes"][0]["row"][1] == lixia_card
    # the cursor moves past the other district's changes as well
    assert (answer["next"], answer["head_seq"], answer["more"]) == (4, 4, False)
    again = demo_hq.lixia.get("/v1/changes", after=answer["next"]).json()
    assert again["changes"] == [] and again["next"] == 4


def test_deleting_a_person_publishes_tombstones_of_all_their_rows_first(demo_hq: DemoHq) -> None:
    person_id, _ = a_person("370102")
    counts = {t: rows_of(t, person_id) for t in ("card", "enrolment", "contribution", "account")}
    register.delete_rows("person", [[person_id]])
    changes = demo_hq.lixia.get("/v1/changes").json()["changes"]
    assert {c["op"] for c in changes} == {"delete"}
    assert changes[-1] == {
        "seq": len(changes),
        "table": "person",
        "op": "delete",
        "key": [person_id],
    }
    for table, count in counts.items():
        assert len([c for c in changes if c["table"] == table]) == count
    assert any(c["table"] == "account_entry" for c in changes)
    contribution = next(c for c in changes if c["table"] == "contribution")
    assert contribution["key"][0] == person_id and len(contribution["key"]) == 3
    assert demo_hq.shizhong.get("/v1/changes").json()["changes"] == []
    assert rows_of("card", person_id) == 0


def test_deleting_a_card_that_replaced_another_unlinks_the_old_one_first(demo_hq: DemoHq) -> None:
    old_id, new_id = store.execute(
        "SELECT id, replaced_by_id FROM card WHERE replaced_by_id IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()
    register.delete_rows("card", [[new_id]])
    changes = feed.pull(["370102", "370103"], 0).changes
    assert [(c["op"], c["table"]) for c in changes] == [("upsert", "card"), ("delete", "card")]
    assert changes[0]["row"][0] == old_id and changes[0]["row"][-1] is None
    assert changes[1]["key"] == [new_id]


def test_the_feed_is_read_in_pages_with_a_cursor(hq_url: str) -> None:
    store.connect(hq_url)
    for i in range(1, 8):
        register.upsert_rows("employer", [employer(i)])
    pages = []
    after = 0
    while True:
        page = feed.pull(["370102"], after, limit=3)
        pages.append(([c["seq"] for c in page.changes], page.next, page.more))
        after = page.next
        if not page.more:
            break
    assert pages == [([1, 2, 3], 3, True), ([4, 5, 6], 6, True), ([7], 7, False)]


def test_concurrent_writers_never_let_a_reader_see_a_gap(hq_url: str) -> None:
    store.connect(hq_url)
    writes_each, writers = 40, 2
    done = threading.Event()
    errors: list[BaseException] = []
    seen: list[int] = []

    def write(start: int) -> None:
        try:
            with store.session():
                for i in range(writes_each):
                    register.upsert_rows("employer", [employer(start + i)])
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    def read() -> None:
        after = 0
        try:
            with store.session():
                while True:
                    finished = done.is_set()
                    page = feed.pull(["370102"], after, limit=7)
                    # each page continues exactly where the previous one ended
                    assert [c["seq"] for c in page.changes] == list(
                        range(after + 1, after + 1 + len(page.changes))
                    )
                    seen.extend(c["seq"] for c in page.changes)
                    after = page.next
                    if finished and not page.more and after == page.head_seq:
                        return
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(1000 * (n + 1),)) for n in range(writers)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done.set()
    reader.join(60)
    assert errors == []
    assert seen == list(range(1, writes_each * writers + 1))
