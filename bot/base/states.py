"""The closed sets of values Rapport stores and sends: channels, states, authors, kinds.

Each is a `StrEnum` whose values are the strings stored in MongoDB and returned by the
APIs, so stored data and responses are unchanged: a member equals its string
(`Channel.SMS == "sms"`), hashes like it, formats as it (`f"{Channel.SMS}"` is "sms"),
and pymongo, json and Sanic encode it as the plain string (tests/bot/base/test_states.py,
and the round trip through nx-27017 in tests/bot/storage/test_stored_types.py). Documents read
back hold plain strings; compare them with the members, never with `is`.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """The media a guest writes on (bot/channels/<medium>/)."""

    REST = "rest"
    WEBCHAT = "webchat"
    SMS = "sms"
    EMAIL = "email"
    WHATSAPP = "whatsapp"  # over Twilio, beside SMS (bot/channels/sms/)


class HandoverState(StrEnum):
    """A conversation's handover state (bot/handover/store.py)."""

    BOT = "bot"
    WAITING = "waiting_for_staff"
    WITH_STAFF = "with_staff"
    RESOLVED = "resolved"


class Author(StrEnum):
    """Who wrote a transcript message (bot/handover/store.py `messages`)."""

    GUEST = "guest"
    BOT = "bot"
    STAFF = "staff"
    NOTE = "note"  # a private staff note, never delivered to the guest
    SYSTEM = "system"


class DsrType(StrEnum):
    """The right a data-subject request exercises (bot/privacy/requests.py)."""

    ERASURE = "erasure"
    ACCESS = "access"
    RECTIFICATION = "rectification"
    RESTRICTION = "restriction"
    OBJECTION = "objection"


class DsrStatus(StrEnum):
    """A data-subject request's status (bot/privacy/requests.py)."""

    RECEIVED = "received"
    PENDING = "verification_pending"
    VERIFIED = "verified"
    AWAITING = "awaiting_approval"
    DONE = "done"
    REJECTED = "rejected"


class JobState(StrEnum):
    """An inbound job's state in the turn queue (bot/inbox/queue.py)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class ConversationStatus(StrEnum):
    """The questionnaire's progress in a conversation (bot/feedback/engine.py)."""

    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"


class StayStatus(StrEnum):
    """A stay's status as the hotel's list or PMS gives it (bot/outreach/stays.py)."""

    EXPECTED = "expected"
    IN_HOUSE = "in_house"
    CHECKED_OUT = "checked_out"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
