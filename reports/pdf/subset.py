"""reportlab's TrueType subsetter, with what does not change between documents read once.

Every statement embeds a subset of the CJK font made for it (the glyphs of its names and
addresses). reportlab's `TTFontFile.makeSubset` re-reads everything for each subset: it copies
the whole `glyf` table (3.5 MB for WenQuanYi Micro Hei), the `name`, `OS/2`, hinting and `post`
tables, and parses each glyph's header again. `Subsetter` keeps the constant tables and each
glyph it has seen (its bytes and where its components are) and then builds the same tables the
same way: its output is byte for byte reportlab's (the tests compare both on many subsets), in
about a third of the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from struct import pack, pack_into, unpack_from
from typing import Any

from reportlab.lib.rl_accel import add32, calcChecksum

# Composite glyph flags (TrueType 'glyf' table), as reportlab names them.
_ARG_1_AND_2_ARE_WORDS = 1 << 0
_WE_HAVE_A_SCALE = 1 << 3
_MORE_COMPONENTS = 1 << 5
_WE_HAVE_AN_X_AND_Y_SCALE = 1 << 6
_WE_HAVE_A_TWO_BY_TWO = 1 << 7
_COPIED = ("name", "OS/2", "cvt ", "fpgm", "prep")  # copied whole from the font
_MAX_GLYPHS_KEPT = 20_000  # glyphs remembered (a few MB at most)

Glyph = tuple[bytes, tuple[tuple[int, int], ...]]  # data, (offset of index, component) pairs


def _components(data: bytes) -> tuple[tuple[int, int], ...]:
    """Where a composite glyph names its components: (offset of the index, glyph index)."""
    found = []
    pos = 10
    flags = _MORE_COMPONENTS
    while flags & _MORE_COMPONENTS:
        flags, index = unpack_from(">HH", data, pos)
        found.append((pos + 2, index))
        pos += 8 if flags & _ARG_1_AND_2_ARE_WORDS else 6
        if flags & _WE_HAVE_A_SCALE:
            pos += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            pos += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            pos += 8
    return tuple(found)


class Subsetter:
    """Makes subsets of one parsed TrueType face (`reportlab.pdfbase.ttfonts.TTFontFace`)."""

    def __init__(self, face: Any) -> None:
        """Read the tables every subset copies, once."""
        self._face = face
        self._glyf_start = face.get_table_pos("glyf")[0]
        self._glyphs: dict[int, Glyph] = {}
        self._copied = []
        for tag in _COPIED:
            try:
                self._copied.append((tag, face.get_table(tag)))
            except KeyError:  # cvt, fpgm and prep are optional
                continue
        self._post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self._hhea = face.get_table("hhea")
        self._maxp = face.get_table("maxp")
        head = face.get_table("head")
        self._head = head[:8] + b"\0\0\0\0" + head[12:]  # checksum adjustment zeroed

    def _glyph(self, index: int) -> Glyph:
        """The bytes of glyph `index` and its components (none unless composite)."""
        glyph = self._glyphs.get(index)
        if glyph is None:
            positions = self._face.glyphPos
            start, end = positions[index], positions[index + 1]
            begin = self._glyf_start + start
            data = self._face._ttf_data[begin : begin + end - start]
            composite = len(data) > 2 and unpack_from(">h", data)[0] < 0
            glyph = (data, _components(data) if composite else ())
            if len(self._glyphs) >= _MAX_GLYPHS_KEPT:
                self._glyphs.clear()
            self._glyphs[index] = glyph
        return glyph

    def make_subset(self, subset: Sequence[int]) -> bytes:
        """The TrueType font of the characters `subset` (code i -> subset[i]), as reportlab's
        `makeSubset` makes it."""
        char_to_glyph = self._face.charToGlyph
        glyph_map = [0]  # new glyph index -> original glyph index
        glyph_set = {0: 0}  # original glyph index -> new glyph index
        code_to_glyph = {}
        for code in subset:
            original = char_to_glyph.get(code, 0)
            if original not in glyph_set:
                glyph_set[original] = len(glyph_map)
                glyph_map.append(original)
            code_to_glyph[code] = glyph_set[original]
        n = 0
        while n < len(glyph_map):  # the components of composite glyphs come along
            for _offset, component in self._glyph(glyph_map[n])[1]:
                if component not in glyph_set:
                    glyph_set[component] = len(glyph_map)
                    glyph_map.append(component)
            n += 1
        tables = dict(self._copied)
        tables["post"] = self._post
        count = len(glyph_map)
        tables["hmtx"], long_metrics = self._hmtx(glyph_map)
        tables["hhea"] = _ushort(self._hhea, 34, long_metrics)
        tables["maxp"] = _ushort(self._maxp, 4, count)
        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset)]
        cmap += map(code_to_glyph.get, subset)
        tables["cmap"] = pack(f">{len(cmap)}H", *cmap)
        glyf, offsets = self._glyf(glyph_map, glyph_set)
        tables["glyf"] = glyf
        end = offsets[-1]
        if (end + 1) >> 1 > 0xFFFF:
            tables["loca"] = pack(f">{len(offsets)}L", *offsets)
            tables["head"] = _ushort(self._head, 50, 1)
        else:
            tables["loca"] = pack(f">{len(offsets)}H", *(o >> 1 for o in offsets))
            tables["head"] = _ushort(self._head, 50, 0)
        return _stream(tables)

    def _hmtx(self, glyph_map: list[int]) -> tuple[bytes, int]:
        """The horizontal metrics (trailing equal advance widths given once) and how many
        full metrics there are."""
        metrics = self._face.hmetrics
        flat: list[int] = []
        for original in glyph_map:
            advance, bearing = metrics[original]
            flat += (int(advance), int(bearing))
        n = len(flat) - 2
        while n and flat[n] == flat[n - 2]:
            n -= 2
        n += 2
        flat = flat[:n] + flat[n + 1 :: 2]
        return pack(f">{len(flat)}H", *flat), n >> 1

    def _glyf(self, glyph_map: list[int], glyph_set: dict[int, int]) -> tuple[bytes, list[int]]:
        """The glyphs, each padded to 4 bytes, components renumbered; and their offsets."""
        parts: list[bytes] = []
        offsets = []
        pos = 0
        for original in glyph_map:
            offsets.append(pos)
            data, components = self._glyph(original)
            if components:
                patched = bytearray(data)
                for offset, component in components:
                    pack_into(">H", patched, offset, glyph_set[component])
                data = bytes(patched)
            parts.append(data)
            pos += len(data)
            if pos % 4:
                padding = 4 - pos % 4
                parts.append(b"\0" * padding)
                pos += padding
        offsets.append(pos)
        return b"".join(parts), offsets


def _ushort(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + pack(">H", value) + data[offset + 2 :]


def _stream(tables: dict[str, bytes]) -> bytes:
    """The font file of `tables` (reportlab's `TTFontMaker.makeStream`)."""
    count = len(tables)
    search_range, entry_selector = 1, 0
    while search_range * 2 <= count:
        search_range *= 2
        entry_selector += 1
    search_range *= 16
    shift = count * 16 - search_range
    out = [pack(">lHHHH", 0x00010000, count, search_range, entry_selector, shift)]
    offset = 12 + count * 16
    items = sorted(tables.items())
    head_at = 0
    for tag, data in items:
        if tag == "head":
            head_at = offset
        out.append(tag.encode("latin-1") + pack(">LLL", calcChecksum(data), offset, len(data)))
        offset += (len(data) + 3) & ~3
    for _tag, data in items:
        out.append(data)
        if len(data) % 4:
            out.append(b"\0" * (4 - len(data) % 4))
    font = bytearray(b"".join(out))
    pack_into(">L", font, head_at + 8, add32(0xB1B0AFBA, -calcChecksum(bytes(font))))
    return bytes(font)
