"""Signed invitation links: the link in an invitation opens the web chat bound to one
guest and one stay, without a login.

    <public_url>/webhooks/webchat/i/<token>
    token = base64url(JSON {"v":1,"t":tenant,"g":guest_ref,"s":stay_id,"e":expiry}) "." base64url(HMAC)

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
import json
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


def mint(guest_key: Secret, tenant: str, guest_ref: str, stay: str, expires_at: float) -> str:
    body = json.dumps(
        {"v": 1, "t": tenant, "g": guest_ref, "s": stay, "e": int(expires_at)}, separators=(",", ":")
    ).encode()
    mac = hmac.new(_key(guest_key), body, hashlib.sha256).digest()[:16]
    return f"{_b64(body)}.{_b64(mac)}"


def url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{PATH}{token}"


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
    try:
        claim = json.loads(body)
        result = InviteClaim(str(claim["t"]), str(claim["g"]), str(claim["s"]), float(claim["e"]))
    except (ValueError, KeyError, TypeError):
        raise InvalidInvite("malformed") from None
    if claim.get("v") != 1:
        raise InvalidInvite("malformed")
    if now >= result.expires_at:
        raise InvalidInvite("expired")
    return result
