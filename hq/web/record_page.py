"""The self-query's record page: the holder's person, cards, enrolments, accounts, months and
years, rendered from `hq.selfquery_store.own_record` as plain HTML tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hq.web.pages import esc, table
from models.enums import (
    BENEFIT_KIND_CODES,
    CONTRIBUTION_STATUS_CODES,
    ContributionStatus,
    EntryKind,
    Insurance,
)
from models.money import format_yuan

INSURANCE_NAMES = {
    Insurance.PENSION: "pension",
    Insurance.MEDICAL: "medical",
    Insurance.UNEMPLOYMENT: "unemployment",
    Insurance.WORK_INJURY: "work injury",
    Insurance.MATERNITY: "maternity",
}
ENTRY_NAMES = {k: k.name.lower() for k in EntryKind}


def lost_form(_: Callable[..., str], card_no: str, action: str, csrf_field: str) -> str:
    """The form under an active card to report it lost, posted to `action`."""
    key = f"lost-{esc(card_no)}"
    return (
        f'<form class="inline" method="post" action="{action}">{csrf_field}'
        f'<input type="hidden" name="card" value="{esc(card_no)}">'
        f'<p><input type="checkbox" id="{key}" name="confirm" value="yes" required> '
        f'<label class="plain" for="{key}">'
        f"{esc(_('Card {card} is lost: block it now.', card=card_no))}</label></p>"
        f'<p class="note">{esc(_("Only a counter can cancel a loss, with your ID card."))}</p>'
        f'<button type="submit">{esc(_("Report the card lost"))}</button></form>'
    )


def download_form(
    _: Callable[..., str], action: str, csrf_field: str, years: list[int], chosen: int
) -> str:
    """The form that downloads the personal rights record of a chosen year as a signed PDF."""
    options = "".join(
        f'<option value="{y}"' + (" selected" if y == chosen else "") + f">{y}</option>"
        for y in years
    )
    note = _("The signed statement the counter prints, numbered by headquarters.")
    return _section(
        "download",
        _("Personal rights record (PDF)"),
        f'<form method="post" action="{action}">{csrf_field}'
        f'<p class="note">{esc(note)}</p>'
        f'<label for="year">{esc(_("Year"))}</label>'
        f'<select id="year" name="year">{options}</select> '
        f'<button type="submit">{esc(_("Download the PDF"))}</button></form>',
    )


def _section(key: str, title: str, content: str) -> str:
    return (
        f"<section aria-labelledby='s-{key}'><h2 id='s-{key}'>{esc(title)}</h2>{content}</section>"
    )


def _yuan(fen: Any) -> str:
    return format_yuan(int(fen))


def _month(period: int) -> str:
    return f"{period // 100}-{period % 100:02d}"


def render_record(
    _: Callable[..., str],
    record: dict[str, Any],
    lost: Callable[[str], str],
    download: str = "",
) -> str:
    """The record page's sections; `lost(card_no)` is the form to report a card lost,
    `download` the section to download the rights record (after the person)."""
    p = record["person"]
    as_of = record["as_of"]
    when = as_of.astimezone().strftime("%Y-%m-%d %H:%M") if as_of else "—"
    parts = [
        f"<h2>{esc(_('Your record'))}</h2>",
        f'<p class="note">{esc(_("Data as of {when}", when=when))}</p>',
        f"<section aria-labelledby='s-person'><h2 id='s-person'>{esc(_('Person'))}</h2><dl>"
        f"<dt>{esc(_('Name'))}</dt><dd>{esc(p['name'])}</dd>"
        f"<dt>{esc(_('ID number'))}</dt><dd>{esc(p['ssn'])}</dd>"
        f"<dt>{esc(_('Birth date'))}</dt><dd>{esc(p['birth_date'])}</dd>"
        f"<dt>{esc(_('Status'))}</dt><dd>{esc(_(p['status']))}</dd></dl></section>",
        download,
    ]

    def insurance(code: int) -> str:
        name = (
            INSURANCE_NAMES.get(Insurance(code)) if code in Insurance._value2member_map_ else None
        )
        return _(name) if name else str(code)

    cards = table(
        [(_("Card number"), False), (_("Status"), False), (_("Valid until"), False)],
        [(c["card_no"], _(c["status"]), c["expiry_date"]) for c in record["cards"]],
        _("None."),
    ) + "".join(lost(c["card_no"]) for c in record["cards"] if c["status"] == "active")
    enrolments = table(
        [
            (_("Insurance"), False),
            (_("Employer"), False),
            (_("Since"), False),
            (_("Until"), False),
            (_("Status"), False),
        ],
        [
            (
                insurance(e["insurance"]),
                e["employer"],
                e["start_date"],
                e["end_date"],
                _(e["status"]),
            )
            for e in record["enrolments"]
        ],
        _("None."),
    )
    parts.append(
        '<div class="grid">'
        + _section("cards", _("Cards"), cards)
        + _section("enrol", _("Enrolments"), enrolments)
        + "</div>"
    )
    accounts = table(
        [(_("Insurance"), False), (_("Balance"), True)],
        [(_(a["kind"]), _yuan(a["balance_fen"])) for a in record["accounts"]],
        _("None."),
    )
    entries = table(
        [
            (_("Date"), False),
            (_("Kind"), False),
            (_("Amount"), True),
            (_("Balance after"), True),
            (_("Where"), False),
        ],
        [
            (
                e["posted_date"],
                _(ENTRY_NAMES.get(EntryKind(e["kind"]), str(e["kind"])))
                if e["kind"] in EntryKind._value2member_map_
                else e["kind"],
                _yuan(e["amount_fen"]),
                _yuan(e["balance_after_fen"]),
                e["counterparty"],
            )
            for e in record["medical_entries"]
        ],
        _("None."),
    )
    parts.append(
        _section("acc", _("Personal accounts"), accounts)
        + _section("med", _("Medical account entries"), entries)
    )
    arrears = record["arrears"]
    note = (
        '<p class="error">'
        + esc(_("Months in arrears: {months}", months=", ".join(_month(m) for m in arrears)))
        + "</p>"
        if arrears
        else ""
    )
    status_names = {int(k): v for k, v in CONTRIBUTION_STATUS_CODES.items()}
    rows = record["months"]
    months = table(
        [
            (_("Month"), False),
            (_("Base"), True),
            (_("Employer part"), True),
            (_("Personal part"), True),
            (_("Status"), False),
        ],
        [
            (
                (_month(m["period"]), "—", "—", "—", _("no record"))
                if m["status"] is None
                else (
                    _month(m["period"]),
                    _yuan(m["base_fen"]),
                    _yuan(m["employer_fen"]),
                    _yuan(m["personal_fen"]),
                    _(status_names.get(m["status"], str(m["status"]))),
                )
            )
            for m in rows
        ],
        _("None."),
        row_class=lambda i: "arrears" if rows[i]["status"] == ContributionStatus.ARREARS else "",
    )
    parts.append(_section("months", _("Contributions, month by month"), note + months))
    years = table(
        [
            (_("Year"), False),
            (_("Months paid"), True),
            (_("Employer part"), True),
            (_("Personal part"), True),
        ],
        [
            (y["year"], y["months_paid"], _yuan(y["employer_fen"]), _yuan(y["personal_fen"]))
            for y in record["year_totals"]
        ],
        _("None."),
    )
    parts.append(_section("years", _("Yearly totals"), years))
    if record["benefits"]:
        kinds = {int(k): f"{v} benefit" for k, v in BENEFIT_KIND_CODES.items()}
        benefits = table(
            [(_("Month"), False), (_("Kind"), False), (_("Amount"), True), (_("Paid on"), False)],
            [
                (
                    _month(b["period"]),
                    _(kinds.get(b["kind"], str(b["kind"]))),
                    _yuan(b["amount_fen"]),
                    b["paid_date"],
                )
                for b in record["benefits"]
            ],
            _("None."),
        )
        parts.append(_section("ben", _("Benefits paid"), benefits))
    return "".join(parts)
