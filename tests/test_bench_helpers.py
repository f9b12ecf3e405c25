"""The benchmarks' helpers: how a p99 is named, the spread over rounds, dropping cached files,
the register's size per table and index, the wire's baselines and extrapolation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.evict import evict
from bench.size import measure
from bench.stats import p99_label, p99_worst_rank, round_spread, summarise
from bench.wire import Copy, Result, baselines, extrapolation, table
from hq.compression import compress
from testkit.shaped_link import LinkShape


def test_p99_of_500_calls_is_the_sixth_worst() -> None:
    # nearest rank: the 495th of 500 in ascending order, five calls above it
    assert p99_worst_rank(500) == 6
    assert p99_label(500) == "6th worst of 500"
    stats = summarise([i * 1_000 for i in range(1, 501)])
    assert (stats["p99_worst_rank"], stats["p99_us"]) == (6, 495.0)


def test_p99_is_called_p99_from_a_thousand_calls_on() -> None:
    assert p99_label(999) == "10th worst of 999"
    assert p99_label(1_000) == "p99"
    assert p99_worst_rank(1_000) == 11


def test_the_worst_call_of_a_few_is_named_first() -> None:
    assert p99_label(50) == "1st worst of 50"
    assert p99_label(150) == "2nd worst of 150"


def test_round_spread_gives_each_consecutive_round_its_own_median() -> None:
    samples = [1_000] * 10 + [2_000] * 10 + [5_000] * 10  # ns: three rounds of ten
    spread = round_spread(samples, 3)
    assert spread["calls_per_round"] == 10
    assert spread["median_us"] == [1.0, 2.0, 5.0]
    assert spread["median_range_us"] == [1.0, 5.0]


def test_round_spread_needs_a_call_per_round() -> None:
    assert round_spread([1, 2], 3) == {"rounds": 0}


def test_evict_covers_every_regular_file_under_its_roots(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.bin").write_bytes(b"x" * 100)
    (tmp_path / "two.bin").write_bytes(b"y" * 50)
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "link").symlink_to(tmp_path / "two.bin")
    done = evict([tmp_path])
    assert (done.files, done.bytes) == (2, 150)


def test_size_counts_every_page_of_the_file_under_its_table_or_index(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
    raw.execute("CREATE INDEX person_name ON person (name)")
    raw.executemany(
        "INSERT INTO person (name) VALUES (?)", [(f"name {i}" * 20,) for i in range(500)]
    )
    raw.commit()
    raw.close()
    tables, totals = measure(path)
    person = next(t for t in tables if t.name == "person")
    assert person.rows == totals["persons"] == 500
    assert [i.name for i in person.indexes] == ["person_name"]
    assert totals["pages_bytes"] + totals["freelist_bytes"] == totals["file_bytes"]
    assert 0 < totals["payload_bytes"] < totals["pages_bytes"]


def test_the_wire_baselines_compress_each_page_as_headquarters_does() -> None:
    pages = [b'{"rows": [[1, "a", 202611]]}' * 200, b'{"rows": []}' * 50]
    sizes = baselines(pages)
    assert sizes["json"] == sum(map(len, pages))
    assert sizes["zstd-1 per page"] == sum(len(compress(p, "zstd")) for p in pages)
    assert sizes["gzip-5 per page"] == sum(len(compress(p, "gzip")) for p in pages)
    assert sizes["zstd-1 whole stream"] < sizes["zstd-1 per page"] < sizes["json"]


def test_a_million_persons_are_extrapolated_from_the_link_s_bytes_and_the_seconds() -> None:
    # 1,000 persons: 2,500,000 bytes on a 20 Mbit/s link in 12 s, 9 s on loopback
    through = Copy("zstd", LinkShape(20e6, 0.04).describe(), 12.0, 274_000, 2_400_000, 1, 2_500_000)
    result = Result(1_000, [Copy("zstd", "loopback", 9.0, 274_000, 2_400_000, 1), through])
    (line,) = extrapolation(result)[1:]
    # 2,500 B a person x 1,000,000 x 8 / 20e6 = 1,000 s; 9 ms and 12 ms a person
    assert "the line alone 17 min" in line
    assert "on loopback (median) scaled 150 min" in line
    assert "this first sync scaled 200 min" in line


def test_a_shaped_only_run_at_a_million_says_it_was_measured_and_lists_no_missing_baseline() -> (
    None
):
    through = Copy("zstd", LinkShape(20e6, 0.04).describe(), 1_800.0, 9, 2_400_000_000, 1)
    through.link_bytes = 2_500_000_000
    result = Result(1_000_000, [through])
    heading, line = extrapolation(result)
    assert heading.startswith("at 1,000,000 persons (measured")
    assert "the line alone 17 min; this first sync scaled 30 min" in line  # no loopback figure
    printed = table(result)
    assert "baseline" not in printed and "a day's changes" not in printed
