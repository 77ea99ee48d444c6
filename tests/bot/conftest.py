"""A MongoDB-wire server of its own (the embedded nx-27017) for unit tests that need
storage (outreach, privacy stores)."""

from __future__ import annotations

import pytest

from bot.base.settings import Settings
from bot.stack import Stack
from bot.storage.mongo import MongoStore, connect
from tests.conftest import free_port


@pytest.fixture()
def mongo_env(tmp_path) -> dict[str, str]:
    return {
        "RAPPORT_DATA_DIR": str(tmp_path / "var"),
        "RAPPORT_MONGO_PORT": str(free_port()),
        "RAPPORT_DB_PREFIX": "rapport_test_",
    }


@pytest.fixture()
def mongo(mongo_env):
    settings = Settings.from_env(mongo_env)
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    store = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    yield store
    store.client.close()
    stack.stop()
