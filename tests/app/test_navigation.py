"""The navigator both applications show their screens with: kept screens (the counter's) are
built once and shown again, screens not kept (the kiosk's) are destroyed when left."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import ttkbootstrap as ttk

from desktop.app.registry import BaseScreen, Navigator, ScreenRegistry


@dataclass
class Log:
    """What the test screens were asked to do, in order."""

    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def count(self, event: str, key: str) -> int:
        """How many times `event` happened to the screens of `key`."""
        return sum(1 for e, k, _data in self.events if (e, k) == (event, key))


class LoggedScreen(BaseScreen[Log]):
    """A screen that notes its build, shows and hides in the context's log."""

    def build(self) -> None:
        self.ctx.events.append(("build", self.key, {}))
        self.shown_with: dict[str, Any] = {}

    def on_show(self, **data: Any) -> None:
        self.shown_with = data
        self.ctx.events.append(("show", self.key, data))

    def on_hide(self) -> None:
        self.ctx.events.append(("hide", self.key, {}))


class KeptScreen(LoggedScreen):
    key = "kept"


class OtherKeptScreen(LoggedScreen):
    key = "other"


class FreshScreen(LoggedScreen):
    key = "fresh"
    keep = False


@pytest.fixture
def navigator(display: str) -> Iterator[Navigator[LoggedScreen]]:
    """A navigator over the three test screens in a window of its own."""
    root = ttk.App(title="navigation")
    registry: ScreenRegistry[LoggedScreen] = ScreenRegistry()
    for screen in (KeptScreen, OtherKeptScreen, FreshScreen):
        registry.register(screen)
    navigator: Navigator[LoggedScreen] = Navigator(root, registry)
    navigator.ctx = Log()
    yield navigator
    root.destroy()
    gc.collect()


def test_a_kept_screen_is_built_once_and_shown_again_with_new_data(
    navigator: Navigator[LoggedScreen],
) -> None:
    first = navigator.show("kept", person=1)
    navigator.show("other")
    assert not first.winfo_ismapped() and first.winfo_exists()
    again = navigator.show("kept", person=2)
    assert again is first
    assert again.shown_with == {"person": 2}
    assert navigator.ctx.count("build", "kept") == 1
    assert navigator.ctx.count("hide", "kept") == 1
    assert (navigator.current_key, navigator.current_data) == ("kept", {"person": 2})


def test_showing_the_kept_screen_shown_fills_it_again_without_hiding_it(
    navigator: Navigator[LoggedScreen],
) -> None:
    first = navigator.show("kept", person=1)
    assert navigator.show("kept", person=2) is first
    assert navigator.ctx.count("hide", "kept") == 0
    assert first.shown_with == {"person": 2}


def test_a_screen_not_kept_is_destroyed_when_left_and_made_new_when_shown_again(
    navigator: Navigator[LoggedScreen],
) -> None:
    first = navigator.show("fresh", card=True)
    second = navigator.show("fresh")
    assert second is not first
    assert not first.winfo_exists()
    assert second.shown_with == {}
    navigator.show("kept")
    assert not second.winfo_exists()
    assert navigator.ctx.count("build", "fresh") == 2
    assert navigator.ctx.count("hide", "fresh") == 2  # each told before it went


def test_rebuild_makes_every_screen_anew_and_shows_the_current_one_with_its_data(
    navigator: Navigator[LoggedScreen],
) -> None:
    hidden = navigator.show("other")
    shown = navigator.show("kept", person=7)
    navigator.rebuild()
    assert not hidden.winfo_exists() and not shown.winfo_exists()
    assert navigator.current is not None and navigator.current is not shown
    assert navigator.current.shown_with == {"person": 7}
    assert navigator.ctx.count("build", "other") == 1  # made again only when next shown
    assert navigator.show("other") is not hidden


def test_listeners_hear_of_every_screen_shown_and_of_a_refresh(
    navigator: Navigator[LoggedScreen],
) -> None:
    heard: list[str] = []
    navigator.listeners.append(lambda screen: heard.append(screen.key))
    navigator.show("kept")
    navigator.show("fresh")
    navigator.refresh_listeners()
    assert heard == ["kept", "fresh", "fresh"]


def test_a_screen_cannot_be_shown_before_the_navigator_has_a_context(display: str) -> None:
    root = ttk.App(title="navigation")
    try:
        registry: ScreenRegistry[LoggedScreen] = ScreenRegistry()
        registry.register(KeptScreen)
        with pytest.raises(RuntimeError, match="no context"):
            Navigator(root, registry).show("kept")
    finally:
        root.destroy()
        gc.collect()


def test_a_key_is_registered_once_and_never_empty() -> None:
    registry: ScreenRegistry[LoggedScreen] = ScreenRegistry()
    registry.register(KeptScreen)
    with pytest.raises(ValueError, match="taken"):
        registry.register(KeptScreen)
    with pytest.raises(ValueError, match="empty"):
        registry.register(LoggedScreen)
    assert registry.keys() == ["kept"]
