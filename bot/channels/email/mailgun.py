"""Mailgun's inbound-route webhook: signature, replay protection, form parsing.

Mailgun signs every webhook with the account's HTTP webhook signing key: the signature
is hex(HMAC-SHA256(key, timestamp + token)); `timestamp` is Unix seconds and `token` is
50 random characters. A request is accepted when the signature matches, the timestamp is
at most `max_age` seconds old and at most FUTURE_SKEW seconds ahead, and the token was
never seen before (`ReplayGuard`, kept at least `replay_ttl(max_age)` seconds so a token
cannot come back inside the window).

`parse_mailgun_form` reads the fields of a "store and notify"/"forward" route POST.
A payload it cannot use raises InvalidInput("unparseable_email"): the edge answers 406,
the only status that makes Mailgun stop retrying, and logs the code (never the fields).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from bot.base.errors import InvalidInput
from bot.channels.email.message import (
    KEPT_HEADERS,
    MAX_BYTES,
    InboundEmail,
    html_to_text,
    message_ids,
    new_text,
    normalise_address,
    synthetic_message_id,
)

FUTURE_SKEW = 60.0
TIMESTAMP = re.compile(r"[0-9]{1,12}")
MAX_TOKEN_CHARS = 256
MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")
TEXT_FIELDS = ("body-plain", "stripped-text", "body-html", "message-headers")


def replay_ttl(max_age: float = 300) -> float:
    """How long a used token must be remembered: the whole window it could verify in."""
    return max_age + FUTURE_SKEW


def verify_signature(
    signing_key: str, timestamp: str, token: str, signature: str, *, now: float, max_age: float = 300
) -> bool:
    """True when `signature` is Mailgun's HMAC-SHA256 of timestamp+token under
    `signing_key` and `timestamp` lies within [now - max_age, now + FUTURE_SKEW].
    Anything missing, non-numeric or non-text gives False."""
    values = (signing_key, timestamp, token, signature)
    if not all(isinstance(v, str) and v for v in values) or len(token) > MAX_TOKEN_CHARS:
        return False
    if not TIMESTAMP.fullmatch(timestamp):
        return False
    age = now - int(timestamp)
    if age > max_age or age < -FUTURE_SKEW:
        return False
    expected = hmac.new(
        signing_key.encode("utf-8"), (timestamp + token).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), signature.lower().encode("utf-8"))


class ReplayGuard(Protocol):
    async def first_use(self, token: str, ttl: float) -> bool:
        """True the first time `token` is seen within `ttl` seconds, False afterwards.
        (Production: Redis `SET key 1 NX EX ttl`, True when it was set.)"""
        ...


class InMemoryReplayGuard:
    """A ReplayGuard for tests and single-process development; `clock` is injectable."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._expiry: dict[str, float] = {}

    async def first_use(self, token: str, ttl: float) -> bool:
        now = self._clock()
        self._expiry = {t: exp for t, exp in self._expiry.items() if exp > now}
        if token in self._expiry:
            return False
        self._expiry[token] = now + ttl
        return True


def _text(form: Mapping[str, str], name: str) -> str:
    value = form.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("unparseable_email", f"{name} must be text")
    return value


def _headers(raw: str) -> tuple[dict[str, str], int]:
    """message-headers (a JSON list of [name, value]) -> (kept headers, Received count)."""
    if not raw:
        return {}, 0
    try:
        pairs = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to be headers
        raise InvalidInput("unparseable_email", "message-headers is not JSON") from None
    if not isinstance(pairs, list):
        raise InvalidInput("unparseable_email", "message-headers must be a list")
    kept: dict[str, str] = {}
    received = 0
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise InvalidInput("unparseable_email", "message-headers entries must be [name, value]")
        name = pair[0].strip().lower()
        if name == "received":
            received += 1
        elif name in KEPT_HEADERS and name not in kept:
            kept[name] = " ".join(pair[1].split())
    return kept, received


def _attachment_type(content_type: str) -> str:
    value = content_type.strip().lower()
    return value if MIME_TYPE.fullmatch(value) else "application/octet-stream"


def parse_mailgun_form(form: Mapping[str, str], attachments: Sequence[tuple[str, int]] = ()) -> InboundEmail:
    """The route's POST fields -> InboundEmail, or InvalidInput("unparseable_email") (not
    a mapping, no usable sender or recipient, malformed message-headers or
    attachment-count) or InvalidInput("too_large") (text fields over MAX_BYTES).
    `attachments` are (content type, size) of the multipart post's file parts
    `attachment-1`, `attachment-2`, ...: only their count, types and total size are
    kept. Verify the signature first. The text is taken from body-plain (Mailgun's own
    stripped-text when body-plain is absent, else body-html) and stripped here, since
    Mailgun's stripping is English-centric."""
    if not isinstance(form, Mapping):
        raise InvalidInput("unparseable_email", "form must be a mapping")
    if sum(len(_text(form, name)) for name in TEXT_FIELDS) > MAX_BYTES:
        raise InvalidInput("too_large", f"text fields over {MAX_BYTES} characters")
    try:
        from_address = normalise_address(_text(form, "from") or _text(form, "sender"))
        to_address = normalise_address(_text(form, "recipient").split(",")[0])
    except InvalidInput as exc:
        raise InvalidInput("unparseable_email", exc.detail) from None
    headers, received = _headers(_text(form, "message-headers"))
    count = _text(form, "attachment-count") or "0"
    if not re.fullmatch(r"[0-9]{1,4}", count):
        raise InvalidInput("unparseable_email", "attachment-count must be a small integer")
    plain, stripped, html = (_text(form, n) for n in ("body-plain", "stripped-text", "body-html"))
    if plain.strip():
        text = new_text(plain)
    elif stripped.strip():
        text = new_text(stripped)
    else:
        text = new_text(html_to_text(html)) if html.strip() else ""
    ids = message_ids(_text(form, "Message-Id"))
    in_reply_to = message_ids(_text(form, "In-Reply-To"))
    return InboundEmail(
        message_id=ids[0]
        if ids
        else synthetic_message_id(from_address, to_address, _text(form, "timestamp"), plain or html),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=message_ids(_text(form, "References")),
        from_address=from_address,
        to_address=to_address,
        subject=" ".join(_text(form, "subject").split()),
        text=text,
        headers=headers,
        attachment_count=max(int(count), len(attachments)),
        attachment_types=tuple(_attachment_type(t) for t, _ in attachments),
        attachment_bytes=sum(size for _, size in attachments),
        received_count=received,
    )
