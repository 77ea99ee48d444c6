"""What the outreach needs of a tenant and of the channels: the hotel's country and time
zone (config/tenants.yml), and the guest reference a reply from a number or address
carries (bot/base/refs.py, the same as the SMS and e-mail channels compute)."""

from __future__ import annotations

import pytest

from bot.base.errors import ConfigError
from bot.base.refs import address_guest_ref, channel_guest_id, guest_ref
from bot.base.settings import Secret
from bot.tenants.registry import _tenant

LANGUAGES = ("en", "de", "fr", "es", "it")
BASE = {
    "id": "alpenhof",
    "languages": ["de", "en"],
    "default_language": "de",
    "questions": [{"id": "overall", "kind": "rating", "scale": {"low": 1, "high": 5}}],
}


def test_country_and_timezone_are_read_and_checked():
    t = _tenant({**BASE, "country": "AT", "timezone": "Europe/Vienna"}, LANGUAGES)
    assert (t.country, t.timezone) == ("AT", "Europe/Vienna")


def test_without_them_no_country_and_the_staffed_hours_zone():
    t = _tenant({**BASE, "handover": {"staffed_hours": {"timezone": "Europe/Rome"}}}, LANGUAGES)
    assert (t.country, t.timezone) == (None, "Europe/Rome")
    assert _tenant(BASE, LANGUAGES).timezone == "Europe/Berlin"


@pytest.mark.parametrize("changes", [{"country": "de"}, {"country": "DEU"}, {"timezone": "Mars/Olympus"}])
def test_bad_country_or_timezone_is_a_config_error(changes):
    with pytest.raises(ConfigError):
        _tenant({**BASE, **changes}, LANGUAGES)


def test_the_guest_ref_of_an_address_is_the_channels_own():
    key = Secret("k" * 40)
    # bot/channels/sms/channel.py and bot/channels/email/channel.py, spelled out
    sms = "sms-" + guest_ref(key, "alpenhof", "+491701234567")[2:26]
    mail = "email-" + guest_ref(key, "alpenhof", "anna@example.org")[2:26]
    assert channel_guest_id(key, "alpenhof", "sms", "+491701234567") == sms
    assert channel_guest_id(key, "alpenhof", "email", "anna@example.org") == mail
    assert address_guest_ref(key, "alpenhof", "sms", "+491701234567") == guest_ref(key, "alpenhof", sms)
    assert address_guest_ref(key, "alpenhof", "email", "anna@example.org") == guest_ref(key, "alpenhof", mail)
