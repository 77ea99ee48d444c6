"""Inbound messages parsed into typed values before anything else sees them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import InvalidInput
from bot.tenants import Tenant, Tenants

GUEST_ID = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,128}$")
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}$")
CHANNELS = frozenset({"rest", "webchat", "sms", "email"})
HARD_MAX_CHARS = 20_000  # beyond this a request is refused outright (413)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class InboundMessage:
    tenant: Tenant
    guest: str  # channel-level guest id (a session id here; never logged)
    text: str
    metadata: dict[str, str]


def clean_text(text: str) -> str:
    """Control characters (except newline and tab) are removed; the rest is kept as is."""
    return CONTROL.sub("", text)


def parse_metadata(raw: Any, *, default_channel: str) -> dict[str, str]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidInput("bad_metadata", "metadata must be an object")
    out: dict[str, str] = {"channel": default_channel}
    channel = raw.get("channel")
    if channel is not None:
        if channel not in CHANNELS:
            raise InvalidInput("bad_metadata", "unknown channel")
        out["channel"] = channel
    for key in ("locale", "reservation_language"):
        value = raw.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or not LANG_TAG.match(value):
            raise InvalidInput("bad_metadata", f"{key} must be a language tag like 'de' or 'fr-CH'")
        out[key] = value
    return out


def parse_rest_payload(body: Any, tenants: Tenants) -> InboundMessage:
    """`{"sender": str, "message": str, "metadata": {"tenant"|"widget_key", "channel",
    "locale", "reservation_language"}}` -> InboundMessage, or InvalidInput /
    UnknownTenant. Operator-looking values (`{"$gt": ""}`) are rejected by type:
    every field must be a string."""
    if not isinstance(body, Mapping):
        raise InvalidInput("bad_json", "body must be a JSON object")
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not GUEST_ID.match(sender):
        raise InvalidInput("bad_sender", "sender must be 1-128 characters of [A-Za-z0-9_.:@+-]")
    if not isinstance(message, str):
        raise InvalidInput("bad_message", "message must be a string")
    if len(message) > HARD_MAX_CHARS:
        raise InvalidInput("too_large", f"message longer than {HARD_MAX_CHARS} characters")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise InvalidInput("bad_metadata", "metadata must be an object")
    metadata = metadata or {}
    tenant_id, widget_key = metadata.get("tenant"), metadata.get("widget_key")
    if isinstance(tenant_id, str):
        tenant = tenants.get(tenant_id)
    elif isinstance(widget_key, str):
        tenant = tenants.by_widget_key(widget_key)
    else:
        raise InvalidInput("bad_metadata", "metadata.tenant or metadata.widget_key is required")
    return InboundMessage(
        tenant, sender, clean_text(message), parse_metadata(metadata, default_channel="rest")
    )
