"""The transcript staff see (bot/handover/store.py `record`): what was said before a
turn that escalates, and the audit record of the lines a turn appends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.audit.log import SystemAccess
from bot.inbox.text import as_written


def transcript_write(conversation: str, entries: Sequence[tuple[str, str]]) -> SystemAccess:
    """The audit record of transcript lines appended (empty texts are not stored)."""
    return SystemAccess("transcript.append", "transcript", conversation, sum(1 for _, t in entries if t))


def said_this_turn(text: str, texts: Sequence[str]) -> list[tuple[str, str]]:
    """The guest's message and the bot's replies, as transcript lines."""
    return [("guest", text)] + [("bot", t) for t in texts]


def transcript_before(
    history: Sequence[Mapping[str, Any]], current: str, limit: int = 100
) -> list[tuple[str, str]]:
    """What the guest and the bot said before this turn, from the tracker's events."""
    said: list[tuple[str, str]] = []
    for e in history:
        text = e.get("text") if isinstance(e, Mapping) else None
        if not isinstance(text, str) or not text or text.startswith("/"):
            continue  # a payload the product sent (the widget's /start), not a guest's words
        text = as_written(text)
        if e.get("event") == "user":
            said.append(("guest", text))
        elif e.get("event") == "bot":
            said.append(("bot", text))
    if said and said[-1] == ("guest", current):
        said.pop()  # the current message is added with this turn's replies
    return said[-limit:]
