"""The relay's store and the timing of its link: what the command line needs without the HTTP
service (`relay.app` needs the `hq` extra's fastapi; `relay init` and `relay status` do not)."""

from __future__ import annotations

import os
from pathlib import Path

from hq import store
from relay import settings
from relay.schema import create_tables

POLL_S = 2.0  # how often the link forwards and pulls while headquarters answers
MAX_WAIT_S = 30.0  # the longest wait between tries while headquarters does not answer


def open_store(url: str) -> None:
    """Open the relay's store (headquarters' schema and the relay's tables). A SQLite store
    holds the office's personal data and the relay's token: only its owner may read it."""
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    store.connect(url)
    with store.session():
        create_tables()
        settings.feed_id()


def _sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for another database)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    return Path(path if path.startswith("/") else "/" + path) if path else None
