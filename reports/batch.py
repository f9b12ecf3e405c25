"""Statements for a whole list of people, on every core, resumable, with a summary of failures.

Each person's PDF is `rights-YEAR-<person id>.pdf` in the output folder, written atomically, so
a file that exists is complete: a second run skips it and so resumes where the first stopped.
What could not be made is listed in `rights-YEAR-failures.csv` with the reason.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from models.actor import Actor
from models.db import close_register
from models.errors import RegisterError
from models.home import OfficeHome
from models.idnumber import InvalidIdNumber, mask_id_number
from models.people import PersonSummary, find_by_ssn
from models.schema import db


@dataclass
class BatchSummary:
    """What a batch did."""

    total: int = 0
    made: int = 0
    skipped: int = 0  # already there from an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (who, why)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Statements made per second of wall time."""
        return self.made / self.seconds if self.seconds else 0.0


def output_path(out_dir: Path, year: int, person_id: int) -> Path:
    """Where one person's statement goes."""
    return out_dir / f"rights-{year}-{person_id:07d}.pdf"


def people_of_district(district: str) -> list[int]:
    """Ids of the people registered in a district (by the region code of their ID)."""
    return [
        r[0]
        for r in db.execute_sql(
            "SELECT id FROM person WHERE region_code = ? ORDER BY id", (district,)
        )
    ]


def people_from_ids(lines: Iterable[str]) -> tuple[list[int], list[tuple[str, str]]]:
    """Person ids for ID numbers (one a line); the lines that fail, with the reason."""
    found, failed = [], []
    for raw in lines:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            person = find_by_ssn(text)
        except InvalidIdNumber as exc:
            failed.append((mask_id_number(text), f"invalid ID number: {exc}"))
            continue
        if person is None:
            failed.append((mask_id_number(text), "not in this office's register"))
        else:
            found.append(person.id)
    return found, failed


# -- worker side ---------------------------------------------------------------------------------

_worker: dict[str, object] = {}


def _init_worker(home: str, actor: Actor, year: int, out_dir: str, lang: str) -> None:
    office = OfficeHome(Path(home))
    office.open()
    _worker.update(home=office, actor=actor, year=year, out_dir=Path(out_dir), lang=lang)


def _one(person_id: int) -> tuple[int, str | None]:
    """Make one statement in a worker; (person id, None) or (person id, why it failed)."""
    from reports.issue import issue

    row = db.execute_sql(
        "SELECT id, ssn, name, gender, birth_date, ethnicity, region_code, phone, address, "
        "status FROM person WHERE id = ?",
        (person_id,),
    ).fetchone()
    if row is None:
        return person_id, "not in this office's register"
    person = PersonSummary.from_row(row)
    try:
        issue(
            _worker["home"],
            _worker["actor"],
            "rights",  # type: ignore[arg-type]
            output_path(_worker["out_dir"], _worker["year"], person_id),  # type: ignore[arg-type]
            person=person,
            year=_worker["year"],
            lang=_worker["lang"],
        )  # type: ignore[arg-type]
    except (RegisterError, ValueError, OSError) as exc:
        return person_id, str(exc)
    except Exception as exc:  # a document must not stop the batch; its reason is kept
        return person_id, f"{type(exc).__name__}: {exc}"
    return person_id, None


def run_batch(
    home: OfficeHome,
    actor: Actor,
    person_ids: list[int],
    year: int,
    out_dir: Path,
    lang: str = "zh",
    workers: int | None = None,
    progress: Callable[[BatchSummary], None] | None = None,
    earlier_failures: list[tuple[str, str]] | None = None,
) -> BatchSummary:
    """Make the statements of `person_ids` for `year` in `out_dir`, skipping those already made."""
    from reports.issue import check_writable

    check_writable(out_dir)
    summary = BatchSummary(total=len(person_ids) + len(earlier_failures or []))
    summary.failed.extend(earlier_failures or [])
    todo = [p for p in person_ids if not output_path(out_dir, year, p).exists()]
    summary.skipped = len(person_ids) - len(todo)
    names = dict(db.execute_sql("SELECT id, name FROM person")) if todo else {}
    close_register()  # each worker opens its own connection
    start = time.perf_counter()
    last_report = 0.0
    workers = workers or os.cpu_count() or 1
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    try:
        with multiprocessing.get_context(method).Pool(
            workers, _init_worker, (str(home.path), actor, year, str(out_dir), lang)
        ) as pool:
            for person_id, error in pool.imap_unordered(_one, todo, chunksize=4):
                if error is None:
                    summary.made += 1
                else:
                    summary.failed.append((f"{names.get(person_id, '?')} #{person_id}", error))
                now = time.perf_counter()
                if progress and now - last_report > 1.0:
                    summary.seconds = now - start
                    progress(summary)
                    last_report = now
    finally:
        summary.seconds = time.perf_counter() - start
        home.open()
        write_summary(summary, out_dir, year)
    return summary


def write_summary(summary: BatchSummary, out_dir: Path, year: int) -> None:
    """`rights-YEAR-failures.csv` (who, why) and `rights-YEAR-summary.json` in the folder."""
    with (out_dir / f"rights-{year}-failures.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["who", "why"])
        writer.writerows(summary.failed)
    data = asdict(summary) | {"per_second": round(summary.per_second, 2)}
    data["failed"] = len(summary.failed)
    (out_dir / f"rights-{year}-summary.json").write_text(json.dumps(data, indent=2) + "\n")
