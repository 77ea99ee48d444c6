"""The jobs process's connections to MongoDB and Redis, and the check that both answer
(at start, and `python -m bot.jobs --check`). Light on imports: the health check runs
it every 30 s without loading the jobs."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from pymongo.errors import PyMongoError
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.base.errors import RapportError
from bot.base.settings import Settings
from bot.storage.mongo import connect


class StoreUnreachable(RapportError):
    """MongoDB or Redis did not answer."""

    def __init__(self, store: str, error: str) -> None:
        super().__init__(f"{store} is unreachable ({error})")
        self.store = store
        self.setting = "MONGODB_URL" if store == "MongoDB" else "REDIS_URL"


def clients(settings: Settings) -> tuple[Any, aioredis.Redis]:
    """A motor client and a redis.asyncio client (bytes), as the console makes them."""
    mongo = connect(settings.effective_mongodb_url.value)
    redis = aioredis.from_url(
        settings.effective_redis_url.value,
        socket_timeout=5,
        socket_connect_timeout=2,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        health_check_interval=2,  # a dead pooled connection after a Redis restart is replaced
    )
    return mongo, redis


async def ping(mongo: Any, redis: aioredis.Redis) -> None:
    """Both stores answer, else StoreUnreachable naming the one that does not."""
    try:
        await mongo.admin.command("ping")
    except PyMongoError as e:
        raise StoreUnreachable("MongoDB", type(e).__name__) from None
    try:
        await redis.ping()
    except (RedisError, OSError) as e:
        raise StoreUnreachable("Redis", type(e).__name__) from None


async def check(settings: Settings) -> None:
    mongo, redis = clients(settings)
    try:
        await ping(mongo, redis)
    finally:
        await redis.close()
        mongo.close()
