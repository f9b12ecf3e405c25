"""Shared fixtures: a fresh register, and a small demo district copied per test.

The whole suite runs on one pinned clock (tests.pinned_clock), never on the date it is run.
Tests that need a real component are marked by the fixture that provides it (see
`pytest_collection_modifyitems`), so `make test-fast` can leave them out.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from _pytest.nodeid import coerce_node_id

from models.db import close_register
from models.demo.generator import DemoParams, generate
from models.home import OfficeHome
from tests.keyring_helpers import MemoryKeyring
from tests.pinned_clock import AS_OF

pytest_plugins = [
    "tests.pcsc_fixtures",
    "tests.cli_helpers",
    "tests.pg_fixtures",
    "tests.hq_fixtures",
    "tests.relay_fixtures",
    "tests.browser_fixtures",
]

# fixture -> the marker of every test that uses it, directly or through another fixture
COMPONENT_MARKS = {
    "xvfb": "xvfb",
    "pcscd": "pcsc",
    "postgres_server": "pg",
    "chromium": "browser",
}
# a parametrised backend fixture (tests.hq_fixtures.BACKENDS) asks for PostgreSQL with this value
POSTGRES_PARAM = "postgres"

SERIAL_GROUP = "pcscd"  # with `pytest -n N --dist loadgroup`: the tests no two workers may run
DEMO_PERSONS = 400
DEMO_SEED = 7


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the real components it uses: xvfb, pcsc, pg."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for fixture, mark in COMPONENT_MARKS.items():
            if fixture in used:
                item.add_marker(mark)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and POSTGRES_PARAM in [
            value for value in callspec.params.values() if isinstance(value, str)
        ]:
            item.add_marker("pg")
        if "pcscd" in used:  # one system pcscd and one vpcd port: one worker runs them all
            item.add_marker(pytest.mark.xdist_group(SERIAL_GROUP))
            _join_group(item, SERIAL_GROUP)


def _join_group(item: pytest.Item, group: str) -> None:
    """Give the test the node id suffix by which `--dist loadgroup` keeps a group on one worker.

    pytest-xdist 3.8 adds it by setting `item._nodeid`, which pytest 9 no longer reads (a node's
    id is `item._id`), so its groups are silently ignored; this sets the id itself. Only under
    `--dist loadgroup` (the workers' option) and once.
    """
    if not item.config.getoption("loadgroup", default=False) or "@" in item.nodeid:
        return
    if not hasattr(item, "_id"):  # an xdist and pytest that agree: xdist adds the suffix
        return
    item._id = coerce_node_id(f"{item.nodeid}@{group}")


@pytest.fixture
def home(tmp_path: Path) -> Iterator[OfficeHome]:
    """A new office home with an empty, open register."""
    office = OfficeHome(tmp_path / "home")
    office.create("370102", "历下区测试中心")
    yield office
    close_register()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo district generated once per test session (closed; copy before use)."""
    office = OfficeHome(tmp_path_factory.mktemp("demo-template"))
    office.create("370102", "历下区测试中心")
    generate(DemoParams(DEMO_PERSONS, DEMO_SEED, "370102", AS_OF))
    close_register()
    return office.path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[OfficeHome]:
    """A private copy of the demo district, open."""
    target = tmp_path / "demo-home"
    shutil.copytree(demo_template, target)
    office = OfficeHome(target)
    office.open()
    yield office
    close_register()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring for one test (the user's real keyring is never touched)."""
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
