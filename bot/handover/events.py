"""Live events for staff consoles over Redis pub/sub, channel `rapport:console:<tenant>`.

Persist first, publish second: an event carries ids only, a console that receives it
re-reads MongoDB, and a console that missed events (disconnected, Redis restarted)
resyncs from MongoDB. So a publish that fails is logged and otherwise ignored.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.base.logs import event
from bot.base.names import console_channel

logger = logging.getLogger(__name__)


class Publisher:
    def __init__(self, redis_url: str) -> None:
        self.redis = aioredis.from_url(
            redis_url,
            socket_timeout=2,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
            retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        )

    async def publish(self, tenant_id: str, payload: dict[str, Any]) -> bool:
        try:
            await self.redis.publish(console_channel(tenant_id), json.dumps(payload, separators=(",", ":")))
        except (RedisError, OSError) as e:
            event(
                logger, "handover.publish_failed", logging.WARNING, tenant=tenant_id, error=type(e).__name__
            )
            return False
        return True

    async def close(self) -> None:
        await self.redis.close()
