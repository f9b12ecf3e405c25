"""What sync says to the clerk: warnings of a finished run and why a run could not start, in
the language in use, with the engine's English only on a details line."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from desktop.core.i18n import set_language
from desktop.core.sync_words import report_warnings, start_problem
from sync.check import CheckResult
from sync.engine import SyncReport
from sync.push import AuditOutcome


def _sentences(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("详细信息："))


def test_a_runs_warnings_are_translated_from_the_report_not_from_its_english() -> None:
    report = SyncReport(
        started_at=datetime(2026, 11, 16, tzinfo=UTC),
        clock_skew_s=-900.0,
        audit=AuditOutcome(broken_at=41),
    )
    report.check = CheckResult("full", "mismatch", ("person: 3 rows differ",), 1, 1, "")
    set_language("zh")
    try:
        warnings = report_warnings(report)
    finally:
        set_language("en")
    assert len(warnings) == 3
    assert "慢约15分钟" in warnings[0] and "41" in warnings[1]
    assert warnings[2].endswith("详细信息：person: 3 rows differ")
    for text in warnings:
        assert not re.search("[A-Za-z]", _sentences(text)), text


def test_a_sync_that_could_not_start_is_said_by_its_code_with_the_english_below() -> None:
    set_language("zh")
    try:
        text = start_problem("not_enrolled", "this office is not enrolled with headquarters")
        unknown = start_problem("a_code_of_a_newer_sync", "something new")
    finally:
        set_language("en")
    assert not re.search("[A-Za-z]", text.splitlines()[0])
    assert text.splitlines()[1] == "详细信息：this office is not enrolled with headquarters"
    assert not re.search("[A-Za-z]", unknown.splitlines()[0])
    assert unknown.splitlines()[1] == "详细信息：something new"
