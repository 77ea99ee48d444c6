"""bot/jobs/metrics.py (the shared-state gauges, over 20 tenants, on a real nx-27017 and
Valkey: values and the refresh's cost) and bot/jobs/http.py (the jobs process's
/healthz, /readyz, /metrics on a free port)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import socket
import time
import urllib.error
import urllib.request

import pytest
import redis.asyncio as aioredis

from bot.audit.log import AuditLog, SystemAccess, inbox_document, redis_inbox_entry, redis_inbox_key
from bot.base.metrics import REGISTRY
from bot.base.settings import Settings
from bot.jobs import http
from bot.jobs.metrics import MetricsRefresher
from bot.stack import Stack, pick_free_port
from bot.storage.mongo import MongoStore, connect

TENANTS = [f"m{i:02d}" for i in range(20)]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    settings = Settings.from_env(
        {
            "RAPPORT_DATA_DIR": str(tmp_path_factory.mktemp("metrics")),
            "RAPPORT_MONGO_PORT": str(pick_free_port()),
            "RAPPORT_REDIS_PORT": str(pick_free_port()),
            "RAPPORT_DB_PREFIX": f"rapport_m{secrets.token_hex(2)}_",
        }
    )
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    stack._start_redis(lambda m: None)
    yield stack
    stack.stop()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gauge(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_gauges_over_twenty_tenants_and_the_cost_of_a_refresh(servers):
    s = servers.settings
    client = connect(s.effective_mongodb_url.value)
    redis = aioredis.from_url(s.effective_redis_url.value)
    store = MongoStore(client, s.db_prefix)
    now = time.time()
    try:
        for i, tenant in enumerate(TENANTS):
            db = store.database(tenant)
            # a few hundred finished jobs and handovers each: the refresh must not read them
            await db.sms_inbound.insert_many(
                [{"_id": f"done{j}", "state": "done", "received_at": now - 9000} for j in range(200)]
                + [
                    {"_id": f"p{j}", "state": "pending", "received_at": now - 60 * (j + 1)}
                    for j in range(i % 3)
                ]
            )
            await db.handovers.insert_many(
                [{"_id": f"r{j}", "state": "resolved", "escalated_at": now - 9000} for j in range(200)]
                + [
                    {"_id": f"w{j}", "state": "waiting_for_staff", "escalated_at": now - 120}
                    for j in range(i % 2)
                ]
            )
            await db.dsr_requests.insert_many(
                [
                    {"_id": "a", "status": "done", "deadline_at": now - 99},
                    {"_id": "b", "status": "verified", "deadline_at": now + 3600},
                    {
                        "_id": "c",
                        "status": "received",
                        "deadline_at": now + 600,
                        "extended_until": now + 7200,
                    },
                ]
            )
        access = [SystemAccess("contact.store", "contact", "ref")]
        utc_now = dt.datetime.now(dt.UTC)
        await store.database("m19").audit_inbox.insert_one(
            inbox_document(access, utc_now - dt.timedelta(seconds=300))
        )
        entry = redis_inbox_entry(access, utc_now - dt.timedelta(seconds=30))
        await redis.rpush(redis_inbox_key("rapport", "m00"), entry)

        refresher = MetricsRefresher(store, redis, AuditLog.from_settings(client, s), TENANTS)
        await refresher.run_once()  # warm: connections, indexes of nothing
        costs = []
        nx = next(c.process.pid for c in servers.children if c.name == "mongo")
        cpu, nx_cpu = time.process_time(), _cpu_seconds(nx)
        for _ in range(3):
            await refresher.run_once()
            costs.append(refresher.last_seconds)
        cpu, nx_cpu = (time.process_time() - cpu) / 3, (_cpu_seconds(nx) - nx_cpu) / 3
        print(
            f"\nmetrics refresh over {len(TENANTS)} tenants: {min(costs) * 1000:.0f} ms wall (best of 3), "
            f"CPU per round: {cpu * 1000:.0f} ms in the refresher, {nx_cpu * 1000:.0f} ms in nx-27017"
        )
        assert min(costs) < 5.0, costs

        assert gauge("rapport_inbound_queue_depth", tenant="m02", channel="sms") == 2
        assert 115 <= gauge("rapport_inbound_queue_oldest_seconds", tenant="m02", channel="sms") < 200
        assert gauge("rapport_inbound_queue_depth", tenant="m00", channel="sms") == 0
        assert gauge("rapport_inbound_queue_oldest_seconds", tenant="m00", channel="sms") == 0
        assert gauge("rapport_inbound_queue_depth", tenant="m01", channel="email") == 0
        assert gauge("rapport_escalations_waiting", tenant="m01") == 1
        assert 115 <= gauge("rapport_escalations_oldest_waiting_seconds", tenant="m01") < 200
        assert gauge("rapport_escalations_waiting", tenant="m00") == 0
        assert gauge("rapport_dsr_requests", tenant="m05", state="done") == 1
        assert gauge("rapport_dsr_requests", tenant="m05", state="verified") == 1
        assert gauge("rapport_dsr_requests", tenant="m05", state="rejected") == 0
        # the nearest deadline of the open ones, an extension counting
        assert 3500 < gauge("rapport_dsr_nearest_deadline_seconds", tenant="m05") <= 3600
        assert 25 <= gauge("rapport_audit_inbox_oldest_seconds", tenant="m00") < 100
        assert 295 <= gauge("rapport_audit_inbox_oldest_seconds", tenant="m19") < 400
        assert gauge("rapport_audit_inbox_oldest_seconds", tenant="m07") == 0

        # a waiting escalation taken: the gauge follows at the next refresh
        await store.database("m01").handovers.update_one({"_id": "w0"}, {"$set": {"state": "with_staff"}})
        await refresher.run_once()
        assert gauge("rapport_escalations_waiting", tenant="m01") == 0
    finally:
        await redis.close()
        client.close()


def _get(url: str, source: str | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    host, port = url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection(
        (host, int(port)), timeout=5, source_address=(source, 0) if source else None
    ) as c:
        path = "/" + url.split("//")[1].split("/", 1)[1]
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        c.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n".encode())
        data = b""
        while chunk := c.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


async def test_the_jobs_http_server(servers):
    port = pick_free_port()
    s = Settings.from_env(
        {
            **{k: v for k, v in servers.child_env().items() if k.startswith(("RAPPORT_", "MONGODB"))},
            "RAPPORT_JOBS_HTTP_PORT": str(port),
            "RAPPORT_METRICS_ALLOW": "127.0.0.1/32",
        }
    )
    client = connect(s.effective_mongodb_url.value)
    redis = aioredis.from_url(s.effective_redis_url.value)
    runner = await http.start(s, client, redis)
    base = f"http://127.0.0.1:{port}"
    try:
        get = lambda path, **kw: asyncio.to_thread(_get, base + path, **kw)  # noqa: E731
        assert await get("/healthz") == (200, b'{"ok": true}')
        assert await get("/readyz") == (200, b'{"ok": true}')
        status, body = await get("/metrics")
        assert status == 200 and b"rapport_turns_total" in body
        # from another address than the allowed one, or relayed by a proxy: refused
        assert (await get("/metrics", source="127.0.0.2"))[0] == 403
        assert (await get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}))[0] == 403
        assert (await get("/nowhere"))[0] == 404
    finally:
        await runner.cleanup()
        await redis.close()
        client.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - stopped
