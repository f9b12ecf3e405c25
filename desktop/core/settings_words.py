"""The administrator's settings screen in words: why a headquarters address cannot be used,
and why no card reader or printer could be listed."""

from __future__ import annotations

from desktop.core.admin import CUPS_FAILED, NO_CUPS, NO_PCSC, AddressProblem, Found
from desktop.core.details import with_detail
from desktop.core.i18n import N_, _

ADDRESS_PROBLEMS = {
    AddressProblem.EMPTY: N_("it is empty."),
    AddressProblem.SPACES: N_("it has spaces in it."),
    AddressProblem.NOT_AN_ADDRESS: N_("it is not a web address."),
    AddressProblem.SCHEME: N_("it does not start with http:// or https://."),
    AddressProblem.NO_HOST: N_("it names no computer (host)."),
    AddressProblem.EXTRAS: N_("it carries a user, a query or a fragment: give only the host."),
    AddressProblem.PORT_ZERO: N_("its port is 0."),
}


def address_problem(exc: BaseException) -> str:
    """Why a headquarters address cannot be used, translated (a clause ending in a period)."""
    problem = getattr(exc, "problem", None)
    return _(ADDRESS_PROBLEMS[problem]) if problem in ADDRESS_PROBLEMS else _("it is not valid.")


FOUND_PROBLEMS = {
    NO_PCSC: N_("the card reader library (pyscard) is not installed."),
    NO_CUPS: N_("the printing system is not installed (CUPS: the package cups-client)."),
    CUPS_FAILED: N_("the printing system did not answer."),
}


def found_problem(found: Found) -> str | None:
    """Why no reader or printer could be listed, translated (the detail on a line below when
    the sentence does not say all); None when nothing went wrong."""
    if found.problem is None:
        return None
    if found.kind not in FOUND_PROBLEMS:
        return with_detail(_("they could not be listed."), found.problem)
    detail = found.problem if found.kind == CUPS_FAILED else ""
    return with_detail(_(FOUND_PROBLEMS[found.kind]), detail)
