"""`counterdesk relay ...`: the office relay on the supervisor's PC or a small office server.

- `relay init --hq URL --token TOKEN`: link the relay's store to headquarters with the token of
  a workstation of kind relay, learn the office and its workstations, copy the office's scope.
- `relay serve [--port 8710]`: serve the protocol to the office's workstations and keep the
  link to headquarters (forward every POLL seconds, pull).
- `relay enrol-workstation --kind KIND`: a new workstation of the office (asked of
  headquarters, which gives its code and token); its token is printed once.
- `relay status [--json]`: the link to headquarters, what waits for it, the workstations and
  their last contact.

The store is `--db URL` (sqlite:////abs/relay.db or postgresql://...), default `relay.db` in
`--home DIR` (default: the current folder). Exit codes: 0 ok; 1 refused or not found; 2 usage,
store or headquarters unreachable.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee

from hq import offices, store
from hq.errors import HqError
from models.clock import utc_now
from relay import settings, upstream
from relay.storage import POLL_S, open_store
from sync.errors import InvalidRequest, SyncError

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
DEFAULT_PORT = 8710
Handler = Callable[[argparse.Namespace], int]


def _say(message: str) -> None:
    print(f"counterdesk relay: {message}", file=sys.stderr)


def store_url(args: argparse.Namespace) -> str:
    """The relay's store: --db, else relay.db in --home."""
    if args.db:
        return args.db
    home = Path(args.home or ".").resolve()
    return f"sqlite:///{home / 'relay.db'}"


def _guarded(func: Handler) -> Handler:
    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            open_store(store_url(args))
            with store.session():
                return func(args)
        except InvalidRequest as exc:
            _say(f"headquarters refused: {exc.message}")
            return EXIT_REFUSED
        except SyncError as exc:
            _say(exc.message)
            return EXIT_USAGE
        except (HqError, peewee.DatabaseError) as exc:
            _say(f"the relay's store failed ({str(exc).strip()}): check --db or --home")
            return EXIT_USAGE
        finally:
            store.close()

    return run


@_guarded
def cmd_init(args: argparse.Namespace) -> int:
    """Link the relay to headquarters and copy the office's scope."""
    from sync.enrolment import open_client

    client = open_client(args.hq.rstrip("/"), args.token, actor="relay")
    facts = upstream.refresh_office(client)
    settings.put(**{settings.HQ_URL: args.hq.rstrip("/"), settings.TOKEN: args.token})
    _say(f"relay {facts.code} of office {facts.id} ({', '.join(facts.districts)}): copying")
    rows = upstream.bootstrap(client, lambda phase, n: _say(f"{phase}: {n:,} rows so far"))
    now = utc_now()
    settings.put(**{settings.STATUS: "online", settings.LAST_SUCCESS: now, settings.ERROR: None})
    _say(f"the office's scope is here ({rows:,} rows copied); start it with `relay serve`")
    return EXIT_OK


@_guarded
def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the office's workstations and keep the link to headquarters."""
    import uvicorn

    from relay.app import Link, create_relay_app  # the hq extra's fastapi, for this one

    facts = settings.office()
    if facts is None or not upstream.bootstrapped():
        _say("the relay holds no copy of the office yet: run `counterdesk relay init` first")
        return EXIT_USAGE
    app = create_relay_app(store_url(args))
    link = Link(args.poll)
    app.state.relay.kick = link.kick
    link.start()
    _say(f"relay of office {facts.id} serving on http://{args.host}:{args.port}/v1 (Ctrl+C)")
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        link.stop()
    return EXIT_OK


@_guarded
def cmd_enrol_workstation(args: argparse.Namespace) -> int:
    """Enrol a new workstation of the office at headquarters; print its token once."""
    client = upstream.connect()
    body = {"kind": args.kind, "code": args.code, "name": args.name}
    made = client.call("POST", "/v1/office/workstations", body=body)
    upstream.refresh_office(client)
    print(made["token"])
    station = made["workstation"]
    _say(
        f"workstation {station['code']} ({station['kind']}) enrolled; the token above is "
        "shown once: on the workstation, `counterdesk sync enrol --hq http://THIS-RELAY:PORT "
        "--token TOKEN`"
    )
    return EXIT_OK


def relay_status() -> dict[str, Any]:
    """The relay's link, what waits for headquarters, and the office's workstations."""
    facts = settings.office()
    rows = offices.workstations(facts.id) if facts else []
    return {
        "office": facts.id if facts else None,
        "districts": list(facts.districts) if facts else [],
        "relay": facts.code if facts else None,
        "bootstrapped": upstream.bootstrapped(),
        "upstream": upstream.status(),
        "workstations": [offices.row_facts(r) for r in rows],
    }


@_guarded
def cmd_status(args: argparse.Namespace) -> int:
    """Print the relay's status."""
    found = relay_status()
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return EXIT_OK
    up = found["upstream"]
    print(f"office {found['office']} ({', '.join(found['districts'])}), relay {found['relay']}")
    print(
        f"headquarters: {up['status']}; data as of {up['data_as_of'] or 'never'}; "
        f"{up['waiting']} command(s) waiting" + (f"; {up['error']}" if up["error"] else "")
    )
    for w in found["workstations"]:
        state = "revoked" if w["revoked"] else f"last contact {w['last_seen_at'] or 'never'}"
        print(f"  {w['code'] or '-':<6} {w['kind'] or '-':<10} {w['name'] or '':<16} {state}")
    return EXIT_OK


def add_relay_commands(sub: Any) -> None:
    """Add `relay ...` to the counterdesk command line."""
    relay = sub.add_parser(
        "relay",
        help="the office relay: one office of many workstations",
        description="The office relay: serves the sync protocol to the office's workstations "
        "on the LAN and syncs with headquarters as the office.",
    )
    commands = relay.add_subparsers(dest="relay_command", required=True)

    def with_store(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--home", metavar="DIR", help="the relay's folder (default: here)")
        p.add_argument("--db", metavar="URL", help="the relay's store (default: HOME/relay.db)")
        return p

    p = with_store(commands.add_parser("init", help="link to headquarters, copy the office"))
    p.add_argument("--hq", required=True, metavar="URL", help="headquarters' address")
    p.add_argument("--token", required=True, help="the token of a workstation of kind relay")
    p.set_defaults(func=cmd_init)

    p = with_store(commands.add_parser("serve", help="serve the office's workstations"))
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    p.add_argument(
        "--poll", type=float, default=POLL_S, help=f"seconds between syncs (default {POLL_S})"
    )
    p.set_defaults(func=cmd_serve)

    p = with_store(commands.add_parser("enrol-workstation", help="a new workstation"))
    p.add_argument("--kind", required=True, choices=sorted(offices.KINDS), help="what it is")
    p.add_argument("--code", metavar="CODE", help="its code (default: headquarters' next)")
    p.add_argument("--name", help="a name people know it by")
    p.set_defaults(func=cmd_enrol_workstation)

    p = with_store(commands.add_parser("status", help="the link and the workstations"))
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_status)
