"""Pure request checks and response headers of the console (no server needed).

- `SECURITY_HEADERS`: on every response. The CSP allows scripts and styles only from
  the console's own origin (bot/console/static/), no inline code, no framing.
- `same_origin(headers, origin)`: a state-changing request or a websocket upgrade must
  carry an `Origin` (or, failing that, a `Referer`) of the console's own origin. Pages
  send `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` for a
  plain form POST, so the console's scripts submit with fetch(..., {referrerPolicy:
  "same-origin"}), which sends the real origin.
- `tokens_match`: constant-time comparison of CSRF tokens.
- `form_fields`: a URL-encoded form body (the login form, the CSRF field), quietly
  empty when it is not one or not UTF-8 (Sanic's `request.form` logs a traceback).
- `session_cookie`: the attributes of the session cookie.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"


def origin_of(url: str) -> str | None:
    """`https://Console.example:443/x?y` -> `https://console.example:443`; None if not a URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(headers: Mapping[str, str], console_origin: str) -> bool:
    """True when the request says it comes from a page of `console_origin`."""
    origin = headers.get("origin")
    if origin and origin != "null":
        return origin_of(origin) == console_origin
    referer = headers.get("referer")
    if referer:
        return origin_of(referer) == console_origin
    return False


def tokens_match(expected: str | None, given: object) -> bool:
    if not expected or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def form_fields(content_type: str | None, body: bytes | None) -> dict[str, str]:
    """The fields of an `application/x-www-form-urlencoded` body (first value of each)."""
    if not (content_type or "").lower().startswith("application/x-www-form-urlencoded") or not body:
        return {}
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict", max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        return {}
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def is_https(console_url: str) -> bool:
    return console_url.lower().startswith("https://")


def session_cookie_name(console_url: str) -> str:
    """`__Host-` prefixed when Secure: the browser then refuses the cookie unless it is
    Secure, Path=/ and without Domain (no subdomain can plant or read it)."""
    return "__Host-rapport_console" if is_https(console_url) else "rapport_console"


def login_cookie_name(console_url: str) -> str:
    return "__Host-rapport_login" if is_https(console_url) else "rapport_login"


def cookie_attributes(console_url: str, *, max_age: int | None) -> dict[str, object]:
    attrs: dict[str, object] = {"httponly": True, "samesite": "Strict", "path": "/"}
    if is_https(console_url):
        attrs["secure"] = True
    if max_age is not None:
        attrs["max-age"] = max_age
    return attrs
