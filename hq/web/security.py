"""Sessions, CSRF tokens and security headers for headquarters' web pages.

A session is a signed cookie (HMAC-SHA256 over its JSON), holding no personal data: a random
session id, the person's internal id once signed in, whether a new password must be chosen,
and when the session started and was last used (headquarters' clock). It expires after
IDLE_TIMEOUT without a request and after MAX_AGE in all. The signing key comes from
$COUNTERDESK_HQ_WEB_SECRET (set it when `hq serve` runs several workers or restarts must keep
sessions), else a random key of the process. The CSRF token of every form is an HMAC of the
session id: a form posted without the token of the cookie it came with is refused.

The cookie is `Secure` unless the page was asked for over plain http on a loopback address
(the tests and a developer's machine): a browser would not send a Secure cookie back there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

SECRET_ENV = "COUNTERDESK_HQ_WEB_SECRET"
IDLE_TIMEOUT = timedelta(minutes=10)
MAX_AGE = timedelta(hours=2)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(frozen=True)
class Session:
    """What the session cookie holds (no personal data)."""

    sid: str
    started: float
    seen: float
    person: int | None = None
    must_change: bool = False
    lang: str = ""

    def signed_in(self) -> bool:
        """True once the password was checked."""
        return self.person is not None


class Signer:
    """Signs and checks session cookies and CSRF tokens with one key."""

    def __init__(self, key: bytes | None = None) -> None:
        env = os.environ.get(SECRET_ENV)
        self.key = key or (env.encode() if env else secrets.token_bytes(32))

    def _mac(self, data: bytes) -> str:
        digest = hmac.new(self.key, data, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def dump(self, session: Session) -> str:
        """The cookie value of a session."""
        body = base64.urlsafe_b64encode(json.dumps(asdict(session)).encode()).decode()
        return f"{body}.{self._mac(body.encode())}"

    def load(self, value: str | None, kind: type[Any] = Session) -> Any:
        """The session (a `kind`, by default a Session) of a cookie value, None if absent,
        forged or malformed."""
        if not value or "." not in value or len(value) > 1000:
            return None
        body, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            return kind(**json.loads(base64.urlsafe_b64decode(body.encode())))
        except (ValueError, TypeError):
            return None

    def tag(self, text: str) -> str:
        """A keyed digest of `text` (e.g. an ID number as a rate limiter's key)."""
        return self._mac(b"tag:" + text.encode())

    def csrf(self, session: Session) -> str:
        """The CSRF token of the session's forms."""
        return self._mac(b"csrf:" + session.sid.encode())

    def csrf_ok(self, session: Session | None, token: str) -> bool:
        """True if `token` is the session's CSRF token."""
        return session is not None and hmac.compare_digest(token, self.csrf(session))


def new_session(now: datetime, lang: str = "") -> Session:
    """A fresh, anonymous session."""
    stamp = now.timestamp()
    return Session(secrets.token_urlsafe(16), stamp, stamp, lang=lang)


def live(session: Session | None, now: datetime) -> Session | None:
    """The session touched at `now`, or None if it expired (idle or too old)."""
    if session is None:
        return None
    stamp = now.timestamp()
    if stamp - session.seen > IDLE_TIMEOUT.total_seconds():
        return None
    if stamp - session.started > MAX_AGE.total_seconds():
        return None
    return replace(session, seen=max(session.seen, stamp))


def is_loopback_http(request: Request) -> bool:
    """True for plain http to a loopback address (the only place a cookie is not Secure)."""
    if request.url.scheme != "http":
        return False
    host = request.url.hostname or ""
    if host in ("localhost", "testserver"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def set_session_cookie(
    response: Response, request: Request, signer: Signer, name: str, session: Session | None
) -> None:
    """Write (or, for None, clear) the session cookie: HttpOnly, SameSite=Strict, Secure."""
    secure = not is_loopback_http(request)
    if session is None:
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")
        return
    response.set_cookie(
        name,
        signer.dump(session),
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def add_headers(response: Response, private: bool = True) -> Response:
    """Set the security headers (and no-store for pages with personal data)."""
    response.headers.update(SECURITY_HEADERS)
    if private:
        response.headers.update(PRIVATE_HEADERS)
    return response
