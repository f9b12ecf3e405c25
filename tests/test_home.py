"""The office home: where it is, creating it, and refusing what it must not do."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.db import close_register
from models.errors import HomeNotWritable, InvalidRequest, RegisterUnavailable
from models.home import HOME_ENV, OfficeHome, setting


def test_an_explicit_home_wins_over_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env"))
    assert OfficeHome.resolve(tmp_path / "flag").path == tmp_path / "flag"
    assert OfficeHome.resolve(None).path == tmp_path / "env"


def test_without_flag_or_environment_the_user_data_folder_is_used(monkeypatch) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    assert OfficeHome.resolve(None).path.name == "counterdesk"


def test_create_records_district_and_office_name(tmp_path: Path) -> None:
    home = OfficeHome(tmp_path / "h")
    home.create("370104", "槐荫区社保中心")
    assert (setting("district"), setting("office_name")) == ("370104", "槐荫区社保中心")
    close_register()


def test_create_refuses_an_existing_register(home: OfficeHome) -> None:
    with pytest.raises(InvalidRequest, match="already exists"):
        home.create("370102", "again")


def test_a_home_below_a_file_is_not_writable(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(HomeNotWritable, match="cannot be written"):
        OfficeHome(tmp_path / "file" / "home").create("370102", "x")


def test_opening_a_home_without_register_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(RegisterUnavailable, match="init"):
        OfficeHome(tmp_path / "empty").open()
    assert not (tmp_path / "empty").exists()


def _signing_key_of(path: str) -> bytes:
    return OfficeHome(Path(path)).signing_key()


def test_processes_making_the_signing_key_at_once_all_get_the_same_whole_key(
    tmp_path: Path,
) -> None:
    import multiprocessing

    for attempt in range(5):
        folder = tmp_path / f"home-{attempt}"
        folder.mkdir()
        with multiprocessing.get_context("fork").Pool(6) as pool:
            keys = pool.map(_signing_key_of, [str(folder)] * 12)
        assert len(set(keys)) == 1 and len(keys[0]) == 32
        key_file = folder / "keys" / "statement-signing.key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert list(key_file.parent.iterdir()) == [key_file]  # no temporary file left
