"""Codes stored in the register. Stored as small integers or short text, used as enums."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Insurance(IntEnum):
    """Insurance types (险种), stored as small integers in the big tables."""

    PENSION = 1  # 养老
    MEDICAL = 2  # 医疗
    UNEMPLOYMENT = 3  # 失业
    WORK_INJURY = 4  # 工伤
    MATERNITY = 5  # 生育 (merged into medical in Jinan since 2020)


class ContributionStatus(IntEnum):
    """State of one month's contribution."""

    PAID = 1
    ARREARS = 2
    BACK_PAID = 3


# Stable text codes of the integer enums, for JSON, reports and other outside readers.
CONTRIBUTION_STATUS_CODES: dict[ContributionStatus, str] = {
    ContributionStatus.PAID: "paid",
    ContributionStatus.ARREARS: "arrears",
    ContributionStatus.BACK_PAID: "back-paid",
}


class PersonStatus(StrEnum):
    """Insurance status of a person."""

    INSURED = "insured"
    SUSPENDED = "suspended"
    RETIRED = "retired"
    DECEASED = "deceased"
    MOVED_OUT = "moved_out"


class EnrolmentStatus(StrEnum):
    """State of one enrolment (a person in one insurance type)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"


class CardStatus(StrEnum):
    """State of a social security card."""

    ACTIVE = "active"
    LOST = "lost"  # reported lost (挂失)
    FROZEN = "frozen"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


class AccountKind(StrEnum):
    """Personal accounts."""

    PENSION = "pension"
    MEDICAL = "medical"


class EntryKind(IntEnum):
    """Kinds of personal account entries."""

    CONTRIBUTION = 1  # personal contribution credited (pension)
    ALLOCATION = 2  # 划入 (medical)
    SPENDING = 3  # 支出 at a hospital or pharmacy (medical)
    INTEREST = 4  # yearly credited interest
    OPENING = 5  # balance carried forward (上年结转) at the start of the shown period


class BenefitKind(IntEnum):
    """Kinds of monthly benefit payments (schema v8)."""

    PENSION = 1  # 基本养老金
    UNEMPLOYMENT = 2  # 失业保险金


BENEFIT_KIND_CODES: dict[BenefitKind, str] = {
    BenefitKind.PENSION: "pension",
    BenefitKind.UNEMPLOYMENT: "unemployment",
}


class CheckChannel(StrEnum):
    """Where a retiree's yearly pension eligibility check (资格认证) was done."""

    COUNTER = "counter"  # at an office counter
    ONLINE = "online"  # the online service (face recognition)
    APP = "app"  # the mobile app
    COMMUNITY = "community"  # the community service centre, at home for the bedridden
    DATA = "data"  # by comparing data (hospital visits, travel), without the retiree


class Role(StrEnum):
    """Staff roles, least privilege first."""

    KIOSK = "kiosk"  # the self-service kiosk of the office hall (not a staff account)
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class OutboxStatus(StrEnum):
    """Life of a command queued for headquarters."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


ENTRY_KIND_CODES: dict[EntryKind, str] = {
    EntryKind.CONTRIBUTION: "contribution",
    EntryKind.ALLOCATION: "allocation",
    EntryKind.SPENDING: "spending",
    EntryKind.INTEREST: "interest",
    EntryKind.OPENING: "carried forward",
}
