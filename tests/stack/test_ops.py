"""Every process of the running stack serves /healthz, /readyz and /metrics
(bot/base/ops.py): the metrics move with real turns, escalations and sends; /metrics is
refused to a request relayed by a proxy; /readyz says 503 when its Redis is gone (a jobs
process on a Valkey of the test's own, never the stack's); JSON logs parse and carry no
personal data."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import signal
import subprocess
import sys
import time

import aiohttp
import pytest

from bot.base.settings import PROJECT_ROOT, Settings
from bot.stack import Stack, pick_free_port
from tests.stack.client import Guest
from tests.stack.test_sms import Phone

pytestmark = pytest.mark.stack


def bases(stack: Stack) -> dict[str, str]:
    s = stack.settings
    return {
        "rasa": f"http://{s.host}:{s.rasa_port}",
        "actions": f"http://{s.host}:{s.action_port}",
        "console": f"http://{s.host}:{s.console_port}",
        "jobs": f"http://{s.host}:{s.jobs_http_port}",
    }


async def get(url: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        async with session.get(url, headers=headers) as r:
            return r.status, await r.text()


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from Prometheus text (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        metric, _, value = line.rpartition(" ")
        if not metric.startswith(name):
            continue
        got_name, _, got_labels = metric.partition("{")
        pairs = ",".join(sorted(re.findall(r'\w+="[^"]*"', got_labels)))
        if got_name == name and pairs == want:
            return float(value)
    return 0.0


@pytest.mark.parametrize("process", ["rasa", "actions", "console", "jobs"])
async def test_every_process_answers_health_readiness_and_metrics(stack, process):
    base = bases(stack)[process]
    status, body = await get(base + "/healthz")
    assert status == 200 and json.loads(body) == {"ok": True}
    status, body = await get(base + "/readyz")
    assert status == 200 and json.loads(body) == {"ok": True}, body
    status, text = await get(base + "/metrics")
    assert status == 200 and "# TYPE rapport_turns_total counter" in text
    assert "# TYPE rapport_escalations_waiting gauge" in text
    # relayed by a reverse proxy (the internet behind a proxy on loopback): refused
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        status, body = await get(base + "/metrics", **{header: "203.0.113.9"})
        assert (status, json.loads(body)) == (403, {"error": "forbidden"}), (process, header)
    # none of them needs a token or a session for its health, nor leaks one
    assert (await get(base + "/readyz", **{"X-Forwarded-For": "203.0.113.9"}))[0] == 200


async def test_a_turn_moves_the_turn_and_action_metrics(stack):
    urls = bases(stack)
    before = (await get(urls["rasa"] + "/metrics"))[1]
    actions_before = (await get(urls["actions"] + "/metrics"))[1]
    guest = Guest(stack, "alpenhof", locale="en")
    assert await guest.say("hello")
    assert await guest.say("4")
    after = (await get(urls["rasa"] + "/metrics"))[1]
    actions_after = (await get(urls["actions"] + "/metrics"))[1]
    ok = "rapport_turns_total"
    assert (
        sample(after, ok, channel="rest", outcome="ok") - sample(before, ok, channel="rest", outcome="ok")
        >= 2
    )
    count = "rapport_turn_seconds_count"
    assert sample(after, count, channel="rest") - sample(before, count, channel="rest") >= 2
    # every turn falls in a bucket, +Inf counting them all
    bucket = "rapport_turn_seconds_bucket"
    assert sample(after, bucket, channel="rest", le="+Inf") == sample(after, count, channel="rest")
    assert sample(after, "rapport_turn_seconds_sum", channel="rest") > 0
    action = "rapport_action_seconds_count"
    assert sample(actions_after, action) - sample(actions_before, action) >= 2


async def test_an_escalation_moves_escalations_waiting_after_a_refresh(stack):
    jobs = bases(stack)["jobs"] + "/metrics"
    gauge = "rapport_escalations_waiting"
    before = sample((await get(jobs))[1], gauge, tenant="alpenhof")
    guest = Guest(stack, "alpenhof", locale="en")
    await guest.say("hi")
    await guest.say("1")  # a low overall rating escalates
    deadline = time.monotonic() + 20  # the stack refreshes every second (RAPPORT_METRICS_REFRESH)
    while (now := sample((await get(jobs))[1], gauge, tenant="alpenhof")) < before + 1:
        assert time.monotonic() < deadline, (before, now)
        await asyncio.sleep(0.3)
    text = (await get(jobs))[1]
    assert sample(text, "rapport_escalations_oldest_waiting_seconds", tenant="alpenhof") >= 0
    assert 'rapport_dsr_requests{state="done",tenant="alpenhof"}' in text
    assert 'rapport_inbound_queue_depth{channel="sms",tenant="alpenhof"}' in text


async def test_an_sms_reply_moves_outbox_sends(stack):
    rasa = bases(stack)["rasa"] + "/metrics"
    before = sample((await get(rasa))[1], "rapport_outbox_sends_total", channel="sms", status="sent")
    phone = Phone(stack)
    status, _ = await phone.post(phone.form("Hello, I would like to give feedback"))
    assert status == 200
    assert await phone.wait_for(1)
    deadline = time.monotonic() + 10
    while sample((await get(rasa))[1], "rapport_outbox_sends_total", channel="sms", status="sent") <= before:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)


async def _wait_http(url: str, proc: subprocess.Popen, log, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, log.read_text()
        try:
            if (await get(url))[0] == 200:
                return
        except (aiohttp.ClientError, TimeoutError):
            pass
        assert time.monotonic() < deadline, log.read_text()
        await asyncio.sleep(0.3)


@pytest.mark.parametrize("module", ["bot.jobs", "bot.console"])
async def test_readyz_is_503_while_its_redis_is_down_and_json_logs_parse(stack, tmp_path, module):
    """A jobs process or a console of the test's own (its Valkey, its databases) logging JSON."""
    port = pick_free_port()
    own = Stack(
        Settings.from_env(
            {"RAPPORT_DATA_DIR": str(tmp_path / "own"), "RAPPORT_REDIS_PORT": str(pick_free_port())}
        ),
        progress=lambda m: None,
    )
    own._start_redis(lambda m: None)
    env = {
        **stack.child_env(),
        "RAPPORT_DB_PREFIX": f"rapport_ops{secrets.token_hex(3)}_",
        "REDIS_URL": own.settings.effective_redis_url.value,
        "RAPPORT_JOBS_HTTP_PORT": str(port),
        "RAPPORT_CONSOLE_PORT": str(port),
        "RAPPORT_CONSOLE_URL": f"http://127.0.0.1:{port}",
        "RAPPORT_LOG_FORMAT": "json",
        "RAPPORT_METRICS_REFRESH": "0.5",
    }
    log = tmp_path / "process.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", module], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_http(base + "/readyz", proc, log)
        own.stop()  # its Redis goes away (SIGTERM)
        deadline = time.monotonic() + 30
        while (answer := await get(base + "/readyz"))[0] != 503:
            assert time.monotonic() < deadline, answer
            await asyncio.sleep(0.3)
        body = json.loads(answer[1])
        assert body["ok"] is False and set(body["failed"]) == {"redis"}, body
        assert (await get(base + "/healthz"))[0] == 200  # alive: not a reason to restart it
        await asyncio.sleep(1.5)  # rounds fail meanwhile, and say so in the log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        own.stop()
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    # what Python prints while importing, before logging is configured, is not in scope
    # (docs/OPERATIONS.md); every line from the first JSON one must parse
    first = next(i for i, line in enumerate(lines) if line.startswith("{"))
    parsed = [json.loads(line) for line in lines[first:]]
    for p in parsed:
        assert {"time", "level", "logger", "event"} <= set(p), p
    events = [p["event"] for p in parsed]
    if module == "bot.jobs":
        assert any(e.startswith("jobs running:") for e in events), events
        assert "jobs.started" in events and "jobs.stopped" in events, events
    else:
        assert "console.started" in events, events
    text = log.read_text()
    for secret in ("+49", stack.settings.guest_key.value):
        assert secret not in text
