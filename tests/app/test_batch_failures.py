"""A batch's failures in the clerk's language: the CSV a supervisor opens in Excel, and the
reasons on the screen."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from desktop.core.batch_failures import reason_words, write_failures_csv
from desktop.core.i18n import set_language
from models.home import OfficeHome
from reports.batch import people_from_ids

FAILURES = [
    ("王芳 370102********1234", "invalid ID number: the check character does not match"),
    ("李明 370102********5678", "not in this office's register"),
    ("张伟 370105********0012", "nothing to state for 2025"),
    ("赵丽 370103********004X", "OSError: [Errno 28] No space left on device"),
]


def test_the_failures_csv_is_in_the_ui_language_with_a_bom_and_machine_readable_codes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rights-2025-failures.csv"
    set_language("zh")
    try:
        write_failures_csv(path, FAILURES)
    finally:
        set_language("en")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["当事人", "原因代码", "原因", "详细信息"]
    body = rows[1:]
    assert [row[0] for row in body] == [who for who, _why in FAILURES]
    assert [row[1] for row in body] == ["invalid-id", "unknown", "nothing", "other"]
    for _who, _code, reason, _detail in body:
        assert reason and not re.search("[A-Za-z]", reason), reason
    assert [row[3] for row in body] == ["", "", "", FAILURES[3][1]]
    assert not list(tmp_path.glob("*.partial"))


def test_a_reason_without_a_sentence_of_its_own_keeps_its_english_as_the_detail() -> None:
    set_language("zh")
    try:
        assert reason_words("nothing to state for 2025") == ("nothing", "该年度无记录", "")
        kind, words, detail = reason_words("the worker process stopped (BrokenProcessPool)")
    finally:
        set_language("en")
    assert (kind, detail) == ("other", "the worker process stopped (BrokenProcessPool)")
    assert not re.search("[A-Za-z]", words)


def test_the_reasons_the_batch_really_gives_are_told_apart(home: OfficeHome) -> None:
    _found, failed = people_from_ids(["11010519491231002X", "110105194912310021"])
    assert [reason_words(why)[0] for _who, why in failed] == ["unknown", "invalid-id"]
    assert [who for who, _why in failed] == ["110105********002X", "110105********0021"]
