"""Where the office's link to headquarters is kept: settings in the register's office_setting.

The token is stored in the register as it is (encrypting it at rest is a later issue).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from models.schema import OfficeSetting
from models.statements import WORKSTATION_CODE

URL = "hq_url"
TOKEN = "hq_token"
OFFICE_ID = "hq_office_id"
DISTRICTS = "hq_districts"
ENROLLED_AT = "hq_enrolled_at"
SERVICE = "hq_service"  # counterdesk-hq, or counterdesk-relay: the office relay
RELAY_SERVICE = "counterdesk-relay"


@dataclass(frozen=True)
class HqSettings:
    """The office's enrolment: headquarters' address, its token, who headquarters says it is."""

    url: str
    token: str
    office_id: str
    districts: tuple[str, ...]
    enrolled_at: str | None
    service: str = "counterdesk-hq"

    @property
    def through_relay(self) -> bool:
        """True if the office syncs with its relay (not headquarters directly)."""
        return self.service == RELAY_SERVICE


def hq_settings() -> HqSettings | None:
    """The enrolment stored in the open register, or None if the office is not enrolled."""
    values = {
        row.key: row.value
        for row in OfficeSetting.select().where(
            OfficeSetting.key.in_((URL, TOKEN, OFFICE_ID, DISTRICTS, ENROLLED_AT, SERVICE))
        )
    }
    if not values.get(URL) or not values.get(TOKEN):
        return None
    return HqSettings(
        values[URL],
        values[TOKEN],
        values.get(OFFICE_ID, ""),
        tuple(json.loads(values.get(DISTRICTS) or "[]")),
        values.get(ENROLLED_AT),
        values.get(SERVICE) or "counterdesk-hq",
    )


def store(url: str, token: str, office_id: str, districts: tuple[str, ...], at: str) -> None:
    """Store an enrolment (inside the caller's transaction)."""
    for key, value in (
        (URL, url),
        (TOKEN, token),
        (OFFICE_ID, office_id),
        (DISTRICTS, json.dumps(list(districts))),
        (ENROLLED_AT, at),
    ):
        OfficeSetting.replace(key=key, value=value).execute()


def store_service(service: str) -> None:
    """Store what answers at the enrolled address (inside the caller's transaction)."""
    OfficeSetting.replace(key=SERVICE, value=service).execute()


def store_workstation_code(code: str | None) -> None:
    """Store this workstation's code from headquarters (inside the caller's transaction); a
    headquarters that gives none leaves the setting as it was."""
    if code:
        OfficeSetting.replace(key=WORKSTATION_CODE, value=code).execute()
