"""argon2id hashing of staff passwords."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher

from bot.base.errors import InvalidInput
from bot.staff.passwords import MIN_LENGTH, hash_password, verify_password

PASSWORD = "correct horse battery staple"


def test_hash_is_argon2id_and_verifies():
    h = hash_password(PASSWORD)
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in h
    assert verify_password(h, PASSWORD).ok
    assert verify_password(h, PASSWORD).new_hash is None
    assert not verify_password(h, PASSWORD + "!").ok


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("x" * (MIN_LENGTH - 1), "password_too_short"),
        ("x" * 2000, "password_too_long"),
        (None, "password_invalid"),
    ],
)
def test_new_passwords_are_checked(password, code):
    with pytest.raises(InvalidInput) as e:
        hash_password(password)
    assert e.value.code == code


def test_unknown_user_never_verifies_and_costs_a_real_verification():
    h = hash_password(PASSWORD)
    t = time.perf_counter()
    assert not verify_password(None, PASSWORD).ok
    unknown = time.perf_counter() - t
    t = time.perf_counter()
    assert not verify_password(h, "wrong password here").ok
    wrong = time.perf_counter() - t
    assert unknown > 0.5 * wrong  # both run argon2 with the same parameters


def test_hash_with_old_parameters_is_replaced_on_success_only():
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    assert verify_password(old, "wrong password here").new_hash is None
    result = verify_password(old, PASSWORD)
    assert result.ok and result.new_hash is not None and result.new_hash.startswith("$argon2id$v=19$m=65536")
    assert verify_password(result.new_hash, PASSWORD).ok


def test_garbage_stored_hash_does_not_verify():
    assert not verify_password("not-a-hash", PASSWORD).ok
