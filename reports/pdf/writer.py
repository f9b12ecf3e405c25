"""reportlab's document writer for the statements, faster: the same bytes, formatted directly.

reportlab formats a document object by object through a general `format` that asks each
element what it is (isinstance chains, a charmap codec for every name and number) and builds
throwaway dictionaries for pages, fonts and the info: about 0.6 ms of a statement's 3.5. Here
the document's own `format` is replaced (for that document only: other canvases, such as the
benchmarks' bare baseline, keep reportlab's) by one that writes the same bytes from the same
objects with a dispatch on their exact type. Objects it has no rule for are formatted by
reportlab itself, so anything new in a document still comes out right, only not faster.
`tests/test_pdf_writer.py` renders every kind of document both ways and compares the bytes.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from types import MethodType
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

# ASCII that PDFDocEncoding (reportlab's 'extpdfdoc' codec) does not keep as it is
_NOT_PDFDOC = re.compile("[\x18-\x1f]")
_STRINGS: dict[tuple[str, Any, Any], bytes] = {}  # info strings: title, office, creator ...
_STRINGS_LIMIT = 4096
_DATES: dict[tuple, bytes] = {}  # the creation date: one for every invariant document
# A string PDFString writes as it is between parentheses: printable ASCII but \ ( )
_PLAIN_STRING = re.compile(r"[ -'*-\[\]-~]*\Z").match


def write_fast(canv: Canvas) -> None:
    """Make `canv`'s document format itself with this module (only that document)."""
    doc: Any = canv._doc
    if rl_config.pdfComments and not rl_config.invariant:
        return  # comments between objects: left to reportlab
    doc.format = MethodType(_format_document, doc)


# reportlab's PDFName (a Python loop over the characters), kept: the same few dozen names
# (dictionary keys, fonts, filters) recur in every document
_pdf_name = lru_cache(maxsize=4096)(pdfdoc.PDFName)


@lru_cache(maxsize=4096)
def _name(key: str) -> bytes:
    """`/key` as reportlab's PDFName writes it (escapes included)."""
    return pdfdoc.pdfdocEnc(_pdf_name(key))


class _Writer:
    """Formats the elements of one document."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.numbers = doc.idToObjectNumberAndVersion
        self.plain = isinstance(doc.encrypt, pdfdoc.NoEncryption)

    def element(self, value: Any, toplevel: bool = False) -> bytes:
        """What reportlab's `pdfdoc.format(value, doc, toplevel)` returns."""
        kind = type(value)
        if kind is str:
            if value.isascii() and not _NOT_PDFDOC.search(value):
                return value.encode("ascii")
            return pdfdoc.pdfdocEnc(value)
        if kind is int or kind is float:
            return fp_str(value).encode("latin-1")
        if kind is bytes:
            return value
        if isinstance(value, pdfdoc.PDFObject):
            if not toplevel and hasattr(value, "__RefOnly__"):
                return self._reference(self.doc.Reference(value))
            rule = _RULES.get(kind)
            return rule(self, value) if rule is not None else value.format(self.doc)
        return pdfdoc.format(value, self.doc, toplevel)  # bytearray, subclasses of str ...

    def _reference(self, ref: Any) -> bytes:
        try:
            return b"%d %d R" % self.numbers[ref.name]
        except KeyError:
            return ref.format(self.doc)  # reportlab's own error for an unresolved reference

    def dictionary(self, entries: dict, multiline: Any = True, indent: bytes = b"\n ") -> bytes:
        """A dictionary as `PDFDictionary.format` writes it."""
        keys = list(entries)
        if not isinstance(entries, OrderedDict):
            keys.sort()
        element = self.element
        lines = [_name(k) + b" " + element(entries[k]) for k in keys]
        if (multiline and rl_config.pdfMultiLine) or multiline == "forced":
            body = indent.join(lines)
        else:
            for i in reversed(range(6, len(lines), 6)):
                lines.insert(i, b"\n ")
            body = b" ".join(lines)
        return b"<<\n" + body + b"\n>>"

    def _dictionary_object(self, value: Any) -> bytes:
        return self.dictionary(value.dict, value.multiline)

    def _array_object(self, value: Any) -> bytes:
        items = [self.element(e) for e in value.sequence]
        multiline = value.multiline
        if (multiline and rl_config.pdfMultiLine) or multiline == "forced":
            return b"[ " + b"\n ".join(items) + b" ]"
        for i in reversed(range(10, len(items), 10)):
            items.insert(i, b"\n ")
        return b"[ " + b" ".join(items) + b" ]"

    def _string(self, value: Any) -> bytes:
        if not self.plain:
            return value.format(self.doc)
        text, escape, enc = value.s, getattr(value, "escape", 1), getattr(value, "enc", "auto")
        if type(text) is str and escape == 1 and enc == "auto" and _PLAIN_STRING(text):
            return b"(" + text.encode("ascii") + b")"  # nothing to escape or re-encode
        key = (text, escape, enc)
        found = _STRINGS.get(key)
        if found is None:
            found = value.format(self.doc)
            if len(_STRINGS) >= _STRINGS_LIMIT:
                _STRINGS.clear()
            _STRINGS[key] = found
        return found

    def _date(self, value: Any) -> bytes:
        if value.dateFormatter is not None:
            return value.format(self.doc)
        key = (tuple(value.date), value.dhh, value.dmm)
        found = _DATES.get(key)
        if found is None:
            found = _DATES[key] = value.format(self.doc)
        return found

    def _stream(self, stream: Any) -> bytes:
        entries = stream.dictionary.dict.copy()
        content = stream.content
        if content is None:
            raise ValueError("stream content not set")
        filters = stream.filters
        if filters is None:
            filters = self.doc.defaultStreamFilters
        if filters is not None and "Filter" not in entries:
            names = []
            for f in reversed(list(filters)):
                content = f.encode(content)
                names.insert(0, _pdf_name(f.pdfname))
            entries["Filter"] = pdfdoc.PDFArray(names)
        content = self.doc.encrypt.encode(content)
        body = self.element(content)
        entries["Length"] = len(content)
        return self.dictionary(entries) + b"\nstream\n" + body + b"endstream\n"

    def _catalog(self, obj: Any) -> bytes:
        """PDFCatalog.format, for the catalog, the page tree and the pages."""
        doc = self.doc
        obj.check_format(doc)
        entries = {}
        for key, default in obj.__Defaults__.items():
            value = getattr(obj, key, default)
            if value is not None:
                entries[key] = value
        for key in obj.__NoDefault__:
            value = getattr(obj, key, None)
            if value is not None:
                entries[key] = value
        for key in obj.__Refs__:
            if key in entries:
                entries[key] = doc.Reference(entries[key])
        return self.dictionary(entries)

    def _info(self, info: Any) -> bytes:
        date = pdfdoc.PDFDate(ts=self.doc._timeStamp, dateFormatter=info._dateFormatter)
        entries = {
            "Title": pdfdoc.PDFString(info.title),
            "Author": pdfdoc.PDFString(info.author),
            "ModDate": date,
            "CreationDate": date,
            "Producer": pdfdoc.PDFString(info.producer),
            "Creator": pdfdoc.PDFString(info.creator),
            "Subject": pdfdoc.PDFString(info.subject),
            "Keywords": pdfdoc.PDFString(info.keywords),
            "Trapped": _pdf_name(info.trapped),
        }
        return self.dictionary(entries)

    def _resources(self, resources: Any) -> bytes:
        entries: dict[str, Any] = {}
        for key in resources.dict_attributes:
            value = getattr(resources, key)
            if isinstance(value, dict):
                if value:
                    entries[key] = pdfdoc.PDFDictionary(value)
            else:
                entries[key] = value
        procs = resources.ProcSet
        if isinstance(procs, tuple | list):
            if procs:
                entries["ProcSet"] = pdfdoc.PDFArray(procs)
        else:
            entries["ProcSet"] = procs
        return self.dictionary(entries)

    def _font(self, font: Any) -> bytes:
        entries = {}
        for key in font.name_attributes:
            if hasattr(font, key):
                entries[key] = _pdf_name(getattr(font, key))
        for key in font.local_attributes:
            if hasattr(font, key):
                entries[key] = getattr(font, key)
        return self.dictionary(entries)

    def indirect(self, oid: str, obj: Any) -> bytes:
        """An object in the file: `n v obj ... endobj`, as PDFIndirectObject.format."""
        number, version = self.numbers[oid]
        self.doc.encrypt.register(number, version)
        content = self.element(obj, toplevel=True)
        end = b"endobj\n" if content.endswith(b"\n") else b"\nendobj\n"
        return b"%d %d obj\n" % (number, version) + content + end


# How each kind of object is written; any other is formatted by reportlab itself.
_RULES: dict[type, Callable[[_Writer, Any], bytes]] = {
    pdfdoc.PDFDictionary: _Writer._dictionary_object,
    pdfdoc.PDFArray: _Writer._array_object,
    pdfdoc.PDFArrayCompact: _Writer._array_object,
    pdfdoc.PDFObjectReference: _Writer._reference,
    pdfdoc.PDFStream: _Writer._stream,
    pdfdoc.PDFString: _Writer._string,
    pdfdoc.PDFDate: _Writer._date,
    pdfdoc.PDFCatalog: _Writer._catalog,
    pdfdoc.PDFPages: _Writer._catalog,
    pdfdoc.PDFPage: _Writer._catalog,
    pdfdoc.PDFInfo: _Writer._info,
    pdfdoc.PDFResourceDictionary: _Writer._resources,
    pdfdoc.PDFType1Font: _Writer._font,
    pdfdoc.PDFTrueTypeFont: _Writer._font,
}


def _format_document(doc: Any) -> bytes:
    """PDFDocument.format with `_Writer` formatting the objects (same steps, same bytes)."""
    doc.encrypt.prepare(doc)
    catalog, info = doc.Catalog, doc.info
    doc.Reference(catalog)
    doc.Reference(info)
    encrypt_info = doc.encrypt.info()
    encrypt_ref = doc.Reference(encrypt_info) if encrypt_info else None
    writer = _Writer(doc)
    number_to_id, offsets = doc.numberToId, doc.idToOffset
    doc.__accum__ = out = pdfdoc.PDFFile(doc._pdfVersion)
    ids = []
    counter = 1
    while counter in number_to_id:  # objects may be added while the others are formatted
        oid = number_to_id[counter]
        offsets[oid] = out.add(writer.indirect(oid, doc.idToObject[oid]))
        ids.append(oid)
        counter += 1
    del doc.__accum__
    if counter - 1 != len(number_to_id):
        raise ValueError(f"counter {counter} does not match the {len(number_to_id)} objects")
    xref = pdfdoc.PDFCrossReferenceTable()
    xref.addsection(0, ids)
    xref_offset = out.add(xref.format(doc))
    trailer = pdfdoc.PDFTrailer(
        startxref=xref_offset,
        Size=len(number_to_id) + 1,
        Root=doc.Reference(catalog),
        Info=doc.Reference(info),
        Encrypt=encrypt_ref,
        ID=doc.ID(),
    )
    out.add(trailer.format(doc))
    for signature in getattr(doc, "_digiSigs", []):
        signature.sign(out)
    return out.format(doc)
