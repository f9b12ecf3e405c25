"""The application under a real X server: an Xvfb per session, the app built on a demo copy.

Xvfb is started with -displayfd (it picks a free display and says which when ready) and
stopped at the end. Without Xvfb the tests are skipped, except in CI (env CI set), where they
fail: CI must run them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.core.config import AppConfig, ReaderMode
from desktop.core.i18n import set_language
from models.home import OfficeHome, setting
from models.people import find_by_card
from testkit import XVFB_MISSING, XvfbFailed, start_xvfb, xvfb_binary
from tests.app.driver import AppDriver, FakeClock

SCREEN = "1366x768x24"
REPO = Path(__file__).resolve().parents[2]
KEEP_SCREENS_ENV = "COUNTERDESK_KEEP_SCREENS"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English unless a test chooses (the language is one per process)."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    """A running Xvfb; yields its DISPLAY (":N")."""
    if xvfb_binary() is None:
        if os.environ.get("CI"):
            pytest.fail(XVFB_MISSING, pytrace=False)
        pytest.skip(XVFB_MISSING)
    try:
        screen = start_xvfb(SCREEN)
    except XvfbFailed as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield screen.display
    finally:
        screen.stop()


@pytest.fixture
def display(xvfb: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """DISPLAY set to the session's Xvfb for this test."""
    monkeypatch.setenv("DISPLAY", xvfb)
    return xvfb


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """The folder for this test's screenshots (also copied to .screens/ when
    COUNTERDESK_KEEP_SCREENS is set)."""
    folder = tmp_path / "screens"
    folder.mkdir()
    return folder


@pytest.fixture
def keep_screens() -> Path | None:
    """Where screenshots are also kept, or None."""
    return REPO / ".screens" if os.environ.get(KEEP_SCREENS_ENV) else None


@dataclass(frozen=True)
class Sample:
    """A demo person worth showing (from the demo district's samples)."""

    label: str
    name: str
    card_no: str
    ssn: str


@pytest.fixture
def samples(demo: OfficeHome) -> dict[str, Sample]:
    """The demo samples by label: contributor, arrears, retiree, lost card."""
    found = {}
    for sample in json.loads(setting("demo_samples", "[]") or "[]"):
        holder = find_by_card(sample["card_no"])
        assert holder is not None
        found[sample["label"]] = Sample(
            sample["label"], sample["name"], sample["card_no"], holder.person.ssn
        )
    return found


@pytest.fixture
def demo_ssn(samples: dict[str, Sample]) -> str:
    """The ID number of an ordinary contributor with an active card."""
    return samples["contributor"].ssn


@pytest.fixture
def make_app(
    display: str, demo: OfficeHome, shots: Path, keep_screens: Path | None
) -> Iterator[Callable[..., AppDriver]]:
    """Build (and start) the application on the test's demo district copy."""
    drivers: list[AppDriver] = []

    def make(
        home: OfficeHome | None = None, clock: FakeClock | None = None, **config: object
    ) -> AppDriver:
        settings: dict[str, object] = {
            "lang": "en",
            "reader": ReaderMode.NONE,
            "daily_backup": False,  # tests/app/test_backup.py turns it on
        }
        settings.update(config)
        config_ = AppConfig(**settings)  # type: ignore[arg-type]
        driver = AppDriver.build(home or demo, config_, shots, keep_screens, clock)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.close()
