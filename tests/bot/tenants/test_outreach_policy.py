"""The outreach policy of a tenant (config/tenants.yml `outreach:`): what parses, what is
refused with the field named, and that the public form round-trips."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.base.errors import ConfigError
from bot.tenants.outreach_policy import OutreachPolicy, parse_outreach
from bot.tenants.registry import Tenants

SID = "HX" + "a" * 32
FULL = {
    "enabled": True,
    "quiet_hours": {"from": "21:00", "to": "09:00"},
    "cap": {"hours": 48, "per_stay": 2},
    "checkout_time": "11:30",
    "rate_per_second": {"sms": 1},
    "review_links": [{"site": "Google", "url": "https://g.page/r/x/review"}],
    "journeys": [
        {
            "id": "pre_arrival",
            "when": {"before": "arrival", "days": 2, "at": "10:00"},
            "channels": ["whatsapp", "email"],
            "reminder": {"after_hours": 24},
            "whatsapp_template": {"de": SID},
        },
        {"id": "post_stay", "when": {"after": "checkout", "hours": 3}, "channels": ["sms"]},
    ],
}


def test_a_full_policy_parses_and_its_public_form_round_trips():
    p = parse_outreach("t", FULL, ("de", "en"))
    assert p.enabled and p.quiet_from == time(21) and p.quiet_to == time(9)
    assert p.checkout_time == time(11, 30) and p.rate("sms") == 1.0 and p.rate("email") == 10.0
    pre = p.journey("pre_arrival")
    assert pre.when.anchor == "arrival" and pre.when.days == -2 and pre.when.at == time(10)
    assert pre.template("de") == SID and pre.template("en") is None and pre.reminder_after_hours == 24
    assert p.journey("post_stay").when.hours == 3.0
    assert parse_outreach("t", p.public(), ("de", "en")) == p
    hash(p)  # a Tenant (frozen) holds it


def test_nothing_configured_invites_nobody():
    assert parse_outreach("t", None) == OutreachPolicy() and not OutreachPolicy().enabled


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"quiet_hours": {"from": "25:00", "to": "09:00"}}, "quiet_hours.from"),
        ({"quiet_hours": {"from": "09:00", "to": "09:00"}}, "must differ"),
        ({"cap": {"per_stay": 0}}, "per_stay"),
        ({"rate_per_second": {"fax": 1}}, "rate_per_second"),
        ({"review_links": [{"site": "G", "url": "http://plain.example"}]}, "https"),
        ({"journeys": [{"id": "x!", "when": {}, "channels": ["sms"]}]}, "journey id"),
        (
            {"journeys": [{"id": "a_b", "when": {"after": "checkout", "hours": 1}, "channels": ["pigeon"]}]},
            "channels",
        ),
        (
            {"journeys": [{"id": "a_b", "when": {"after": "departure", "hours": 1}, "channels": ["sms"]}]},
            "when must be",
        ),
        (
            {
                "journeys": [
                    {
                        "id": "a_b",
                        "when": {"before": "arrival", "days": -1, "at": "10:00"},
                        "channels": ["sms"],
                    }
                ]
            },
            "when.days",
        ),
        (
            {
                "journeys": [
                    {
                        "id": "a_b",
                        "when": {"after": "checkout", "hours": 1},
                        "channels": ["sms"],
                        "whatsapp_template": {"de": "nope"},
                    }
                ]
            },
            "content SIDs",
        ),
        (
            {
                "journeys": [
                    {
                        "id": "a_b",
                        "when": {"after": "checkout", "hours": 1},
                        "channels": ["sms"],
                        "whatsapp_template": {"ja": SID},
                    }
                ]
            },
            "does not speak",
        ),
        ({"journeys": [FULL["journeys"][1], FULL["journeys"][1]]}, "unique"),
        ({"surprise": 1}, "unknown keys"),
    ],
)
def test_a_bad_policy_is_refused_naming_what_is_wrong(change, named):
    with pytest.raises(ConfigError, match=named):
        parse_outreach("t", {**FULL, **change}, ("de", "en"))


def test_the_shipped_tenants_parse():
    tenants = Tenants.load(Path("config/tenants.yml"), ("de", "en", "fr", "es", "it"))
    alpenhof = tenants.get("alpenhof").outreach
    assert alpenhof.enabled and [j.id for j in alpenhof.journeys] == ["in_stay", "post_stay"]
    assert not tenants.get("laguna").outreach.enabled
