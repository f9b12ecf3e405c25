"""Compressed answers: HTTP content negotiation for the protocol's JSON answers.

An office that says `Accept-Encoding: zstd` (or `gzip`) gets the bootstrap pages, change pages,
person lookups and every other JSON answer of /v1 of at least `MIN_SIZE` bytes compressed, with
`Content-Encoding`; a client that asks for neither (or for `identity` only) gets the body as it
was. Every answer under /v1 says `Vary: Accept-Encoding`. This is HTTP's own negotiation, below
the protocol: the JSON is the same either way, so it needs no protocol number
(docs/sync-protocol.md).

zstd is preferred when both are accepted (as small as gzip on bootstrap pages, and eight times
faster to compress, twice to decompress); it is offered only when the `zstandard` package is
installed. A page is compressed on a worker thread, never on the event loop. Streamed answers
(several body messages) pass as they are.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

try:  # zstd is optional: without the package, headquarters offers gzip only
    import zstandard
except ImportError:  # pragma: no cover - the test extra installs it
    zstandard = None

MIN_SIZE = 1400  # bytes: a smaller answer fits one TCP segment, compressed or not
PREFIX = "/v1/"
# zstd 1, measured on a bootstrap page of 500 persons (6.8 MB of JSON): 1.20 MB in 49 ms, where
# level 3 gives 1.28 MB in 95 ms and level 6 1.14 MB in 300 ms (bench/README.md, bench.wire).
ZSTD_LEVEL = 1
GZIP_LEVEL = 5  # the same page: 1.28 MB in 400 ms (zlib's default 6: 1.27 MB in 660 ms)


def _zstd(body: bytes) -> bytes:
    # One compressor per call: a ZstdCompressor is not safe to share between threads.
    assert zstandard is not None
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(body)


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


CODECS: dict[str, Callable[[bytes], bytes]] = {"gzip": _gzip}
if zstandard is not None:
    CODECS = {"zstd": _zstd, **CODECS}


def accepted(header: str) -> set[str]:
    """The codings an Accept-Encoding header accepts (q=0 excludes one; `*` accepts all)."""
    found: set[str] = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        quality = params.strip().lower().replace(" ", "")
        if not name or quality in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        found.update(CODECS if name == "*" else {name})
    return found


def choose(header: str | None) -> str | None:
    """The coding to answer with for an Accept-Encoding header: zstd, gzip or None."""
    if not header:
        return None
    wanted = accepted(header)
    return next((name for name in CODECS if name in wanted), None)


def compress(body: bytes, coding: str) -> bytes:
    """`body` compressed with `coding` (a key of CODECS)."""
    return CODECS[coding](body)


class CompressAnswers:
    """ASGI middleware: compresses JSON answers under /v1/ as the client accepts."""

    def __init__(self, app: ASGIApp, min_size: int = MIN_SIZE) -> None:
        self.app = app
        self.min_size = min_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        coding = choose(_header(scope.get("headers", []), b"accept-encoding"))
        if coding is None:
            await self.app(scope, receive, _varying(send))
            return
        start: Message | None = None
        passing = False

        async def compressing(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None:
                body = message.get("body", b"")
                if message.get("more_body", False) or not self._worth(start, body):
                    passing = True
                    await send(_with_vary(start))
                    await send(message)
                    return
                packed = await anyio.to_thread.run_sync(compress, body, coding)
                await send(_with_coding(start, coding, len(packed)))
                await send({"type": "http.response.body", "body": packed})
            else:
                await send(message)

        await self.app(scope, receive, compressing)

    def _worth(self, start: Message, body: bytes) -> bool:
        headers = start.get("headers", [])
        kind = _header(headers, b"content-type") or ""
        return (
            len(body) >= self.min_size
            and kind.startswith("application/json")
            and _header(headers, b"content-encoding") is None
        )


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _with_vary(start: Message) -> Message:
    """An answer's start with `Vary: Accept-Encoding` (another request could get another
    coding: caches must keep them apart)."""
    headers = start.get("headers", [])
    if _header(headers, b"vary") is not None:
        return start
    return {**start, "headers": [*headers, (b"vary", b"Accept-Encoding")]}


def _varying(send: Send) -> Send:
    """`send` adding `Vary: Accept-Encoding` to the answer's start."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = _with_vary(message)
        await send(message)

    return sending


def _with_coding(start: Message, coding: str, length: int) -> Message:
    kept = [
        (k, v)
        for k, v in start.get("headers", [])
        if k.lower() not in (b"content-length", b"vary", b"content-encoding")
    ]
    kept += [
        (b"content-encoding", coding.encode()),
        (b"content-length", str(length).encode()),
        (b"vary", b"Accept-Encoding"),
    ]
    return {**start, "headers": kept}
