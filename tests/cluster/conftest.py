"""The `cluster` fixture: the product as three Rasa replicas, two action servers and two
job processes behind HAProxy (bot/cluster.py), on free loopback ports in a temporary
data folder. Package-scoped: started once for the tests of this folder and stopped
after the last of them, not left running (three Rasa processes) through the rest of
the suite. Skipped, with the reason, without Debian's haproxy (scripts/test_prereqs.py
installs it)."""

from __future__ import annotations

import time

import pytest

from bot.base.settings import Settings
from bot.cluster import Cluster, haproxy_binary
from tests.conftest import stack_env

START_LOG: list[str] = []


@pytest.fixture(scope="package")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    if haproxy_binary() is None:
        pytest.skip("Debian's haproxy is not installed (scripts/test_prereqs.py installs it as root)")
    data_dir = tmp_path_factory.mktemp("rapport-cluster")
    # a turn a killed replica had taken is run by another one when its lease runs out
    # (tests/cluster/test_faults.py): 20 s instead of 120 s, well above a test turn
    settings = Settings.from_env({**stack_env(data_dir), "RAPPORT_TURN_LEASE": "20"})
    c = Cluster(settings, rasa=3, actions=2, jobs=2, progress=START_LOG.append)
    started = time.monotonic()
    c.start()
    START_LOG.append(f"cluster started in {time.monotonic() - started:.1f} s")
    try:
        yield c
    finally:
        c.stop()
