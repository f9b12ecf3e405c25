"""A person's benefits as the counter and the kiosk say them (Tk-free): the words for the
retiree's note, the yearly eligibility check and the payments, and recording a check."""

from __future__ import annotations

from datetime import date

from desktop.core.formatting import day, label, period, yuan
from desktop.core.i18n import N_, _
from desktop.core.services import Tracked, tracked
from models import benefits
from models.actor import Actor
from models.benefits import Benefits, PaymentView
from models.enums import BenefitKind, CheckChannel

BENEFIT_KIND = {
    BenefitKind.PENSION: N_("Monthly pension"),
    BenefitKind.UNEMPLOYMENT: N_("Unemployment benefit"),
}
CHECK_CHANNEL = {
    CheckChannel.COUNTER.value: N_("at a counter"),
    CheckChannel.ONLINE.value: N_("online"),
    CheckChannel.APP.value: N_("in the mobile app"),
    CheckChannel.COMMUNITY.value: N_("at the community centre"),
    CheckChannel.DATA.value: N_("by data comparison"),
}


def retired_note(b: Benefits, kiosk: bool = False) -> str | None:
    """What a retiree's contribution table must say (None for everybody else); at the kiosk
    it points to the "My pension" button rather than the counter's tab."""
    if not b.retired:
        return None
    if b.retired_since is None:
        if kiosk:
            return _("Retired: no contributions are due. Touch “My pension” to see it.")
        return _("Retired: no contributions are due. See the Benefits tab.")
    if kiosk:
        text = _("Retired since {date}: no contributions are due. Touch “My pension” to see it.")
    else:
        text = _("Retired since {date}: no contributions are due. See the Benefits tab.")
    return text.format(date=day(b.retired_since))


def check_summary(b: Benefits, today: date) -> tuple[str, bool]:
    """The yearly pension eligibility check in words, and whether it is overdue."""
    if not b.retired:
        return _("No pension is paid: no eligibility check is due."), False
    latest = b.latest_check()
    overdue = b.check_overdue(today)
    if latest is None:
        return _("Pension eligibility check: none on record. It is due now."), True
    channel = label(CHECK_CHANNEL, latest.channel)
    if overdue:
        text = _(
            "Pension eligibility check: last on {date} ({channel}); it was due by {due} and "
            "is overdue. Record it today."
        )
    else:
        text = _("Pension eligibility check: done on {date} ({channel}); next due by {due}.")
    return text.format(date=day(latest.checked_date), channel=channel, due=day(latest.next_due)), (
        overdue
    )


def payment_row(p: PaymentView) -> tuple[str, str, str, str, str]:
    """One payment as the tables show it: month, benefit, amount, date paid, account."""
    return (
        period(p.period),
        label(BENEFIT_KIND, p.kind),
        yuan(p.amount_fen),
        day(p.paid_date) if p.paid_date else _("due"),
        p.account_masked or "-",
    )


def allocations_summary(b: Benefits) -> str | None:
    """The retiree's medical account allocations from the pooled fund, in one line."""
    pooled = b.pooled_allocations
    if not pooled:
        return None
    return _(
        "Medical account allocations from the pooled fund: {months} months in the register, "
        "{amount} in all, the latest {latest} on {date}."
    ).format(
        months=len(pooled),
        amount=yuan(sum(a.amount_fen for a in pooled)),
        latest=yuan(pooled[0].amount_fen),
        date=day(pooled[0].posted_date),
    )


def record_check(person_id: int, actor: Actor) -> Tracked:
    """Record the retiree's eligibility check at this counter (queued for headquarters)."""
    return tracked(actor, lambda: benefits.record_pension_check(person_id, actor))
