"""The Rasa server's `/metrics`, `/healthz` and `/readyz`, and its turn metrics.

Registered like the channels, in credentials.yml (`bot.rasa.ops.OpsChannel: {}`): Rasa
builds an input channel per entry and mounts its blueprint under /webhooks/<name>/;
this one's blueprint ignores the prefix (`RootBlueprint`), so the three paths are at
the server's root, beside Rasa's own `/` (and `/status`, `/version` with --enable-api),
which they do not clash with. No guest message reaches it (it never calls Rasa).

- `/readyz`: the model is loaded (`app.ctx.agent.is_ready()`), Redis (trackers, locks)
  and MongoDB (the channels' stores) answer; else 503 naming what failed.
- `/metrics`: to allowed scrapers only (bot/base/ops.py's `MetricsGuard`).

Turn metrics: `instrument()` wraps `Agent.handle_message`, the one call every channel's
message goes through (rasa.core.channels.channel.register's handler), so
`rapport_turn_seconds{channel}` times the whole turn (lock wait, NLU, policies, the
action call, the tracker's save) and `rapport_turns_total{channel,outcome}` counts it:
"ok" or "error"; a turn the lock store refused ("fenced", "busy", "duplicate":
bot/rasa/lock_store.py's `TurnRefused`) is counted where it was refused, not here. The channel label is the
message's `input_channel` (our channels' names). The histogram has successful turns
only. Cost: about 3 µs of CPU per turn (tests/bot/rasa/test_ops.py measures it; a turn
takes 15-150 ms; docs/OPERATIONS.md, "Metrics, health and logs").
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from bot.base import logs
from bot.base.metrics import TURN_SECONDS, TURNS
from bot.base.ops import Check, add_sanic_routes
from bot.base.settings import Settings
from bot.storage.mongo import connect


class RootBlueprint(Blueprint):
    """A blueprint whose routes stay at the server's root whatever prefix it is given."""

    def register(self, app: Any, options: dict) -> None:  # noqa: D102
        super().register(app, {**options, "url_prefix": None})


def instrument() -> None:
    """Time and count every turn (idempotent; applied when the ops channel is built)."""
    if getattr(Agent.handle_message, "rapport_instrumented", False):
        return
    Agent.handle_message = timed_turns(Agent.handle_message)  # type: ignore[method-assign]


def timed_turns(handle: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    seconds: dict[str, Any] = {}  # per channel: the histogram's child (labels() takes a lock)
    counted: dict[tuple[str, str], Any] = {}

    def count(channel: str, outcome: str) -> None:
        child = counted.get((channel, outcome))
        if child is None:
            child = counted[(channel, outcome)] = TURNS.labels(channel, outcome)
        child.inc()

    @functools.wraps(handle)
    async def handle_message(self: Agent, message: UserMessage) -> Any:
        channel = message.input_channel or "unknown"
        started = time.perf_counter()
        try:
            result = await handle(self, message)
        except BaseException as e:
            if not getattr(e, "counted_at_source", False):
                count(channel, getattr(e, "turn_outcome", "error"))
            raise
        histogram = seconds.get(channel)
        if histogram is None:
            histogram = seconds[channel] = TURN_SECONDS.labels(channel)
        histogram.observe(time.perf_counter() - started)
        count(channel, "ok")
        return result

    handle_message.rapport_instrumented = True  # type: ignore[attr-defined]
    return handle_message


class OpsChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rapport_ops"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Settings.from_env())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: aioredis.Redis | None = None
        self.mongo: Any = None
        instrument()
        logs.configure(settings)  # RAPPORT_LOG_FORMAT=json: Rasa's handlers print JSON too

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = RootBlueprint("rapport_ops", __name__)
        add_sanic_routes(bp, self.settings, self.checks)

        @bp.listener("before_server_start")
        async def open_clients(app: Any, _loop: Any) -> None:
            s = self.settings
            self.redis = aioredis.from_url(
                s.effective_redis_url.value, socket_timeout=2, socket_connect_timeout=2
            )
            self.mongo = connect(s.effective_mongodb_url.value)

        @bp.listener("after_server_stop")
        async def close_clients(app: Any, _loop: Any) -> None:
            if self.redis is not None:
                await self.redis.close()
            if self.mongo is not None:
                self.mongo.close()

        return bp

    def checks(self, app: Any) -> dict[str, Check]:
        async def model() -> None:
            agent = getattr(app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                raise ModelNotLoaded

        found: dict[str, Check] = {"model": model}
        if self.redis is not None:
            found["redis"] = self.redis.ping
        if self.mongo is not None:
            found["mongodb"] = lambda: self.mongo.admin.command("ping")
        return found


class ModelNotLoaded(Exception):
    """The Rasa agent has no model (yet)."""
