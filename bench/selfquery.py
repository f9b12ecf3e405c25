"""Self-query benchmark: a signed-in citizen's record page against the bare JSON route.

Run it as a module from the project root:

    python -m bench.selfquery [--persons N] [--signed-in K] [--clients C] [--requests R]
                              [--rounds 3] [--backends sqlite,postgresql] [--workers W]
                              [--keep DIR | --in-place FILE] [--json]

For each backend, headquarters' register is seeded with one demo district of N persons
(`hq.demo.seed`; PostgreSQL in a throwaway cluster started with initdb + pg_ctl, as the tests
do), `counterdesk hq serve --rate-limit 0` is started on a free loopback port, and K distinct
persons still on their initial password sign in to the self-query as a browser would (sign-in
form with its CSRF token, the forced new password, then the record page), untimed. Then C
client threads, each with its own keep-alive HTTP connection, ask for R pages in all per round:

* page: `GET /selfquery/record` with the person's session cookie (the HTML record page);
* JSON: `GET /v1/persons?ssn=...` as an enrolled office (the office's person lookup, the
  route that returns a person's record as JSON; see "What the JSON route leaves out" in
  bench/README.md).

The two kinds take turns, `--rounds` times each (the order alternates). Reported per kind: pages
per second (median round and min-max of the rounds), the median, p90 and p99 of every request's
time (nearest rank; below 1,000 requests the p99 is named by its rank), and the ratio of the
page's rate to the JSON route's (goal: at least 0.5x, and the page's p99 under 100 ms at 50
clients).

Rate limits: the record page has none; the sign-in form allows 20 tries per address at once
(then 10 a minute). Each benchmark person signs in from its own address, sent as
X-Forwarded-For, which uvicorn (`hq serve`) takes from loopback clients only
(FORWARDED_ALLOW_IPS=127.0.0.1, set for the server): as citizens come from their own addresses.
The office API's limiter is switched off with `--rate-limit 0`. Nothing timed passes a limiter.

Exit status: 0 after a complete run; 2 for a usage or environment problem; 130 if interrupted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.errors import BenchError
from bench.hqdb import BACKENDS, postgres, say, seed_city, sqlite_city
from bench.stats import P99_MIN_SAMPLES, p99_label, summarise
from hq import offices, store
from hq.web.security import SECRET_ENV
from models.replica import ACTOR_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION
from testkit.services import Service, running_service

DISTRICT = "370102"
OFFICE = "bench-selfquery"
NEW_PASSWORD = "864213"
COOKIE = "cd_selfquery"
CSRF = re.compile(rb'name="csrf" value="([^"]+)"')
GOAL_RATIO = 0.5  # the page's rate at least half the JSON route's
GOAL_P99_MS = 100.0  # the page's p99 at 50 clients
KINDS = ("page", "json")


@dataclass(frozen=True)
class Holder:
    """A person to sign in: internal id, ID number, birth date as YYYYMMDD."""

    id: int
    ssn: str
    birth: str


@dataclass
class Signed:
    """A signed-in person: the session cookie's value (renewed by every answer)."""

    holder: Holder
    cookie: str
    address: str


@dataclass
class Round:
    """One round of one kind: requests, wall seconds and every request's time."""

    kind: str
    requests: int
    seconds: float
    times_ns: list[int]
    errors: int
    statuses: dict[int, int] = field(default_factory=dict)  # the errors' HTTP statuses
    load: float = 0.0  # the machine's 1-minute load average at the round's end
    server_cpu_s: float = 0.0  # CPU seconds of the server's processes during the round
    client_cpu_s: float = 0.0  # CPU seconds of this process (the client threads) during it

    @property
    def rate(self) -> float:
        """Requests answered per second."""
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class BackendResult:
    """Everything measured on one backend."""

    backend: str
    persons: int
    signed_in: int
    clients: int
    seed_s: float = 0.0
    sign_in_s: float = 0.0
    page_bytes: int = 0
    json_bytes: int = 0
    rounds: dict[str, list[Round]] = field(default_factory=lambda: {k: [] for k in KINDS})

    def summary(self, kind: str) -> dict[str, Any]:
        """Rate (median round, min-max) and the request times of every round together."""
        rounds = self.rounds[kind]
        rates = [r.rate for r in rounds]
        every = [t for r in rounds for t in r.times_ns]
        times = summarise(every)
        per_round = [summarise(r.times_ns) for r in rounds]
        return {
            "rate_median": statistics.median(rates) if rates else 0.0,
            "rate_range": [min(rates), max(rates)] if rates else [0.0, 0.0],
            "requests": len(every),
            "errors": sum(r.errors for r in rounds),
            "error_statuses": [r.statuses for r in rounds],
            "median_ms": times.get("median_us", 0.0) / 1000,
            "p90_ms": times.get("p90_us", 0.0) / 1000,
            "p99_ms": times.get("p99_us", 0.0) / 1000,
            "p99_label": p99_label(len(every)),
            "max_ms": times.get("max_us", 0.0) / 1000,
            "round_p99_ms": [p.get("p99_us", 0.0) / 1000 for p in per_round],
            "round_p99_label": p99_label(len(rounds[0].times_ns)) if rounds else "",
            "load": [round(r.load, 1) for r in rounds],
            "server_cpu_ms": _per_request(rounds, "server_cpu_s"),
            "client_cpu_ms": _per_request(rounds, "client_cpu_s"),
        }

    def ratio(self) -> float:
        """The page's rate over the JSON route's (median rounds)."""
        page, raw = self.summary("page")["rate_median"], self.summary("json")["rate_median"]
        return page / raw if raw else 0.0

    def as_json(self) -> dict[str, Any]:
        """All figures."""
        return {
            "backend": self.backend,
            "persons": self.persons,
            "signed_in": self.signed_in,
            "clients": self.clients,
            "seed_s": round(self.seed_s, 1),
            "sign_in_s": round(self.sign_in_s, 1),
            "page_bytes": self.page_bytes,
            "json_bytes": self.json_bytes,
            "page": self.summary("page"),
            "json": self.summary("json"),
            "rates": {k: [round(r.rate, 1) for r in self.rounds[k]] for k in KINDS},
            "ratio": round(self.ratio(), 3),
        }


def _per_request(rounds: Sequence[Round], what: str) -> float:
    """CPU milliseconds per request over the rounds."""
    count = sum(r.requests for r in rounds)
    return round(1000 * sum(getattr(r, what) for r in rounds) / count, 2) if count else 0.0


def group_cpu_s(group: int) -> float:
    """CPU seconds (user and system) used so far by the live processes of process group
    `group` (the server and its workers; Linux /proc; 0 elsewhere)."""
    ticks = 0
    tick_s = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / tick_s


# -- the HTTP side ----------------------------------------------------------------------------


class Client:
    """One keep-alive connection to headquarters (a browser's or an office's)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; (status, headers with Set-Cookie's value kept, body)."""
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                answer = self.conn.getresponse()
                data = answer.read()
                return answer.status, dict(answer.getheaders()), data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _cookie(headers: dict[str, str], old: str) -> str:
    """The session cookie's new value from a Set-Cookie header (the old one if absent)."""
    found = re.search(rf"{COOKIE}=([^;]+)", headers.get("set-cookie", ""))
    return found.group(1) if found else old


def _csrf(body: bytes) -> str:
    found = CSRF.search(body)
    if found is None:
        raise BenchError(2, "the self-query page holds no CSRF token: has the form changed?")
    return found.group(1).decode()


def sign_in(client: Client, holder: Holder, address: str) -> Signed:
    """Sign in as a browser does: the form, the initial password (the birth date), the forced
    new password, then the record page once; the signed-in session."""
    base = {"X-Forwarded-For": address}
    form = {**base, "Content-Type": "application/x-www-form-urlencoded"}
    status, headers, body = client.request("GET", "/selfquery/", base)
    cookie = _cookie(headers, "")
    fields = {"idno": holder.ssn, "password": holder.birth, "csrf": _csrf(body)}
    status, headers, body = client.request(
        "POST",
        "/selfquery/signin",
        {**form, "Cookie": f"{COOKIE}={cookie}"},
        urlencode(fields).encode(),
    )
    if status != 303 or not headers.get("location", "").endswith("/password"):
        raise BenchError(2, f"sign-in of person {holder.id} answered {status}: {body[:300]!r}")
    cookie = _cookie(headers, cookie)
    status, headers, body = client.request(
        "GET", "/selfquery/password", {**base, "Cookie": f"{COOKIE}={cookie}"}
    )
    cookie = _cookie(headers, cookie)
    fields = {"new": NEW_PASSWORD, "again": NEW_PASSWORD, "csrf": _csrf(body)}
    status, headers, body = client.request(
        "POST",
        "/selfquery/password",
        {**form, "Cookie": f"{COOKIE}={cookie}"},
        urlencode(fields).encode(),
    )
    if status != 303:
        raise BenchError(2, f"new password of person {holder.id} answered {status}")
    cookie = _cookie(headers, cookie)
    status, headers, body = client.request(
        "GET", "/selfquery/record", {**base, "Cookie": f"{COOKIE}={cookie}"}
    )
    if status != 200:
        raise BenchError(2, f"the record page of person {holder.id} answered {status}")
    return Signed(holder, _cookie(headers, cookie), address)


def sign_in_all(base: str, holders: Sequence[Holder], workers: int) -> list[Signed]:
    """Sign every holder in, on `workers` threads (each its own connection); in order."""
    done: list[Signed | None] = [None] * len(holders)
    problems: list[BaseException] = []

    def work(index: int) -> None:
        client = Client(base)
        try:
            for i in range(index, len(holders), workers):
                address = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
                done[i] = sign_in(client, holders[i], address)
        except BaseException as exc:  # reported by the caller
            problems.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if problems:
        raise problems[0]
    return [s for s in done if s is not None]


Ask = Callable[[Client, Signed], tuple[int, bytes]]


def ask_page(client: Client, who: Signed) -> tuple[int, bytes]:
    """The record page with the person's session (the cookie renewed from the answer)."""
    status, headers, body = client.request(
        "GET", "/selfquery/record", {"Cookie": f"{COOKIE}={who.cookie}"}
    )
    who.cookie = _cookie(headers, who.cookie)
    return status, body


def ask_json(token: str) -> Ask:
    """The office's person lookup by ID number, as JSON."""
    headers = {
        PROTOCOL_HEADER: str(PROTOCOL_VERSION),
        "Authorization": f"Bearer {token}",
        ACTOR_HEADER: "bench",
    }

    def ask(client: Client, who: Signed) -> tuple[int, bytes]:
        status, _headers, body = client.request(
            "GET", "/v1/persons?" + urlencode({"ssn": who.holder.ssn}), headers
        )
        return status, body

    return ask


def run_round(
    base: str,
    kind: str,
    ask: Ask,
    people: Sequence[Signed],
    clients: int,
    total: int,
    server_group: int = 0,
) -> Round:
    """`total` requests from `clients` threads at once, each its own keep-alive connection,
    each thread asking for its own persons in turn (a person is used by one thread only)."""
    per_client = max(1, total // clients)
    times: list[list[int]] = [[] for _ in range(clients)]
    errors = [0] * clients
    statuses: dict[int, int] = {}
    connections = [Client(base) for _ in range(clients)]
    start = threading.Barrier(clients + 1)

    def work(index: int) -> None:
        mine = people[index::clients] or people
        client = connections[index]
        start.wait()
        for i in range(per_client):
            who = mine[i % len(mine)]
            began = time.perf_counter_ns()
            status, body = ask(client, who)
            times[index].append(time.perf_counter_ns() - began)
            if status != 200 or not body:
                errors[index] += 1
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=work, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    server_before = group_cpu_s(server_group) if server_group else 0.0
    start.wait()
    client_before = time.process_time()
    began = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    client_cpu = time.process_time() - client_before
    server_cpu = group_cpu_s(server_group) - server_before if server_group else 0.0
    for c in connections:
        c.close()
    every = [t for part in times for t in part]
    load = os.getloadavg()[0]
    return Round(
        kind, len(every), seconds, every, sum(errors), statuses, load, server_cpu, client_cpu
    )


# -- the run ----------------------------------------------------------------------------------


def holders(count: int, seed_number: int) -> list[Holder]:
    """`count` persons of the district still on their initial password, not locked (drawn at
    random, seeded; the register connected)."""
    rows = store.execute(
        "SELECT p.id, p.ssn, p.birth_date FROM person p "
        "LEFT JOIN query_credential c ON c.person_id = p.id "
        "WHERE p.district = ? AND c.password_hash IS NULL AND c.locked_until IS NULL "
        "ORDER BY p.id",
        (DISTRICT,),
    ).fetchall()
    if len(rows) < count:
        raise BenchError(2, f"only {len(rows)} persons can sign in: ask for fewer --signed-in")
    drawn = random.Random(seed_number).sample(rows, count)
    return [Holder(r[0], r[1], str(r[2]).replace("-", "")) for r in drawn]


def measure(url: str, args: argparse.Namespace, result: BackendResult) -> None:
    """Enrol the office, serve, sign in, then the rounds."""
    store.connect(url)
    try:
        token = offices.enrol_office(OFFICE, [DISTRICT], "bench", new_token=True)
        people = holders(args.signed_in, args.seed)
    finally:
        store.close()
    env = {
        **os.environ,
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        SECRET_ENV: secrets.token_hex(32),  # one key for every worker
    }
    command = ["hq", "serve", "--db", url, "--rate-limit", "0", "--workers", str(args.workers)]
    with running_service(command, env=env) as server:
        base = server.url
        say(f"{result.backend}: signing in {len(people)} persons")
        started = time.perf_counter()
        signed = sign_in_all(base, people, min(8, len(people)))
        result.sign_in_s = time.perf_counter() - started
        asks: dict[str, Ask] = {"page": ask_page, "json": ask_json(token)}
        probe = Client(base)
        try:
            result.page_bytes = len(ask_page(probe, signed[0])[1])
            result.json_bytes = len(asks["json"](probe, signed[0])[1])
        finally:
            probe.close()
        say(f"{result.backend}: warm-up (every person once per kind, not counted)")
        for kind in KINDS:
            run_round(base, kind, asks[kind], signed, args.clients, len(signed))
        for r in range(args.rounds):
            order = KINDS if r % 2 == 0 else KINDS[::-1]
            for kind in order:
                done = run_round(
                    base,
                    kind,
                    asks[kind],
                    signed,
                    args.clients,
                    args.requests,
                    server.process.pid,
                )
                result.rounds[kind].append(done)
                say(
                    f"{result.backend}: round {r + 1} {kind}: {done.rate:,.0f}/s, "
                    f"{done.errors} errors {done.statuses or ''}, load {done.load:.1f}, "
                    f"CPU per request: server {1000 * done.server_cpu_s / done.requests:.2f} ms, "
                    f"client {1000 * done.client_cpu_s / done.requests:.2f} ms"
                )
        check_alive(server)


def check_alive(server: Service) -> None:
    """Stop if the server died during the run."""
    if not server.alive():
        raise BenchError(2, f"headquarters exited during the run:\n{server.tail()}")


def run_backend(backend: str, args: argparse.Namespace, work: Path) -> BackendResult:
    """Seed (or reuse) and measure one backend."""
    result = BackendResult(backend, args.persons, args.signed_in, args.clients)
    city = {DISTRICT: args.persons}
    if backend == "sqlite" and args.in_place:
        path = args.in_place.absolute()
        if not path.exists():
            raise BenchError(2, f"{path} does not exist (seed it first, e.g. with --keep)")
        say(f"measuring on {path} in place (it is written to)")
        measure(f"sqlite:///{path}", args, result)
        return result
    if backend == "sqlite":
        url, result.seed_s = sqlite_city(work, args.keep, city, args.seed)
        measure(url, args, result)
        return result
    with postgres() as server:
        url = server.create_database("hq")
        result.seed_s = seed_city(url, city, args.seed)
        measure(url, args, result)
    return result


def _ms(value: float) -> str:
    return f"{value:,.1f}"


def report(results: Sequence[BackendResult], args: argparse.Namespace) -> str:
    """The printed table and verdicts."""
    lines = [
        f"Self-query record page against the JSON person lookup: {args.clients} clients on "
        f"loopback, {args.signed_in} signed-in persons, {args.rounds} rounds of "
        f"{args.requests:,} requests per kind, hq serve --workers {args.workers}",
        "",
        "| backend, persons | kind | req/s median (min-max of rounds) | median ms | p90 ms | "
        "p99 ms | max ms | per-round p99 ms | errors | load avg | CPU ms/req server, client |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for kind in KINDS:
            s = r.summary(kind)
            low, high = s["rate_range"]
            p99 = s["p99_label"] if s["requests"] < P99_MIN_SAMPLES else "p99"
            per_round = ", ".join(_ms(v) for v in s["round_p99_ms"])
            lines.append(
                f"| {r.backend}, {r.persons:,} | {kind} | {s['rate_median']:,.0f} "
                f"({low:,.0f}-{high:,.0f}) | {_ms(s['median_ms'])} | {_ms(s['p90_ms'])} | "
                f"{_ms(s['p99_ms'])} ({p99}) | {_ms(s['max_ms'])} | {per_round} "
                f"({s['round_p99_label']}) | {s['errors']} | "
                f"{', '.join(f'{v:.1f}' for v in s['load'])} | "
                f"{s['server_cpu_ms']:.2f}, {s['client_cpu_ms']:.2f} |"
            )
    lines.append("")
    for r in results:
        page = r.summary("page")
        ratio = r.ratio()
        verdict = "met" if ratio >= GOAL_RATIO and page["p99_ms"] < GOAL_P99_MS else "NOT met"
        lines.append(
            f"{r.backend}: page/JSON {ratio:.2f}x (goal >= {GOAL_RATIO}x), page p99 "
            f"{_ms(page['p99_ms'])} ms (goal < {GOAL_P99_MS:.0f} ms): {verdict} at "
            f"{r.persons:,} persons (the goal's size is 1,000,000); page {r.page_bytes:,} bytes, "
            f"JSON {r.json_bytes:,} bytes; seeding {r.seed_s:.0f} s, sign-in {r.sign_in_s:.0f} s"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m bench.selfquery", description=__doc__.split("\n")[0]
    )
    p.add_argument("--persons", type=int, default=20_000, help="district size (default 20,000)")
    p.add_argument("--signed-in", type=int, default=200, help="distinct signed-in persons")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--requests", type=int, default=2_000, help="requests per kind and round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--workers", type=int, default=1, help="hq serve --workers (default 1)")
    p.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", type=Path, help="keep the seeded SQLite headquarters here for reuse")
    p.add_argument(
        "--in-place",
        type=Path,
        help="SQLite only: measure on this seeded headquarters file as it is, without copying "
        "it (its persons signed in stay signed in; the next run draws others)",
    )
    p.add_argument("--json", action="store_true", help="JSON on stdout, the table on stderr")
    args = p.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - set(BACKENDS)
    if unknown or not args.backends:
        p.error(f"--backends takes {', '.join(BACKENDS)}")
    if min(args.persons, args.signed_in, args.clients, args.requests, args.rounds) < 1:
        p.error("every count must be 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status."""
    args = parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-selfquery-") as tmp:
            results = [run_backend(b, args, Path(tmp)) for b in args.backends]
    except BenchError as exc:
        say(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    table = report(results, args)
    if args.json:
        say(table)
        print(json.dumps([r.as_json() for r in results], indent=2))
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
