"""A tenant's WhatsApp senders (`whatsapp_numbers` in config/tenants.yml): E.164, each
once, never two tenants'; found by number for the inbound webhook."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.base.errors import ConfigError, UnknownTenant
from bot.base.settings import Settings
from bot.i18n import Catalog
from bot.tenants.registry import Tenants

LANGUAGES = Catalog.load().languages


def tenant(tid: str, **extra) -> dict:
    return {
        "id": tid,
        "widget_key": f"wk_{tid}",
        "languages": ["en"],
        "default_language": "en",
        "questions": [{"id": "overall", "kind": "rating", "scale": {"low": 1, "high": 5}}],
        **extra,
    }


def load(tmp_path: Path, *tenants: dict) -> Tenants:
    path = tmp_path / "tenants.yml"
    path.write_text(yaml.safe_dump({"tenants": list(tenants)}), encoding="utf-8")
    return Tenants.load(path, LANGUAGES)


def test_whatsapp_numbers_are_read_and_found(tmp_path):
    tenants = load(
        tmp_path,
        tenant("alpha", sms_numbers=["+49882112345"], whatsapp_numbers=["+49882112345", "+49882199999"]),
        tenant("beta"),
    )
    assert tenants.get("alpha").whatsapp_numbers == ("+49882112345", "+49882199999")
    assert tenants.get("beta").whatsapp_numbers == ()
    assert tenants.by_whatsapp_number("+49882199999").id == "alpha"
    with pytest.raises(UnknownTenant):
        tenants.by_whatsapp_number("+49000000000")


@pytest.mark.parametrize(
    "numbers",
    [
        "+49882112345",
        ["whatsapp:+49882112345"],
        ["0882112345"],
        [49882112345],
        ["+49882112345", "+49882112345"],
    ],
)
def test_bad_whatsapp_numbers_are_refused(tmp_path, numbers):
    with pytest.raises(ConfigError):
        load(tmp_path, tenant("alpha", whatsapp_numbers=numbers))


def test_a_whatsapp_number_of_two_tenants_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="WhatsApp number belongs to two tenants"):
        load(
            tmp_path,
            tenant("alpha", whatsapp_numbers=["+49882112345"]),
            tenant("beta", whatsapp_numbers=["+49882112345"]),
        )


def test_the_demo_hotel_has_a_whatsapp_sender():
    tenants = Tenants.load(Settings.from_env({}).tenants_file, LANGUAGES)
    assert tenants.by_whatsapp_number("+49882112345").id == "alpenhof"
