"""A running pcscd with the vsmartcard-vpcd driver, for tests that go through real PC/SC.

Reuses a pcscd that already shows the virtual readers; otherwise starts one as a child for the
session and stops it at the end (cards.virtual.service). Missing system packages fail the tests:
CI must run them. Make PC/SC contexts only inside tests that use these fixtures: a context made
before pcscd started stays broken.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cards.errors import ServiceUnavailable
from cards.virtual.service import VPCD_READER, PcscdService, reader_states, wait_until_empty
from cards.virtual.vpcd import VPCD_READERS

__all__ = ["reader_states", "wait_until_empty"]


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Make sure pcscd with the vpcd driver runs; yields the first virtual reader's name."""
    service = PcscdService(tmp_path_factory.mktemp("pcscd") / "pcscd.log")
    try:
        reader = service.start()
    except ServiceUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield reader
    finally:
        service.stop()


@pytest.fixture
def vpcd_reader(pcscd: str) -> str:
    """The PC/SC name of the reader behind `vpcd_port`, once pcscd sees it empty.

    A card removed by an earlier test stays visible for up to 0.4 s (pcscd's polling): a test
    connecting sooner would reach that card instead of its own.
    """
    if not wait_until_empty(VPCD_READER):
        pytest.fail(f"{VPCD_READER!r} still holds a card (another emulator connected?)")
    return VPCD_READER


@pytest.fixture
def vpcd_port(vpcd_reader: str) -> int:
    """The TCP port a card emulator connects to for reader "Virtual PCD 00 00" (empty)."""
    return VPCD_READERS[VPCD_READER]
