"""The Redis client the Rasa server's stores share (tracker store, lock store).

A restarted server leaves dead pooled connections: the client reconnects and retries
(about 2 s in all) before giving up, so a Redis restart costs a pause, not a turn.
"""

from __future__ import annotations

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


def resilient_redis(host: str, port: int | str, db: int | str, password: str | None) -> aioredis.Redis:
    return aioredis.Redis(
        host=host,
        port=int(port),
        db=int(db),
        password=password or None,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=3,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.1), retries=4),
        retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        health_check_interval=30,
    )
