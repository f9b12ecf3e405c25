"""An audit event's detail in words for people: known keys with translated labels, lists
joined, yes/no, codes named where a name table exists; never a Python repr."""

from __future__ import annotations

from typing import Any

from desktop.core import admin
from desktop.core.formatting import CARD_STATUS, ROLE, label, region_words
from desktop.core.i18n import LANGUAGES, N_, _

DETAIL_LABELS = {
    "key": N_("read through"),
    "username": N_("username"),
    "card_no": N_("card number"),
    "status": N_("card status"),
    "how": N_("verified by"),
    "found": N_("found"),
    "asked": N_("asked for"),
    "ssn": N_("ID number"),
    "district": N_("district"),
    "districts": N_("districts"),
    "office": N_("office"),
    "workstation": N_("workstation"),
    "purpose": N_("purpose"),
    "channel": N_("channel"),
    "before": N_("before"),
    "after": N_("after"),
    "backup": N_("backup"),
    "backup_persons": N_("people in the backup"),
    "kept": N_("kept as"),
    "number": N_("statement number"),
    "printer": N_("printer"),
    "name": N_("name searched"),
    "results": N_("results"),
    "failures": N_("failures in a row"),
    "failed_attempts": N_("failed attempts"),
    "to_initial": N_("back to the initial password"),
    "role": N_("role"),
    "uuid": N_("command id"),
    "command": N_("command"),
    "from": N_("from"),
    "to": N_("to"),
    "staff": N_("staff"),
}
LOOKUP_KEYS = {
    "id": N_("ID number"),
    "card": N_("card"),
    "name": N_("name"),
    "statement": N_("a statement"),
    "card-emulate": N_("virtual card"),
    "training-card": N_("training card"),
}
VERIFIED_BY = {"card_pin": N_("card PIN"), "query_password": N_("query password")}
CHANNELS = {"counter": N_("counter"), "kiosk": N_("kiosk")}
# the visit's purposes (desktop.core.visit.Purpose), in the counter screen's words
VISIT_PURPOSES = {
    "lookup": N_("Record lookup"),
    "statement": N_("Statement"),
    "card_report_lost": N_("Card reported lost"),
    "card_cancel_loss": N_("Card loss cancelled"),
    "password_reset": N_("Query password reset"),
    "enquiry": N_("Policy enquiry"),
}
PRINTERS = {"default": N_("the default printer")}
# the values of these keys are codes of a table (other values are shown as they are)
SETTINGS_CHANGE = "settings.change"
VALUE_TABLES: dict[str, dict[Any, str]] = {
    "key": LOOKUP_KEYS,
    "how": VERIFIED_BY,
    "channel": CHANNELS,
    "purpose": VISIT_PURPOSES,
    "status": CARD_STATUS,
    "role": ROLE,
    "printer": PRINTERS,
}
REGION_KEYS = ("district", "districts")
# a settings change names its setting in `key`, and `before` / `after` are that setting's values
SETTING_NAMES = {
    admin.HQ_URL: N_("Headquarters address"),
    admin.CARD_READER: N_("Card reader"),
    admin.PRINTER: N_("Printer"),
    admin.LANGUAGE: N_("Language"),
    admin.THEME: N_("Theme"),
    admin.TEXT_SIZE: N_("Text size"),
}
SETTING_VALUES: dict[str, dict[Any, str]] = {admin.PRINTER: PRINTERS}


def value_words(key: str, value: Any) -> str:
    """One detail's value for people: a list joined, yes/no, a code named."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return _(", ").join(value_words(key, item) for item in value)
    if isinstance(value, dict):
        return detail_words(value)
    if value is None:
        return "-"
    if key in REGION_KEYS:
        return region_words(str(value))
    table = VALUE_TABLES.get(key)
    if table is not None:
        return label(table, value)
    return str(value)


def detail_words(detail: dict[str, Any], action: str | None = None) -> str:
    """A detail dict as 'label: value; label: value' in the language in use (known keys
    first, in the table's order; unknown keys after them, by name)."""
    if action == SETTINGS_CHANGE:
        return _settings_change(detail)
    order = list(DETAIL_LABELS)
    keys = sorted(detail, key=lambda k: (order.index(k) if k in order else len(order), k))
    return _("; ").join(
        _("{label}: {value}").format(label=label(DETAIL_LABELS, key), value=value_words(key, v))
        for key in keys
        if (v := detail[key]) is not None or key in DETAIL_LABELS
    )


def _settings_change(detail: dict[str, Any]) -> str:
    key = str(detail.get("key", ""))
    values = SETTING_VALUES.get(key, {})
    parts = [_("{label}: {value}").format(label=_("setting"), value=label(SETTING_NAMES, key))]
    for side in ("before", "after"):
        value = detail.get(side) or ""
        shown = label(values, value) if value else "-"
        if key == admin.LANGUAGE and value in LANGUAGES:
            shown = LANGUAGES[value]
        parts.append(_("{label}: {value}").format(label=label(DETAIL_LABELS, side), value=shown))
    return _("; ").join(parts)
