"""The office home to measure: a demo district generated now, or reused from --keep.

`prepare_home` checks the free disk first (`check_disk`), creates the home and generates the
district with models.demo, and records how it came to be in a `Generation`.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.errors import BenchError
from models.clock import this_month
from models.db import close_register
from models.demo.generator import DemoParams, DemoReport, generate
from models.home import REGISTER_FILE, OfficeHome, setting
from models.schema import db

DISTRICT = "370102"  # also the region of the absent ID numbers drawn by the benchmark
OFFICE_NAME = "历下区性能测试中心"

# Disk needed to generate: measured about 12.6 KB per person in register.db (20,000 persons:
# 252 MB), plus the write-ahead log, which holds a whole 20,000-person chunk before it can be
# checkpointed. 16 KB per person plus 1 GiB leaves room for both.
BYTES_PER_PERSON = 16 * 1024
DISK_MARGIN_BYTES = 1 << 30


@dataclass
class Generation:
    """How the district came to be: generated now (with its report) or reused from --keep."""

    reused: bool
    persons: int
    seed: str | None
    as_of: str | None
    wall_seconds: float | None = None
    report: DemoReport | None = None
    db_bytes_after_generation: int | None = None
    wal_bytes_after_generation: int | None = None
    db_bytes: int = 0
    disk_estimate_bytes: int | None = None

    def as_json(self) -> dict[str, Any]:
        """All figures, with the report flattened and persons per second added."""
        data = asdict(self)
        if self.report is not None:
            total = self.report.seconds.get("total") or 0.0
            data["persons_per_second"] = round(self.report.persons / total, 1) if total else None
            data["seconds_other"] = round(total - phase_sum(self.report), 2)
        return data


def phase_sum(report: DemoReport) -> float:
    """Seconds of the report's named phases (everything but the total)."""
    return sum(s for phase, s in report.seconds.items() if phase != "total")


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def check_disk(target: Path, persons: int) -> tuple[int, int, Path]:
    """(bytes needed, bytes free, folder checked) for generating `persons` into `target`.

    Raises BenchError (exit 2) when the free space is below the estimate.
    """
    probe = target
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    need = persons * BYTES_PER_PERSON + DISK_MARGIN_BYTES
    if free < need:
        raise BenchError(
            2,
            f"not enough free disk to generate {persons:,} persons at {probe}: about "
            f"{need / 1e9:.1f} GB needed ({BYTES_PER_PERSON // 1024} KB per person for the "
            f"register and its write-ahead log, plus {DISK_MARGIN_BYTES >> 30} GiB), only "
            f"{free / 1e9:.1f} GB free. Use fewer --persons, or --keep DIR on a larger disk "
            "(or set TMPDIR)",
        )
    return need, free, probe


def prepare_home(
    args: argparse.Namespace, say: Callable[[str], None]
) -> tuple[OfficeHome, Path | None, Generation]:
    """Open the office home to measure: reused from --keep, or generated now.

    Returns the home, the temporary folder to remove at the end (None with --keep) and how the
    district came to be.
    """
    temp_dir: Path | None = None
    if args.keep:
        home = OfficeHome(Path(args.keep).expanduser().absolute())
        if home.exists():
            home.open()
            state = setting("demo_state")
            count = db.execute_sql("SELECT count(*) FROM person").fetchone()[0]
            if state == "complete" and count == args.persons:
                seed = setting("demo_seed")
                say(f"Reusing the demo district in {home.path} ({count:,} persons, seed {seed}).")
                if seed != str(args.seed):
                    say(f"  note: it was generated with seed {seed}; keys are drawn with --seed.")
                generation = Generation(True, count, seed, setting("demo_as_of"))
                generation.db_bytes = _file_size(home.register_path)
                return home, None, generation
            close_register()
            raise BenchError(
                2,
                f"{home.register_path} already exists but is not a complete demo district of "
                f"{args.persons:,} persons (demo_state={state!r}, {count:,} persons); it was "
                "left untouched: choose another --keep folder, or --persons to match",
            )
        need, free, probe = check_disk(home.path, args.persons)
    else:
        need, free, probe = check_disk(Path(tempfile.gettempdir()), args.persons)
        temp_dir = Path(tempfile.mkdtemp(prefix="counterdesk-bench-"))
        home = OfficeHome(temp_dir / "home")
    say(
        f"Disk: about {need / 1e9:.1f} GB needed for {args.persons:,} persons "
        f"({BYTES_PER_PERSON // 1024} KB per person + {DISK_MARGIN_BYTES >> 30} GiB), "
        f"{free / 1e9:.1f} GB free at {probe}."
    )
    say(f"Generating {args.persons:,} persons (seed {args.seed}) into {home.path} ...")
    as_of = this_month()
    started = time.perf_counter()
    home.create(DISTRICT, OFFICE_NAME)
    report = generate(
        DemoParams(args.persons, args.seed, DISTRICT, as_of),
        progress=lambda message: say(f"  {message}"),
    )
    wall = time.perf_counter() - started
    generation = Generation(
        False,
        report.persons,
        str(args.seed),
        as_of.isoformat(),
        wall_seconds=round(wall, 2),
        report=report,
        db_bytes_after_generation=_file_size(home.register_path),
        wal_bytes_after_generation=_file_size(home.register_path.with_name(REGISTER_FILE + "-wal")),
        disk_estimate_bytes=need,
    )
    # Start the measurements from a clean file: the WAL holds up to a whole generation chunk.
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    generation.db_bytes = _file_size(home.register_path)
    return home, temp_dir, generation
