"""The tenant handover policy: parsing, validation and staffed hours across time zones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.base.errors import ConfigError
from bot.tenants.handover_policy import HandoverPolicy, parse_policy


def test_defaults_when_absent():
    assert parse_policy("t", None) == HandoverPolicy()


@pytest.mark.parametrize(
    "raw",
    [
        {"triggers": ["request", "psychic"]},
        {"misunderstandings": 0},
        {"staffed_hours": {"timezone": "Mars/Olympus"}},
        {"staffed_hours": {"days": []}},
        {"staffed_hours": {"from": "22:00", "to": "07:00"}},
        {"staffed_hours": {"from": "7 am"}},
        {"notify": {"include": ["phone_number"]}},
        "yes",
    ],
)
def test_invalid_policies_are_refused_with_a_clear_error(raw):
    with pytest.raises(ConfigError, match="tenant t: handover"):
        parse_policy("t", raw)


def test_staffed_hours_in_the_hotels_time_zone():
    policy = parse_policy(
        "t",
        {
            "staffed_hours": {
                "timezone": "Europe/Rome",
                "days": ["mon", "tue"],
                "from": "08:00",
                "to": "20:00",
            }
        },
    )
    hours = policy.hours
    # Monday 2026-11-30 07:30 UTC is 08:30 in Rome: open
    assert hours.is_open(datetime(2026, 11, 30, 7, 30, tzinfo=UTC))
    # Monday 19:30 UTC is 20:30 in Rome: closed; next opening Tuesday 08:00 Rome
    closed = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)
    assert not hours.is_open(closed)
    assert hours.next_opening(closed).isoformat() == "2026-12-01T08:00:00+01:00"
    # Tuesday evening: next opening is the following Monday
    assert (
        hours.next_opening(datetime(2026, 12, 1, 20, 0, tzinfo=UTC)).isoformat()
        == "2026-12-07T08:00:00+01:00"
    )
