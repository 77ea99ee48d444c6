"""Access requests: everything Rapport holds about one guest in one tenant.

`export_guest` walks the store registry (bot/privacy/stores.py) and returns one JSON
document (format `rapport.export.v1`): the contact opened from its seal, the hotel's
stays of the guest (reservation, dates, status, contact and first name opened), conversations,
ratings, transcripts (with staff replies; private notes are staff's working notes about
the guest and are included too — they are the guest's personal data), handovers and
their history, requests, SMS records and consent, queued messages, the guest's
preferences (restriction, objection), the assistant's conversation memory (Rasa
trackers: the guest's and the assistant's messages) and the provider stand-ins'
records. `summary` renders a short readable overview in the guest's language from the
message catalog (`export.*` keys).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable
from typing import Any

from bot.i18n.catalog import Catalog
from bot.privacy import stores as st
from bot.privacy.erasure import export_stores
from bot.privacy.stores import PrivacyContext

FORMAT = "rapport.export.v1"
_TRACKER_EVENTS = ("user", "bot")


# what an export shows of a stay (bot/outreach/stays.py): the hotel's data, contact opened
STAY_FIELDS = (
    "reservation",
    "status",
    "arrival",
    "departure",
    "checked_out_at",
    "room_type",
    "booking_channel",
    "country",
    "language",
    "first_name",
    "phone",
    "email",
    "guest_ref",
    "source",
    "created_at",
    "updated_at",
)


def _plain(value: Any) -> Any:
    """JSON-safe: datetimes as ISO strings, subdocuments an update operator flattened
    into JSON strings left as they are."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _conversation_memory(trackers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages of each tracker (the slots and Rasa's internals are not the guest's data)."""
    out = []
    for tracker in trackers:
        out.append(
            {
                "messages": [
                    {
                        "from": "guest" if e["event"] == "user" else "assistant",
                        "text": e.get("text"),
                        "at": e.get("timestamp"),
                    }
                    for e in tracker.get("events", [])
                    if e.get("event") in _TRACKER_EVENTS and e.get("text")
                ]
            }
        )
    return out


async def export_guest(
    ctx: PrivacyContext,
    tenant: str,
    guest_ref: str,
    *,
    sender_ids: Iterable[str] = (),
    addresses: Iterable[str] = (),
) -> dict[str, Any]:
    subject = await st.resolve(ctx, tenant, guest_ref, sender_ids=sender_ids, addresses=addresses)
    raw = await export_stores(ctx, subject)
    handovers = raw["handovers"]
    messages = sorted(handovers["messages"], key=lambda m: (m.get("conversation", ""), m.get("seq", 0)))
    return _plain(
        {
            "format": FORMAT,
            "tenant": tenant,
            "guest_ref": guest_ref,
            "generated_at": time.time(),
            "profile": {
                "contacts": [
                    {k: c.get(k) for k in ("channel", "address", "via", "thread", "sealed") if k in c}
                    for c in raw["contacts"]
                ],
                "preferences": raw["flags"],
            },
            "stays": [{k: v for k, v in d.items() if k in STAY_FIELDS} for d in raw["stays"]],
            "invitations": raw["invitations"],  # when the hotel invited them, on which channel
            "conversations": raw["conversations"],
            "ratings": raw["ratings"],
            "transcripts": messages,
            "handovers": handovers["handovers"],
            "handover_history": raw["handover_history"],
            "requests": raw["dsr_requests"],
            "sms": {"outbound": raw["sms"]["outbound"], "inbound": raw["sms"]["inbound"]},
            "consent": raw["sms"]["consent"],
            "whatsapp_window": raw["whatsapp_window"],  # when the guest last wrote on WhatsApp
            "email_inbound": raw["email_inbound"],
            "conversation_memory": _conversation_memory(raw["trackers"]),
            "provider_records": {"sms": raw["twilio"], "email": raw["smtp"]},
        }
    )


def summary(export: dict[str, Any], lang: str, catalog: Catalog | None = None) -> str:
    """A readable overview of an export, in `lang` (catalog keys `export.*`)."""
    catalog = catalog or Catalog.load()
    contacts = export["profile"]["contacts"]
    ratings = [r for r in export["ratings"] if r.get("kind") == "rating"]
    lines = [catalog.render(lang, "export.title", hotel=export["tenant"])]
    for c in contacts:
        lines.append(
            catalog.render(lang, "export.contact", channel=c.get("channel", ""), address=c.get("address", ""))
        )
    if not contacts:
        lines.append(catalog.render(lang, "export.no_contact"))
    lines.append(catalog.render(lang, "export.conversations", count=len(export["conversations"])))
    lines.append(catalog.render(lang, "export.ratings", count=len(ratings)))
    for r in ratings:
        lines.append(
            catalog.render(lang, "export.rating_line", question=r.get("question"), value=r.get("value"))
        )
    lines.append(catalog.render(lang, "export.transcripts", count=len(export["transcripts"])))
    lines.append(catalog.render(lang, "export.requests", count=len(export["requests"])))
    lines.append(catalog.render(lang, "export.sms", count=len(export["sms"]["outbound"])))
    if any(c.get("opted_out") for c in export["consent"]):
        lines.append(catalog.render(lang, "export.opted_out"))
    lines.append(catalog.render(lang, "export.machine_readable"))
    return "\n".join(lines)


def dumps(export: dict[str, Any]) -> str:
    return json.dumps(export, ensure_ascii=False, indent=2, sort_keys=True)
