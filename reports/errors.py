"""Errors of the reports package that callers tell apart (catching them needs no reportlab)."""

from __future__ import annotations


class ReportError(Exception):
    """Base of the errors raised on purpose by reports."""


class FontUnavailable(ReportError):
    """No usable CJK TrueType font, or a text holds characters the font cannot draw."""
