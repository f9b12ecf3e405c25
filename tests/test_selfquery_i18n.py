"""The web pages' message table covers every message the pages use, in zh and es."""

from __future__ import annotations

import ast
from pathlib import Path

from hq import selfquery_store
from hq.web import i18n, record_page, verify
from models.document_kinds import KINDS

WEB = Path(__file__).resolve().parent.parent / "hq" / "web"


def _msgids() -> set[str]:
    found: set[str] = set()
    for path in WEB.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name == "_" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def test_every_message_of_the_pages_has_zh_and_es() -> None:
    used = (
        _msgids()
        | set(record_page.INSURANCE_NAMES.values())
        | set(record_page.ENTRY_NAMES.values())
        | set(verify.KIND_NAMES.values())
        | set(verify.PROBLEMS.values())
    )
    assert len(used) > 60
    missing = sorted(m for m in used if m not in i18n.MESSAGES)
    assert missing == []


def test_the_store_s_refusals_are_messages_of_the_pages() -> None:
    source = Path(selfquery_store.__file__).read_text(encoding="utf-8")
    refusals = [
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "PasswordRefused"
        and isinstance(node.args[0], ast.Constant)
    ]
    assert refusals and all(r in i18n.MESSAGES for r in refusals)


def test_zh_is_the_default_and_unknown_languages_fall_back_to_it() -> None:
    assert i18n.pick(None) == "zh" and i18n.pick("fr", "") == "zh" and i18n.pick("fr", "es") == "es"
    assert i18n.translator("es")("Sign in") == "Iniciar sesión"
    assert i18n.translator("en")("Sign in") == "Sign in"


def test_the_verification_page_names_every_kind_of_document() -> None:
    assert set(verify.KIND_NAMES) == set(KINDS)
