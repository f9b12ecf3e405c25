"""bench.generation: times the demo generation and writes the same rows raw beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import generation


def test_the_baseline_writes_the_rows_of_its_persons_and_everything_is_deleted_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--persons", "300", "--baseline-persons", "120", "--dir", str(tmp_path), "--json"]
    assert generation.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    gen, base = result["generation"], result["baseline"]
    assert gen["persons"] == 300 and gen["rows"]["account entries"] > 0
    assert {"people", "months", "years", "accounts", "benefits"} <= set(gen["seconds"])
    tables = base["tables"]
    assert tables["person"]["rows"] == 120
    assert set(tables) == set(generation.PERSON_ROWS)
    assert 0 < tables["account_entry_block"]["rows"] < gen["rows"]["account entries"]
    assert list(tmp_path.iterdir()) == []


def test_a_used_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "home").mkdir()
    assert generation.main(["--persons", "10", "--dir", str(tmp_path)]) == 2
    assert "give an empty --dir" in capsys.readouterr().err
