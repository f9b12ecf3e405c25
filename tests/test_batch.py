"""Batches of rights records: records per chunk, durable files, resume after a crash, cancel."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pickle
import re
import sys
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import audit, statements
from models.actor import Actor
from models.enums import Role
from models.home import OfficeHome
from models.schema import AuditEvent, Outbox, Statement, db
from reports import batch, durable
from reports.batch import output_path, people_of_district, run_batch
from reports.durable import make_durable, remove_leftovers, write_unsynced
from reports.issue import number_in

SUPERVISOR = Actor("supervisor01", Role.SUPERVISOR)
YEAR = 2025


def _issued() -> dict[str, tuple[str, int, int]]:
    """Issued rights records: number -> (sha256, pages, person id)."""
    return {
        number: (sha, pages, person)
        for number, sha, pages, person in db.execute_sql(
            "SELECT number, sha256, pages, person_id FROM statement "
            "WHERE kind = 'rights' AND sha256 IS NOT NULL"
        )
    }


def _statable(count: int) -> list[int]:
    """People of the demo district with contributions in YEAR (so each gets a statement)."""
    rows = db.execute_sql(
        "SELECT DISTINCT person_id FROM contribution WHERE period / 100 = ? "
        "ORDER BY person_id LIMIT ?",
        (YEAR, count),
    )
    return [r[0] for r in rows]


def _check_every_file_is_recorded(out: Path) -> set[str]:
    """Each PDF in `out` has its own statement record with its hash and pages; the numbers."""
    issued = _issued()
    numbers = set()
    for pdf in out.glob(f"rights-{YEAR}-*.pdf"):
        data = pdf.read_bytes()
        number = number_in(data)
        assert number in issued, pdf
        sha, pages, person = issued[number]
        assert sha == hashlib.sha256(data).hexdigest() and pages == len(PdfReader(pdf).pages)
        assert pdf == output_path(out, YEAR, person)
        numbers.add(number)
    return numbers


def test_every_statement_gets_its_number_record_outbox_command_and_audit_event(
    demo: OfficeHome, tmp_path: Path
) -> None:
    people = _statable(40)
    out = tmp_path / "out"
    summary = run_batch(demo, SUPERVISOR, people, YEAR, out, workers=2)
    assert (summary.made, summary.failed, summary.cancelled) == (40, [], False)
    numbers = _check_every_file_is_recorded(out)
    assert len(numbers) == 40
    queued = [
        json.loads(o.payload) for o in Outbox.select().where(Outbox.command == "statement.issued")
    ]
    assert sorted(q["number"] for q in queued) == sorted(numbers)
    reads = AuditEvent.select().where(AuditEvent.action == "person.read")
    assert sorted(json.loads(e.detail)["number"] for e in reads) == sorted(numbers)
    assert audit.verify_chain().intact  # the workers' events, logged a chunk at a time, chain
    text = PdfReader(output_path(out, YEAR, people[0])).pages[0].extract_text()
    name = db.execute_sql("SELECT name FROM person WHERE id = ?", (people[0],)).fetchone()[0]
    assert name in text and "个人权益记录单" in text
    assert not list(out.glob(".*.tmp"))


def test_a_file_whose_record_a_crash_lost_is_recorded_on_the_next_run(
    demo: OfficeHome, tmp_path: Path
) -> None:
    people = _statable(6)
    out = tmp_path / "out"
    run_batch(demo, SUPERVISOR, people, YEAR, out, workers=1)
    lost = number_in(output_path(out, YEAR, people[2]).read_bytes())
    with db.atomic():  # as if the worker died between renaming its files and recording them
        Statement.update(sha256=None, pages=None).where(Statement.number == lost).execute()
        Outbox.delete().where(Outbox.payload.contains(lost)).execute()
    before = Statement.select().count()
    summary = run_batch(demo, SUPERVISOR, people, YEAR, out, workers=1)
    assert (summary.made, summary.skipped, summary.recorded_on_resume) == (0, 6, 1)
    assert Statement.select().count() == before  # no new number for a file already written
    assert Outbox.select().where(Outbox.payload.contains(lost)).count() == 1
    assert len(_check_every_file_is_recorded(out)) == 6


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers inherit the patch by fork"
)
def test_a_worker_killed_before_recording_its_files_loses_no_record(
    demo: OfficeHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = _statable(40)
    out = tmp_path / "out"
    parent = os.getpid()
    really_record = statements.issued_many

    def die_in_a_worker(documents: list[statements.Written], actor: Actor) -> None:
        if os.getpid() != parent:
            os._exit(9)  # killed between renaming its files and recording them
        really_record(documents, actor)

    monkeypatch.setattr(statements, "issued_many", die_in_a_worker)
    crashed = run_batch(demo, SUPERVISOR, people, YEAR, out, workers=2)
    assert crashed.made == 0 and len(crashed.failed) == 40
    assert all("run the batch again" in why for _who, why in crashed.failed)
    # named by name and masked ID number, never by the register's internal id
    assert all(re.fullmatch(r"\S+ \d{6}\*{8}[\dX]{4}", who) for who, _ in crashed.failed)
    written = len(list(out.glob(f"rights-{YEAR}-*.pdf")))
    assert written > 0  # whole files, renamed into place; the rest at most temporary files
    monkeypatch.setattr(statements, "issued_many", really_record)
    again = run_batch(demo, SUPERVISOR, people, YEAR, out, workers=2)
    assert (again.recorded_on_resume, again.skipped) == (written, written)
    assert again.made == 40 - written and again.failed == []
    assert len(_check_every_file_is_recorded(out)) == 40 and not list(out.glob(".*.tmp"))
    issued_people = [person for _sha, _pages, person in _issued().values()]
    assert sorted(issued_people) == sorted(people)


def test_temporary_files_of_an_interrupted_run_are_removed(
    demo: OfficeHome, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / f".rights-{YEAR}-0000001.pdf.abc123.tmp"
    leftover.write_bytes(b"%PDF-1.4 half")
    run_batch(demo, SUPERVISOR, _statable(2), YEAR, out, workers=1)
    assert not leftover.exists()


@pytest.mark.slow
def test_a_stop_request_cancels_cleanly_and_a_later_run_resumes(
    demo: OfficeHome, tmp_path: Path
) -> None:
    people = people_of_district("370102")
    out = tmp_path / "out"
    asked = threading.Event()

    def should_stop() -> bool:
        asked.set()
        return True

    first = run_batch(demo, SUPERVISOR, people, YEAR, out, workers=2, should_stop=should_stop)
    assert asked.is_set() and first.cancelled
    assert first.made + first.skipped + len(first.failed) < len(people)
    assert not list(out.glob(".*.tmp"))
    assert len(_check_every_file_is_recorded(out)) == first.made
    assert json.loads((out / f"rights-{YEAR}-summary.json").read_text())["cancelled"] is True
    second = run_batch(demo, SUPERVISOR, people, YEAR, out, workers=2)
    assert not second.cancelled and second.skipped == first.made
    assert second.made + second.skipped + len(second.failed) == len(people)
    issued_people = [person for _sha, _pages, person in _issued().values()]
    assert len(issued_people) == len(set(issued_people)) == second.made + second.skipped


def test_progress_is_reported_while_the_batch_runs(
    demo: OfficeHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PROGRESS_SECONDS", 0.0)  # every poll, for the test
    seen: list[int] = []
    summary = run_batch(
        demo,
        SUPERVISOR,
        _statable(20),
        YEAR,
        tmp_path / "out",
        workers=1,
        progress=lambda s: seen.append(s.made),
    )
    assert seen and seen == sorted(seen) and seen[-1] <= summary.made == 20


def test_workers_are_given_the_office_home_itself(
    demo: OfficeHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pickle.loads(pickle.dumps(demo)) == demo
    opened: list[object] = []
    monkeypatch.setattr(OfficeHome, "open", lambda self: opened.append(self))
    batch._init_worker(demo, SUPERVISOR, YEAR, tmp_path, "zh", threading.Event())
    assert opened == [demo]


@pytest.mark.parametrize("count", [1, 3])
def test_files_appear_under_their_names_only_once_durable(tmp_path: Path, count: int) -> None:
    finals = [tmp_path / f"rights-{YEAR}-{n:07d}.pdf" for n in range(count)]
    temporaries = [write_unsynced(final, b"%PDF whole") for final in finals]
    assert all(t.parent == tmp_path for t in temporaries)
    assert not any(final.exists() for final in finals)
    make_durable(list(zip(temporaries, finals, strict=True)), tmp_path)
    assert all(final.read_bytes() == b"%PDF whole" for final in finals)
    assert not any(t.exists() for t in temporaries)
    write_unsynced(finals[0], b"%PDF again")
    assert remove_leftovers(tmp_path, f".rights-{YEAR}-") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [f.name for f in finals]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_statement_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    final = tmp_path / f"rights-{YEAR}-0000001.pdf"
    make_durable([(write_unsynced(final, b"%PDF personal"), final)], tmp_path)
    assert final.stat().st_mode & 0o777 == 0o600


def test_a_temporary_name_a_crashed_process_left_is_stepped_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = tmp_path / f"rights-{YEAR}-0000001.pdf"
    monkeypatch.setattr(durable, "_SERIAL", itertools.count(5))
    (tmp_path / f".{final.name}.{os.getpid()}-5.tmp").write_bytes(b"left by a crash")
    temporary = write_unsynced(final, b"%PDF new")
    assert temporary.name.endswith("-6.tmp") and temporary.read_bytes() == b"%PDF new"


def test_a_person_listed_twice_gets_one_statement(demo: OfficeHome, tmp_path: Path) -> None:
    person = _statable(1)[0]
    summary = run_batch(demo, SUPERVISOR, [person, person], YEAR, tmp_path / "out", workers=2)
    assert (summary.total, summary.made) == (1, 1)
    assert len(_issued()) == 1


@pytest.mark.parametrize("count", [0, 1, 7, 100, 2000, 10_001])
@pytest.mark.parametrize("workers", [1, 2, 8])
def test_chunks_cover_everyone_once_and_shrink_towards_the_end(count: int, workers: int) -> None:
    people = list(range(count))
    chunks = batch.chunked(people, workers)
    assert [p for chunk in chunks for p in chunk] == people
    sizes = [len(chunk) for chunk in chunks]
    assert all(1 <= size <= batch.MAX_CHUNK for size in sizes)
    assert sizes == sorted(sizes, reverse=True)
    if count >= 4 * workers * batch.MIN_CHUNK:
        assert len(chunks) >= 4 * workers  # every worker gets several
