"""The keys to look up, drawn from the register reproducibly from a seed.

Existing keys are random rows resolved by rowid (memory stays bounded at any register size);
absent keys are valid-looking ID and card numbers checked not to be in the register.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from typing import Any

from bench.district import DISTRICT
from bench.errors import BenchError
from models.idnumber import make_id_number

WARMUP_CALLS = 500  # per kind, not counted
IN_CHUNK = 500  # rowids per `WHERE id IN (...)` when resolving the sampled rowids


class KeyDraw:
    """Draws existing and absent keys on a raw sqlite3 connection to the register."""

    def __init__(self, raw: sqlite3.Connection, seed: int, today: date) -> None:
        """Draw on `raw`, from `seed`; absent ID numbers are of persons born before `today`."""
        self.raw = raw
        self.seed = seed
        self.today = today

    def rng(self, kind: str) -> random.Random:
        """A random generator of its own per kind of key, so each draw is reproducible."""
        return random.Random(f"bench.lookup:{self.seed}:{kind}")

    def draw(self, table: str, select: str, k: int, rng: random.Random) -> list[tuple]:
        """k random rows of `table`, in random order, without loading the whole table.

        Random rowids between min(id) and max(id) are resolved with `select` (which must take
        `WHERE <alias>.id IN (...)` appended and return the id first). Rows are distinct when the
        table has at least k of them; otherwise they repeat.
        """
        lo, hi, count = self.raw.execute(
            f"SELECT min(id), max(id), count(*) FROM {table}"
        ).fetchone()
        if not count:
            raise BenchError(2, f"the register has no {table} rows to look up")
        distinct = k <= count
        rows: list[tuple] = []
        taken: set[int] = set()
        for _round in range(10_000):
            need = k - len(rows)
            if need <= 0:
                break
            wanted = [rng.randint(lo, hi) for _ in range(need)]
            if distinct:
                wanted = [i for i in dict.fromkeys(wanted) if i not in taken]
            found: dict[int, tuple] = {}
            unique = list(dict.fromkeys(wanted))
            for start in range(0, len(unique), IN_CHUNK):
                chunk = unique[start : start + IN_CHUNK]
                marks = ", ".join("?" * len(chunk))
                for row in self.raw.execute(f"{select} IN ({marks})", chunk):
                    found[row[0]] = row
            for i in wanted:
                if i in found and len(rows) < k:
                    rows.append(found[i])
                    taken.add(i)
        else:
            raise BenchError(2, f"could not draw {k:,} rows of {table} (too sparse)")
        rng.shuffle(rows)
        return rows

    def absent_ssns(self, n: int, rng: random.Random) -> list[str]:
        """n valid ID numbers (right region, real birth date, check digit) not in the register."""
        found: list[str] = []
        seen: set[str] = set()
        while len(found) < n:
            birth = date(rng.randint(1936, self.today.year - 18), rng.randint(1, 12), 1)
            birth = birth.replace(day=rng.randint(1, 28))
            ssn = make_id_number(DISTRICT, birth, rng.randrange(1000))
            if ssn in seen:
                continue
            seen.add(ssn)
            if self.raw.execute("SELECT 1 FROM person WHERE ssn = ?", (ssn,)).fetchone() is None:
                found.append(ssn)
        return found

    def absent_cards(self, n: int, rng: random.Random) -> list[str]:
        """n card numbers of the register's format (a letter and 8 digits) that are not in it."""
        found: list[str] = []
        seen: set[str] = set()
        while len(found) < n:
            number = f"{chr(65 + rng.randrange(26))}{rng.randrange(10**8):08d}"
            if number in seen:
                continue
            seen.add(number)
            row = self.raw.execute("SELECT 1 FROM card WHERE card_no = ?", (number,)).fetchone()
            if row is None:
                found.append(number)
        return found

    def stream(
        self, present: list[Any], absent: list[Any], rng: random.Random
    ) -> tuple[list[Any], int]:
        """(keys, warm-up count): WARMUP_CALLS present keys, then the rest mixed with the absent.

        The warm-up keys are not among the measured ones.
        """
        warm = present[:WARMUP_CALLS]
        measured = present[WARMUP_CALLS:] + absent
        rng.shuffle(measured)
        return warm + measured, len(warm)
