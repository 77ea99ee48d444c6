"""Real backing services for the invitation and scheduler tests: one nx-27017 and one
Valkey on free ports (a module's fixture: `yield from running(tmp_path)`)."""

from __future__ import annotations

import redis.asyncio as aioredis

from bot.base.settings import Settings
from bot.stack import Stack
from bot.stack import pick_free_port as free_port
from bot.storage.mongo import MongoStore, connect


class Backing:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.settings = Settings.from_env(env)
        self.stack = Stack(self.settings, progress=lambda m: None)

    def start(self) -> None:
        self.stack._start_mongo(lambda m: None)
        self.stack._start_redis(lambda m: None)

    def mongo(self) -> MongoStore:
        return MongoStore(connect(self.settings.effective_mongodb_url.value), self.settings.db_prefix)

    def redis(self) -> aioredis.Redis:
        return aioredis.from_url(self.settings.effective_redis_url.value, decode_responses=True)


def running(tmp_path):
    """Generator for a test module's fixture: `yield from running(tmp_path)`."""
    env = {
        "RAPPORT_DATA_DIR": str(tmp_path / "var"),
        "RAPPORT_MONGO_PORT": str(free_port()),
        "RAPPORT_REDIS_PORT": str(free_port()),
        "RAPPORT_DB_PREFIX": "rapport_test_",
    }
    b = Backing(env)
    b.start()
    yield b
    b.stack.stop()
