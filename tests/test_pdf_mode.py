"""Which PDF writer makes documents: by reportlab version, or as the environment forces it."""

from __future__ import annotations

import logging

import pytest

from reports.pdf import mode
from reports.pdf.mode import ENV_VAR, VERIFIED_REPORTLAB, Mode, choose

VERIFIED = VERIFIED_REPORTLAB[0]


@pytest.fixture
def fresh_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process has logged no choice yet."""
    monkeypatch.setattr(mode, "_logged", set())


def test_a_verified_reportlab_gets_the_fast_writer() -> None:
    choice = choose(None, VERIFIED)
    assert (choice.mode, choice.forced, choice.verified) == (Mode.FAST, False, True)


@pytest.mark.parametrize("version", ["5.2.0", "5.1.1", "4.5.1", "5.1.0.post1", "6.0.0"])
def test_any_other_reportlab_gets_the_stock_writer(version: str) -> None:
    choice = choose(None, version)
    assert (choice.mode, choice.forced, choice.verified) == (Mode.STOCK, False, False)


@pytest.mark.parametrize("version", [VERIFIED, "9.9.9"])
@pytest.mark.parametrize(("setting", "wanted"), [("stock", Mode.STOCK), (" FAST ", Mode.FAST)])
def test_the_environment_forces_either_writer_whatever_the_version(
    setting: str, wanted: Mode, version: str
) -> None:
    choice = choose(setting, version)
    assert (choice.mode, choice.forced) == (wanted, True)


@pytest.mark.parametrize("setting", [None, "", "auto", "Auto"])
def test_auto_or_unset_chooses_by_version(setting: str | None) -> None:
    assert choose(setting, VERIFIED).mode is Mode.FAST
    assert choose(setting, "9.9.9").mode is Mode.STOCK


def test_an_unknown_setting_chooses_by_version_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger=mode.__name__):
        choice = choose("quick", "9.9.9")
    assert (choice.mode, choice.forced) == (Mode.STOCK, False)
    assert f"{ENV_VAR}='quick'" in caplog.text


def test_the_description_names_the_writer_the_version_and_why() -> None:
    assert choose(None, VERIFIED).describe() == (
        f"PDF writer: fast (reportlab {VERIFIED} is verified for it)"
    )
    unverified = choose(None, "9.9.9").describe()
    assert unverified.startswith("PDF writer: stock (reportlab 9.9.9 is not a version verified")
    assert VERIFIED in unverified
    assert choose("stock", VERIFIED).describe() == (
        f"PDF writer: stock (forced by {ENV_VAR}=stock)"
    )
    assert "NOT verified" in choose("fast", "9.9.9").describe()


def test_the_choice_is_logged_once_per_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, fresh_log: None
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(mode, "installed_reportlab", lambda: VERIFIED)
    with caplog.at_level(logging.INFO, logger=mode.__name__):
        for _ in range(3):
            assert mode.current_mode() is Mode.FAST
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, choose(None, VERIFIED).describe())
    ]


def test_falling_back_to_stock_for_an_unverified_reportlab_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, fresh_log: None
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(mode, "installed_reportlab", lambda: "9.9.9")
    with caplog.at_level(logging.INFO, logger=mode.__name__):
        assert mode.current_mode() is Mode.STOCK
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "reportlab 9.9.9" in caplog.records[0].getMessage()


def test_a_changed_setting_is_read_at_the_next_document(
    monkeypatch: pytest.MonkeyPatch, fresh_log: None
) -> None:
    monkeypatch.setenv(ENV_VAR, "stock")
    assert mode.current_mode() is Mode.STOCK
    monkeypatch.setenv(ENV_VAR, "fast")
    assert mode.current_mode() is Mode.FAST


def test_the_installed_reportlab_is_one_the_fast_writer_was_verified_against() -> None:
    """setup.cfg's pin and the verified list agree: the suite exercises the fast path. If this
    fails after an upgrade, run the PDF tests with COUNTERDESK_PDF_WRITER=fast, then add the
    version to VERIFIED_REPORTLAB."""
    assert mode.installed_reportlab() in VERIFIED_REPORTLAB
