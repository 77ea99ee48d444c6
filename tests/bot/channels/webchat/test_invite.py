"""The invitation link's checks (bot/channels/webchat/invite.py) and pages: a working
link gives the invited guest's sender id (the SMS channel's for the number, else the
e-mail channel's for the address); an altered, expired, foreign or orphaned link is
refused in the hotel's language; the page shows nothing of the stay."""

from __future__ import annotations

import pytest

from bot.base import invite_link
from bot.base.refs import address_guest_ref, channel_guest_id, guest_ref
from bot.base.sealing import Cipher
from bot.base.settings import PROJECT_ROOT, Secret
from bot.channels.webchat.invite import Refused, check, claimed_tenant, invited_guest, stay_exists
from bot.channels.webchat.pages import INVITE_HEADERS, invite_page, invite_refused
from bot.i18n import Catalog
from bot.outreach.stays import Stay, StayStore
from bot.tenants.registry import Tenants

KEY = Secret("guest-key-" + "k" * 40)
OTHER_KEY = Secret("guest-key-" + "o" * 40)
CIPHER = Cipher([Secret("data-key-" + "d" * 40)])
TENANTS = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", Catalog.load().languages)
NOW = 1_800_000_000.0
PHONE, EMAIL = "+393471234567", "anna@example.org"


GREF, STAY = "g_" + "ab" * 16, "s_" + "cd" * 12


def mint(tenant="alpenhof", gref=GREF, stay=STAY, expires=NOW + 86_400, key=KEY) -> str:
    return invite_link.mint(key, tenant, gref, stay, expires)


def test_a_working_link_gives_its_claim():
    claim = check(KEY, TENANTS, mint(), NOW)
    assert (claim.tenant, claim.guest_ref, claim.stay) == ("alpenhof", GREF, STAY)


@pytest.mark.parametrize(
    ("token", "reason", "status", "lang"),
    [
        (mint(expires=NOW - 1), "expired", 410, "de"),  # in alpenhof's language
        (mint(tenant="laguna", expires=NOW - 1), "expired", 410, "it"),
        (mint(key=OTHER_KEY), "bad_signature", 400, "de"),
        (mint()[:-2] + ("AA" if not mint().endswith("AA") else "BB"), "bad_signature", 400, "de"),
        ("not-a-token", "malformed", 404, "en"),
        ("x" * 5000, "malformed", 404, "en"),
        (mint(tenant="nohotel"), "unknown_tenant", 404, "en"),
    ],
)
def test_a_link_that_does_not_work_is_refused_with_a_status_and_a_language(token, reason, status, lang):
    with pytest.raises(Refused) as e:
        check(KEY, TENANTS, token, NOW)
    assert (e.value.reason, e.value.status, e.value.lang) == (reason, status, lang)


def test_a_changed_claim_is_refused_even_with_the_old_signature():
    body, mac = mint().split(".")
    someone_else = mint(gref="g_" + "ef" * 16, key=OTHER_KEY).split(".")[0]  # same layout, another guest
    forged = someone_else + "." + mac
    assert claimed_tenant(forged) == "alpenhof"  # only ever used to pick the page's language
    with pytest.raises(Refused) as e:
        check(KEY, TENANTS, forged, NOW)
    assert e.value.reason == "bad_signature"


def test_the_page_shows_the_hotel_and_the_chat_only():
    token = mint(gref="g_" + "5e" * 16, stay="s_" + "5e" * 12)
    page = invite_page(TENANTS.get("alpenhof"), token)
    assert "Hotel Alpenhof" in page and 'data-invite="' + token in page
    assert "<script>" not in page and "onclick" not in page  # the CSP forbids inline scripts
    assert "script-src 'self'" in INVITE_HEADERS["Content-Security-Policy"]
    assert (
        INVITE_HEADERS["Referrer-Policy"] == "no-referrer" and INVITE_HEADERS["Cache-Control"] == "no-store"
    )
    refused = invite_refused("it", "expired")
    assert "scaduto" in refused and 'lang="it"' in refused


async def _stay(mongo, *, phone=PHONE, email=EMAIL, reservation="R-1") -> dict:
    store = StayStore(mongo, "alpenhof", CIPHER, KEY)
    stay = Stay(
        reservation, "checked_out", "2026-12-01", "2026-12-05", phone=phone, email=email, language="it"
    )
    await store.upsert([stay], source="api", import_id="imp_1", now=NOW)
    return await store.collection.find_one({"_id": store.id_of(reservation)})


async def test_the_link_talks_as_the_number_s_sms_guest(mongo):
    doc = await _stay(mongo)
    claim = check(KEY, TENANTS, mint(gref=doc["guest_ref"], stay=doc["_id"]), NOW)
    guest = await invited_guest(mongo, CIPHER, KEY, claim)
    assert guest == channel_guest_id(KEY, "alpenhof", "sms", PHONE)
    assert (
        guest_ref(KEY, "alpenhof", guest)
        == doc["guest_ref"]
        == address_guest_ref(KEY, "alpenhof", "sms", PHONE)
    )
    assert PHONE not in guest


async def test_a_stay_with_an_address_only_talks_as_the_e_mail_guest(mongo):
    doc = await _stay(mongo, phone=None, reservation="R-2")
    claim = check(KEY, TENANTS, mint(gref=doc["guest_ref"], stay=doc["_id"]), NOW)
    assert await invited_guest(mongo, CIPHER, KEY, claim) == channel_guest_id(KEY, "alpenhof", "email", EMAIL)


async def test_an_erased_or_someone_else_s_stay_binds_nobody(mongo):
    doc = await _stay(mongo, reservation="R-3")
    wrong = check(KEY, TENANTS, mint(gref="g_" + "0" * 32, stay=doc["_id"]), NOW)
    assert not await stay_exists(mongo, wrong) and await invited_guest(mongo, CIPHER, KEY, wrong) is None
    right = check(KEY, TENANTS, mint(gref=doc["guest_ref"], stay=doc["_id"]), NOW)
    assert await stay_exists(mongo, right)
    await StayStore(mongo, "alpenhof", CIPHER, KEY).erase_guest(doc["guest_ref"])
    assert not await stay_exists(mongo, right) and await invited_guest(mongo, CIPHER, KEY, right) is None
    elsewhere = check(KEY, TENANTS, mint(tenant="laguna", gref=doc["guest_ref"], stay=doc["_id"]), NOW)
    assert not await stay_exists(mongo, elsewhere)  # another tenant's database


def test_the_link_expires_in_time():
    token = mint(expires=NOW + 10)
    assert check(KEY, TENANTS, token, NOW + 9).stay == STAY
    with pytest.raises(Refused):
        check(KEY, TENANTS, token, NOW + 10)
