"""What a social security card holds, as read: issuer data (EF05) and holder data (EF06)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ISSUER_FIELDS = (
    "card_identifier",
    "card_type",
    "spec_version",
    "initialising_org",
    "issue_date",
    "expiry_date",
    "card_no",
)
HOLDER_FIELDS = (
    "ssn",
    "name",
    "gender",
    "ethnicity",
    "birthplace",
    "birth_date",
)


@dataclass
class CardRecord:
    """The fields read from one card. A field that could not be read is None and is named in
    `unreadable` with the reason (e.g. protected on a third-generation card)."""

    card_identifier: str | None = None  # 32 hex digits
    card_type: str | None = None
    spec_version: str | None = None  # "1.00", "2.00", "3.00"
    initialising_org: str | None = None  # 24 hex digits
    issue_date: date | None = None
    expiry_date: date | None = None
    card_no: str | None = None
    ssn: str | None = None
    name: str | None = None
    gender: str | None = None  # "M" / "F"
    ethnicity: str | None = None  # GB 3304 code, 2 hex digits
    birthplace: str | None = None  # region code
    birth_date: date | None = None
    unreadable: dict[str, str] = field(default_factory=dict)
    apdus: int = 0  # commands sent to read it

    @property
    def generation(self) -> int | None:
        """1, 2 or 3, from the specification version."""
        if self.spec_version and self.spec_version[:1] in "123":
            return int(self.spec_version[0])
        return None

    @property
    def complete(self) -> bool:
        """True if every field was read."""
        return not self.unreadable
