"""Signed invitation links: what verifies, what is refused and why."""

from __future__ import annotations

import pytest

from bot.base.invite_link import InvalidInvite, mint, url, verify
from bot.base.settings import Secret

KEY = Secret("guest-key-" + "k" * 40)
G = "g_" + "0123456789abcdef" * 2
S = "s_" + "a1b2c3" * 4


def test_a_minted_token_verifies_to_its_guest_and_stay_and_says_nothing_else():
    token = mint(KEY, "alpenhof", G, S, 2000.0)
    claim = verify(KEY, token, now=1000.0)
    assert (claim.tenant, claim.guest_ref, claim.stay, claim.expires_at) == (
        "alpenhof",
        G,
        S,
        2000.0,
    )
    assert url("https://x.example/", token) == f"https://x.example/webhooks/webchat/i/{token}"
    assert len(token) <= 80  # it goes into an SMS


def test_only_real_references_are_minted():
    for guest, stay in (("g_abc", S), (G, "s_123"), (G.upper(), S)):
        with pytest.raises(ValueError):
            mint(KEY, "alpenhof", guest, stay, 2000.0)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "malformed"),
        ("abc", "malformed"),
        ("a.b.c", "malformed"),
        ("x" * 500 + ".y", "malformed"),
        ("!!!.???", "malformed"),
    ],
)
def test_garbage_is_malformed(token, reason):
    with pytest.raises(InvalidInvite) as e:
        verify(KEY, token, now=0)
    assert e.value.reason == reason


def test_an_altered_token_or_another_key_is_refused_and_an_old_one_expires():
    token = mint(KEY, "alpenhof", G, S, 2000.0)
    other = mint(Secret("another-key-" + "o" * 40), "alpenhof", G, S, 2000.0)
    body, mac = token.split(".")
    forged = mint(KEY, "laguna", G, S, 2000.0).split(".")[0] + "." + mac
    for bad in (other, forged):
        with pytest.raises(InvalidInvite) as e:
            verify(KEY, bad, now=1000.0)
        assert e.value.reason == "bad_signature"
    with pytest.raises(InvalidInvite) as e:
        verify(KEY, token, now=2000.0)
    assert e.value.reason == "expired"
