"""Shared fixtures. The `stack` fixture starts the real product once per session
(embedded Valkey and nx-27017, the action server, the Rasa server with the trained
model) on free loopback ports in a temporary data folder, exactly as `make run` does.
Set MONGODB_URL / REDIS_URL to run the same tests against real servers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.base.settings import Settings
from bot.stack import Stack, isolated_env, pick_free_port

free_port = pick_free_port


# One third-party origin may embed the widget (tests/stack/test_webchat.py and
# test_browser.py serve a page from it). The per-IP limits are lifted because every
# test connects from 127.0.0.1; the per-socket limit keeps its default.
THIRD_PARTY_ORIGIN = f"http://127.0.0.1:{pick_free_port()}"


def stack_env(data_dir: Path) -> dict[str, str]:
    env = isolated_env(
        data_dir,
        RAPPORT_DB_PREFIX="rapport_test_",
        # failed turns are retried after 1 s, 3 s, ... (default 5 s, 15 s, ...)
        RAPPORT_TURN_RETRY_BASE="1",
        RAPPORT_TURN_SWEEP_INTERVAL="0.5",
        RAPPORT_WEBCHAT_ORIGINS=THIRD_PARTY_ORIGIN,
        RAPPORT_WEBCHAT_IP_MESSAGES_PER_MIN="100000",
        RAPPORT_WEBCHAT_IP_CONNECTS_PER_MIN="100000",
        RAPPORT_WEBCHAT_IP_SESSIONS_PER_MIN="100000",
        RAPPORT_METRICS_REFRESH="1",  # the gauges move within a second (tests/stack/test_ops.py)
    )
    for name in ("MONGODB_URL", "REDIS_URL", "RAPPORT_LANGUAGE_DETECTOR"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("rapport-var")
    settings = Settings.from_env(stack_env(data_dir))
    messages: list[str] = []
    st = Stack(settings, progress=messages.append)
    st.start()
    try:
        yield st
    finally:
        st.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fuzz tests run after every other test: they leave junk conversations behind."""
    items.sort(key=lambda item: item.get_closest_marker("fuzz") is not None)
