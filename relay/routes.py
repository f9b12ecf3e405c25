"""The routes where the office relay answers differently from headquarters.

- `POST /v1/push`: a new command is applied to the relay's store at once (the other
  workstations pull it from the relay's feed within seconds) and kept for headquarters; the
  answer is `pending` until headquarters has answered, then headquarters' answer. A rejection is
  answered together with the current row of what the command touched, published again, so the
  workstation's next pull corrects its optimistic copy.
- `POST /v1/audit`: the events are kept and checked as headquarters does, and forwarded; the
  answer's `last_id` is the last event headquarters holds, so the workstation sends the rest
  again until headquarters has them.
- `POST /v1/enrol`: the workstation's signing key is kept here and forwarded.
- `GET /v1/persons` and `POST /v1/statements/verify` are asked of headquarters (504
  `upstream_unreachable` while the link is down).
Every other route is headquarters' own, over the relay's store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from hq import commands, feed, offices, register, store
from hq import staff as hq_staff
from hq.bodies import AuditBody, EnrolBody, PushBody, VerifyBody
from hq.errors import ApiError, ErrorCode
from hq.routes import (
    Office,
    answer,
    optional_protocol,
    protocol,
    receive_audit,
    speaking_for,
    state_of,
)
from models.replica import ACTOR_HEADER, newer_than
from relay import upstream
from relay.schema import RelayForward
from sync.client import HqClient
from sync.errors import InvalidRequest, SyncError

router = APIRouter(prefix="/v1")


@dataclass
class Upstream:
    """How the relay's routes reach headquarters: a client, for one request's actor; and the
    link to wake when a workstation pushed something new (forwarded at once, not at the next
    poll or after the link's backoff)."""

    connect: Callable[[str | None], HqClient]
    kick: Callable[[], None] = lambda: None


def _upstream(request: Request) -> Upstream:
    return request.app.state.relay


def _ask(request: Request, actor: str | None, call: Callable[[HqClient], Any]) -> Any:
    """Ask headquarters, as the relay, on behalf of a workstation's member of staff."""
    try:
        return call(_upstream(request).connect(actor))
    except InvalidRequest as exc:
        raise ApiError(ErrorCode(exc.code or "invalid_request"), exc.message) from exc
    except SyncError as exc:
        raise ApiError(
            ErrorCode.UPSTREAM_UNREACHABLE,
            f"the office relay cannot reach headquarters now ({exc.message}): try again when "
            "the link to headquarters is back",
        ) from exc


# -- commands -------------------------------------------------------------------------------


def _final(row: RelayForward) -> dict[str, Any]:
    return {"uuid": row.uuid, "status": row.status, "code": row.code, "reason": row.reason}


def _waiting(uuid: str) -> dict[str, Any]:
    return {"uuid": uuid, "status": "pending", "code": None, "reason": None}


def _correct(item: dict[str, Any], now: Any) -> None:
    """Publish again the current row a rejected command touched (card, credential, account)."""
    payload = item.get("payload") or {}
    command = str(item.get("command", ""))
    if command.startswith("card.") and payload.get("card_no"):
        found = store.execute("SELECT id FROM card WHERE card_no = ?", (payload["card_no"],))
        for (card_id,) in found.fetchall():
            register.republish("card", [card_id], now)
    elif command.startswith("query_password.") and payload.get("ssn"):
        found = store.execute("SELECT id FROM person WHERE ssn = ?", (payload["ssn"],))
        for (person_id,) in found.fetchall():
            register.republish("query_credential", [person_id], now)
    elif command.startswith("staff.") and payload.get("username"):
        hq_staff.republish(str(payload["username"]), now)


@router.post("/push")
def push(request: Request, who: Office, body: PushBody) -> JSONResponse:
    """Apply new commands here at once and keep them for headquarters; answer each with
    headquarters' answer when there is one, else `pending`."""
    clock = state_of(request).clock
    results = []
    received = 0  # new commands: the link forwards them at once
    with store.session():
        for item in body.items:
            sender = speaking_for(who, item.workstation)
            data = {
                "uuid": item.uuid,
                "command": item.command,
                "payload": item.payload,
                "created_at": item.created_at.isoformat(),
                "actor": item.actor,
            }
            with store.write_transaction():
                held = RelayForward.get_or_none(
                    (RelayForward.workstation == sender.code) & (RelayForward.uuid == item.uuid)
                )
                if held is None:
                    RelayForward.insert(
                        workstation=sender.code,
                        uuid=item.uuid,
                        body=json.dumps(data, ensure_ascii=False),
                        received_at=clock(),
                    ).execute()
                    pushed = commands.PushItem(
                        item.uuid, item.command, item.payload, item.created_at, item.actor or "-"
                    )
                    commands.apply_item(sender, pushed, clock())  # at once, for the office
                    received += 1
                elif held.status == "rejected":
                    _correct(data, clock())
            if held is None or held.status == "pending":
                results.append(
                    {"uuid": item.uuid, "status": "pending", "code": None, "reason": None}
                )
            else:
                results.append(_final(held))
        head = feed.head_seq()
    if received:
        _upstream(request).kick()
    return answer(request, {"results": results, "head_seq": head})


@router.post("/audit")
def push_audit(request: Request, who: Office, body: AuditBody) -> JSONResponse:
    """Keep and check the workstation's audit events; `last_id` is what headquarters holds."""
    who, receipt = receive_audit(request, who, body)
    with store.session():
        upstream_last = upstream.audit_mark(who.code)
    return answer(
        request,
        {
            "accepted": receipt.accepted,
            "last_id": min(receipt.last_id, upstream_last),
            "held_id": receipt.last_id,  # kept here: not sent again while this relay lives
            "broken_at": receipt.broken_at,
            "head_problem": receipt.head_problem,
        },
    )


@router.post("/enrol")
def enrol(request: Request, who: Office, body: EnrolBody) -> JSONResponse:
    """Keep the workstation's signing key here, and forward it to headquarters."""
    who = speaking_for(who, body.workstation)
    now = state_of(request).clock()
    forwarded = {
        "office_name": body.office_name,
        "signing_key": body.signing_key.lower(),
        "client_version": body.client_version,
        "workstation": who.code,
    }
    with store.session():
        offices.register_key(
            who, body.signing_key, body.office_name or None, body.client_version or None, now
        )
        with store.write_transaction():
            uuid = f"enrol-{body.signing_key.lower()[:32]}"  # the column holds 64
            known = RelayForward.get_or_none(
                (RelayForward.workstation == who.code) & (RelayForward.uuid == uuid)
            )
            if known is None:
                RelayForward.insert(
                    workstation=who.code,
                    uuid=uuid,
                    kind="enrol",
                    body=json.dumps(forwarded),
                    received_at=now,
                ).execute()
        head = feed.head_seq()
    return answer(request, {"office": who.as_json(), "head_seq": head})


# -- asked of headquarters ------------------------------------------------------------------


@router.get("/persons")
def person(
    request: Request,
    who: Office,
    version: Annotated[int, Depends(protocol)],
    ssn: Annotated[str | None, Query(max_length=32)] = None,
    card: Annotated[str | None, Query(max_length=32)] = None,
    actor: Annotated[str | None, Header(alias=ACTOR_HEADER)] = None,
) -> JSONResponse:
    """A person of another district: asked of headquarters (which logs the read); without the
    tables newer than the workstation's protocol."""
    params = {"ssn": ssn} if ssn is not None else {"card": card}
    data = _ask(
        request,
        actor or who.id,
        lambda client: client.call("GET", "/v1/persons", params=params),
    )
    hidden = newer_than(version)
    tables = {name: t for name, t in data["tables"].items() if name not in hidden}
    return answer(request, {"district": data["district"], "tables": tables})


@router.post("/statements/verify")
def verify_statement(
    request: Request,
    _version: Annotated[int | None, Depends(optional_protocol)],
    body: VerifyBody,
) -> JSONResponse:
    """Is a scanned statement genuine? Asked of headquarters."""
    data = _ask(
        request,
        None,
        lambda client: client.call(
            "POST", "/v1/statements/verify", body={"payload": body.payload}, auth=False
        ),
    )
    return answer(
        request,
        {"genuine": data["genuine"], "reason": data["reason"], "statement": data["statement"]},
    )
