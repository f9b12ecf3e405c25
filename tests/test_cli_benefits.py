"""`lookup` shows a person's benefits: a retiree's pension months, checks and allocations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli_helpers import run, sample

pytestmark = pytest.mark.slow


def test_lookup_json_of_a_retiree_lists_pension_payments_checks_and_allocations(
    demo_home: Path,
) -> None:
    retiree = sample(demo_home, "retiree")
    data = json.loads(run("lookup", "--card", retiree["card_no"], "--json", home=demo_home).stdout)
    b = data["benefits"]
    assert b["retired"] and b["retired_since"]
    pension = [p for p in b["payments"] if p["kind"] == "pension"]
    assert pension and len(pension) <= 36
    assert all(re.fullmatch(r"\d{4}\*{8}\d{4}", p["account_masked"]) for p in pension)
    assert all(p["amount_fen"] > 0 and p["paid_date"] for p in pension)
    assert [p["period"] for p in pension] == sorted((p["period"] for p in pension), reverse=True)
    assert isinstance(b["pension_check_overdue"], bool)
    pooled = [a for a in b["medical_allocations"] if a["source"] == "pooled fund"]
    first = int(b["retired_since"][:7].replace("-", ""))
    assert pooled and all(a["period"] >= first for a in pooled)
    text = run("lookup", "--card", retiree["card_no"], home=demo_home).stdout
    assert f"retired since {b['retired_since']}: no contributions are due" in text
    assert "pension eligibility check" in text


def test_lookup_json_of_a_contributor_has_no_benefits_and_is_not_overdue(demo_home: Path) -> None:
    contributor = sample(demo_home, "contributor")
    data = json.loads(
        run("lookup", "--card", contributor["card_no"], "--json", home=demo_home).stdout
    )
    b = data["benefits"]
    assert not b["retired"] and b["retired_since"] is None and b["payments"] == []
    assert b["pension_check_overdue"] is False and b["pension_checks"] == []
    assert all(a["source"] == "personal contribution" for a in b["medical_allocations"])
