"""The clock the whole test suite runs on: never the date it is run.

The instant is $COUNTERDESK_TEST_NOW, else DEFAULT_TEST_NOW. Importing this module sets it for
this process (models.clock) and, through $COUNTERDESK_CLOCK, for every program the tests start;
the demo districts are built as of its month (AS_OF). The clock runs on from that instant in
real time. `make test` runs the tests marked `dates` again with the clock at the edges of
months and years (29 February, 31 December, 1 January, ...), in the office's timezone.
"""

from __future__ import annotations

import os

from models import clock

TEST_NOW_ENV = "COUNTERDESK_TEST_NOW"
DEFAULT_TEST_NOW = "2026-11-16T10:00:00+08:00"

TEST_NOW = clock.parse_instant(os.environ.get(TEST_NOW_ENV) or DEFAULT_TEST_NOW)
PINNED = clock.ShiftedClock(TEST_NOW)
os.environ[clock.CLOCK_ENV] = PINNED.as_environment()  # children share this timeline
clock.set_clock(PINNED)
AS_OF = clock.this_month()
