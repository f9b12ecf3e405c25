"""The cold-disk benchmark: dropping the register's pages, seeing that they are gone, and
measuring each lookup warm, cold once per round and cold before every call."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bench.cold import MODES, ColdBench
from bench.evict import evict_files, fincore, register_files, resident_bytes
from bench.lookup import LookupBench
from models.home import OfficeHome, setting

PAGE = os.sysconf("SC_PAGE_SIZE")


def test_evict_files_drops_a_file_s_pages_even_just_written(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    path.write_bytes(os.urandom(64 * PAGE))  # dirty pages in the cache
    assert resident_bytes(path) == 64 * PAGE
    done = evict_files([path])
    assert (done.files, done.bytes) == (1, 64 * PAGE)
    assert resident_bytes(path) == 0
    with path.open("rb") as stream:
        stream.seek(10 * PAGE)
        stream.read(PAGE)
    assert 0 < resident_bytes(path) < 64 * PAGE


@pytest.mark.skipif(shutil.which("fincore") is None, reason="util-linux fincore not installed")
def test_resident_bytes_agrees_with_fincore(tmp_path: Path) -> None:
    path = tmp_path / "file.bin"
    path.write_bytes(os.urandom(16 * PAGE))
    evict_files([path])
    with path.open("rb") as stream:
        stream.read(3 * PAGE)
    report = fincore([path])
    assert report is not None
    res = int(report.splitlines()[1].split()[0])
    assert res == resident_bytes(path)


def test_register_files_are_the_database_its_log_and_its_index(tmp_path: Path) -> None:
    register = tmp_path / "register.db"
    register.write_bytes(b"x")
    (tmp_path / "register.db-wal").write_bytes(b"y")
    (tmp_path / "register.db.lock").write_bytes(b"")
    assert register_files(register) == [register, tmp_path / "register.db-wal"]


def test_cold_series_drop_the_register_before_each_round_or_each_call(demo: OfficeHome) -> None:
    today = date.fromisoformat(setting("demo_as_of"))
    lookup = LookupBench(demo.register_path, 1, 6 * len(MODES) + 1, today, lambda _m: None, 3)
    bench = ColdBench(lookup, demo.register_path, calls=6, rounds=3)
    size = demo.register_path.stat().st_size  # it grows by the audit rows of open_overview
    try:
        results = bench.run(MODES)
    finally:
        lookup.close()
    by = {(s.name, s.mode): s for s in results}
    names = ("find_by_ssn", "find_by_card", "person_overview", "open_overview")
    assert set(by) == {(name, mode) for name in names for mode in MODES}
    for series in results:
        assert (series.service["n"], series.baseline["n"]) == (6, 6)
        assert (series.mismatches, series.errors) == (0, 0), series.name
        assert len(series.first_calls_us) == 3
    overview = {mode: by[("person_overview", mode)] for mode in MODES}
    assert [overview[m].evictions for m in MODES] == [0, 3, 1 + 2 * 6]
    for name in names:  # every warm series starts with the whole file (as it was) in the cache
        assert by[(name, "warm")].resident_before["register.db"] >= size, name
    assert overview["cold once"].resident_before["register.db"] == 0
    assert overview["cold each"].resident_before["register.db"] == 0
    assert overview["cold each"].resident_after["register.db"] > 0  # the last call read pages
    assert [d["mode"] for d in bench.disk] == list(MODES)
    assert all(d["reads"]["n"] == 6 for d in bench.disk)


def test_statements_benchmark_measures_a_kept_district_without_generating(
    demo: OfficeHome,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile

    from bench import statements
    from models.db import close_register

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # its PDFs' folder, removed after
    close_register()
    argv = ["--keep", str(demo.path), "--singles", "2", "--batch", "4", "--rounds", "1"]
    assert statements.main([*argv, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert f"persons kept in {demo.path}" in out
    assert "batch, round 1: 4 statements (0 failed)" in out
    kept = sqlite3.connect(demo.register_path)
    try:  # the statements were recorded in the kept register: 2 singles and the batch of 4
        made = kept.execute("SELECT count(*) FROM statement WHERE kind = 'rights'").fetchone()[0]
    finally:
        kept.close()
    assert made == 6
