"""The holder's name as the card stores it: GB 18030 in a 30-byte record, the rest in tag 4E."""

from __future__ import annotations

NAME_LENGTH = 30
EXTENSION_LENGTH = 20


def split_name(name: str) -> tuple[bytes, bytes]:
    """The name's bytes for the name record and for the extension record (empty if none).

    Splits between characters, never inside one. ValueError if the name does not fit both.
    """
    head = bytearray()
    rest = bytearray()
    for character in name:
        encoded = character.encode("gb18030")
        if not rest and len(head) + len(encoded) <= NAME_LENGTH:
            head += encoded
        else:
            rest += encoded
    if not head:
        raise ValueError("the name is empty")
    if len(rest) > EXTENSION_LENGTH:
        raise ValueError(
            f"{name!r} needs {len(head) + len(rest)} bytes; a card holds "
            f"{NAME_LENGTH + EXTENSION_LENGTH}"
        )
    return bytes(head), bytes(rest)
