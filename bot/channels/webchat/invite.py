"""The web chat opened by an invitation's signed link (bot/base/invite_link.py):

    GET /webhooks/webchat/i/<token>   a page with the widget, bound to the invited guest

The link is a bearer link: whoever holds it talks as the invited guest, without a
login, until it expires (the token's expiry, 14 days by default). It reveals nothing
about the stay: the token carries keyed references only, the page shows the hotel's
name and the chat, and the chat says only what the bot asks. It stops working when it
expires, when it was altered or signed with another key, when the tenant is gone, and
when the stay was erased or no longer belongs to that guest.

The conversation is the invited guest's own: the socket's sender id is the one the SMS
channel gives the invited number (or the e-mail channel the address, for a stay with
no phone) — bot/base/refs.py `channel_guest_id` — so a guest who answered by SMS and
then opens the link carries on in the same conversation, an erasure finds it like any
SMS conversation, and a new conversation is started from the same stay's invitation
(bot/outreach/opening.py, in the feedback pipeline). Working that id out opens the
stay's sealed number or address (audited, read only for this; never sent to the
browser nor logged).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from pymongo.errors import PyMongoError

from bot.base.errors import StorageError, UnknownTenant
from bot.base.invite_link import InvalidInvite, InviteClaim, unverified_tenant, verify
from bot.base.names import STAYS
from bot.base.refs import channel_guest_id, guest_ref
from bot.base.sealing import Cipher, DecryptionError
from bot.base.settings import Secret
from bot.base.states import Channel
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Tenants

# how the page answers a link that does not work: (HTTP status, what the page says)
REFUSALS = {
    "malformed": (404, "invalid"),
    "unknown_tenant": (404, "invalid"),
    "bad_signature": (400, "invalid"),
    "expired": (410, "expired"),
    "gone": (404, "gone"),
}
CONTACTS = ((Channel.SMS, "phone"), (Channel.EMAIL, "email"))  # the order the stay's guest_ref prefers


class Refused(Exception):
    """A link that does not work: `reason` a key of REFUSALS, `lang` the page's language."""

    def __init__(self, reason: str, lang: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.lang = lang

    @property
    def status(self) -> int:
        return REFUSALS[self.reason][0]

    @property
    def kind(self) -> str:
        return REFUSALS[self.reason][1]


def claimed_tenant(token: Any) -> str | None:
    """The tenant a token names, read WITHOUT checking it: only to answer a refused link
    in that hotel's language (never to grant anything)."""
    return unverified_tenant(token)


def check(key: Secret, tenants: Tenants, token: Any, now: float | None = None) -> InviteClaim:
    """The claim of a working link, else Refused (in the hotel's default language when
    the token names a hotel, else English)."""
    named = claimed_tenant(token)
    lang = "en"
    with contextlib.suppress(UnknownTenant, ValueError, TypeError):
        lang = tenants.get(named).default_language if named else "en"
    try:
        claim = verify(key, token, time.time() if now is None else now)
    except InvalidInvite as e:
        raise Refused(e.reason, lang) from None
    try:
        tenants.get(claim.tenant)
    except UnknownTenant:
        raise Refused("unknown_tenant", "en") from None
    return claim


async def _stay(mongo: MongoStore, claim: InviteClaim, fields: dict[str, int]) -> dict[str, Any] | None:
    try:
        doc = await mongo.database(claim.tenant)[STAYS].find_one({"_id": claim.stay}, fields)
    except PyMongoError as e:
        raise StorageError("reading the stay failed") from e
    if doc is None:
        return None
    refs = doc.get("guest_refs")
    refs = list(refs) if isinstance(refs, list) else [doc.get("guest_ref")]
    return doc if claim.guest_ref in refs else None


async def stay_exists(mongo: MongoStore, claim: InviteClaim) -> bool:
    """The link's stay is still there and still this guest's (not erased, not changed)."""
    return await _stay(mongo, claim, {"guest_refs": 1, "guest_ref": 1}) is not None


async def invited_guest(mongo: MongoStore, cipher: Cipher, key: Secret, claim: InviteClaim) -> str | None:
    """The guest id (the part of the sender id after `~`) the SMS or e-mail channel gives
    the invited number or address, whichever has the link's reference; None when the
    stay is gone or none of its contacts opens to that reference."""
    doc = await _stay(mongo, claim, {"guest_refs": 1, "guest_ref": 1, "phone": 1, "email": 1})
    if doc is None:
        return None
    for channel, name in CONTACTS:
        sealed = doc.get(name)
        if not isinstance(sealed, str):
            continue
        try:
            address = cipher.open(sealed, f"{claim.tenant}|{claim.stay}|{name}")  # stays.py's AAD
        except DecryptionError:
            continue  # a retired key
        guest = channel_guest_id(key, claim.tenant, channel, address)
        if guest_ref(key, claim.tenant, guest) == claim.guest_ref:
            return guest
    return None
