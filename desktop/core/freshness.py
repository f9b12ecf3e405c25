"""'Data as of': how old the register's data is, in the language in use."""

from __future__ import annotations

from datetime import datetime

from desktop.core.formatting import age_words, local_time
from desktop.core.i18n import _
from desktop.core.status import BarStatus


def data_as_of_text(snapshot: BarStatus, now: datetime) -> str:
    """'Data as of 2026-11-28 10:02 (5 minutes ago)', or why there is no such time. While the
    register's first copy loads, the time is that of the copy's first page: every person
    received since is at least as fresh."""
    as_of = snapshot.as_of
    if snapshot.loading is not None and snapshot.data_as_of is None:
        # the first copy is under way: what arrived is at least as fresh as its first page
        started = snapshot.loading.started_at
        if started is None:
            return _("Data as of: the register is still loading (nothing received yet)")
        age = age_words((now - started).total_seconds())
        return _("Data as of {time} ({age} ago), still loading").format(
            time=local_time(started), age=age
        )
    if as_of is None:
        if snapshot.demo_generated_at is not None:
            return _("Data as of: never synced (demo data made {time})").format(
                time=local_time(snapshot.demo_generated_at)
            )
        return _("Data as of: never synced with headquarters")
    age = age_words((now - as_of).total_seconds())
    return _("Data as of {time} ({age} ago)").format(time=local_time(as_of), age=age)
