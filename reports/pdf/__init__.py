"""PDF rendering of statements and office reports (the only code that imports reportlab).

Every document is A4, set in an embedded CJK TrueType font, with a header, a footer reading
'page x of y', visible offline and demo notices, and a QR code on the first page.
"""

from reports.pdf.audit import render_audit_extract
from reports.pdf.daily import render_daily_report
from reports.pdf.dispatch import Document, render
from reports.pdf.fonts import FontUnavailable, load_font, missing_glyphs
from reports.pdf.medical import render_medical_statement
from reports.pdf.rights import render_rights_record

__all__ = [
    "Document",
    "FontUnavailable",
    "load_font",
    "missing_glyphs",
    "render",
    "render_audit_extract",
    "render_daily_report",
    "render_medical_statement",
    "render_rights_record",
]
