"""Every text a Tk window shows, read recursively, and the Latin-letter words among them that
are not a name, a code or a unit (the Chinese interface must not show English)."""

from __future__ import annotations

import contextlib
import re
import tkinter as tk
from collections.abc import Iterable
from tkinter import ttk

from desktop.core.i18n import _

# Words that stay as they are in Chinese: abbreviations of things, keys of the keyboard, the
# product's name and units. Keep this list short: anything else is English left untranslated.
ALLOWED = frozenset(
    {
        "PDF",
        "PIN",
        "ID",
        "CSV",
        "QR",
        "X",  # the check character of an ID number
        "ABC",  # the kiosk keypad's key for the letter of a card number
        "Esc",
        "Enter",
        "Tab",
        "Ctrl",
        "Alt",
        "Shift",
        "counterdesk",
        "s",
        "min",
        "KB",
        "MB",
        "GB",
        "pt",  # text sizes
        # programs and packages the clerk or the administrator is told to start or install
        "pcscd",
        "CUPS",
        "cups-client",
        "pyscard",
    }
)
# Widgets named so hold the technical details of a problem (desktop/app/widgets/admin_fields.py)
DETAILS = "details"
# Languages are named in themselves in the language menu (so that anyone finds their own).
LANGUAGE_NAMES = frozenset({"English", "Español"})
_KEY = re.compile(r"F\d{1,2}")  # function keys
_CHORD = re.compile(r"\b(?:Ctrl|Alt|Shift)\+\w+")  # Ctrl+L
# a command to type, as the manual writes it: "counterdesk sync enrol --hq URL --token TOKEN"
_COMMAND = re.compile(r"counterdesk(?:\s+[-A-Za-z0-9_.:/=]+)+")
_URL = re.compile(r"\b(?:https?|ftp|file)://\S*")
_PATH = re.compile(r"(?:[A-Za-z]:)?[\w.~-]*/[^\s,;:，；：、）)]*")
_WORD = re.compile(r"[A-Za-zÀ-ÿ0-9][A-Za-zÀ-ÿ0-9_'’.-]*")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")


def widget_texts(root: tk.Misc) -> list[tuple[str, str]]:
    """(where, text) for every text of `root` and its descendants, Toplevels included: titles,
    labels and buttons, entries, comboboxes' choices, text boxes, notebook tabs, treeview
    headings and cells, and menus with their cascades."""
    found: list[tuple[str, str]] = []
    with contextlib.suppress(tk.TclError, AttributeError):
        found.append(("title", root.title()))  # type: ignore[attr-defined]
    menus: list[tk.Menu] = []
    stack: list[tk.Misc] = [root]
    while stack:
        widget = stack.pop()
        if not widget.winfo_exists():
            continue
        if isinstance(widget, tk.Menu):
            menus.append(widget)
            continue
        if not isinstance(widget, tk.Tk) and not widget.winfo_viewable():
            continue  # a screen kept hidden, a tab not selected, a closed dialog
        if widget.winfo_name().startswith(DETAILS):
            continue  # technical text for support, as another program gave it
        stack.extend(widget.winfo_children())
        where = str(widget)
        if isinstance(widget, tk.Toplevel):
            found.append((where, widget.title()))
        with contextlib.suppress(tk.TclError):
            menu = widget.cget("menu")
            if menu:
                menus.append(widget.nametowidget(menu))
        found.extend((where, text) for text in _own_texts(widget))
    seen: set[str] = set()
    for menu in menus:
        found.extend(_menu_texts(menu, seen))
    return [(where, text) for where, text in found if text and text.strip()]


def _own_texts(widget: tk.Misc) -> Iterable[str]:
    if isinstance(widget, tk.Entry | ttk.Entry):  # their "text" is the variable's name
        if str(widget.cget("show") or "") == "":
            yield widget.get()
    else:
        with contextlib.suppress(tk.TclError):
            yield str(widget.cget("text"))
    if isinstance(widget, ttk.Combobox):
        yield from (str(v) for v in widget.cget("values") or ())
    if isinstance(widget, tk.Text):
        yield widget.get("1.0", "end")
    if isinstance(widget, ttk.Notebook):
        for tab in widget.tabs():
            yield str(widget.tab(tab, "text"))
    if isinstance(widget, ttk.Treeview):
        for column in ("#0", *widget.cget("columns")):
            yield str(widget.heading(column, "text"))
        items = list(widget.get_children())
        while items:
            item = items.pop()
            items.extend(widget.get_children(item))
            yield str(widget.item(item, "text"))
            yield from (str(v) for v in widget.item(item, "values"))


def _menu_texts(menu: tk.Menu, seen: set[str]) -> Iterable[tuple[str, str]]:
    if str(menu) in seen:
        return
    seen.add(str(menu))
    last = menu.index("end")
    for index in range(0 if last is None else last + 1):
        kind = menu.type(index)
        if kind in ("separator", "tearoff"):
            continue
        yield str(menu), str(menu.entrycget(index, "label"))
        with contextlib.suppress(tk.TclError):
            yield str(menu), str(menu.entrycget(index, "accelerator"))
        if kind == "cascade":
            child = menu.entrycget(index, "menu")
            if child:
                yield from _menu_texts(menu.nametowidget(child), seen)


def foreign_words(text: str, names: Iterable[str] = ()) -> list[str]:
    """The Latin-letter words of `text` that are not allowed: not in ALLOWED, not a function
    key, not a code (letters with digits), not part of an address or a path, not one of
    `names` (usernames, printers, readers: names the office chose), not on a "Details" line
    (the technical text for support, in the language in use's "Details: " words)."""
    details = _("Details: {detail}").split("{detail}")[0]
    text = "\n".join(line for line in text.splitlines() if not line.startswith(details))
    text = _CHORD.sub(" ", _URL.sub(" ", _COMMAND.sub(" ", text)))
    text = _PATH.sub(" ", text)
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    words = []
    for word in _WORD.findall(text):
        word = word.rstrip(".'’-")
        if not _LATIN.search(word) or any(c.isdigit() for c in word):
            continue  # digits only, or a code (card numbers like A08015542, demo-2026)
        if word in ALLOWED or word in LANGUAGE_NAMES or _KEY.fullmatch(word):
            continue
        words.append(word)
    return words


def findings(texts: Iterable[tuple[str, str]], names: Iterable[str] = ()) -> list[str]:
    """'where: text' for every text holding a word that is not allowed (see `foreign_words`)."""
    names = list(names)
    out = []
    for where, text in texts:
        bad = foreign_words(text, names)
        if bad:
            out.append(f"{where}: {text!r} -> {bad}")
    return out
