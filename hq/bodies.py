"""JSON bodies of the HTTP API (docs/sync-protocol.md), for validation and the OpenAPI document.

Requests are validated by these models. Answers are built as plain dicts (large pages are
serialised without a validation pass); their models here document them in /openapi.json.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hq.audit import MAX_EVENTS
from hq.commands import MAX_ITEMS
from hq.payloads import UtcTime, refuse_unstorable_text

INT64_MAX = 2**63 - 1  # the widest integer SQLite and PostgreSQL (bigint) can store


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        """A NUL or unpaired surrogate anywhere (command payloads too) makes the request 400:
        no counterdesk sends one, and the databases cannot store it."""
        return refuse_unstorable_text(data)


# -- requests ---------------------------------------------------------------------------------


class EnrolBody(_Body):
    """POST /v1/enrol: the office's statement signing key and details."""

    office_name: str = Field(default="", max_length=100)
    signing_key: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="64 hex digits")
    client_version: str = Field(default="", max_length=40)
    workstation: str | None = Field(
        default=None, max_length=8, description="relay only: the workstation whose key it is"
    )


class PushItemBody(_Body):
    """One command from the office's outbox."""

    uuid: str = Field(min_length=1, max_length=64)
    command: str = Field(min_length=1, max_length=64)
    payload: dict[str, Any]
    created_at: UtcTime
    actor: str = Field(default="", max_length=60)
    workstation: str | None = Field(
        default=None, max_length=8, description="relay only: the workstation that applied it"
    )


class PushBody(_Body):
    """POST /v1/push: commands, oldest first."""

    items: list[PushItemBody] = Field(max_length=MAX_ITEMS)


class AuditEventBody(_Body):
    """One chained audit event, as the office stored it."""

    id: int = Field(ge=1, le=INT64_MAX)
    at: str = Field(min_length=1, max_length=40, description="as the office stored it")
    actor: str = Field(max_length=200)
    action: str = Field(max_length=200)
    person_id: int | None = Field(default=None, ge=-INT64_MAX, le=INT64_MAX)
    detail: str | dict[str, Any] | None = Field(
        default=None, description="the stored JSON text (an object is re-encoded sorted)"
    )
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHeadBody(_Body):
    """The office's signed head of its chain: how many events it holds, the newest's id and
    hash (headquarters compares it with the events it already holds)."""

    count: int = Field(ge=0, le=INT64_MAX)
    last_id: int = Field(ge=0, le=INT64_MAX)
    hash: str = Field(max_length=64)


class AuditBody(_Body):
    """POST /v1/audit: audit events in id order, and the office's head of the chain."""

    events: list[AuditEventBody] = Field(max_length=MAX_EVENTS)
    head: AuditHeadBody | None = None
    workstation: str | None = Field(
        default=None, max_length=8, description="relay only: the workstation whose chain it is"
    )


class NewWorkstationBody(_Body):
    """POST /v1/office/workstations (relay only): a workstation to enrol."""

    kind: str = Field(min_length=1, max_length=12)
    code: str | None = Field(default=None, max_length=8)
    name: str | None = Field(default=None, max_length=100)


class VerifyBody(_Body):
    """POST /v1/statements/verify: a scanned QR code."""

    payload: str = Field(min_length=1, max_length=500, description="the scanned QR code")


# -- answers (documentation) ------------------------------------------------------------------


class WorkstationOut(BaseModel):
    id: str
    code: str | None
    kind: str | None


class OfficeOut(BaseModel):
    id: str
    districts: list[str]
    workstation: WorkstationOut | None = None


class ErrorOut(BaseModel):
    """Every error answer."""

    error: str
    message: str
    server_time: str


class HelloOut(BaseModel):
    service: Literal["counterdesk-hq"]
    min_protocol: int
    max_protocol: int
    schema_version: int
    office: OfficeOut | None = None
    server_time: str


class EnrolOut(BaseModel):
    office: OfficeOut
    head_seq: int
    server_time: str


class ItemResultOut(BaseModel):
    uuid: str
    status: Literal["accepted", "rejected"]
    code: str | None
    reason: str | None


class PushOut(BaseModel):
    results: list[ItemResultOut]
    head_seq: int
    server_time: str


class AuditOut(BaseModel):
    accepted: int
    last_id: int
    broken_at: int | None
    head_problem: str | None = None
    server_time: str


class ChangeOut(BaseModel):
    seq: int
    table: str
    op: Literal["upsert", "delete"]
    row: list[Any] | None = Field(default=None, description="upsert: values in wire order")
    key: list[Any] | None = Field(default=None, description="delete: key values")


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    next: int
    head_seq: int
    more: bool
    server_time: str


class TableRowsOut(BaseModel):
    columns: list[str]
    rows: list[list[Any]]


class BootstrapOut(BaseModel):
    phase: Literal["employer", "person", "staff"]
    after: int
    next: int
    done: bool
    head_seq: int
    tables: dict[str, TableRowsOut]
    server_time: str


class TableDigestOut(BaseModel):
    count: int | None
    checksum: int | None


class DigestOut(BaseModel):
    head_seq: int
    tables: dict[str, TableDigestOut]
    server_time: str


class PersonOut(BaseModel):
    district: str
    tables: dict[str, TableRowsOut]
    server_time: str


class StatementOut(BaseModel):
    number: str
    office: str
    workstation: str | None = None
    kind: str
    printed_at: str
    person: str | None
    pages: int | None
    sha256: str | None
    recorded: bool


class VerifyOut(BaseModel):
    genuine: bool
    reason: str | None
    statement: StatementOut | None
    server_time: str
