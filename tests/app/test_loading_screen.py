"""A new counter PC whose first copy of the register stopped half-way: a clerk signs in with an
account of the staff page (the first page), the banner and the status bar show the progress,
a received person opens, and one not received yet is "still loading", never "nobody"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from hq import store
from hq.api import create_app
from hq.offices import enrol_office
from models.actor import Actor
from models.db import close_register
from models.enums import Role
from models.home import OfficeHome
from models.replica import STAFF_USER
from models.schema import Person, db, write_transaction
from sync import settings, state
from sync.bootstrap import bootstrap
from sync.engine import SyncEngine
from sync.enrolment import enrol, open_client
from sync.errors import Offline
from testkit import free_port
from tests.app.driver import AppDriver
from tests.sync_helpers import CutAfter, PagesClient, ServedHq, bootstrap_answers, register_rows

NOT_RECEIVED_CHECK = "not in this computer's register yet"
CLERK = Actor("clerk01", Role.CLERK)


@pytest.fixture
def half_loaded(demo: OfficeHome, tmp_path: Path) -> tuple[OfficeHome, str, str]:
    """A new office, enrolled with a headquarters that does not answer, holding the staff page
    and half of the demo district's persons; (home, a received ID, an ID not received)."""
    rows = register_rows()
    columns = ", ".join(STAFF_USER.columns)  # the demo's accounts play headquarters' staff page
    rows["staff_user"] = [list(r) for r in db.execute_sql(f"SELECT {columns} FROM staff_user")]
    close_register()
    home = OfficeHome(tmp_path / "new-counter")
    home.create("370102", "历下区新柜台")
    with write_transaction():
        settings.store(
            f"http://127.0.0.1:{free_port()}", "lixia.x", "lixia", ("370102",), "2026-11-28"
        )
    pages = bootstrap_answers(rows, per_page=100, head_seq=5)
    employer_pages = sum(1 for p in pages if p["phase"] == "employer")
    person_pages = sum(1 for p in pages if p["phase"] == "person")
    client = PagesClient(
        pages, fail_at=1 + employer_pages + person_pages // 2 + 1, persons=len(rows["person"])
    )
    with pytest.raises(Offline):
        bootstrap(client)  # type: ignore[arg-type]
    received = Person.select().count()
    assert 0 < received < len(rows["person"])
    close_register()
    return home, rows["person"][0][1], rows["person"][-1][1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_counter_still_loading_serves_the_received_and_says_loading_for_the_others(
    make_app: Callable[..., AppDriver], half_loaded: tuple[OfficeHome, str, str], lang: str
) -> None:
    home, received, not_received = half_loaded
    app = make_app(home=home, lang=lang)
    app.sign_in()  # an account of the staff page: the first page of the copy
    waiting = app.screen
    app.pump(lambda: bool(waiting.banner.winfo_ismapped()), "the loading banner")
    banner = waiting.banner.cget("text")
    bar = app.window.statusbar.loading.cget("text")
    if lang == "en":
        assert banner.startswith("Register loading: ") and " of about " in banner
        assert bar == "Register loading 50 %"
        assert app.window.statusbar.as_of.cget("text").endswith("ago), still loading")
    else:
        assert banner.startswith("登记库加载中") and bar == "登记库加载中 50%"

    app.type_into(waiting.entry, not_received)
    app.press("Return", waiting.entry)
    app.pump(lambda: not waiting.busy, "the answer")
    message = waiting.message.cget("text")
    if lang == "en":
        assert NOT_RECEIVED_CHECK in message and "cannot be asked now" in message
        assert "Nobody with this ID number" not in message
    else:
        assert "本机登记库中暂无" in message and "无法查询总部" in message
    assert not_received not in message  # masked
    app.screenshot(f"loading-not-received-{lang}")

    app.open_by_id(received)
    app.screenshot(f"loading-received-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("hq_demo_url", ["sqlite"], indirect=True)
def test_a_person_not_received_yet_is_shown_as_headquarters_answered_with_its_time(
    make_app: Callable[..., AppDriver], hq_demo_url: str, tmp_path: Path, lang: str
) -> None:
    close_register()  # the demo office of make_app is not used
    store.connect(hq_demo_url)
    token = enrol_office("lixia", ["370102"], "历下区社保服务中心")
    served = ServedHq(create_app(hq_demo_url))
    try:
        home = OfficeHome(tmp_path / "new-counter")
        home.create("370102", "历下区社保服务中心")
        enrol(home, open_client(served.url, token), served.url, CLERK)
        cut = CutAfter(httpx.Client(base_url=served.url, timeout=60), token, pages=4)
        assert not SyncEngine(cut, bootstrap_limit=25).run_once().completed
        after = state.read().bootstrap["after"]
        ssn, name = store.execute(
            "SELECT ssn, name FROM person WHERE district = '370102' AND id > ? ORDER BY id",
            (after,),
        ).fetchone()
        close_register()

        app = make_app(home=home, lang=lang)
        app.sign_in()  # the demo city's clerk01, from the staff page
        waiting = app.screen
        app.type_into(waiting.entry, ssn)
        app.press("Return", waiting.entry)
        app.pump(lambda: not waiting.busy, "headquarters' answer")
        message = waiting.message.cget("text")
        if lang == "en":
            assert NOT_RECEIVED_CHECK in message and "Answer from headquarters at" in message
            assert "Jinan" in message  # the district by its name
        else:
            assert "本机登记库中暂无" in message and "总部于" in message and "历下区" in message
        assert name in message and ssn not in message
        app.screenshot(f"loading-answer-from-headquarters-{lang}")
    finally:
        served.close()
        store.close()
