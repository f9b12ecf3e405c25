"""Enrolling offices: tokens stored only as hashes, scopes, revocation, and the schema itself."""

from __future__ import annotations

import hashlib

import pytest

from hq import store
from hq.errors import InvalidInput, SchemaTooNew, StoreUnavailable
from hq.offices import authenticate, enrol_office, find_office, revoke_office
from hq.schema import ALL_MODELS, SCHEMA_VERSION, Office


def every_stored_value() -> str:
    """Every value of every headquarters table, as one text."""
    return repr([list(model.select().tuples()) for model in ALL_MODELS])


def test_the_token_secret_is_not_stored_only_its_hash(hq_url: str) -> None:
    store.connect(hq_url)
    token = enrol_office("lixia", ["370102", "370103"], "历下区")
    office_id, secret = token.split(".", 1)
    assert office_id == "lixia" and len(secret) >= 43
    assert secret not in every_stored_value()
    stored = Office.get_by_id("lixia").token_hash
    assert stored == hashlib.sha256(secret.encode()).hexdigest()


def test_a_token_authenticates_its_office_with_its_districts(hq_url: str) -> None:
    store.connect(hq_url)
    token = enrol_office("lixia", ["370103", "370102", "370102"])
    office = authenticate(token)
    assert office is not None
    assert (office.id, office.districts) == ("lixia", ("370102", "370103"))
    assert office.serves("370103") and not office.serves("370104")


@pytest.mark.parametrize("token", ["", "lixia", "lixia.", ".secret", "nobody.secret", "li xia.s"])
def test_malformed_or_unknown_tokens_authenticate_nobody(hq_url: str, token: str) -> None:
    store.connect(hq_url)
    enrol_office("lixia", ["370102"])
    assert authenticate(token) is None


def test_a_new_token_replaces_the_old_one_and_revoking_stops_it(hq_url: str) -> None:
    store.connect(hq_url)
    old = enrol_office("lixia", ["370102"], "历下区")
    with pytest.raises(InvalidInput, match="--new-token"):
        enrol_office("lixia", ["370102"])
    new = enrol_office("lixia", ["370104"], new_token=True)
    assert authenticate(old) is None
    office = authenticate(new)
    assert office is not None and office.districts == ("370104",)
    assert office.name == "历下区"
    revoke_office("lixia")
    assert authenticate(new) is None
    assert find_office("lixia") is not None


@pytest.mark.parametrize(
    ("office_id", "districts"),
    [("li.xia", ["370102"]), ("", ["370102"]), ("lixia", []), ("lixia", ["3701"])],
)
def test_enrolment_refuses_bad_ids_and_district_codes(
    hq_url: str, office_id: str, districts: list[str]
) -> None:
    store.connect(hq_url)
    with pytest.raises(InvalidInput):
        enrol_office(office_id, districts)


def test_connecting_creates_the_schema_once_and_records_its_version(hq_url: str) -> None:
    store.connect(hq_url)
    store.close()
    store.connect(hq_url)
    versions = store.execute("SELECT version FROM schema_version").fetchall()
    assert [v[0] for v in versions] == [SCHEMA_VERSION]
    assert {"person", "card", "feed_change", "command", "office_key"} <= set(
        store.hq_db.get_tables()
    )


def test_an_older_database_gets_the_new_tables_and_the_current_version(hq_url: str) -> None:
    store.connect(hq_url)
    store.execute("DROP TABLE staff_district")
    store.execute("DELETE FROM schema_version")
    store.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (1, 'x', 'y')")
    store.close()
    store.connect(hq_url)
    assert "staff_district" in store.hq_db.get_tables()
    versions = store.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [v[0] for v in versions] == [1, SCHEMA_VERSION]


def test_a_database_before_v7_gets_the_scope_indexes_in_place_of_the_district_index(
    hq_url: str,
) -> None:
    store.connect(hq_url)
    for name in ("person_district_id", "feed_change_district_seq", "feed_change_office_seq"):
        store.execute(f"DROP INDEX {name}")
    store.execute("CREATE INDEX person_district ON person (district)")
    store.execute("DELETE FROM schema_version")
    store.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (6, 'x', 'y')")
    store.close()
    store.connect(hq_url)
    person = {i.name for i in store.hq_db.get_indexes("person")}
    feed = {i.name for i in store.hq_db.get_indexes("feed_change")}
    assert "person_district_id" in person and "person_district" not in person
    assert {"feed_change_district_seq", "feed_change_office_seq"} <= feed


def test_a_database_at_the_current_version_gets_no_ddl_when_a_worker_starts(hq_url: str) -> None:
    store.connect(hq_url)
    store.execute("DROP TABLE staff_district")  # stands for DDL a starting worker would redo
    store.close()
    store.connect(hq_url)
    assert "staff_district" not in store.hq_db.get_tables()


def test_a_database_of_a_newer_headquarters_is_refused_untouched(hq_url: str) -> None:
    store.connect(hq_url)
    store.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'x', 'y')")
    store.close()
    with pytest.raises(SchemaTooNew, match="upgrade counterdesk"):
        store.connect(hq_url)


@pytest.mark.parametrize(
    "url",
    ["mysql://x/y", "sqlite:///", "postgresql://127.0.0.1:1/none", "postgresql://127.0.0.1:1/"],
)
def test_unusable_database_urls_are_explained(url: str) -> None:
    with pytest.raises(StoreUnavailable, match=r"postgresql://|sqlite:|database"):
        store.connect(url)


def test_the_default_database_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNTERDESK_HQ_DB", "postgresql://hq@db:5432/hq")
    assert store.default_url() == "postgresql://hq@db:5432/hq"
    monkeypatch.delenv("COUNTERDESK_HQ_DB")
    assert store.default_url().startswith("sqlite:////")
    assert store.default_url().endswith("/counterdesk/hq/hq.db")
