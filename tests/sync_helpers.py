"""Shared helpers of the sync tests: a scripted HTTP server on loopback, wire rows of a register,
answers of the shape headquarters sends, and clients serving prepared pages or cut after a few."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from models.replica import EMPLOYER, OFFICE_TABLES, PERSON_TABLES, STAFF_USER, TABLES, Table
from models.schema import db
from sync.answers import parse_bootstrap
from sync.client import HqClient
from sync.errors import Offline
from testkit import free_port

SERVER_NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def stamp(moment: datetime = SERVER_NOW) -> str:
    """A time as headquarters writes it."""
    return moment.isoformat(timespec="microseconds")


@dataclass
class Reply:
    """One scripted answer: status, JSON body (or raw bytes), extra headers."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None  # a Content-Length other than the body's (incomplete body)


@dataclass
class Seen:
    """One request the scripted server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class ScriptedServer:
    """An HTTP server on a free loopback port answering from `routes` (path -> callable)."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[Seen], Reply]] = {}
        self.seen: list[Seen] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("content-length", 0) or 0)
                raw = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                request = Seen(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
                outer.seen.append(request)
                route = outer.routes.get(path)
                reply = route(request) if route else Reply(404, raw=b"no such page")
                body = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header(
                    "content-length", str(reply.length if reply.length is not None else len(body))
                )
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

            do_GET = do_POST = _handle

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        """The server's base address."""
        return f"http://127.0.0.1:{self.port}"

    def answer(self, path: str, reply: Reply | Callable[[Seen], Reply]) -> None:
        """Answer requests to `path` with `reply` (or what the callable returns)."""
        self.routes[path] = reply if callable(reply) else (lambda _seen: reply)

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    """A ScriptedServer for the duration of a with block."""
    server = ScriptedServer()
    try:
        yield server
    finally:
        server.close()


def wire_rows(table: Table) -> list[list[Any]]:
    """Every row of a replicated table of the open register (headquarters' copies only, see
    `Table.office_rows`), in wire order and key order."""
    columns = ", ".join(f'"{c}"' for c in table.columns)
    order = ", ".join(f'"{c}"' for c in table.key)
    where = f" WHERE {table.office_rows}" if table.office_rows else ""
    return [
        list(r)
        for r in db.execute_sql(f'SELECT {columns} FROM "{table.name}"{where} ORDER BY {order}')
    ]


def register_rows() -> dict[str, list[list[Any]]]:
    """All replicated tables of the open register, wire order."""
    return {t.name: wire_rows(t) for t in TABLES}


def table_json(table: Table, rows: list[list[Any]]) -> dict[str, Any]:
    """A table as bootstrap pages carry it."""
    return {"columns": list(table.columns), "rows": rows}


def bootstrap_answers(
    rows: dict[str, list[list[Any]]], per_page: int, head_seq: int = 0
) -> list[dict[str, Any]]:
    """The bootstrap pages headquarters would send for a scope made of `rows`."""
    pages: list[dict[str, Any]] = []
    employers = rows[EMPLOYER.name]
    for phase, ids in (
        ("employer", [r[0] for r in employers]),
        ("person", [r[0] for r in rows["person"]]),
    ):
        after = 0
        chunks = [ids[i : i + per_page] for i in range(0, len(ids), per_page)] or [[]]
        for n, chunk in enumerate(chunks):
            chosen = set(chunk)
            following = chunk[-1] if chunk else after
            if phase == "employer":
                tables = {
                    "employer": table_json(EMPLOYER, [r for r in employers if r[0] in chosen])
                }
            else:
                accounts = {r[0] for r in rows["account"] if r[1] in chosen}
                tables = {}
                for t in PERSON_TABLES:
                    index = t.columns.index(t.person_key)
                    parents = accounts if t.name == "account_entry" else chosen
                    tables[t.name] = table_json(t, [r for r in rows[t.name] if r[index] in parents])
            pages.append(
                {
                    "phase": phase,
                    "after": after,
                    "next": following,
                    "done": n == len(chunks) - 1,
                    "head_seq": head_seq,
                    "tables": tables,
                    "server_time": stamp(),
                }
            )
            after = following
    pages.append(
        {
            "phase": "staff",
            "after": 0,
            "next": 0,
            "done": True,
            "head_seq": head_seq,
            "tables": {STAFF_USER.name: table_json(STAFF_USER, rows.get(STAFF_USER.name, []))},
            "server_time": stamp(),
        }
    )
    pages.append(
        {
            "phase": "office",
            "after": 0,
            "next": 0,
            "done": True,
            "head_seq": head_seq,
            "tables": {t.name: table_json(t, rows.get(t.name, [])) for t in OFFICE_TABLES},
            "server_time": stamp(),
        }
    )
    return pages


# -- headquarters' side -----------------------------------------------------------------------


def hq_scope_rows(districts: list[str]) -> dict[str, list[list[Any]]]:
    """Headquarters' rows of an office's scope (connected store), wire order, key order."""
    from hq import staff, store
    from hq.wire import rows_of_persons, scope_filter, wire_row

    condition, params = scope_filter(districts)
    persons = f"SELECT id FROM person WHERE {condition}"
    columns = ", ".join(EMPLOYER.columns)
    with store.read_snapshot():
        found = {
            EMPLOYER.name: [
                wire_row(r)
                for r in store.execute(f"SELECT {columns} FROM employer ORDER BY id").fetchall()
            ]
        }
        for t in PERSON_TABLES:
            found[t.name] = [
                wire_row(r) for r in store.execute(rows_of_persons(t, persons), params).fetchall()
            ]
        found[STAFF_USER.name] = staff.scope_rows(districts)
    return found


class ServedHq:
    """Headquarters' app served by uvicorn in a thread on a free loopback port (real HTTP)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        for _ in range(400):
            if self._server.started:
                break
            self._thread.join(0.025)
        assert self._server.started, "uvicorn did not start"

    @property
    def url(self) -> str:
        """Headquarters' address."""
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(10)


class PagesClient:
    """Serves prepared bootstrap pages by (phase, after); can fail at the n-th page asked, and
    answers the quick digest with the scope's person count."""

    last_skew_s = None

    def __init__(
        self, pages: list[dict[str, Any]], fail_at: int | None = None, persons: int | None = None
    ) -> None:
        self.pages = {(p["phase"], p["after"]): p for p in pages}
        self.fail_at = fail_at
        self.persons = persons
        self.asked: list[tuple[str, int]] = []

    def digest(self, level: str = "quick") -> Any:
        if self.persons is None:
            raise Offline("no digest here")
        return type("Digest", (), {"tables": {"person": (self.persons, 0)}})()

    def request_bootstrap(self, phase: str, after: int, limit: int = 500) -> tuple[str, int]:
        self.asked.append((phase, after))
        if self.fail_at is not None and len(self.asked) == self.fail_at:
            raise Offline("the network cable was pulled")
        return phase, after

    def bootstrap_answer(self, sent: tuple[str, int], phase: str, after: int) -> Any:
        return parse_bootstrap(copy.deepcopy(self.pages[sent]), phase, after)

    def bootstrap(self, phase: str, after: int, limit: int = 500) -> Any:
        return self.bootstrap_answer(self.request_bootstrap(phase, after, limit), phase, after)


class CutAfter(HqClient):
    """A real client whose connection breaks after a number of bootstrap pages."""

    def __init__(self, *args: Any, pages: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_left = pages

    def request_bootstrap(self, phase: str, after: int, limit: int = 500) -> Any:
        if self.pages_left == 0:
            raise Offline("the connection broke (test)")
        self.pages_left -= 1
        return super().request_bootstrap(phase, after, limit)
