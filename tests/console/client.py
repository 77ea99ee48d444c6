"""A staff member's browser, for the console tests against the running stack: an
aiohttp session with its own cookie jar that sends the headers a browser sends."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from motor.motor_asyncio import AsyncIOMotorClient

from bot.stack import Stack
from bot.staff.accounts import StaffStore
from bot.staff.passwords import hash_password

PASSWORD = "correct horse battery staple"
_HIDDEN_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
_HASH = hash_password(PASSWORD)  # one argon2 hash for every test account (same password)


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    password: str = PASSWORD


def base_url(stack: Stack) -> str:
    return stack.settings.console_url


def mongo(stack: Stack) -> AsyncIOMotorClient:
    return AsyncIOMotorClient(stack.settings.effective_mongodb_url.value, tz_aware=True)


def redis(stack: Stack) -> aioredis.Redis:
    return aioredis.from_url(stack.settings.effective_redis_url.value)


async def make_staff(stack: Stack, roles: dict[str, str], *, password_hash: str = _HASH) -> Account:
    """A new account with `roles` ({tenant: role}), stored directly in the control database."""
    username = f"t-{uuid.uuid4().hex[:10]}"
    client = mongo(stack)
    try:
        store = StaffStore(client[stack.settings.control_db])
        (tenant, role), *more = roles.items()
        staff = await store.add(username=username, password_hash=password_hash, tenant_id=tenant, role=role)
        for t, r in more:
            await store.collection.update_one({"_id": staff.id}, {"$set": {f"roles.{t}": r}})
    finally:
        client.close()
    return Account(staff.id, username)


async def clear_login_failures(stack: Stack) -> None:
    """Every test connects from 127.0.0.1: forget earlier tests' failed logins."""
    r = redis(stack)
    try:
        keys = [k async for k in r.scan_iter("rapport:console:login_failures:*")]
        if keys:
            await r.delete(*keys)
    finally:
        await r.close()


def session_key(cookie_value: str) -> str:
    return "rapport:console:session:" + hashlib.sha256(cookie_value.encode()).hexdigest()


class Browser:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.base = base_url(stack)
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=30)
        )
        self.csrf: str | None = None

    async def __aenter__(self) -> "Browser":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()

    def cookie(self, name: str = "rapport_console") -> str | None:
        for c in self.http.cookie_jar:
            if c.key == name:
                return c.value
        return None

    async def login_form_token(self) -> str:
        async with self.http.get(self.base + "/login") as r:
            assert r.status == 200
            return _HIDDEN_CSRF.search(await r.text()).group(1)

    async def login(
        self, username: str, password: str = PASSWORD, *, token: str | None = None, origin: str | None = None
    ) -> tuple[int, dict[str, Any], aiohttp.ClientResponse]:
        token = await self.login_form_token() if token is None else token
        async with self.http.post(
            self.base + "/login",
            data={"username": username, "password": password, "csrf": token},
            headers={"Origin": origin or self.base, "Accept": "application/json"},
            allow_redirects=False,
        ) as r:
            return r.status, await r.json(content_type=None), r

    async def login_ok(self, account: Account, tenant: str) -> None:
        status, body, _ = await self.login(account.username, account.password)
        assert status == 200, body
        status, text = await self.get(f"/t/{tenant}/")
        assert status == 200, text
        self.csrf = _META_CSRF.search(text).group(1)

    async def get(self, path: str, **kwargs: Any) -> tuple[int, str]:
        async with self.http.get(self.base + path, allow_redirects=False, **kwargs) as r:
            return r.status, await r.text()

    async def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        csrf: str | None | bool = True,
        origin: str | None = "self",
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, Any]:
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        if origin is not None:
            headers["Origin"] = self.base if origin == "self" else origin
        if csrf is True:
            assert self.csrf, "log in first"
            headers["X-CSRF-Token"] = self.csrf
        elif isinstance(csrf, str):
            headers["X-CSRF-Token"] = csrf
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        async with self.http.request(method, self.base + path, data=data, headers=headers) as r:
            text = await r.text()
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text  # a page


async def staff_doc(stack: Stack, username: str) -> dict[str, Any] | None:
    """The stored account with this (lower-case) username, or None."""
    client = mongo(stack)
    try:
        return await client[stack.settings.control_db].staff.find_one({"username": username})
    finally:
        client.close()


async def audit_records(stack: Stack, database: str, **query: Any) -> list[dict[str, Any]]:
    """Audit records matching `query` (written durably before the console answered)."""
    client = mongo(stack)
    try:
        return await client[database].audit.find(query).to_list(1000)
    finally:
        client.close()
