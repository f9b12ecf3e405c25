"""Turning register results into text for people and JSON for scripts (the command line's view).

The JSON layout is documented in docs/formats.md and versioned by its `format` key:
fields are only ever added within a version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from desktop.render_benefits import benefits_json, benefits_text
from models.clock import local_today, utc_now
from models.enums import (
    CONTRIBUTION_STATUS_CODES,
    ENTRY_KIND_CODES,
    EntryKind,
    Insurance,
)
from models.idnumber import mask_id_number
from models.lookup import NameMatches
from models.money import format_yuan
from models.overview import Overview
from models.people import PersonSummary
from models.sync_status import Freshness, describe

OVERVIEW_FORMAT = "counterdesk.overview/1"
SEARCH_FORMAT = "counterdesk.search/1"

INSURANCE_NAMES = {
    Insurance.PENSION: "pension 养老",
    Insurance.MEDICAL: "medical 医疗",
    Insurance.UNEMPLOYMENT: "unemployment 失业",
    Insurance.WORK_INJURY: "work injury 工伤",
    Insurance.MATERNITY: "maternity 生育",
}
STATUS_NAMES = CONTRIBUTION_STATUS_CODES
ENTRY_NAMES = ENTRY_KIND_CODES


def mask_phone(phone: str | None) -> str | None:
    """138****1234."""
    if not phone or len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def person_json(person: PersonSummary, reveal: bool) -> dict[str, Any]:
    """A person's identity as JSON; the full ID number only when revealed."""
    data = {
        "ssn_masked": person.masked_ssn,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "ethnicity": person.ethnicity,
        "region_code": person.region_code,
        "phone_masked": mask_phone(person.phone),
        "address": person.address,
        "status": person.status,
    }
    if reveal:
        data["ssn"] = person.ssn
        data["phone"] = person.phone
    return data


def freshness_json(fresh: Freshness) -> dict[str, Any]:
    """How fresh the data is, as JSON."""
    return {
        "never_synced": fresh.never_synced,
        "last_success_at": _iso(fresh.last_success_at),
        "last_attempt_at": _iso(fresh.last_attempt_at),
        "last_error": fresh.last_error,
        "pending_commands": fresh.pending_commands,
        "demo_generated_at": _iso(fresh.demo_generated_at),
        "status": fresh.status,
        "data_as_of": _iso(fresh.data_as_of),
        "rejected_awaiting_supervisor": fresh.rejected_awaiting,
        "clock_skew_s": fresh.clock_skew_s,
        "clock_skew_reported": fresh.clock_skew_reported,
        "resync_required": fresh.resync_required,
    }


def overview_json(ov: Overview, reveal: bool = False) -> dict[str, Any]:
    """The stable JSON form of an overview (format counterdesk.overview/1)."""
    return {
        "format": OVERVIEW_FORMAT,
        "person": person_json(ov.person, reveal),
        "cards": [
            {
                "card_no": c.card_no,
                "generation": c.generation,
                "status": c.status,
                "issue_date": _iso(c.issue_date),
                "expiry_date": _iso(c.expiry_date),
                "region_code": c.region_code,
                "replaced_by": c.replaced_by,
            }
            for c in ov.cards
        ],
        "enrolments": [
            {
                "insurance": e.insurance.name.lower(),
                "employer_code": e.employer_code,
                "employer_name": e.employer_name,
                "start_date": _iso(e.start_date),
                "end_date": _iso(e.end_date),
                "status": e.status,
            }
            for e in ov.enrolments
        ],
        "window": {"first_period": ov.window_start, "last_period": ov.window_end},
        "months": [
            {
                "period": m.period,
                "insurance": m.insurance.name.lower(),
                "base_fen": m.base_fen,
                "employer_fen": m.employer_fen,
                "personal_fen": m.personal_fen,
                "status": STATUS_NAMES[m.status],
                "posted_date": _iso(m.posted_date),
                "employer_name": m.employer_name,
            }
            for m in ov.months
        ],
        "years": [
            {
                "year": y.year,
                "insurance": y.insurance.name.lower(),
                "months_paid": y.months_paid,
                "months_in_arrears": y.months_in_arrears,
                "base_total_fen": y.base_total_fen,
                "employer_fen": y.employer_fen,
                "personal_fen": y.personal_fen,
            }
            for y in ov.years
        ],
        "months_paid_total": {ins.name.lower(): n for ins, n in sorted(ov.totals.items())},
        "accounts": [
            {
                "kind": a.kind,
                "balance_fen": a.balance_fen,
                "updated_at": _iso(a.updated_at),
                "recent_entries": [
                    {
                        "posted_date": _iso(e.posted_date),
                        "kind": ENTRY_NAMES[EntryKind(e.kind)],
                        "amount_fen": e.amount_fen,
                        "balance_after_fen": e.balance_after_fen,
                        "counterparty": e.counterparty,
                    }
                    for e in a.recent_entries
                ],
            }
            for a in ov.accounts
        ],
        "benefits": benefits_json(ov.benefits, local_today()),
        "freshness": freshness_json(ov.freshness),
    }


def overview_text(ov: Overview, reveal: bool = False, now: datetime | None = None) -> str:
    """The overview as a page of text for the terminal."""
    now = now or utc_now()
    p = ov.person
    out = [
        f"Data as of: {describe(ov.freshness, now)}",
        "",
        f"{p.name}  {'male' if p.gender == 'M' else 'female'}  born {p.birth_date}  "
        f"ID {p.ssn if reveal else p.masked_ssn}  status {p.status}",
        f"  phone {mask_phone(p.phone) if not reveal else p.phone}  address {p.address or '-'}",
        "",
        "Cards:",
    ]
    for c in ov.cards:
        extra = f"  replaced by {c.replaced_by}" if c.replaced_by else ""
        if c.status == "active" and c.expiry_date < now.date():
            extra += "  EXPIRED: offer a new card"
        out.append(
            f"  {c.card_no}  generation {c.generation}  {c.status:<9}  issued {c.issue_date}  "
            f"expires {c.expiry_date}{extra}"
        )
    out += ["", "Enrolments:"]
    for e in ov.enrolments:
        employer = e.employer_name or "(no employer: retiree or individual)"
        out.append(
            f"  {INSURANCE_NAMES[e.insurance]:<18} {e.status:<9} since {e.start_date}"
            f"{'  until ' + str(e.end_date) if e.end_date else ''}  {employer}"
        )
    out += ["", "Personal accounts:"]
    for a in ov.accounts:
        out.append(f"  {a.kind:<8} balance {format_yuan(a.balance_fen)}")
        for e in a.recent_entries[:5]:
            where = f"  {e.counterparty}" if e.counterparty else ""
            out.append(
                f"      {e.posted_date}  {ENTRY_NAMES[EntryKind(e.kind)]:<15} "
                f"{format_yuan(e.amount_fen):>12}  "
                f"balance {format_yuan(e.balance_after_fen)}{where}"
            )
    arrears = ov.arrears
    out += [
        "",
        f"Contributions {ov.window_start}-{ov.window_end} (month, type, base, employer, personal, "
        "status):",
    ]
    if not ov.months:
        out.append("  none in these months")
    for m in ov.months[:24]:
        out.append(
            f"  {m.period}  {INSURANCE_NAMES[m.insurance]:<18} {format_yuan(m.base_fen):>11} "
            f"{format_yuan(m.employer_fen):>10} {format_yuan(m.personal_fen):>10}  "
            f"{STATUS_NAMES[m.status]}"
        )
    if len(ov.months) > 24:
        out.append(f"  ... {len(ov.months) - 24} more rows (--json gives all)")
    if arrears:
        periods = sorted({m.period for m in arrears})
        out.append(f"  ARREARS: {len(periods)} month(s) unpaid: {', '.join(map(str, periods))}")
    out += ["", "Yearly totals (year, type, months paid, personal part):"]
    for y in ov.years[:12]:
        out.append(
            f"  {y.year}  {INSURANCE_NAMES[y.insurance]:<18} {y.months_paid:>3} months  "
            f"{format_yuan(y.personal_fen):>12}"
            + (f"  ({y.months_in_arrears} in arrears)" if y.months_in_arrears else "")
        )
    if len(ov.years) > 12:
        out.append(f"  ... {len(ov.years) - 12} more rows (--json gives all)")
    paid = ", ".join(
        f"{INSURANCE_NAMES[i]} {n // 12} y {n % 12} m" for i, n in sorted(ov.totals.items())
    )
    out.append(f"  Contribution time in all: {paid or 'none'}")
    out += benefits_text(ov.benefits, local_today())
    return "\n".join(out)


def search_json(matches: NameMatches, query: str) -> dict[str, Any]:
    """Name search results as JSON (format counterdesk.search/1); ID numbers masked.
    `truncated`: more people match than are listed; `total`: how many match (at least that
    many when `total_capped`)."""
    found = matches.people
    return {
        "format": SEARCH_FORMAT,
        "query": query,
        "truncated": matches.truncated,
        "total": matches.total,
        "total_capped": matches.total_capped,
        "results": [
            {
                "ssn_masked": mask_id_number(p.ssn),
                "name": p.name,
                "gender": p.gender,
                "birth_year": p.birth_date.year,
                "status": p.status,
            }
            for p in found
        ],
    }


def search_text(matches: NameMatches) -> str:
    """Name search results as lines of text."""
    found = matches.people
    lines = [f"{len(found)} match(es); look one up with --id or --card:"]
    if matches.truncated:
        more = "more than " if matches.total_capped else ""
        lines[0] = (
            f"{more}{matches.total} matches, the first {len(found)} listed; look one up with "
            "--id or --card, or narrow the search (a longer name):"
        )
    for p in found:
        lines.append(f"  {p.name:<6} {p.masked_ssn}  born {p.birth_date.year}  {p.status}")
    return "\n".join(lines)
