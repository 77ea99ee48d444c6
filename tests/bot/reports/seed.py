"""Stored ratings with topics, as the engine writes them (bot/storage/documents.py), for
the report tests: inserted through the real store into the real nx-27017."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from bot.base.insight import Mention
from bot.base.turn import Answer
from bot.storage.documents import rating_document
from bot.tenants.registry import Tenant, Tenants

TENANT = "alpenhof"
ROOT = Path(__file__).resolve().parents[3]


def alpenhof() -> Tenant:
    return Tenants.load(ROOT / "config" / "tenants.yml", ("de", "en", "fr", "es", "it")).get(TENANT)


def comment(
    text: str,
    mentions: list[tuple[str, str, tuple[str, ...]]],
    at: dt.datetime,
    *,
    guest: str | None = None,
    kind: str = "comment",
    channel: str = "sms",
    language: str = "en",
    about: str = "room",
) -> dict[str, Any]:
    """One free-text answer; `mentions` = [(topic, polarity, words)]."""
    cid, gref = "c_" + secrets.token_hex(8), guest or "g_" + secrets.token_hex(12)
    topics = tuple(Mention(t, p, w, i) for i, (t, p, w) in enumerate(mentions))
    polarity = {m.polarity for m in topics}
    answer = Answer(
        (about or "general") if kind == "comment" else "comment",  # alpenhof's text question
        kind,
        raw=text,
        topics=topics,
        polarity=polarity.pop() if len(polarity) == 1 else "mixed",
        about=about if kind == "comment" else None,
    )
    doc = rating_document(
        tenant_id=TENANT,
        conversation_id=cid,
        guest_ref=gref,
        channel=channel,
        language=language,
        answer=answer,
        now=at,
    )
    if kind == "comment":
        doc["_id"] = f"{cid}:{about}:comment:{secrets.token_hex(6)}"  # CONTRACTS: kind comment
    return dict(doc)


def rating(
    question: str, value: float, at: dt.datetime, *, guest: str | None = None, unsolicited: bool = False
) -> dict[str, Any]:
    cid, gref = "c_" + secrets.token_hex(8), guest or "g_" + secrets.token_hex(12)
    answer = Answer(
        question, "rating", raw=str(value), value=value, score=(value - 1) / 4, unsolicited=unsolicited
    )
    doc = dict(
        rating_document(
            tenant_id=TENANT,
            conversation_id=cid,
            guest_ref=gref,
            channel="sms",
            language="en",
            answer=answer,
            now=at,
        )
    )
    return doc
