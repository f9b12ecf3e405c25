"""The commands an office queues for headquarters (`models.outbox`), by name.

One enum for both sides: the office writes these names into its outbox, headquarters
(`hq.commands.HANDLERS`) applies them, the office relay forwards them, and the application's
labels are keyed by them. A command's name is part of the sync protocol: never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class CommandName(StrEnum):
    """The commands headquarters applies."""

    CARD_REPORT_LOST = "card.report_lost"
    CARD_CANCEL_LOSS = "card.cancel_loss"
    PASSWORD_RESET = "query_password.reset"
    PASSWORD_FAILED = "query_password.failed_attempt"
    PASSWORD_UNLOCKED = "query_password.unlocked"
    VISIT = "visit.record"
    STATEMENT_ISSUED = "statement.issued"
    STATEMENT_PRINTED = "statement.printed"
    STAFF_ADD = "staff.add"
    STAFF_DISABLE = "staff.disable"
    STAFF_PASSWORD = "staff.password_set"
    STAFF_SIGN_IN_STATE = "staff.sign_in_state"
    PENSION_CHECK = "pension.check_recorded"
