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
from collections.abc import Iterable, Mapping
from typing import Any

from bot.base.errors import ConfigError, InvalidInput
from bot.base.settings import Secret
from bot.base.states import Channel
from bot.inbox.text import LANG_TAG, WIDGET_PAYLOADS, clean_text, guest_text

SESSION_BYTES = 16
BOT_EVENT = "bot_uttered"  # the bot's replies, to the socket that sent the message
# Staff messages reach the widget as this event, in the room of the guest (every socket
# of one guest session joins it), published across processes on this Redis channel.
STAFF_EVENT = "staff_uttered"
STAFF_ACK_EVENT = "staff_received"
SOCKETIO_CHANNEL = "rapport_webchat"
DAY = 86_400
CLOCK_SKEW = 60  # seconds a token may seem to come from the future (clocks of several hosts)
_TOKEN = re.compile(r"([0-9a-f]{32})\.(0|[1-9][0-9]{0,11})\.([0-9a-f]{32})")


def guest_room(tenant_id: str, guest_ref: str) -> str:
    """The socket.io room of one guest: named by the keyed reference, so staff (who
    know only the reference) can reach it and the session id is never needed."""
    return f"guest:{tenant_id}:{guest_ref}"


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


def origin_allowed(origin: Any, allowed: Iterable[str], own: str | None = None) -> bool:
    """Whether a browser's Origin header is `own` (this server's origin) or in `allowed`
    (lower-case `scheme://host[:port]`). Compared exactly: no prefix or suffix match."""
    if not isinstance(origin, str):
        return False
    origin = origin.rstrip("/").lower()
    return origin in allowed or (own is not None and origin == own.lower())


# socket.io's browser client (bot/channels/webchat/static/vendor/socket.io.min.js) is a UMD bundle: it assigns
# `window.io`, or registers itself with the page's AMD loader (RequireJS: an anonymous
# define() that such pages reject) or CommonJS globals. On a hotel's own page it must
# do none of that: the page may have its own socket.io client of another version in
# `window.io`. embed.js therefore loads a copy whose UMD prelude is replaced so that
# it only sets `window.RapportIo`; the page's globals are never read or written.
UMD_PRELUDE = (
    '!function(t,n){"object"==typeof exports&&"undefined"!=typeof module?module.exports=n():'
    '"function"==typeof define&&define.amd?define(n):'
    '(t="undefined"!=typeof globalThis?globalThis:t||self).io=n()}(this,(function(){'
)
PRIVATE_PRELUDE = "!function(t,n){t.RapportIo=n()}(window,(function(){"


def private_socketio_client(source: str) -> str:
    """The socket.io client bundle, setting `window.RapportIo` instead of `window.io`."""
    if source.count(UMD_PRELUDE) != 1:
        raise ConfigError(
            "bot/channels/webchat/static/vendor/socket.io.min.js: UMD prelude not found (a new version?)"
        )
    return source.replace(UMD_PRELUDE, PRIVATE_PRELUDE)


def parse_user_message(data: Any, max_chars: int) -> tuple[str, dict[str, str]]:
    """A socket.io `user_uttered` payload -> (text, metadata). Only a browser locale
    is taken from the client; the tenant comes from the session, never the message.
    Of texts starting with "/", only the widget's own payloads reach Rasa as intents."""
    if not isinstance(data, Mapping):
        raise InvalidInput("bad_payload", "user_uttered needs an object")
    text = data.get("message")
    if not isinstance(text, str):
        raise InvalidInput("bad_message", "message must be a string")
    if len(text) > max_chars:
        raise InvalidInput("too_large", f"message longer than {max_chars} characters")
    metadata = {"channel": Channel.WEBCHAT}
    locale = data.get("locale")
    if isinstance(locale, str) and LANG_TAG.fullmatch(locale):
        metadata["locale"] = locale
    return guest_text(clean_text(text), WIDGET_PAYLOADS), metadata
