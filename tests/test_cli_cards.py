"""`counterdesk card ...` and `lookup --from-card` through the installed entry point and pcscd."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cards.virtual.service import wait_until_empty
from tests.cli_helpers import COUNTERDESK, cli_env, run, sample

SSN = "11010519491231002X"


@contextmanager
def emulating(*args: str, home: Path | None = None) -> Iterator[subprocess.Popen[str]]:
    """`counterdesk card emulate ARGS` in the background until the block ends (SIGINT)."""
    argv = [str(COUNTERDESK), *(["--home", str(home)] if home else []), "card", "emulate", *args]
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=cli_env())
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert "Ctrl-C takes it out" in line, line + proc.stderr.read()
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        assert proc.wait(timeout=10) == 0
        assert "Card taken out" in rest
        wait_until_empty("Virtual PCD 00 00")


def test_readers_lists_the_virtual_readers(vpcd_reader: str) -> None:
    result = run("card", "readers", "--json")
    assert result.returncode == 0
    readers = {r["name"]: r["card_present"] for r in json.loads(result.stdout)["readers"]}
    assert readers[vpcd_reader] is False


def test_an_emulated_card_is_read_with_its_holder(vpcd_reader: str) -> None:
    with emulating("--ssn", SSN, "--name", "张三", "--generation", "2", "--card-no", "X00000019"):
        result = run("card", "read", "--json", "--wait", "5")
        text = run("card", "read", "--wait", "5")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "counterdesk.card/1"
    assert (data["card_no"], data["name"], data["generation"]) == ("X00000019", "张三", 2)
    assert data["ssn_masked"] == "110105********002X" and "ssn" not in data
    assert data["reader"] == vpcd_reader and data["unreadable"] == {}
    assert "110105********002X" in text.stdout and SSN not in text.stdout


def test_a_third_generation_card_lists_what_it_would_not_give(vpcd_reader: str) -> None:
    with emulating("--ssn", SSN, "--generation", "3"):
        result = run("card", "read", "--wait", "5")
    assert result.returncode == 0
    assert "not read: social security number (protected" in result.stdout


def test_pin_verification_reads_the_pin_from_stdin_and_reports_tries_left(
    vpcd_reader: str,
) -> None:
    with emulating("--ssn", SSN, "--pin", "246810"):
        good = run("card", "read", "--verify-pin", "--wait", "5", stdin="246810\n")
        bad = run("card", "read", "--verify-pin", "--wait", "5", stdin="111111\n")
        malformed = run("card", "read", "--verify-pin", "--wait", "5", stdin="12ab\n")
    assert good.returncode == 0 and "PIN verified." in good.stdout
    assert bad.returncode == 1 and "2 tries left" in bad.stderr
    assert malformed.returncode == 1 and "exactly 6 digits" in malformed.stderr


def test_a_damaged_card_is_reported_not_crashed_on(vpcd_reader: str) -> None:
    with emulating("--ssn", SSN, "--fault", "garbage"):
        result = run("card", "read", "--wait", "5")
    assert result.returncode == 1
    assert "is damaged" in result.stderr and "Traceback" not in result.stderr


def test_lookup_from_card_opens_the_holders_record(demo_home: Path, vpcd_reader: str) -> None:
    card = sample(demo_home, "retiree")
    with emulating("--person-from-home", "--card", card["card_no"], home=demo_home):
        result = run("lookup", "--from-card", "--wait", "5", "--json", home=demo_home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["person"]["name"] == card["name"]
    assert data["cards"][0]["card_no"] == card["card_no"]


def test_a_card_from_another_city_is_read_but_not_found(demo_home: Path, vpcd_reader: str) -> None:
    with emulating("--ssn", "370202198001010037", "--generation", "2"):
        result = run("lookup", "--from-card", "--wait", "5", home=demo_home)
    assert result.returncode == 1
    assert "no person with this ID number" in result.stderr


def test_no_card_in_the_reader_exits_2(vpcd_reader: str) -> None:
    result = run("card", "read")
    assert result.returncode == 2 and "no card" in result.stderr


def test_no_card_service_exits_2_and_says_to_start_pcscd(tmp_path: Path) -> None:
    result = run("card", "readers", env={"PCSCLITE_CSOCK_NAME": str(tmp_path / "no-socket")})
    assert result.returncode == 2
    assert "card service is not running" in result.stderr
