"""The command line acts as a named staff account, never as the operating-system user."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.cli_common import EXIT_DENIED, EXIT_USAGE
from desktop.cli_staff import PASSWORD_ENV, USER_ENV
from models.demo.people import DEMO_STAFF_PASSWORD
from tests.cli_helpers import init_home, run, sample

NOBODY = {USER_ENV: "", PASSWORD_ENV: ""}  # the helpers' default account taken away


def _audit(home: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(home / "register.db")
    try:
        return list(conn.execute("SELECT actor, action FROM audit_event ORDER BY id"))
    finally:
        conn.close()


def _statement(home: Path, out: Path, *before: str, **kwargs: object):
    card = sample(home, "contributor")["card_no"]
    args = ("statement", "--card", card, "--kind", "rights", "--out", str(out))
    return run(*before, *args, home=home, **kwargs)


@pytest.mark.slow
def test_a_lookup_without_a_staff_account_is_refused_and_says_how(demo_home: Path) -> None:
    card = sample(demo_home, "contributor")["card_no"]
    before = _audit(demo_home)
    done = run("lookup", "--card", card, home=demo_home, env=NOBODY)
    assert done.returncode == EXIT_USAGE
    assert "--as USER" in done.stderr and "COUNTERDESK_PASSWORD" in done.stderr
    assert _audit(demo_home) == before  # nothing was read


@pytest.mark.slow
def test_a_statement_made_as_a_staff_account_names_it_as_clerk_and_in_the_audit(
    demo_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rights.pdf"
    done = _statement(
        demo_home,
        out,
        "--as",
        "supervisor01",
        "--password-stdin",
        env=NOBODY,
        stdin=f"{DEMO_STAFF_PASSWORD}\n",
    )
    assert done.returncode == 0, done.stderr
    text = PdfReader(out).pages[0].extract_text()
    assert "(supervisor01)" in text and "cli:" not in text
    actors = {actor for actor, _ in _audit(demo_home)}
    assert actors == {"supervisor01"}
    assert ("supervisor01", "staff.sign_in") in _audit(demo_home)


@pytest.mark.slow
def test_a_wrong_password_is_refused_counted_and_makes_nothing(
    demo_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rights.pdf"
    done = _statement(demo_home, out, "--as", "clerk01", env={PASSWORD_ENV: "not-it-2026"})
    assert done.returncode == EXIT_DENIED
    assert "wrong username or password" in done.stderr and "left before a lock" in done.stderr
    assert not out.exists()
    assert _audit(demo_home)[-1] == ("clerk01", "staff.sign_in_failed")


@pytest.mark.slow
def test_the_account_acts_with_its_own_role(demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "rights.pdf"
    done = _statement(demo_home, out, "--as", "clerk01")  # clerks make no statements
    assert done.returncode == EXIT_DENIED and not out.exists()


@pytest.mark.slow
def test_init_stores_the_address_and_verification_page_the_statements_print(
    tmp_path: Path,
) -> None:
    home = init_home(
        tmp_path / "office",
        "--office-address",
        "济南市历下区经十路 1 号",
        "--verify-url",
        "https://hq.example.gov.cn/verify",
    )
    conn = sqlite3.connect(home / "register.db")
    try:
        settings = dict(conn.execute("SELECT key, value FROM office_setting"))
    finally:
        conn.close()
    assert settings["office_address"] == "济南市历下区经十路 1 号"
    assert settings["statement_verify_url"] == "https://hq.example.gov.cn/verify"
