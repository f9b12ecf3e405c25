"""`counterdesk statement`, `report` and `statements batch` through the installed entry point."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli_helpers import run, sample


def _statements(home: Path) -> int:
    conn = sqlite3.connect(home / "register.db")
    try:
        return conn.execute("SELECT count(*) FROM statement").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.dates
@pytest.mark.slow
def test_statement_writes_a_pdf_and_says_its_number(demo_home: Path, tmp_path: Path) -> None:
    card = sample(demo_home, "arrears")
    out = tmp_path / "s.pdf"
    result = run(
        "statement",
        "--card",
        card["card_no"],
        "--kind",
        "rights",
        "--year",
        "2026",
        "--out",
        str(out),
        home=demo_home,
    )
    assert result.returncode == 0, result.stderr
    assert "Statement 370102-" in result.stderr
    text = PdfReader(out).pages[0].extract_text()
    assert card["name"] in text and "个人权益记录单" in text


@pytest.mark.slow
def test_statement_for_an_unknown_person_exits_1_and_writes_nothing(
    demo_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "s.pdf"
    result = run(
        "statement",
        "--id",
        "11010519491231002X",
        "--kind",
        "rights",
        "--out",
        str(out),
        home=demo_home,
    )
    assert result.returncode == 1 and "no person with this ID number" in result.stderr
    assert not out.exists() and _statements(demo_home) == 0


@pytest.mark.slow
def test_statement_into_an_unwritable_folder_exits_2(demo_home: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    card = sample(demo_home, "contributor")["card_no"]
    result = run(
        "statement",
        "--card",
        card,
        "--kind",
        "medical",
        "--out",
        str(tmp_path / "file" / "m.pdf"),
        home=demo_home,
    )
    assert result.returncode == 2 and "choose another folder" in result.stderr


@pytest.mark.dates
@pytest.mark.slow
def test_report_daily_and_audit(demo_home: Path, tmp_path: Path) -> None:
    assert run("report", "daily", "--out", str(tmp_path / "d.pdf"), home=demo_home).returncode == 0
    result = run(
        "report",
        "audit",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--lang",
        "en",
        "--out",
        str(tmp_path / "a.pdf"),
        home=demo_home,
    )
    assert result.returncode == 0, result.stderr
    assert "Audit" in PdfReader(tmp_path / "a.pdf").pages[0].extract_text()


@pytest.mark.dates
@pytest.mark.slow
def test_batch_makes_one_pdf_per_person_and_resumes(demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    first = run(
        "statements",
        "batch",
        "--district",
        "370102",
        "--year",
        "2025",
        "--workers",
        "2",
        "--out",
        str(out),
        home=demo_home,
    )
    made = sorted(out.glob("rights-2025-*.pdf"))
    assert made, first.stderr
    failures = list(csv.reader((out / "rights-2025-failures.csv").open(encoding="utf-8")))[1:]
    summary = json.loads((out / "rights-2025-summary.json").read_text())
    assert summary["made"] == len(made) and summary["failed"] == len(failures)
    assert first.returncode == (1 if failures else 0)
    assert all("nothing to state" in why for _who, why in failures)
    made[0].unlink()
    again = run(
        "statements",
        "batch",
        "--district",
        "370102",
        "--year",
        "2025",
        "--out",
        str(out),
        home=demo_home,
    )
    summary = json.loads((out / "rights-2025-summary.json").read_text())
    assert (summary["made"], summary["skipped"]) == (1, len(made) - 1), again.stderr


def test_batch_from_a_file_lists_bad_and_unknown_ids(demo_home: Path, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("11010519491231002X\n110105194912310021\n")
    result = run(
        "statements",
        "batch",
        "--ids",
        str(ids),
        "--year",
        "2025",
        "--out",
        str(tmp_path / "b"),
        home=demo_home,
    )
    assert result.returncode == 1
    rows = list(csv.reader((tmp_path / "b" / "rights-2025-failures.csv").open()))[1:]
    assert [why.split(":")[0] for _who, why in rows] == [
        "not in this office's register",
        "invalid ID number",
    ]


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (lambda tmp: tmp / "nowhere" / "deeper" / "s.pdf", "does not exist"),
        (lambda tmp: tmp, "is a folder"),
        (lambda tmp: tmp / ("x" * 300 + ".pdf"), "longer than this disk allows"),
    ],
    ids=["missing-folder", "a-folder", "too-long"],
)
@pytest.mark.slow
def test_a_destination_that_cannot_be_written_uses_no_number_and_creates_no_folder(
    demo_home: Path, tmp_path: Path, where, said: str
) -> None:
    out = where(tmp_path)
    card = sample(demo_home, "contributor")["card_no"]
    result = run(
        "statement", "--card", card, "--kind", "medical", "--out", str(out), home=demo_home
    )
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert "office home" not in result.stderr and "nothing was numbered" in result.stderr
    assert not (tmp_path / "nowhere").exists()
    assert _statements(demo_home) == 0
    ok = run(
        "statement",
        "--card",
        card,
        "--kind",
        "medical",
        "--out",
        str(tmp_path / "m.pdf"),
        home=demo_home,
    )
    assert ok.returncode == 0 and "-00001" in ok.stderr  # the first number is still free
