"""Plain server-rendered HTML for headquarters' web pages: one layout, escaped text, no script.

Everything shown goes through `esc`; the style sheet is served from the same origin (the CSP
allows no inline style or script). Layout: one column on a phone, wider tables on a desktop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape

from hq.web.i18n import HTML_LANG, LANGUAGE_NAMES, LANGUAGES

CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 "WenQuanYi Micro Hei","Noto Sans CJK SC",system-ui,sans-serif;
color:#1a1a1a;background:#f4f5f7}
a{color:#0b4f9c}
a:focus,button:focus,input:focus{outline:3px solid #f0a000;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
header{background:#0b4f9c;color:#fff;padding:12px 16px;display:flex;flex-wrap:wrap;
gap:8px;align-items:center;justify-content:space-between}
header h1{font-size:1.2rem;margin:0}
header a,header button{color:#fff}
nav.lang a{margin-left:8px}
main{max-width:1100px;margin:0 auto;padding:16px}
section{background:#fff;border:1px solid #d0d4da;border-radius:6px;padding:12px 16px;
margin-bottom:16px;overflow-x:auto}
h2{font-size:1.1rem;margin:0 0 8px}
form.box{max-width:420px;background:#fff;border:1px solid #d0d4da;border-radius:6px;
padding:16px;margin:0 auto}
label{display:block;font-weight:600;margin-top:12px}
label.plain{display:inline;font-weight:400}
form.inline{margin-top:12px;border-top:1px solid #e2e5e9;padding-top:8px}
form.inline p{margin:4px 0}
input[type=checkbox]{width:1.2rem;height:1.2rem;vertical-align:middle}
input[type=text],input[type=password]{width:100%;font-size:1.1rem;padding:8px;
border:2px solid #555;border-radius:4px}
button{font-size:1rem;padding:10px 18px;margin-top:16px;background:#0b4f9c;color:#fff;
border:0;border-radius:4px;cursor:pointer}
header form button{margin:0;background:#083a73;border:1px solid #fff}
.note{color:#333;font-size:.95rem}
.center{text-align:center}
.error{color:#a00000;font-weight:600}
.ok{color:#0a5c1f;background:#e6f4ea;border:1px solid #0a5c1f;padding:8px;border-radius:4px}
textarea{width:100%;font:1rem monospace;padding:8px;border:2px solid #555;border-radius:4px}
select,input[type=file]{font-size:1rem;padding:6px;border:2px solid #555;border-radius:4px;
max-width:100%;background:#fff}
form.box+form.box{margin-top:16px}
.ok>p:first-child,div.error>p:first-child{margin-top:0}
.notice{background:#fff6d6;border:1px solid #c9a400;padding:8px;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e2e5e9;white-space:nowrap}
td.num,th.num{text-align:right}
tr.arrears td{background:#fde8e8;color:#8a0000;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dt{font-weight:600}dd{margin:0}
@media (max-width:600px){main{padding:8px}section{padding:8px}
th,td{padding:4px 5px;font-size:.85rem}header h1{font-size:1.05rem}}
@media (min-width:900px){.grid{display:grid;grid-template-columns:2fr 3fr;gap:16px}}
"""


def esc(value: object) -> str:
    """Text made safe for HTML (None shows as an empty cell)."""
    return "" if value is None else escape(str(value), quote=True)


def table(
    headers: Sequence[tuple[str, bool]],
    rows: Iterable[Sequence[object]],
    empty: str,
    row_class: Callable[[int], str] | None = None,
) -> str:
    """A table: headers as (text, numeric); rows of plain values (escaped here)."""
    body = []
    for index, row in enumerate(rows):
        cls = row_class(index) if row_class else ""
        cells = "".join(
            f'<td class="num">{esc(v)}</td>' if num else f"<td>{esc(v)}</td>"
            for v, (_, num) in zip(row, headers, strict=True)
        )
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    if not body:
        return f"<p>{esc(empty)}</p>"
    head = "".join(
        f'<th scope="col" class="num">{esc(h)}</th>' if num else f'<th scope="col">{esc(h)}</th>'
        for h, num in headers
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def layout(
    *,
    lang: str,
    title: str,
    heading: str,
    body: str,
    css_href: str,
    skip_text: str,
    lang_label: str,
    actions: str = "",
) -> str:
    """A whole page: lang attribute, skip link, header with language links, main content."""
    links = " ".join(
        f'<a href="?lang={code}" lang="{HTML_LANG[code]}" hreflang="{HTML_LANG[code]}"'
        + (' aria-current="true"' if code == lang else "")
        + f">{esc(LANGUAGE_NAMES[code])}</a>"
        for code in LANGUAGES
    )
    return (
        f'<!DOCTYPE html><html lang="{HTML_LANG[lang]}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        f'<link rel="stylesheet" href="{esc(css_href)}"></head><body>'
        f'<a class="skip" href="#main">{esc(skip_text)}</a>'
        f"<header><h1>{esc(heading)}</h1>"
        f'<nav class="lang" aria-label="{esc(lang_label)}">{links}</nav>{actions}</header>'
        f'<main id="main" tabindex="-1">{body}</main></body></html>'
    )
