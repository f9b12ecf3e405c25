"""bench.hqseed: loads one generated district into headquarters each way and raw beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import hqseed


def test_each_way_and_the_baseline_load_the_same_rows_and_the_district_is_kept_for_reuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--persons", "40", "--keep", str(tmp_path), "--json"]
    assert hqseed.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    attached, python = result["ways"]["attached"], result["ways"]["python"]
    assert attached["rows"] == python["rows"] > 40  # the staff roster is not in the baseline
    assert result["baseline"]["rows"] < attached["rows"]
    assert attached["file_bytes"] > 0 and attached["x_baseline"] > 0
    kept = [p.name for p in tmp_path.iterdir()]
    assert kept == [f"district-{hqseed.DISTRICT}x40-1"]  # the district, not the work files
    assert hqseed.main([*argv[:-1], "--ways", "attached"]) == 0
    assert "reusing" in capsys.readouterr().err


def test_an_unknown_way_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert hqseed.main(["--ways", "copy"]) == 2
    assert "--ways takes attached, python" in capsys.readouterr().err
