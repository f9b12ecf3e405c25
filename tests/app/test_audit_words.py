"""Audit details as people read them: labels, lists joined, codes named, no Python reprs."""

from __future__ import annotations

import re

from desktop.core.audit_words import detail_words
from desktop.core.i18n import set_language


def test_an_enrolment_detail_names_its_districts_and_has_no_repr() -> None:
    set_language("zh")
    try:
        text = detail_words({"office": "JN01", "districts": ["370102", "370105"]})
    finally:
        set_language("en")
    assert "[" not in text and "'" not in text
    assert "辖区：370102 历下区、370105 天桥区" in text
    assert "网点：JN01" in text


def test_known_keys_and_values_are_translated_and_booleans_are_words() -> None:
    set_language("zh")
    try:
        text = detail_words({"key": "card", "found": False, "how": "card_pin", "status": "lost"})
    finally:
        set_language("en")
    assert not re.search("[A-Za-z]", text), text
    assert "否" in text and "已挂失" in text


def test_in_english_the_same_detail_reads_as_words() -> None:
    set_language("en")
    text = detail_words({"username": "clerk02", "role": "supervisor", "to_initial": True})
    assert text == "username: clerk02; back to the initial password: yes; role: supervisor"
