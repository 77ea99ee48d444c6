"""Talking to the running stack the way a channel client does."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
from motor.motor_asyncio import AsyncIOMotorClient

from bot.stack import Stack


def rest_url(stack: Stack) -> str:
    s = stack.settings
    return f"http://{s.host}:{s.rasa_port}/webhooks/rest/webhook"


async def post(stack: Stack, body: Any, *, raw: bytes | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        kwargs = (
            {"data": raw, "headers": {"Content-Type": "application/json"}}
            if raw is not None
            else {"json": body}
        )
        async with session.post(rest_url(stack), timeout=aiohttp.ClientTimeout(total=60), **kwargs) as r:
            try:
                payload = await r.json(content_type=None)
            except ValueError:
                payload = await r.text()
            return r.status, payload


class Guest:
    """One guest of one tenant, talking over the REST channel."""

    def __init__(self, stack: Stack, tenant: str, **metadata: str) -> None:
        self.stack = stack
        self.tenant = tenant
        self.sender = f"guest-{uuid.uuid4().hex[:12]}"
        self.metadata = {"tenant": tenant, **metadata}

    async def say(self, text: str) -> list[str]:
        status, payload = await post(
            self.stack, {"sender": self.sender, "message": text, "metadata": self.metadata}
        )
        assert status == 200, (status, payload)
        return [m["text"] for m in payload if "text" in m]


def mongo(stack: Stack) -> AsyncIOMotorClient:
    return AsyncIOMotorClient(stack.settings.effective_mongodb_url.value, tz_aware=True)


def tenant_db(stack: Stack, client: AsyncIOMotorClient, tenant: str):
    return client[stack.settings.db_prefix + tenant]


async def conversation_ratings(stack: Stack, tenant: str, guest_ref: str) -> dict[str, dict]:
    client = mongo(stack)
    try:
        docs = [d async for d in tenant_db(stack, client, tenant).ratings.find({"guest_ref": guest_ref})]
    finally:
        client.close()
    return {d["question"]: d for d in docs}


async def last_user_parse(stack: Stack, sender_id: str) -> dict[str, Any]:
    """The parse data Rasa stored for the last message of `sender_id` ("tenant~guest"),
    read from its tracker in Redis (bot/rasa/tracker_store.py)."""
    import hashlib
    import hmac
    import json

    import redis.asyncio as aioredis

    from bot.base.names import REDIS_PREFIX

    tenant = sender_id.split("~", 1)[0]
    key = stack.settings.guest_key.value.encode()
    digest = hmac.new(key, sender_id.encode(), hashlib.sha256).hexdigest()[:40]
    r = aioredis.from_url(stack.settings.effective_redis_url.value, decode_responses=True)
    try:
        stored = await r.get(f"{REDIS_PREFIX}:tracker:{tenant}:{digest}")
    finally:
        await r.close()
    assert stored is not None, "no tracker"
    users = [e for e in json.loads(stored)["events"] if e.get("event") == "user"]
    return users[-1]["parse_data"]
