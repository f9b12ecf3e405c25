"""Screens of the "Office" menu: the supervisor's documents.

One person's statement, statements in a batch, the daily report and the audit log; each screen
lives in its own `doc_*` module, their work in `desktop.core.documents`.
"""

from __future__ import annotations

from desktop.app.context import Screen
from desktop.app.screens.office.doc_audit import AuditScreen
from desktop.app.screens.office.doc_batch import BatchScreen
from desktop.app.screens.office.doc_daily import DailyReportScreen
from desktop.app.screens.office.doc_statement import StatementScreen

SCREENS: tuple[type[Screen], ...] = (StatementScreen, BatchScreen, DailyReportScreen, AuditScreen)
