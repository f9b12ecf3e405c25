"""The relay's own tables, beside headquarters' schema in the relay's store.

`relay_setting`: the link to headquarters (address, token, who the relay is) and the
upstream state (cursor, last success, data as of, feed id). `relay_forward`: every command a
workstation pushed, kept until headquarters answered it and that answer was passed back.
`relay_audit_mark`: per workstation, the last audit event headquarters holds (what the relay
tells the workstation: its events are settled only by headquarters too).
"""

from __future__ import annotations

from peewee import BigAutoField, BigIntegerField, CharField, IntegerField, TextField

from hq.schema import HqModel
from hq.store import hq_db
from models.clock import utc_now
from models.fields import UtcDateTimeField


class RelaySetting(HqModel):
    """One fact of the relay (see the module's docstring)."""

    key = CharField(max_length=40, primary_key=True)
    value = TextField()

    class Meta:
        table_name = "relay_setting"


class RelayForward(HqModel):
    """A command a workstation pushed (or a signing key it registered), to forward upstream.

    `status`: pending (headquarters has not answered), accepted or rejected (its answer).
    """

    id = BigAutoField()
    workstation = CharField(max_length=8)  # the workstation's code
    uuid = CharField(max_length=64)
    kind = CharField(max_length=8, default="push")  # push | enrol
    body = TextField()  # the item (or the enrol body) as JSON
    received_at = UtcDateTimeField(default=utc_now)
    status = CharField(max_length=10, default="pending", index=True)
    code = CharField(max_length=20, null=True)
    reason = TextField(null=True)
    answered_at = UtcDateTimeField(null=True)
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)

    class Meta:
        table_name = "relay_forward"
        indexes = ((("workstation", "uuid"), True),)


class RelayAuditMark(HqModel):
    """The last audit event of a workstation that headquarters holds."""

    workstation = CharField(max_length=8, primary_key=True)  # the code
    upstream_last_id = BigIntegerField(default=0)

    class Meta:
        table_name = "relay_audit_mark"


RELAY_MODELS = (RelaySetting, RelayForward, RelayAuditMark)


def create_tables() -> None:
    """Create the relay's own tables if they are missing (after `hq.store.connect`)."""
    hq_db.create_tables(RELAY_MODELS, safe=True)
