"""`counterdesk demo-city` leaves on SIGTERM/SIGHUP, but never between starting a child
(headquarters, the relay, the application) and holding it: a `kill` landing there would
leave the child running with no one to stop it."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from desktop.cli_demo_city import SignalExit


@pytest.fixture
def gate() -> Iterator[SignalExit]:
    """A SignalExit installed for SIGTERM for the test, the previous handler put back."""
    exits = SignalExit()
    previous = signal.signal(signal.SIGTERM, exits.handle)
    try:
        yield exits
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_terminate_signal_outside_a_start_leaves_at_once(gate: SignalExit) -> None:
    reached = []
    with pytest.raises(SystemExit) as leaving:
        os.kill(os.getpid(), signal.SIGTERM)
        signal.sigtimedwait([], 0)  # Python runs the handler at the next instruction
        reached.append("after the signal")
    assert leaving.value.code == 128 + signal.SIGTERM
    assert reached == []


def test_a_terminate_signal_while_a_child_starts_waits_until_the_child_is_held(
    gate: SignalExit,
) -> None:
    held: list[str] = []
    with pytest.raises(SystemExit) as leaving:
        with gate.held():
            os.kill(os.getpid(), signal.SIGTERM)
            signal.sigtimedwait([], 0)
            held.append("the child")  # what Popen's caller does with the child it started
        held.append("not reached: the signal leaves at the end of the block")
    assert leaving.value.code == 128 + signal.SIGTERM
    assert held == ["the child"]


def test_a_start_without_a_signal_goes_on(gate: SignalExit) -> None:
    with gate.held():
        started = "the child"
    assert started == "the child" and gate.noted is None
