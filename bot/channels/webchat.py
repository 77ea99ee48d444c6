"""Web chat sessions: server-issued, signed, expiring session tokens bound to one tenant.

Rasa 3.6's socket.io channel lets the client pick its `session_id`, so anyone who
sends a guest's session id joins that guest's room. Here the server issues
`<session id>.<issued at, unix seconds>.<HMAC(tenant, session id, issued at)>`; a
client resuming a session must present a token the server gave it for this tenant,
not older than the configured maximum age (RAPPORT_WEBCHAT_TOKEN_DAYS) and not from
the future, and replies go only to the socket that sent the message.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from typing import Any

from bot.channels.inbound import LANG_TAG, clean_text
from bot.errors import InvalidInput
from bot.settings import Secret

SESSION_BYTES = 16
DAY = 86_400
CLOCK_SKEW = 60  # seconds a token may seem to come from the future (clocks of several hosts)
_TOKEN = re.compile(r"([0-9a-f]{32})\.(0|[1-9][0-9]{0,11})\.([0-9a-f]{32})")


def _sign(key: Secret, tenant_id: str, session_id: str, issued_at: int) -> str:
    msg = f"webchat\x1f{tenant_id}\x1f{session_id}\x1f{issued_at}".encode()
    return hmac.new(key.value.encode(), msg, hashlib.sha256).hexdigest()[:32]


def issue_session(key: Secret, tenant_id: str, *, now: float | None = None) -> tuple[str, str]:
    """A new (session id, token)."""
    session_id = secrets.token_hex(SESSION_BYTES)
    issued_at = int(time.time() if now is None else now)
    return session_id, f"{session_id}.{issued_at}.{_sign(key, tenant_id, session_id, issued_at)}"


def resume_session(
    key: Secret, tenant_id: str, token: Any, *, max_age_days: float = 30, now: float | None = None
) -> str | None:
    """The session id if `token` was issued by us for this tenant at most `max_age_days`
    ago (and not in the future), else None."""
    if not isinstance(token, str) or len(token) > 100:
        return None
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    session_id, issued, signature = match.groups()
    issued_at = int(issued)
    expected = _sign(key, tenant_id, session_id, issued_at)
    if not hmac.compare_digest(signature, expected):
        return None
    now = time.time() if now is None else now
    if issued_at > now + CLOCK_SKEW or now - issued_at > max_age_days * DAY:
        return None
    return session_id


def parse_user_message(data: Any, max_chars: int) -> tuple[str, dict[str, str]]:
    """A socket.io `user_uttered` payload -> (text, metadata). Only a browser locale
    is taken from the client; the tenant comes from the session, never the message."""
    if not isinstance(data, Mapping):
        raise InvalidInput("bad_payload", "user_uttered needs an object")
    text = data.get("message")
    if not isinstance(text, str):
        raise InvalidInput("bad_message", "message must be a string")
    if len(text) > max_chars:
        raise InvalidInput("too_large", f"message longer than {max_chars} characters")
    metadata = {"channel": "webchat"}
    locale = data.get("locale")
    if isinstance(locale, str) and LANG_TAG.match(locale):
        metadata["locale"] = locale
    return clean_text(text), metadata
