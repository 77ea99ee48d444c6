"""Keyed references that stand in for guest identifiers in stored documents and logs.

A phone number, e-mail address or chat session id is never written into a rating
document or a log line; the HMAC-SHA256 of it under the deployment's guest key is.
The same guest gets the same reference within a tenant (so answers can be grouped and
erased), but references are not comparable across tenants or reversible without the key.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.base.errors import InvalidInput
from bot.base.names import REDIS_PREFIX, TRACKER
from bot.base.settings import Secret

SENDER_SEPARATOR = "~"  # a Rasa sender id is <tenant>~<guest id> (make_sender)
NO_TENANT = "_"  # the tenant segment of a tracker key whose sender id names no tenant


def _digest(key: Secret, *parts: str) -> str:
    msg = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(key.value.encode(), msg, hashlib.sha256).hexdigest()


def guest_ref(key: Secret, tenant_id: str, raw_guest_id: str) -> str:
    """Stable pseudonym of a guest within one tenant."""
    return "g_" + _digest(key, "guest", tenant_id, raw_guest_id)[:32]


# the guest id the SMS and e-mail channels give the sender of a number or address
CHANNEL_GUEST_PREFIX = {
    "sms": "sms-",
    "whatsapp": "sms-",
    "email": "email-",
}  # WhatsApp: the number's, as by SMS


def channel_guest_id(key: Secret, tenant_id: str, channel: str, address: str) -> str:
    """The guest id (the part after `~` of the sender id) the SMS channel derives from an
    E.164 number and the e-mail channel from a lower-case address."""
    return CHANNEL_GUEST_PREFIX[channel] + guest_ref(key, tenant_id, address)[2:26]


def address_guest_ref(key: Secret, tenant_id: str, channel: str, address: str) -> str:
    """The guest reference of whoever writes from `address` on `channel`: what the
    channels store with their turns, so a stay keyed by it continues as that guest."""
    return guest_ref(key, tenant_id, channel_guest_id(key, tenant_id, channel, address))


def conversation_id(key: Secret, sender_id: str, first_message_id: str) -> str:
    """Id of one feedback conversation, derived from the message that opened it, so a
    retried action computes the same id and stores nothing twice."""
    return "c_" + _digest(key, "conversation", sender_id, first_message_id)[:24]


def log_ref(key: Secret, value: str) -> str:
    """Short reference for log lines (correlates lines, reveals nothing)."""
    return _digest(key, "log", value)[:12]


def split_sender(sender_id: str) -> tuple[str, str]:
    """Our channels address conversations as `<tenant>~<guest id>`; the tenant is
    bound by the channel (endpoint or widget key), never by message metadata."""
    tenant_id, sep, guest = (sender_id or "").partition(SENDER_SEPARATOR)
    if not sep or not tenant_id or not guest:
        raise InvalidInput("bad_sender", "sender id is not <tenant>~<guest>")
    return tenant_id, guest


def make_sender(tenant_id: str, guest: str) -> str:
    return f"{tenant_id}{SENDER_SEPARATOR}{guest}"


def tracker_key(key: bytes, sender_id: str, prefix: str = REDIS_PREFIX) -> str:
    """The Redis key of a sender's Rasa tracker, `<prefix>:tracker:<tenant>:<HMAC of the
    sender id>` (bot/rasa/tracker_store.py writes it, bot/privacy/stores.py finds it):
    no phone number or address in a key."""
    tenant, sep, _ = sender_id.partition(SENDER_SEPARATOR)
    tenant = tenant if sep and tenant.isidentifier() else NO_TENANT
    digest = hmac.new(key, sender_id.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return f"{prefix}:{TRACKER}:{tenant}:{digest[:40]}"
