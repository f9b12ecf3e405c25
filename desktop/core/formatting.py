"""Values as the counter shows them: money in yuan, local times, periods, translated codes."""

from __future__ import annotations

from datetime import date, datetime

from desktop.core.i18n import N_, _, ngettext
from models.demo.vocabulary import JINAN_REGIONS
from models.enums import ContributionStatus, EntryKind, Insurance
from models.money import format_yuan

INSURANCE = {
    Insurance.PENSION: N_("Pension"),
    Insurance.MEDICAL: N_("Medical"),
    Insurance.UNEMPLOYMENT: N_("Unemployment"),
    Insurance.WORK_INJURY: N_("Work injury"),
    Insurance.MATERNITY: N_("Maternity"),
}
CONTRIBUTION_STATUS = {
    ContributionStatus.PAID: N_("paid"),
    ContributionStatus.ARREARS: N_("in arrears"),
    ContributionStatus.BACK_PAID: N_("back-paid"),
}
CARD_STATUS = {
    "active": N_("active"),
    "lost": N_("reported lost"),
    "frozen": N_("frozen"),
    "cancelled": N_("cancelled"),
    "replaced": N_("replaced"),
}
PERSON_STATUS = {
    "insured": N_("insured"),
    "suspended": N_("suspended"),
    "retired": N_("retired"),
    "deceased": N_("deceased"),
    "moved_out": N_("moved out"),
}
ENROLMENT_STATUS = {"active": N_("active"), "suspended": N_("suspended"), "ended": N_("ended")}
GENDER = {"M": N_("male"), "F": N_("female")}
ACCOUNT_KIND = {"pension": N_("Pension account"), "medical": N_("Medical account")}
ENTRY_KIND = {
    EntryKind.CONTRIBUTION: N_("contribution"),
    EntryKind.ALLOCATION: N_("allocation"),
    EntryKind.SPENDING: N_("spending"),
    EntryKind.INTEREST: N_("interest"),
    EntryKind.OPENING: N_("carried forward"),
}
ROLE = {"clerk": N_("clerk"), "supervisor": N_("supervisor"), "admin": N_("administrator")}
OUTBOX_STATUS = {
    "pending": N_("waiting for headquarters"),
    "accepted": N_("confirmed by headquarters"),
    "rejected": N_("rejected by headquarters"),
}


def label(table: dict, code: object) -> str:
    """The translated label of `code` in one of the tables above (the code itself if unknown)."""
    text = table.get(code)
    return _(text) if text else str(code)


def region_words(code: str) -> str:
    """A region code (GB/T 2260) with its name where this program knows it: '370102 历下区'."""
    name = JINAN_REGIONS.get(str(code))
    return f"{code} {name}" if name else str(code)


def yuan(fen: int) -> str:
    """Integer fen as yuan with 2 decimals: 123456 -> ¥1,234.56."""
    return format_yuan(fen)


def local_time(moment: datetime | None) -> str:
    """A UTC time in this computer's local time, to the minute ('-' for none)."""
    if moment is None:
        return "-"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def day(value: date | None) -> str:
    """An ISO date ('-' for none)."""
    return value.isoformat() if value else "-"


def period(yyyymm: int) -> str:
    """202611 -> 2026-11."""
    return f"{yyyymm // 100}-{yyyymm % 100:02d}"


def age_words(seconds: float) -> str:
    """How long ago, in words: '5 min', '3 h', '2 days'."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("less than a minute")
    if minutes < 120:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    days = hours // 24
    return ngettext("{n} day", "{n} days", days).format(n=days)
