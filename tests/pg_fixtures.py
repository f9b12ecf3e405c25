"""A throwaway PostgreSQL server for the test session (initdb + pg_ctl in a temporary folder).

The cluster itself is `testkit.pgcluster.PostgresServer`. Missing binaries fail the tests under CI
(the package must be installed there) and skip them elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit import free_port
from testkit.pgcluster import PG_PACKAGE, PostgresServer, find_pg_bin


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session, stopped at its end."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        message = (
            f"PostgreSQL is not installed (no initdb/pg_ctl): install the package {PG_PACKAGE} "
            "(apt-get install postgresql-15)"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Not under pytest's tmp folder: that one is private to root, and the server runs as postgres.
    server = PostgresServer(bin_dir, Path(tempfile.mkdtemp(prefix="counterdesk-pg-")), free_port())
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(server.folder, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()
