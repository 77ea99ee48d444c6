"""Sealing contact data: round trip, tamper and move detection, rotation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.base.sealing import Cipher, DecryptionError, key_id
from bot.base.settings import Secret

OLD, NEW = Secret("o" * 43), Secret("n" * 43)


@given(st.text(max_size=300))
def test_round_trip_of_any_text(text):
    c = Cipher([NEW])
    assert c.open(c.seal(text, "t|g_1|address"), "t|g_1|address") == text


def test_the_plaintext_is_not_in_the_sealed_value_and_nonces_differ():
    c = Cipher([NEW])
    a, b = c.seal("+4915123456789", "aad"), c.seal("+4915123456789", "aad")
    assert "4915123456789" not in a and a != b and a.startswith(f"v1.{key_id(NEW)}.")


@pytest.mark.parametrize("mutate", ["flip", "other_aad", "truncate", "garbage", "other_key"])
def test_tampered_moved_or_foreign_values_do_not_open(mutate):
    c = Cipher([NEW])
    sealed = c.seal("guest@example.org", "t|g_1|address")
    aad = "t|g_1|address"
    if mutate == "flip":
        head, ct = sealed.rsplit(".", 1)
        sealed = head + "." + ("A" if ct[0] != "A" else "B") + ct[1:]
    elif mutate == "other_aad":
        aad = "t|g_2|address"  # copied into another guest's record
    elif mutate == "truncate":
        sealed = sealed[:-8]
    elif mutate == "garbage":
        sealed = "not sealed"
    else:
        sealed = Cipher([OLD]).seal("guest@example.org", aad)
    with pytest.raises(DecryptionError):
        c.open(sealed, aad)


def test_rotation_new_key_seals_old_key_still_opens():
    old_value = Cipher([OLD]).seal("x", "a")
    rotating = Cipher([NEW, OLD])
    assert rotating.open(old_value, "a") == "x"
    assert Cipher.key_of(old_value) == key_id(OLD) != rotating.current
    assert Cipher.key_of(rotating.seal("x", "a")) == key_id(NEW)


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError):
        Cipher([Secret("")])
