"""Signed invitation links: the link in an invitation opens the web chat bound to one
guest and one stay, without a login.

    <public_url>/webhooks/webchat/i/<token>
    token = base64url(body) "." base64url(HMAC)
    body  = version (1 byte) | expiry (4 bytes, unix seconds) | the guest reference's
            16 bytes ("g_" + 32 hex) | the stay's 12 bytes ("s_" + 24 hex) | tenant id

Packed, not JSON, to keep the link short (78 characters of token): it goes into an SMS
whose every character counts (3 segments of 153 by default, bot/outbox/segments.py).
The HMAC (SHA-256, truncated to 16 bytes) is keyed with a key derived from the guest key
for this purpose only. The token carries keyed references, never the reservation, a name,
a number or an address: whoever sees the link learns nothing about the stay, and the web
chat it opens shows nothing of the stay either. `verify` refuses a token that was
altered, signed with another key, or has expired (`InvalidInvite.reason`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass

from bot.base.errors import RapportError
from bot.base.settings import Secret

PATH = "/webhooks/webchat/i/"
MAX_TOKEN_CHARS = 400
TTL_DAYS = 14  # default lifetime of a link


class InvalidInvite(RapportError):
    """`reason`: "malformed", "bad_signature" or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InviteClaim:
    tenant: str
    guest_ref: str
    stay: str
    expires_at: float


def _key(guest_key: Secret) -> bytes:
    return hmac.new(guest_key.value.encode(), b"rapport invite link v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


VERSION = 1
GUEST = re.compile(r"g_[0-9a-f]{32}")
STAY = re.compile(r"s_[0-9a-f]{24}")


def mint(guest_key: Secret, tenant: str, guest_ref: str, stay: str, expires_at: float) -> str:
    """Raises ValueError for a reference not in the form bot/base/refs.py and
    bot/outreach/stays.py give them."""
    if not GUEST.fullmatch(guest_ref) or not STAY.fullmatch(stay) or not tenant:
        raise ValueError("an invitation link names a guest_ref, a stay id and a tenant")
    body = (
        struct.pack(">BI", VERSION, int(expires_at))
        + bytes.fromhex(guest_ref[2:])
        + bytes.fromhex(stay[2:])
        + tenant.encode("utf-8")
    )
    mac = hmac.new(_key(guest_key), body, hashlib.sha256).digest()[:16]
    return f"{_b64(body)}.{_b64(mac)}"


def url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{PATH}{token}"


def unverified_tenant(token: object) -> str | None:
    """The tenant a token names, read WITHOUT checking the signature: only to answer a
    refused link in that hotel's language, never to grant anything."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        return None
    try:
        body = _unb64(token.split(".")[0])
        return body[33:].decode("utf-8") or None if len(body) > 33 and body[0] == VERSION else None
    except (ValueError, TypeError):
        return None


def verify(guest_key: Secret, token: str, now: float) -> InviteClaim:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise InvalidInvite("malformed")
    body_text, mac_text = token.split(".")
    try:
        body, mac = _unb64(body_text), _unb64(mac_text)
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        raise InvalidInvite("malformed") from None
    expected = hmac.new(_key(guest_key), body, hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(mac, expected):
        raise InvalidInvite("bad_signature")
    if len(body) < 34 or body[0] != VERSION:
        raise InvalidInvite("malformed")
    try:
        (expires,) = struct.unpack(">I", body[1:5])
        tenant = body[33:].decode("utf-8")
    except (struct.error, UnicodeDecodeError):
        raise InvalidInvite("malformed") from None
    result = InviteClaim(tenant, "g_" + body[5:21].hex(), "s_" + body[21:33].hex(), float(expires))
    if now >= result.expires_at:
        raise InvalidInvite("expired")
    return result
