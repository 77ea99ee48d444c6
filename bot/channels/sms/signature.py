"""Checking the X-Twilio-Signature of a webhook request.

Twilio signs the URL it called (as configured in the console) plus the POSTed form fields
with the account's auth token (HMAC-SHA1). Behind a TLS-terminating proxy `request.url`
is "http://rasa:5005/..." while Twilio called "https://hotel.example/...", so the URL is
rebuilt from the configured public base URL and the request's raw path and query string.

The form must keep blank values: Twilio signs "Body=" of a picture-only MMS, and a parser
that drops it (Sanic's `request.form` does) makes a genuine request fail verification.
Parse the body with `urllib.parse.parse_qsl(body, keep_blank_values=True)` or
`request.get_form(keep_blank_values=True)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

from bot.base.errors import ConfigError


def public_url(base: str, path: str, query: str = "") -> str:
    """The URL Twilio signed: `base` ("https://hotel.example" or with a path prefix, with
    or without a trailing slash) + the request's raw, undecoded `path` + `query` (without
    "?"; none when empty). ConfigError when `base` is not an absolute http(s) URL."""
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError("the public base URL must look like https://host[:port][/prefix]")
    url = base.rstrip("/") + "/" + path.lstrip("/")
    query = query.removeprefix("?")
    return f"{url}?{query}" if query else url


def verify(auth_token: str, url: str, form: Mapping[str, str], signature: str | None) -> bool:
    """True when `signature` (the X-Twilio-Signature header) is Twilio's signature of `url`
    and `form` under `auth_token`. A missing or empty signature or token gives False.
    (Twilio's validator also accepts the URL with its default port added or removed.)"""
    if not signature or not auth_token or not isinstance(form, Mapping):
        return False
    return bool(RequestValidator(auth_token).validate(url, form, signature))
