"""Staff passwords: argon2id (argon2-cffi, RFC 9106 "low memory" parameters).

Hashing costs ~0.2 s of CPU and 64 MiB, so the async helpers run it in a thread, off
the event loop. `verify` against an unknown user hashes against a fixed dummy hash, so
an unknown username costs the same time as a wrong password. A stored hash made with
other parameters (older, cheaper) is replaced on the next successful login.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.base.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; a cap keeps a 10 MB "password" cheap to refuse

HASHER = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
_DUMMY_HASH = HASHER.hash("rapport-dummy-password-for-unknown-users")


def check_new_password(password: str) -> None:
    """Raise InvalidInput unless `password` is acceptable as a new password."""
    if not isinstance(password, str):
        raise InvalidInput("password_invalid", "a password must be text")
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password_too_short", f"at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password_too_long", f"at most {MAX_LENGTH} characters")


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    check_new_password(password)
    return hasher.hash(password)


@dataclass(frozen=True)
class Verified:
    ok: bool
    new_hash: str | None = None  # set when the stored hash should be replaced


def verify_password(stored_hash: str | None, password: str, hasher: PasswordHasher = HASHER) -> Verified:
    """Check `password` against `stored_hash` (None: unknown user, always False, same cost)."""
    if not isinstance(password, str) or not password or len(password) > MAX_LENGTH:
        password = ""
    try:
        hasher.verify(stored_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return Verified(False)
    if stored_hash is None:
        return Verified(False)
    if hasher.check_needs_rehash(stored_hash):
        return Verified(True, hasher.hash(password))
    return Verified(True)


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(stored_hash: str | None, password: str) -> Verified:
    return await asyncio.to_thread(verify_password, stored_hash, password)
