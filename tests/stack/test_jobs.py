"""The background jobs process (bot/jobs) against the stack's Redis and MongoDB: two jobs
processes at once do every piece of work once (each data-subject request executed and
announced once, each staff alert sent once, the audit inbox chained once into a chain
that verifies, retention once per period); they stop cleanly on SIGTERM and SIGINT; a
store that does not answer at start is a clear error; and the console alone runs no
job. Each test works in databases and a Redis database of its own, so the stack's own
jobs process never touches its data."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import pytest
import redis.asyncio as aioredis

from bot.audit.log import BATCH, AuditLog, SystemAccess
from bot.base.settings import PROJECT_ROOT, Settings
from bot.handover.store import WAITING
from bot.privacy.requests import RECEIVED, VERIFIED, DsrStore
from bot.stack import pick_free_port
from bot.staff.accounts import StaffStore
from bot.storage.mongo import MongoStore, connect

pytestmark = pytest.mark.stack

TENANT = "alpenhof"
READY = "jobs running:"


def isolated(stack, redis_db: int, **extra: str) -> dict[str, str]:
    """The stack's environment with databases and a Redis database of this test's own."""
    prefix = f"rapport_jobs{secrets.token_hex(3)}_"
    url = urlsplit(stack.settings.effective_redis_url.value)
    redis_url = urlunsplit(url._replace(path=f"/{redis_db}"))
    return {**stack.child_env(), "RAPPORT_DB_PREFIX": prefix, "REDIS_URL": redis_url, **extra}


def start(env: dict[str, str], log: Path, module: str = "bot.jobs") -> subprocess.Popen:
    env = {**env, "RAPPORT_JOBS_HTTP_PORT": str(pick_free_port())}  # each its own /healthz port
    with open(log, "wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", module],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


async def wait_until(check, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out: {what}"
        await asyncio.sleep(0.2)


async def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return await asyncio.to_thread(proc.wait, 20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


class World:
    """One isolated deployment's stores, seen from the test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.settings = Settings.from_env(env)
        self.client = connect(self.settings.effective_mongodb_url.value)
        self.mongo = MongoStore(self.client, self.settings.db_prefix)
        self.db = self.client[self.settings.db_prefix + TENANT]
        self.redis = aioredis.from_url(self.settings.effective_redis_url.value)
        self.audit = AuditLog.from_settings(self.client, self.settings)

    async def staff(self, role: str, **fields) -> str:
        store = StaffStore(self.client[self.settings.control_db])
        staff = await store.add(
            username=f"t-{secrets.token_hex(5)}", password_hash="x", tenant_id=TENANT, role=role
        )
        await store.collection.update_one({"_id": staff.id}, {"$set": fields})
        return staff.id

    async def verified_request(self, i: int) -> str:
        store = DsrStore(self.mongo, TENANT, self.settings.guest_key, self.settings.control_db)
        doc = await store.create(type_="restriction", guest_ref=f"g_jobs_{i}", channel="rest", language="en")
        await store.transition(doc["_id"], RECEIVED, VERIFIED, "guest")
        return doc["_id"]

    async def waiting_handover(self, i: int) -> str:
        cid = f"c_jobs_{secrets.token_hex(6)}_{i}"
        doc = {"_id": cid, "state": WAITING, "reason": "request", "channel": "rest", "language": "en"}
        await self.db.handovers.insert_one({**doc, "guest_ref": f"g_jobs_{i}", "escalated_at": time.time()})
        return cid

    async def inbox(self, n: int) -> None:
        for i in range(n):
            await self.audit.system_access(TENANT, [SystemAccess("rating.store", "rating", f"c_{i}:overall")])

    async def close(self) -> None:
        await self.redis.flushdb()
        for tenant in ("alpenhof", "laguna"):
            await self.client.drop_database(self.settings.db_prefix + tenant)
        await self.client.drop_database(self.settings.control_db)
        await self.redis.close()
        self.client.close()


async def mail_to(stack, address: str) -> list[str]:
    """Subject and body of every mail to `address`."""
    async with aiohttp.ClientSession() as s, s.get(stack.fake_email.http_url + "/_fake/mail") as r:
        mails = [email.message_from_string(m["raw"], policy=email.policy.default) for m in await r.json()]
    return [f"{m['Subject']}\n{m.get_content()}" for m in mails if address in str(m["To"])]


async def test_two_jobs_processes_do_each_piece_of_work_once(stack, tmp_path):
    env = isolated(stack, 6, RAPPORT_RETENTION_EVERY="2")
    world = World(env)
    admin_mail = f"admin-{secrets.token_hex(4)}@alpenhof.example"
    duty_mail = f"duty-{secrets.token_hex(4)}@alpenhof.example"
    procs: list[subprocess.Popen] = []
    try:
        await world.redis.flushdb()
        await world.staff("admin", email=admin_mail, on_duty=False)
        await world.staff("agent", email=duty_mail, on_duty=True)
        requests = [await world.verified_request(i) for i in range(5)]
        handovers = [await world.waiting_handover(i) for i in range(5)]
        await world.inbox(30)
        logs = [tmp_path / f"jobs{i}.log" for i in range(2)]
        procs = [start(env, log) for log in logs]

        async def all_done() -> bool:
            done = await world.db.dsr_requests.count_documents({"_id": {"$in": requests}, "status": "done"})
            notified = await world.db.handovers.count_documents({"notified_at": {"$exists": True}})
            inbox = await world.db.audit_inbox.count_documents({})
            periods = sum(log.read_text().count("jobs.period.done") for log in logs)
            mails = len(await mail_to(stack, admin_mail)) + len(await mail_to(stack, duty_mail))
            return done == 5 and notified == 5 and inbox == 0 and periods >= 3 and mails >= 10

        await wait_until(all_done, 90, "the work of two jobs processes")
        await world.inbox(30)  # more while both run
        await wait_until(lambda: _empty_inbox(world), 30, "the second inbox batch")
        await asyncio.sleep(2.5)  # more rounds of both: nothing is done twice
        codes = [await stop(procs[0], signal.SIGTERM), await stop(procs[1], signal.SIGINT)]
        outputs = [log.read_text() for log in logs]
        assert codes == [0, 0], outputs
        for out in outputs:
            assert READY in out and "jobs.stopped" in out and "Traceback" not in out, out

        # each request executed once, announced to the admin once
        for rid in requests:
            history = [h["status"] async for h in world.db.dsr_history.find({"request": rid})]
            assert history.count("done") == 1, (rid, history)
            query = {"resource_id": rid, "action": "dsr.execute.restriction"}
            assert await world.db.audit.count_documents(query) == 1
        notices = Counter(r for m in await mail_to(stack, admin_mail) for r in requests if r in m)
        assert notices == Counter(requests), notices
        # each escalation alerted once
        alerts = await mail_to(stack, duty_mail)
        alerted = Counter(h for m in alerts for h in handovers if f"conversation={h}" in m)
        assert len(alerts) == 5 and alerted == Counter(handovers), alerted
        # the inbox chained once, into a chain that verifies
        entries = await world.db.audit.find({"action": BATCH}).to_list(10_000)
        folded = Counter(i for e in entries for i in e["detail"]["folded"])
        assert len(folded) == 60 and set(folded.values()) == {1}, folded.most_common(3)
        result = await world.audit.verify(world.audit.database_of(TENANT))
        assert result.ok, result
        # retention once per period, by one process or the other
        periods = Counter(
            p for out in outputs for p in re.findall(r"jobs\.period\.done job=retention period=(\d+)", out)
        )
        assert len(periods) >= 3 and set(periods.values()) == {1}, periods
        runs = await world.db.audit.count_documents({"action": "retention.run"})
        assert runs == len(periods), (runs, periods)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        await world.close()


async def _empty_inbox(world: World) -> bool:
    return await world.db.audit_inbox.count_documents({}) == 0


async def test_a_store_that_does_not_answer_at_start_is_a_clear_error(stack, tmp_path):
    closed = pick_free_port()
    cases = {
        "Redis": {"REDIS_URL": f"redis://127.0.0.1:{closed}/0"},
        "MongoDB": {"MONGODB_URL": f"mongodb://127.0.0.1:{closed}/?serverSelectionTimeoutMS=500"},
    }
    for store, extra in cases.items():
        env = {**isolated(stack, 7), **extra}
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.jobs"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"error: {store} is unreachable" in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert READY not in done.stdout


async def test_the_console_alone_runs_no_job(stack, tmp_path):
    """A console on databases of its own, no jobs process: a verified request, a waiting
    handover and an inbox record stay as they are."""
    port = pick_free_port()
    env = isolated(
        stack,
        7,
        RAPPORT_CONSOLE_PORT=str(port),
        RAPPORT_CONSOLE_URL=f"http://127.0.0.1:{port}",
        RAPPORT_RETENTION_EVERY="1",
    )
    world = World(env)
    console = None
    try:
        await world.redis.flushdb()
        await world.staff("admin", email=f"admin-{secrets.token_hex(4)}@alpenhof.example")
        await world.staff("agent", email=f"duty-{secrets.token_hex(4)}@alpenhof.example", on_duty=True)
        rid = await world.verified_request(0)
        cid = await world.waiting_handover(0)
        await world.inbox(1)
        console = start(env, tmp_path / "console.log", "bot.console")

        async def healthy() -> bool:
            assert console.poll() is None, (tmp_path / "console.log").read_text()
            try:
                return await asyncio.to_thread(_ok, f"http://127.0.0.1:{port}/healthz")
            except OSError:
                return False

        await wait_until(healthy, 60, "the console")
        await asyncio.sleep(4)  # the notifier, worker and folder ran every second or two
        request = await world.db.dsr_requests.find_one({"_id": rid})
        assert request["status"] == VERIFIED
        assert "informed_at" not in request and "claimed_by" not in request
        assert "notified_at" not in await world.db.handovers.find_one({"_id": cid})
        assert await world.db.audit_inbox.count_documents({}) == 1
        assert await world.db.audit.count_documents({"action": "retention.run"}) == 0
        assert [k async for k in world.redis.scan_iter("rapport:jobs:*")] == []
    finally:
        if console is not None:
            assert await stop(console) == 0
        await world.close()


def _ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - our own http:// URL
        return r.status == 200


def test_the_stack_runs_one_jobs_process(stack):
    jobs = [c for c in stack.children if c.name == "jobs"]
    assert len(jobs) == 1 and jobs[0].process.poll() is None
    assert READY in jobs[0].log_path.read_text()
    assert os.path.basename(jobs[0].log_path) == "jobs.log"
