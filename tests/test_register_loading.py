"""A counter whose first copy of the register is still loading: it serves the persons received,
says "still loading" (never "no such person") for the others with headquarters' answer, shows
the progress, and refuses the work that needs the whole register (Tk-free)."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from desktop.app.kiosk.messages import kiosk_error
from desktop.app.kiosk.services import NotReceivedYet, check_password, identify_typed
from desktop.app.kiosk.unknown import UnknownNumbers
from desktop.cli import run as cli_run
from desktop.cli_common import EXIT_NOT_FOUND
from desktop.core import services
from desktop.core.freshness import data_as_of_text
from desktop.core.i18n import set_language
from desktop.core.loading import (
    HqAnswer,
    LookupVerdict,
    StillLoading,
    lookup_verdict,
    name_not_found_message,
    not_yet_received,
    progress_text,
    still_loading_message,
)
from desktop.core.messages import error_message
from desktop.core.office_batch import BatchRequest, plan_batch
from desktop.core.status import read_status
from hq import store
from hq.api import create_app
from hq.offices import enrol_office
from models.actor import Actor
from models.db import close_register
from models.enums import Role
from models.errors import PersonNotFound
from models.home import OfficeHome
from models.lookup import KeyKind, find_one
from models.register_loading import RegisterIncomplete, RegisterLoading, register_loading
from models.replica import PERSON
from models.schema import Person, StaffUser, write_transaction
from models.sync_status import describe, freshness
from reports.issue import issue
from sync import settings, state
from sync.bootstrap import OLD_PHASES, PHASES, bootstrap
from sync.client import HqClient
from sync.engine import SyncEngine
from sync.enrolment import enrol
from sync.errors import NotFoundAtHeadquarters, Offline
from sync.remote import RemoteRecord, ask_headquarters
from sync.status import read_status as sync_status
from testkit import free_port
from tests.cli_helpers import add_cli_staff
from tests.pdf_helpers import layout_text
from tests.sync_helpers import SERVER_NOW, CutAfter, PagesClient, bootstrap_answers, register_rows

CLERK = Actor("clerk01", Role.CLERK)
SUPERVISOR = Actor("sup01", Role.SUPERVISOR)
KIOSK = Actor("kiosk:test", Role.KIOSK)
PER_PAGE = 100


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def hq_rows(demo: OfficeHome) -> dict[str, list[list[Any]]]:
    """Headquarters' scope: the demo district's rows, with one staff account of headquarters."""
    rows = register_rows()
    close_register()
    made = "2026-11-01T00:00:00+00:00"
    rows["staff_user"] = [["wang.li", "王丽", "clerk", None, 1, made, made]]
    return rows


@pytest.fixture
def office(tmp_path: Path, hq_rows) -> OfficeHome:
    """A new office register enrolled with a headquarters that does not answer (open)."""
    home = OfficeHome(tmp_path / "office")
    home.create("370102", "历下区测试中心")
    with write_transaction():
        settings.store(
            f"http://127.0.0.1:{free_port()}", "lixia.x", "lixia", ("370102",), "2026-11-28"
        )
        settings.store_workstation_code("C01")
    return home


def _pages(hq_rows: dict[str, list[list[Any]]]) -> list[dict[str, Any]]:
    return bootstrap_answers(hq_rows, per_page=PER_PAGE, head_seq=9)


def _half_loaded(hq_rows: dict[str, list[list[Any]]]) -> PagesClient:
    """Bootstrap until the network fails half-way through the persons; the client used."""
    pages = _pages(hq_rows)
    person_pages = sum(1 for p in pages if p["phase"] == "person")
    employer_pages = sum(1 for p in pages if p["phase"] == "employer")
    client = PagesClient(pages, persons=len(hq_rows["person"]))
    # staff, the employers, then half of the person pages; the next page asked fails
    client.fail_at = 1 + employer_pages + person_pages // 2 + 1
    with pytest.raises(Offline):
        bootstrap(client)  # type: ignore[arg-type]
    return client


# -- the decisions ----------------------------------------------------------------------------


def test_a_lookup_means_found_no_such_person_or_not_received_yet() -> None:
    loading = RegisterLoading(received=10, total=100, started_at=SERVER_NOW, phase="person")
    assert lookup_verdict(True, loading) is LookupVerdict.FOUND
    assert lookup_verdict(True, None) is LookupVerdict.FOUND
    assert lookup_verdict(False, None) is LookupVerdict.NO_SUCH_PERSON
    assert lookup_verdict(False, loading) is LookupVerdict.NOT_YET_RECEIVED


def test_the_progress_says_received_of_about_the_total_with_the_percentage() -> None:
    assert (
        progress_text(RegisterLoading(12_345, 100_000, SERVER_NOW, "person"))
        == "Register loading: 12,345 of about 100,000 persons (12 %)"
    )
    assert (
        progress_text(RegisterLoading(300, None, SERVER_NOW, "person"))
        == "Register loading: 300 persons received so far"
    )
    assert RegisterLoading(120, 100, None, "person").percent == 100  # the total is an estimate


def test_a_register_not_enrolled_is_never_loading(demo: OfficeHome) -> None:
    assert register_loading() is None
    assert freshness().loading is None


# -- the bootstrap's order and progress -------------------------------------------------------


def test_the_staff_accounts_come_first_so_a_clerk_can_sign_in_while_persons_load(
    office, hq_rows
) -> None:
    client = PagesClient(_pages(hq_rows), fail_at=2, persons=len(hq_rows["person"]))
    with pytest.raises(Offline):
        bootstrap(client)  # type: ignore[arg-type]
    assert client.asked[0] == ("staff", 0) and PHASES[0] == "staff"
    assert StaffUser.get_or_none(StaffUser.username == "wang.li") is not None
    loading = register_loading()
    assert loading is not None and loading.received == 0
    assert loading.total == len(hq_rows["person"]) and loading.started_at == SERVER_NOW


def test_a_bootstrap_begun_in_the_old_order_finishes_in_that_order(office, hq_rows) -> None:
    with write_transaction():  # what an older counterdesk stored before its first page
        state.update_detail(
            bootstrap={"phase": "employer", "after": 0, "snapshot": None, "pages": 0, "rows": 0}
        )
    client = PagesClient(_pages(hq_rows))
    done = bootstrap(client)  # type: ignore[arg-type]
    phases = list(dict.fromkeys(phase for phase, _after in client.asked))
    assert tuple(phases) == OLD_PHASES and done.resumed
    assert register_rows() == hq_rows  # the staff page was not skipped
    assert register_loading() is None


# -- serving while it loads --------------------------------------------------------------------


def test_a_half_loaded_register_serves_the_received_and_says_loading_for_the_others(
    office, hq_rows
) -> None:
    _half_loaded(hq_rows)
    received = Person.select().count()
    assert 0 < received < len(hq_rows["person"])
    loading = register_loading()
    assert loading is not None and loading.phase == "person"
    assert (loading.received, loading.total) == (received, len(hq_rows["person"]))

    here = hq_rows["person"][0][1]
    assert services.open_person(KeyKind.ID_NUMBER, here, CLERK).person.ssn == here
    missing = hq_rows["person"][-1][1]
    with pytest.raises(StillLoading) as raised:
        services.open_person(KeyKind.ID_NUMBER, missing, CLERK)
    error = raised.value
    assert error.answer is HqAnswer.UNREACHABLE  # its headquarters does not answer
    assert error.loading.received == received and missing not in error.shown
    text = still_loading_message(error, SERVER_NOW)
    assert "is not in this computer's register yet" in text and "cannot be asked now" in text
    assert f"{received:,} of about {len(hq_rows['person']):,} persons received" in text


def test_a_name_not_among_the_persons_received_asks_for_the_id_number(office, hq_rows) -> None:
    _half_loaded(hq_rows)
    name = PERSON.columns.index("name")
    received = {row[name] for row in hq_rows["person"] if Person.get_or_none(id=row[0])}
    later = next(row[name] for row in reversed(hq_rows["person"]) if row[name] not in received)
    assert not services.search(later, CLERK).people  # not here yet
    loading = register_loading()
    assert loading is not None
    text = name_not_found_message(loading)
    assert text.startswith("Nobody with this name among the persons received so far")
    assert "by ID number or card number to ask headquarters" in text


def test_the_command_line_lookup_says_not_received_yet_never_nobody_while_loading(
    office: OfficeHome, hq_rows, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _half_loaded(hq_rows)
    with write_transaction():
        add_cli_staff(monkeypatch)
    received = Person.select().count()
    missing = hq_rows["person"][-1][1]
    name = PERSON.columns.index("name")
    here = {row[name] for row in hq_rows["person"] if Person.get_or_none(id=row[0])}
    later = next(row[name] for row in reversed(hq_rows["person"]) if row[name] not in here)
    close_register()

    assert cli_run(["--home", str(office.path), "lookup", "--id", missing]) == EXIT_NOT_FOUND
    said = capsys.readouterr().err
    assert "is not in this computer's register yet" in said and missing not in said
    assert f"{received:,} of about {len(hq_rows['person']):,} persons received" in said
    assert "cannot be asked now" in said  # its headquarters does not answer

    assert cli_run(["--home", str(office.path), "lookup", "--name", later]) == EXIT_NOT_FOUND
    said = capsys.readouterr().err
    assert "still loading" in said and f"{received:,} persons received" in said


def test_the_rest_of_the_copy_makes_the_register_whole_and_nobody_means_nobody(
    office, hq_rows
) -> None:
    _half_loaded(hq_rows)
    done = bootstrap(PagesClient(_pages(hq_rows)))  # type: ignore[arg-type]
    assert done.resumed and register_rows() == hq_rows and register_loading() is None
    with pytest.raises(PersonNotFound):
        services.open_person(KeyKind.ID_NUMBER, "110101199003070011", CLERK)


def test_headquarters_answer_is_shown_with_its_time_or_that_it_has_nobody(office, hq_rows) -> None:
    _half_loaded(hq_rows)
    loading = register_loading()
    assert loading is not None
    person = dict(zip(PERSON.columns, hq_rows["person"][-1], strict=True))
    answered = SERVER_NOW - timedelta(minutes=3)

    def found(kind: KeyKind, value: str, actor: Actor) -> RemoteRecord:
        return RemoteRecord("370102", person, {}, answered)

    error = not_yet_received(KeyKind.ID_NUMBER, person["ssn"], CLERK, loading, found)
    assert error.answer is HqAnswer.FOUND and error.person is not None
    text = still_loading_message(error, SERVER_NOW)
    assert "Answer from headquarters at" in text and "(3 minutes ago)" in text
    assert person["name"] in text and person["ssn"] not in text

    def nobody(kind: KeyKind, value: str, actor: Actor) -> RemoteRecord:
        raise NotFoundAtHeadquarters("nobody", "not_found", 404)

    error = not_yet_received(KeyKind.CARD, "a12345678", CLERK, loading, nobody)
    assert error.answer is HqAnswer.NOBODY and error.shown == "A12345678"
    assert "has nobody with this number either" in still_loading_message(error, SERVER_NOW)


def test_the_status_and_data_as_of_follow_the_pages_committed(office, hq_rows) -> None:
    _half_loaded(hq_rows)
    bar = read_status()
    assert bar.loading is not None and bar.loading.received == Person.select().count()
    as_of = data_as_of_text(bar, SERVER_NOW + timedelta(minutes=5))
    assert as_of.endswith("(5 minutes ago), still loading")
    assert sync_status().as_json()["loading"]["received"] == bar.loading.received
    assert "the register is still loading" in describe(freshness(), SERVER_NOW)


def test_the_kiosk_answers_a_number_received_or_not_alike_while_loading(office, hq_rows) -> None:
    _half_loaded(hq_rows)
    numbers = UnknownNumbers()
    said = []
    # received (wrong password) / not received yet / nobody at all
    for number in (hq_rows["person"][0][1], hq_rows["person"][-1][1], "110101199003070011"):
        customer = identify_typed(KeyKind.ID_NUMBER, number)
        with pytest.raises(NotReceivedYet) as raised:
            check_password(customer, "000000", KIOSK, numbers)
        said.append(kiosk_error(raised.value))
    assert said[0] == said[1] == said[2]
    assert "has not arrived at this machine yet: 4 tries left" in said[0]
    assert "try again later, or go to a counter" in said[0]


# -- work that needs the whole register -------------------------------------------------------


def test_office_reports_and_batches_are_refused_while_a_received_persons_statement_works(
    office, hq_rows, tmp_path: Path
) -> None:
    _half_loaded(hq_rows)
    with pytest.raises(RegisterIncomplete) as raised:
        issue(office, SUPERVISOR, "daily", tmp_path / "daily.pdf", date_from=SERVER_NOW.date())
    assert "needs the whole register" in str(raised.value)
    assert "still loading" in error_message(raised.value)
    with pytest.raises(RegisterIncomplete):
        plan_batch(office, SUPERVISOR, BatchRequest(2025, tmp_path / "batch", district="370102"))
    person = find_one(KeyKind.ID_NUMBER, hq_rows["person"][0][1])
    made = issue(office, SUPERVISOR, "rights", tmp_path / "rights.pdf", person=person, year=2025)
    text = layout_text(made.path.read_bytes(), tmp_path)
    # its data is as of the copy's start, said as such (never "never synced")
    assert "中心数据首次下发中，尚未完成" in text and "本机首次同步尚未完成时打印" in text
    assert "从未与中心同步" not in text


# -- against the real headquarters ------------------------------------------------------------


def test_a_first_copy_cut_half_way_estimates_the_total_and_asks_headquarters_for_the_rest(
    hq_demo_url: str, tmp_path: Path
) -> None:
    store.connect(hq_demo_url)
    token = enrol_office("lixia", ["370102"], "历下区社保服务中心")
    home = OfficeHome(tmp_path / "office")
    home.create("370102", "历下区社保服务中心")
    with ExitStack() as stack:

        def client(kind: type[HqClient] = HqClient, **extra: Any) -> HqClient:
            http = stack.enter_context(TestClient(create_app(hq_demo_url)))
            return kind(http, token, actor="clerk01", **extra)

        enrol(home, client(), hq_demo_url, CLERK)
        report = SyncEngine(client(CutAfter, pages=4), bootstrap_limit=25).run_once()
        assert not report.completed
        in_scope = "SELECT count(*) FROM person WHERE district = '370102'"
        total = store.execute(in_scope).fetchone()[0]
        loading = register_loading()
        assert loading is not None and loading.total == total
        assert loading.received == Person.select().count() == 50  # two pages of persons
        after = state.read().bootstrap["after"]
        later = store.execute(
            "SELECT ssn, name FROM person WHERE district = '370102' AND id > ? ORDER BY id",
            (after,),
        ).fetchone()

        asking = client()
        error = not_yet_received(
            KeyKind.ID_NUMBER,
            later[0],
            CLERK,
            loading,
            lambda kind, value, actor: ask_headquarters(asking, kind, value, actor),
        )
        assert error.answer is HqAnswer.FOUND and error.person is not None
        assert error.person.name == later[1] and error.person.district == "370102"
        assert Person.select().count() == 50  # shown, not stored
    store.close()
    close_register()
