"""Statements and office reports: queries that return plain rows, and PDF rendering (reportlab).

`reports` is the only package that imports reportlab (in `reports.pdf`).
"""
