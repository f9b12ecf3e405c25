"""A throwaway PostgreSQL cluster in a folder of its own (initdb + pg_ctl, no system service).

For the tests and benchmarks of headquarters on PostgreSQL, and for trying it out: the server
runs on a free loopback port with trust authentication and fsync off — never for real data.
PostgreSQL refuses to run as root, so as root every PostgreSQL program runs as the `postgres`
user through runuser (../shared/platform-notes.md).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg2

PG_PACKAGE = "postgresql-15"
SERVICE_USER = "postgres"


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl (newest installed version), or None."""
    explicit = os.environ.get("COUNTERDESK_PG_BIN")
    candidates = [explicit] if explicit else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


@dataclass
class PostgresServer:
    """One PostgreSQL cluster in `folder`, listening on 127.0.0.1:`port` (trust auth)."""

    bin_dir: Path
    folder: Path
    port: int
    user: str = SERVICE_USER

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", SERVICE_USER, "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*prefix, *argv], capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        """initdb, then pg_ctl start (waits until it accepts connections)."""
        if os.geteuid() == 0:
            shutil.chown(self.folder, SERVICE_USER, SERVICE_USER)
        (self.folder / "sock").mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder / "sock", SERVICE_USER, SERVICE_USER)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.folder / "data"),
            "-U",
            self.user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.folder / 'sock'} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=300"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        """pg_ctl stop -m immediate, then remove the folder (its data is thrown away: no
        shutdown checkpoint to wait for, which took seconds at the end of the test session)."""
        try:
            self._run(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        """The peewee URL of one database of this server."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self, *statements: str) -> None:
        """Run statements on the `postgres` database, each on its own (autocommit)."""
        conn = psycopg2.connect(dbname="postgres", user=self.user, host="127.0.0.1", port=self.port)
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            conn.close()

    def create_database(self, name: str, template: str = "template0") -> str:
        """CREATE DATABASE name TEMPLATE template; the new database's URL."""
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE name, ending its sessions first (a test's copy, once it is done: the
        session's cluster does not grow by a copy of the demo city per test)."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
