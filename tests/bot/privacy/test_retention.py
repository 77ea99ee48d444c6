"""Pure parts of retention: stored times in every shape, the per-tenant period, and
the rules it reads from the one registry of guest data (bot/privacy/stores.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.base.errors import ConfigError
from bot.base.names import (
    API_TOKENS,
    AUDIT_CHAIN,
    DIGESTS,
    OUTREACH_MAPPING,
    OUTREACH_SETTINGS,
    RATING_AGGREGATES,
    TENANT_COLLECTIONS,
)
from bot.privacy.retention import _rules, epoch
from bot.privacy.stores import COVERED, EVIDENCE, RETENTION, STORES, Retention
from bot.tenants.registry import _retention


def test_stored_times_parse_whatever_the_server_made_of_them():
    at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert epoch(at) == at.timestamp()
    assert epoch(at.timestamp()) == at.timestamp()
    assert epoch("2024-05-01T12:00:00+00:00") == at.timestamp()  # a datetime $set on nx-27017
    assert epoch("2024-05-01 12:00:00Z") == at.timestamp()
    assert epoch(True) is None and epoch("soon") is None and epoch(None) is None


@pytest.mark.parametrize("days", [0, -1, 3651, "30", 1.5, True, None])
def test_retention_days_must_be_whole_days_in_range(days):
    with pytest.raises(ConfigError):
        _retention("alpenhof", days)


def test_retention_days_accepted():
    assert _retention("alpenhof", 1) == 1 and _retention("alpenhof", 3650) == 3650


# ---- the one registry: every guest-data collection has its retention rule ------------

# Tenant collections outside the registry, and why (anything else named in
# bot/base/names.py must be registered in bot/privacy/stores.py with a retention rule).
NOT_REGISTERED = {
    RATING_AGGREGATES: "anonymous monthly sums: no guest reference",
    AUDIT_CHAIN: "the head of the audit chain: a sequence number and a hash",
    API_TOKENS: "the hotel's API credentials (a hash, a name, staff ids, times): no guest; revoked, "
    "not expired, and dropped with the tenant's database at offboarding",
    OUTREACH_MAPPING: "the hotel's column names of its guest-list export: no guest",
    OUTREACH_SETTINGS: "the hotel's outreach policy as its admins edited it: no guest",
    DIGESTS: "one per week the weekly digest was sent: the week, times, staff ids, counts; no guest",
}


def test_every_tenant_collection_is_registered_with_a_retention_rule_or_excused():
    unaccounted = TENANT_COLLECTIONS - COVERED - EVIDENCE - set(NOT_REGISTERED)
    assert not unaccounted, f"register these in bot/privacy/stores.py with a Retention: {unaccounted}"


@pytest.mark.parametrize("store", [s for s in STORES if s.collections], ids=lambda s: s.name)
def test_every_registered_collection_says_how_it_expires(store):
    for name, rule in store.collections.items():
        assert name in RETENTION and RETENTION[name] is rule
        assert isinstance(rule, Retention) and rule.expire in ("conversation", "age", "keep"), name
        if rule.expire == "conversation":
            assert rule.key, name
        if rule.expire == "age":
            assert rule.activity, f"{name}: which time fields age it"
        if rule.expire == "keep":
            assert rule.why.strip(), f"{name}: why it is kept"


def test_the_registry_gives_the_retention_of_before():
    """The rules read from the registry are exactly what retention.py listed itself."""
    plan = {
        name: (r.expire, r.key, r.activity, dict(r.only or {}), r.counted) for name, r in RETENTION.items()
    }
    finished = {"state": {"$ne": "pending"}}
    assert plan == {
        "ratings": ("conversation", "conversation_id", ("updated_at", "answered_at"), {}, True),
        "conversations": ("conversation", "_id", ("updated_at", "started_at"), {}, True),
        "handovers": ("conversation", "_id", ("updated_at", "escalated_at"), {}, True),
        "messages": ("conversation", "conversation", ("at",), {}, True),
        "handover_history": ("conversation", "conversation", (), {}, True),
        "message_seq": ("conversation", "_id", (), {}, False),
        "contacts": ("age", "_id", ("updated_at",), {}, True),
        "stays": ("age", "_id", ("departure", "checked_out_at"), {}, True),
        "pms_events": ("age", "_id", ("updated_at", "received_at"), {}, True),  # issue 12
        "pms_cursors": ("keep", "_id", (), {}, True),
        "invitations": ("age", "_id", ("due", "updated_at"), {}, True),  # issue 12
        "sms_inbound": ("age", "_id", ("ended_at", "received_at"), finished, True),
        "email_inbound": ("age", "_id", ("ended_at", "received_at"), finished, True),
        "sms_outbound": ("age", "_id", ("sent_at", "updated_at"), {}, True),
        "sms_consent": ("keep", "_id", (), {}, True),
        "whatsapp_window": ("age", "_id", ("last_inbound_at",), {}, True),  # issue 12
        "guest_flags": ("keep", "_id", (), {}, True),
        "dsr_questions": ("age", "_id", ("asked_at",), {}, True),  # was kept until the next message
        "dsr_exports": ("age", "_id", ("expires_at", "created_at"), {}, True),  # was unregistered
        "dsr_requests": ("keep", "_id", (), {}, True),
    }
    assert set(plan) == COVERED
    assert [name for name, _ in _rules("conversation")][0] == "ratings"  # folded before they go
