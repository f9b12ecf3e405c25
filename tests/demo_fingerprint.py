"""A digest of a generated demo district's rows, to compare two districts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from models.db import close_register
from models.demo.generator import DemoParams, generate
from models.encryption import encrypt_home
from models.home import OfficeHome
from models.schema import db
from tests.pinned_clock import AS_OF


def fingerprint(
    path: Path, seed: int, persons: int = 150, passphrase: str | None = None, **options: int
) -> str:
    """SHA-256 of every table a district of `persons` generated with `seed` into `path` fills
    (into a register encrypted with `passphrase` if one is given)."""
    office = OfficeHome(path)
    office.create("370102", "x")
    if passphrase is not None:
        close_register()
        encrypt_home(office.path, office.register_path, passphrase)
        office.with_passphrase(passphrase).open()
    generate(DemoParams(persons, seed, "370102", AS_OF, **options))
    digest = hashlib.sha256()
    for table, order in (
        ("person", "id"),
        ("card", "id"),
        ("employer", "id"),
        ("enrolment", "id"),
        ("contribution", "person_id, period, insurance"),
        ("contribution_year", "person_id, year, insurance"),
        ("account", "id"),
        ("account_entry", "id"),
        ("benefit_payment", "person_id, period, kind"),
        ("pension_check", "person_id, year"),
    ):
        columns = "*" if table != "person" else "id, ssn, name, birth_date, region_code, status"
        if table == "account":
            columns = "id, person_id, kind, balance_fen"
        for row in db.execute_sql(f"SELECT {columns} FROM {table} ORDER BY {order}"):
            digest.update(repr(row).encode())
    close_register()
    return digest.hexdigest()
