"""The Python half of the demo district: people, employers, cards and staff, row by row.

Everything comes from one `random.Random(seed)`, so the same seed gives the same district.
Per person it also draws the parameters that the SQL half expands into months and years
(`demo_person` rows): employer, wage level, first month insured, last month paid, arrears.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import exp

from models.demo import vocabulary as v
from models.enums import CardStatus, PersonStatus, Role
from models.idnumber import make_id_number

NEVER = 10**6  # a month index later than any real one
# The password of every account of the demo roster (shown on the sign-in screen of a demo
# district only).
DEMO_STAFF_PASSWORD = "demo-2026"


def month_index(day: date) -> int:
    """year * 12 + month - 1: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    """The first day of the month with this index."""
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Batch:
    """Rows for one chunk of people, ready for executemany."""

    persons: list[tuple] = field(default_factory=list)
    demo: list[tuple] = field(default_factory=list)
    cards: list[tuple] = field(default_factory=list)
    replaced: list[tuple[int, int]] = field(default_factory=list)  # (old card id, new card id)


class PeopleMaker:
    """Draws the people of one district; call `batches` once."""

    def __init__(self, seed: int, district: str, as_of: date, employers: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.district = district
        self.as_of = as_of
        self.as_of_index = month_index(as_of)
        self.employers = employers
        self.used_ssns: set[str] = set()
        self.card_counter = itertools.count(1)
        self._surnames = [s for s, _ in v.SURNAMES]
        self._surname_cum = list(itertools.accumulate(w for _, w in v.SURNAMES))
        self._eth = [e for e, _ in v.ETHNICITIES]
        self._eth_cum = list(itertools.accumulate(w for _, w in v.ETHNICITIES))
        self._regions_jinan = [r for r in v.JINAN_REGIONS if r != district]

    # -- identity ---------------------------------------------------------------------
    def _name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        pool = v.GIVEN_MALE if gender == "M" else v.GIVEN_FEMALE
        if rng.random() < 0.22:
            return surname + rng.choice(pool)
        return surname + rng.choice(pool) + rng.choice(pool)

    def _region(self) -> str:
        r = self.rng.random()
        if r < 0.68:
            return self.district
        if r < 0.9:
            return self.rng.choice(self._regions_jinan)
        return self.rng.choice(v.OTHER_REGIONS)

    def _ssn(self, region: str, birth: date, gender: str) -> str:
        parity = 1 if gender == "M" else 0  # odd sequences are men, even women
        sequence = self.rng.randrange(500) * 2 + parity
        ssn = make_id_number(region, birth, sequence)
        while ssn in self.used_ssns:
            sequence = (sequence + 2) % 1000
            ssn = make_id_number(region, birth, sequence)
        self.used_ssns.add(ssn)
        return ssn

    def _address(self) -> str:
        rng = self.rng
        area = v.JINAN_REGIONS.get(self.district, "")
        street = rng.choice(v.STREETS)
        estate = rng.choice(v.EMPLOYER_STEMS) + rng.choice(v.COMMUNITIES)
        return (
            f"山东省济南市{area}{street}{rng.randrange(1, 300)}号{estate}"
            f"{rng.randrange(1, 30)}号楼{rng.randrange(1, 6)}单元"
            f"{rng.randrange(1, 30)}0{rng.randrange(1, 5)}室"
        )

    def _phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    # -- cards ------------------------------------------------------------------------
    def _card_numbers(self) -> tuple[str, str]:
        n = next(self.card_counter)
        # bijections on their ranges: unique, yet they look random
        digits = (n * 48_271 + self.seed * 7_919) % 10**8
        letter = chr(65 + ((n * 7) + self.seed) % 26)
        serial = (n * 0x9E3779B97F4A7C15 + self.seed) & 0xFFFFFFFFFFFFFFFF
        return f"{letter}{digits:08d}", f"{self.district}D156000005{serial:016X}"

    def _cards(
        self, pid: int, birth: date, status: str, card_id: Iterator[int]
    ) -> tuple[list, list]:
        rng = self.rng
        first_year = max(2009, birth.year + 16)
        if first_year > self.as_of.year:
            first_year = self.as_of.year
        issue = date(
            rng.randint(first_year, self.as_of.year), rng.randint(1, 12), rng.randint(1, 28)
        )
        if issue > self.as_of:
            issue = self.as_of - timedelta(days=rng.randrange(1, 60))
        rows, replaced = [], []
        expired = _expiry(issue) <= self.as_of
        if (expired and rng.random() < 0.85) or (issue.year < 2019 and rng.random() < 0.3):
            # an older card replaced by a third-generation one (most expired cards are)
            old_id = next(card_id)
            number, ident = self._card_numbers()
            rows.append(
                (
                    old_id,
                    number,
                    ident,
                    pid,
                    1 if issue.year < 2013 else 2,
                    self.district,
                    issue,
                    _expiry(issue),
                    CardStatus.REPLACED.value,
                )
            )
            issue = date(
                rng.randint(max(2019, issue.year + 1), max(2019, self.as_of.year)),
                rng.randint(1, 12),
                rng.randint(1, 28),
            )
            if issue > self.as_of:
                issue = self.as_of - timedelta(days=rng.randrange(1, 60))
            replaced.append(old_id)
        new_id = next(card_id)
        number, ident = self._card_numbers()
        generation = 1 if issue.year < 2013 else 2 if issue.year < 2019 else 3
        if status == PersonStatus.DECEASED:
            card_status = CardStatus.CANCELLED
        else:
            r = rng.random()
            card_status = (
                CardStatus.LOST
                if r < 0.015
                else CardStatus.FROZEN
                if r < 0.018
                else CardStatus.ACTIVE
            )
        rows.append(
            (
                new_id,
                number,
                ident,
                pid,
                generation,
                self.district,
                issue,
                _expiry(issue),
                card_status.value,
            )
        )
        return rows, [(old, new_id) for old in replaced]

    # -- people -----------------------------------------------------------------------
    def batches(self, persons: int, chunk: int) -> Iterator[Batch]:
        """Yield the district's people in chunks of `chunk`."""
        rng = self.rng
        card_id = itertools.count(1)
        batch = Batch()
        for pid in range(1, persons + 1):
            gender = "M" if rng.random() < 0.5 else "F"
            age = 18 + int(72 * rng.betavariate(1.6, 2.1))
            birth = date(self.as_of.year - age, rng.randint(1, 12), rng.randint(1, 28))
            region = self._region()
            retire_age = 60 if gender == "M" else 55
            retired = age >= retire_age
            r = rng.random()
            if retired:
                status = PersonStatus.DECEASED if r < 0.03 else PersonStatus.RETIRED
            else:
                status = (
                    PersonStatus.SUSPENDED
                    if r < 0.04
                    else PersonStatus.MOVED_OUT
                    if r < 0.06
                    else PersonStatus.INSURED
                )
            start_year = max(1992, birth.year + rng.randint(18, 26))
            first = min(start_year * 12 + rng.randrange(12), self.as_of_index - 1)
            if retired:
                stop = (birth.year + retire_age) * 12 + birth.month - 2
            elif status == PersonStatus.INSURED:
                stop = self.as_of_index - 1
            else:
                stop = self.as_of_index - 1 - rng.randrange(1, 60)
            stop = max(stop, first)
            arrears_from = NEVER
            backpaid = (NEVER, NEVER, None)
            if status == PersonStatus.INSURED:
                if rng.random() < 0.05:
                    arrears_from = self.as_of_index - rng.randint(1, 4)
                elif rng.random() < 0.06:
                    bp_from = self.as_of_index - rng.randint(8, 30)
                    bp_to = bp_from + rng.randint(0, 3)
                    posted = month_start(bp_to + rng.randint(2, 5)) + timedelta(
                        days=rng.randrange(27)
                    )
                    backpaid = (bp_from, bp_to, min(posted, self.as_of))
            employer = 1 + int(self.employers * rng.random() ** 2)
            wage_pm = int(1000 * exp(rng.gauss(-0.05, 0.45)))
            batch.persons.append(
                (
                    pid,
                    self._ssn(region, birth, gender),
                    self._name(gender),
                    gender,
                    birth,
                    rng.choices(self._eth, cum_weights=self._eth_cum)[0],
                    region,
                    self._phone() if status != PersonStatus.DECEASED else None,
                    self._address(),
                    status.value,
                )
            )
            retired_from = stop + 1 if retired else NEVER
            opening = rng.randrange(0, 300_000)
            batch.demo.append(
                (
                    pid,
                    employer,
                    wage_pm,
                    first,
                    stop,
                    retired_from,
                    arrears_from,
                    *backpaid,
                    opening,
                    status.value,
                )
            )
            cards, replaced = self._cards(pid, birth, status, card_id)
            batch.cards.extend(cards)
            batch.replaced.extend(replaced)
            if len(batch.persons) >= chunk:
                yield batch
                batch = Batch()
        if batch.persons:
            yield batch

    def employer_rows(self) -> list[tuple]:
        """(id, unit code, name, region, work-injury rate) for every employer."""
        rows, names = [], set()
        for eid in range(1, self.employers + 1):
            kind, rate = self.rng.choice(v.EMPLOYER_KINDS)
            stems = self.rng.choice(v.EMPLOYER_STEMS) + self.rng.choice(v.EMPLOYER_STEMS)
            name = f"济南{stems}{kind}"
            if name in names:
                name = f"济南{stems}第{eid}{kind}"
            names.add(name)
            code = f"9137{self.district[2:]}{eid:08d}X"
            rows.append((eid, code, name, self.district, rate))
        return rows

    def staff_rows(self) -> list[tuple]:
        """(username, display name, role) of the office roster; every demo account's password
        is DEMO_STAFF_PASSWORD."""
        roster = [("admin", "系统管理员", Role.ADMIN.value)]
        for i in range(1, 3):
            roster.append(
                (f"supervisor{i:02d}", self._name("F" if i % 2 else "M"), Role.SUPERVISOR.value)
            )
        for i in range(1, 9):
            roster.append((f"clerk{i:02d}", self._name("M" if i % 3 else "F"), Role.CLERK.value))
        return roster


def _expiry(issue: date) -> date:
    try:
        return issue.replace(year=issue.year + 10)
    except ValueError:  # 29 February
        return issue.replace(year=issue.year + 10, day=28)
