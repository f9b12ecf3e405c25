"""Reusable widgets of the application: status bar, key footer, dialogs, tables, panels."""
