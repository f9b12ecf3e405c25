"""The kiosk shows a retiree's pension: why there are no contributions, the payments month by
month, the yearly eligibility check; and leaves nothing behind."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from desktop.core.formatting import yuan
from models.idnumber import mask_id_number
from tests.app.conftest import Sample
from tests.app.test_kiosk import KioskDriver, _open_by_card, make_kiosk  # noqa: F401


def _button(root: tk.Misc, text: str) -> ttk.Button:
    """The button showing `text` anywhere under `root`."""
    stack = [root]
    while stack:
        widget = stack.pop()
        if isinstance(widget, ttk.Button) and widget.cget("text") == text:
            return widget
        stack.extend(widget.winfo_children())
    raise AssertionError(f"no button {text!r}")


def test_a_retiree_sees_the_note_and_their_pension_months_and_check(
    make_kiosk: Callable[..., KioskDriver],  # noqa: F811
    samples: dict[str, Sample],
) -> None:
    kiosk = make_kiosk(training=True)
    retiree = samples["retiree"]
    record = _open_by_card(kiosk, retiree)
    b = kiosk.window.session.customer.overview.benefits
    texts = kiosk.texts()
    note = f"Retired since {b.retired_since.isoformat()}: no contributions are due."
    assert any(t.startswith(note) for t in texts)
    assert "My pension" in texts
    kiosk.root.update()
    grid = record.years
    squeezed = [  # the note takes no row of the table out of sight
        cell.cget("text")
        for cell in [
            *grid.headings,
            *(c for row in grid._cells for c in row),
            record.months,
            record.note,
        ]
        if cell.winfo_height() < cell.winfo_reqheight()
        or cell.winfo_width() < cell.winfo_reqwidth()
    ]
    assert squeezed == [] and grid.winfo_height() >= grid.winfo_reqheight()
    kiosk.screenshot("record-retiree")
    _button(record, "My pension").invoke()
    screen = kiosk.wait_for("benefits")
    pager = screen.payments
    assert len(pager.rows()) == min(len(b.payments), pager.page_size) and pager.pages > 1
    rows: list[tuple[str, ...]] = []
    for _page in range(pager.pages):  # turned with large buttons, no scroll bar
        rows += pager.rows()
        pager.earlier.invoke()
    assert str(pager.earlier.cget("state")) == "disabled"
    assert [r[0] for r in rows] == [f"{p.period // 100}-{p.period % 100:02d}" for p in b.payments]
    assert rows[0][2] == yuan(b.payments[0].amount_fen)
    assert rows[0][4] == b.payments[0].account_masked
    assert screen.check.cget("text").startswith("Pension eligibility check")
    assert retiree.ssn not in kiosk.texts()
    kiosk.screenshot("benefits")
    screen.back.invoke()
    kiosk.wait_for("record")
    kiosk.window.cards.remove_training_card()
    kiosk.wait_for("welcome")
    leftovers = [
        t for t in kiosk.texts() for s in (retiree.name, mask_id_number(retiree.ssn)) if s in t
    ]
    assert leftovers == [] and kiosk.window.session.customer is None


def test_a_contributor_has_no_pension_button_and_no_note(
    make_kiosk: Callable[..., KioskDriver],  # noqa: F811
    samples: dict[str, Sample],
) -> None:
    kiosk = make_kiosk(training=True)
    _open_by_card(kiosk, samples["contributor"])
    texts = kiosk.texts()
    assert "My pension" not in texts and "My benefits" not in texts
    assert not any("no contributions are due" in t for t in texts)


def test_the_pension_screen_in_chinese(
    make_kiosk: Callable[..., KioskDriver],  # noqa: F811
    samples: dict[str, Sample],
) -> None:
    kiosk = make_kiosk(training=True, lang="zh")
    record = _open_by_card(kiosk, samples["retiree"])
    kiosk.screenshot("record-retiree-zh")
    _button(record, "我的养老金").invoke()
    screen = kiosk.wait_for("benefits")
    assert screen.payments.rows()[0][1] == "基本养老金"
    kiosk.screenshot("benefits-zh")
