"""Web chat sessions: server-issued, signed session tokens bound to one tenant.

Rasa 3.6's socket.io channel lets the client pick its `session_id`, so anyone who
sends a guest's session id joins that guest's room. Here the server issues
`<session id>.<HMAC(tenant, session id)>`; a client resuming a session must present
the token the server gave it, and replies go only to the socket that sent the message.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from bot.channels.inbound import LANG_TAG, clean_text
from bot.errors import InvalidInput
from bot.settings import Secret

SESSION_BYTES = 16


def _sign(key: Secret, tenant_id: str, session_id: str) -> str:
    msg = f"webchat\x1f{tenant_id}\x1f{session_id}".encode()
    return hmac.new(key.value.encode(), msg, hashlib.sha256).hexdigest()[:32]


def issue_session(key: Secret, tenant_id: str) -> tuple[str, str]:
    """A new (session id, token)."""
    session_id = secrets.token_hex(SESSION_BYTES)
    return session_id, f"{session_id}.{_sign(key, tenant_id, session_id)}"


def resume_session(key: Secret, tenant_id: str, token: Any) -> str | None:
    """The session id if `token` was issued by us for this tenant, else None."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 100:
        return None
    session_id, signature = token.split(".")
    if len(session_id) != SESSION_BYTES * 2:
        return None
    expected = _sign(key, tenant_id, session_id)
    return session_id if hmac.compare_digest(signature, expected) else None


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
