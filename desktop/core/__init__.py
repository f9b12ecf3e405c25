"""The application's Tk-free part: what the counter, the supervisor's screens and the kiosk do,
as plain functions and objects for worker threads and the command line.

Nothing here imports tkinter or ttkbootstrap, even indirectly (tests/test_architecture.py):
the screens of `desktop.app` call into this package, never the other way round. It holds the
office services (documents, batches, staff, the audit log, headquarters' link), the visit and
the session at the counter, the sync status the bar shows, the card service's thread, the
messages and the translations (`i18n`; `catalogs` extracts the strings of both packages).
"""
