"""The REST channel's request body, parsed into typed values before anything else sees
it (pure: no I/O). Operator-looking values (`{"$gt": ""}`) are refused by type."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.base.errors import InvalidInput
from bot.base.states import Channel
from bot.inbox.text import CHANNELS, HARD_MAX_CHARS, LANG_TAG, clean_text, guest_text
from bot.language.priors import valid_hint, valid_region
from bot.tenants.registry import Tenant, Tenants

# Used with fullmatch: `$` would also accept a trailing newline ("adv-nl\n").
GUEST_ID = re.compile(r"[A-Za-z0-9_.:@+\-]{1,128}")


@dataclass(frozen=True)
class InboundMessage:
    tenant: Tenant
    guest: str  # channel-level guest id (a session id here; never logged)
    text: str
    metadata: dict[str, str]
    message_id: str | None = None  # the client's id for at-least-once delivery (deduplicated)


def parse_metadata(raw: Any, *, default_channel: str) -> dict[str, str]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidInput("bad_metadata", "metadata must be an object")
    out: dict[str, str] = {"channel": default_channel}
    channel = raw.get("channel")
    if channel is not None:
        if not isinstance(channel, str) or channel not in CHANNELS:
            raise InvalidInput("bad_metadata", "unknown channel")
        out["channel"] = channel
    for key in ("locale", "reservation_language"):
        value = raw.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or not LANG_TAG.fullmatch(value):
            raise InvalidInput("bad_metadata", f"{key} must be a language tag like 'de' or 'fr-CH'")
        out[key] = value
    # weak language priors (bot/language/priors.py): a country code, a language list
    for key, valid, shape in (
        ("phone_region", valid_region, "an ISO 3166 country code like 'CH'"),
        ("language_hint", valid_hint, "a language list like 'fr-CH, fr;q=0.9'"),
    ):
        value = raw.get(key)
        if value is None or value == "":
            continue
        if valid(value) is None:
            raise InvalidInput("bad_metadata", f"{key} must be {shape}")
        out[key] = value
    return out


def parse_rest_payload(body: Any, tenants: Tenants) -> InboundMessage:
    """`{"sender": str, "message": str, "message_id"?: str, "metadata": {"tenant"|"widget_key",
    "channel", "locale", "reservation_language", "phone_region", "language_hint"}}` ->
    InboundMessage, or InvalidInput / UnknownTenant. Operator-looking values
    (`{"$gt": ""}`) are rejected by type: every field must be a string."""
    if not isinstance(body, Mapping):
        raise InvalidInput("bad_json", "body must be a JSON object")
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not GUEST_ID.fullmatch(sender):
        raise InvalidInput("bad_sender", "sender must be 1-128 characters of [A-Za-z0-9_.:@+-]")
    if not isinstance(message, str):
        raise InvalidInput("bad_message", "message must be a string")
    if len(message) > HARD_MAX_CHARS:
        raise InvalidInput("too_large", f"message longer than {HARD_MAX_CHARS} characters")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise InvalidInput("bad_metadata", "metadata must be an object")
    message_id = parse_message_id(body.get("message_id"))
    metadata = metadata or {}
    tenant_id, widget_key = metadata.get("tenant"), metadata.get("widget_key")
    if isinstance(tenant_id, str):
        tenant = tenants.get(tenant_id)
    elif isinstance(widget_key, str):
        tenant = tenants.by_widget_key(widget_key)
    else:
        raise InvalidInput("bad_metadata", "metadata.tenant or metadata.widget_key is required")
    return InboundMessage(
        tenant,
        sender,
        guest_text(clean_text(message)),
        parse_metadata(metadata, default_channel=Channel.REST),
        message_id,
    )


def parse_message_id(raw: Any) -> str | None:
    """An inbound message's id for deduplication (REST body, web chat payload
    `message_id`): absent/None, or 1-128 characters of [A-Za-z0-9_.:@+-]."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not GUEST_ID.fullmatch(raw):
        raise InvalidInput("bad_message_id", "message_id must be 1-128 characters of [A-Za-z0-9_.:@+-]")
    return raw
