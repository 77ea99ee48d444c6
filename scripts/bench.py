"""Benchmark: Rapport's full stack against the stock `rasa init` bot, same machine, same run.

    make bench            (or: .venv/bin/python scripts/bench.py --seconds 20)

For each system it prints seconds from start command to ready, turns/s and p50/p95
latency through the REST channel with 1 and with 10 concurrent guests (5-turn
conversations), and the resident memory of all its processes. Rapport's turns run the
whole pipeline: NLU, the authenticated action call, the MongoDB writes. The stock bot
is created with `rasa init --no-prompt` once and cached under .var/bench/stock.
Not part of the test run: figures on a 2-core machine are noisy, so medians over
repeated rounds are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bot.settings import Settings  # noqa: E402
from bot.stack import BIN, QUIET_ENV, Stack, isolated_env, pick_free_port, train_if_needed  # noqa: E402

OUR_SCRIPT = ["Hello, I would like to give feedback", "4", "room 5, breakfast 4", "3", "4"]
STOCK_SCRIPT = ["hello", "I am feeling great", "yes", "goodbye", "hi"]


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the given processes and all their descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total_kb, todo, seen = 0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


async def converse(session, url, script, metadata, latencies) -> None:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for text in script:
        body = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        t = time.perf_counter()
        async with session.post(url, json=body) as r:
            await r.read()
            if r.status != 200:
                raise RuntimeError(f"status {r.status}")
        latencies.append(time.perf_counter() - t)


async def load(url, script, metadata, guests: int, seconds: float) -> dict:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=guests * 2)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=120)
    ) as session:
        await converse(session, url, script, metadata, [])  # warm-up

        async def guest() -> None:
            while time.perf_counter() < deadline:
                await converse(session, url, script, metadata, latencies)

        started = time.perf_counter()
        await asyncio.gather(*(guest() for _ in range(guests)))
        wall = time.perf_counter() - started
    latencies.sort()
    return {
        "turns": len(latencies),
        "turns_per_s": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def measure(url, script, metadata, pids, rounds, seconds) -> dict:
    out: dict = {}
    for guests in (1, 10):
        runs = [asyncio.run(load(url, script, metadata, guests, seconds)) for _ in range(rounds)]
        out[guests] = {k: statistics.median(r[k] for r in runs) for k in ("turns_per_s", "p50_ms", "p95_ms")}
        out[guests]["turns"] = sum(r["turns"] for r in runs)
    out["rss_mb"] = rss_mb(pids)
    return out


async def sms_load(stack: Stack, senders: int = 10, messages: int = 5) -> dict:
    """Webhook acknowledgement latency with `senders` phones at once, every inbound
    message delivered twice (concurrently); then count the replies: each message must
    produce exactly one turn, so duplicates show up as extra replies."""
    import secrets

    from twilio.request_validator import RequestValidator

    fake = stack.fake_twilio
    url = stack.settings.public_url + "/webhooks/sms/inbound"
    validator = RequestValidator(fake.auth_token)
    acks: list[float] = []
    numbers = ["+49151" + str(secrets.randbelow(10**8)).zfill(8) for _ in range(senders)]
    script = ["Hello, I would like to give feedback", "4", "5", "3", "4"][:messages]

    async def phone(session, number) -> None:
        for text in script:
            form = {
                "MessageSid": "SM" + secrets.token_hex(16),
                "AccountSid": fake.account_sid,
                "From": number,
                "To": "+49882112345",
                "Body": text,
                "NumMedia": "0",
            }
            headers = {"X-Twilio-Signature": validator.compute_signature(url, form)}

            async def deliver(form=form, headers=headers) -> None:
                t = time.perf_counter()
                async with session.post(url, data=form, headers=headers) as r:
                    await r.read()
                    assert r.status == 200, r.status
                acks.append(time.perf_counter() - t)

            await asyncio.gather(deliver(), deliver())
            await asyncio.sleep(0.3)  # a guest types; the turn runs after the ack

    async with aiohttp.ClientSession() as session:
        await session.delete(fake.base_url + "/_fake/messages")
        await asyncio.gather(*(phone(session, n) for n in numbers))
        await asyncio.sleep(3)
        async with session.get(fake.base_url + "/_fake/messages") as r:
            sent = await r.json()
    acks.sort()
    # each turn's reply may be split into several SMS; count turns by distinct replies
    by_number: dict[str, int] = {}
    for m in sent:
        by_number[m["to"]] = by_number.get(m["to"], 0) + 1
    return {
        "deliveries": len(acks),
        "ack_p50_ms": 1000 * statistics.median(acks),
        "ack_p95_ms": 1000 * acks[int(0.95 * (len(acks) - 1))],
        "inbound_unique": senders * len(script),
        "sms_sent": len(sent),
        # identical scripts, so every phone must get the same number of SMS; a
        # duplicated turn would show up as one phone getting more
        "sms_per_phone": sorted(set(by_number.values())),
    }


def _ack_figures(acks: list[float]) -> dict:
    acks.sort()
    return {
        "deliveries": len(acks),
        "ack_p50_ms": 1000 * statistics.median(acks),
        "ack_p95_ms": 1000 * acks[int(0.95 * (len(acks) - 1))],
    }


async def _replies_per_guest(session, http_url: str, guests: list[str]) -> list[int]:
    """How many replies each guest address got from the SMTP stand-in (one per turn)."""
    await asyncio.sleep(3)
    async with session.get(http_url + "/_fake/mail") as r:
        sent = await r.json()
    return sorted({sum(1 for m in sent if g in m["rcpt_tos"]) for g in guests})


async def email_load(stack: Stack, senders: int = 10, messages: int = 5) -> dict:
    """The Mailgun webhook as `sms_load` measures SMS: `senders` guests at once, every
    message delivered twice concurrently (same Message-Id, each delivery signed as
    Mailgun signs: HMAC-SHA256 of timestamp + token with the signing key, fresh token)."""
    import hashlib
    import hmac
    import secrets

    fake = stack.fake_email
    url = stack.settings.public_url + "/webhooks/email/mailgun"
    acks: list[float] = []
    guests = [f"bench-{secrets.token_hex(6)}@example.org" for _ in range(senders)]
    script = ["Hello, I would like to give feedback", "4", "5", "3", "4"][:messages]

    def form(guest: str, text: str, message_id: str) -> dict[str, str]:
        ts, token = str(int(time.time())), secrets.token_hex(25)
        sig = hmac.new(fake.signing_key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
        return {
            "sender": guest, "from": guest, "recipient": "feedback@alpenhof.example", "subject": "Stay",
            "body-plain": text, "Message-Id": message_id, "timestamp": ts, "token": token, "signature": sig,
        }  # fmt: skip

    async def guest_mail(session, guest) -> None:
        for text in script:
            message_id = f"<{secrets.token_hex(12)}@example.org>"

            async def deliver(text: str = text, message_id: str = message_id) -> None:
                body = form(guest, text, message_id)
                t = time.perf_counter()
                async with session.post(url, data=body) as r:
                    await r.read()
                    assert r.status == 200, r.status
                acks.append(time.perf_counter() - t)

            await asyncio.gather(deliver(), deliver())
            await asyncio.sleep(0.3)

    async with aiohttp.ClientSession() as session:
        await session.delete(fake.http_url + "/_fake/mail")
        await asyncio.gather(*(guest_mail(session, g) for g in guests))
        per_guest = await _replies_per_guest(session, fake.http_url, guests)
    return {**_ack_figures(acks), "inbound_unique": senders * len(script), "replies_per_guest": per_guest}


async def smtp_load(stack: Stack, senders: int = 10, messages: int = 5) -> dict:
    """The SMTP receiver: time from the end of DATA to its 250, `senders` MTAs at once,
    every message delivered twice concurrently (same Message-Id, two sessions)."""
    import secrets
    from email.message import EmailMessage

    import aiosmtplib

    fake, s = stack.fake_email, stack.settings
    acks: list[float] = []
    guests = [f"bench-{secrets.token_hex(6)}@example.org" for _ in range(senders)]
    script = ["Hello, I would like to give feedback", "4", "5", "3", "4"][:messages]

    async def deliver(guest: str, raw: bytes) -> None:
        async with aiosmtplib.SMTP(
            hostname=s.smtp_inbound_host, port=stack.smtp_inbound_port, timeout=30
        ) as smtp:
            await smtp.ehlo()
            await smtp.mail(guest)
            await smtp.rcpt("feedback@alpenhof.example")
            t = time.perf_counter()
            response = await smtp.data(raw)
            acks.append(time.perf_counter() - t)
            assert response.code == 250, response

    async def guest_mail(guest: str) -> None:
        for text in script:
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = guest, "feedback@alpenhof.example", "Stay"
            msg["Message-ID"] = f"<{secrets.token_hex(12)}@example.org>"
            msg.set_content(text)
            raw = msg.as_bytes()
            await asyncio.gather(deliver(guest, raw), deliver(guest, raw))
            await asyncio.sleep(0.3)

    async with aiohttp.ClientSession() as session:
        await session.delete(fake.http_url + "/_fake/mail")
        await asyncio.gather(*(guest_mail(g) for g in guests))
        per_guest = await _replies_per_guest(session, fake.http_url, guests)
    return {**_ack_figures(acks), "inbound_unique": senders * len(script), "replies_per_guest": per_guest}


def bench_ours(args) -> dict:
    train_if_needed(ROOT, progress=lambda m: print("  ours:", m, flush=True))
    data_dir = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    env = isolated_env(data_dir, RAPPORT_LOG_LEVEL="WARNING")
    stack = Stack(Settings.from_env(env), progress=lambda m: None, rasa_workers=args.workers)
    started = time.monotonic()
    stack.start(train=False)
    ready = time.monotonic() - started
    try:
        s = stack.settings
        url = f"http://{s.host}:{s.rasa_port}/webhooks/rest/webhook"
        result = {}
        if not args.channels_only:
            result = measure(
                url,
                OUR_SCRIPT,
                {"tenant": "alpenhof"},
                [c.process.pid for c in stack.children],
                args.rounds,
                args.seconds,
            )
        result["sms"] = asyncio.run(sms_load(stack))
        result["email"] = asyncio.run(email_load(stack))
        result["smtp"] = asyncio.run(smtp_load(stack))
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    result["ready_s"] = ready
    return result


def bench_stock(args) -> dict:
    stock = ROOT / ".var" / "bench" / "stock"
    env = {**os.environ, **QUIET_ENV}
    if not list((stock / "models").glob("*.tar.gz")):
        print("  stock: creating and training the `rasa init` bot (once; ~3 min) ...", flush=True)
        shutil.rmtree(stock, ignore_errors=True)
        stock.mkdir(parents=True)
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(stock)],
            cwd=stock,
            env=env,
            check=True,
            capture_output=True,
        )
    port = pick_free_port()
    log = open(stock / "run.log", "wb")  # noqa: SIM115
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(BIN / "rasa"), "run", "-m", "models", "-i", "127.0.0.1", "-p", str(port)],
        cwd=stock,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/webhooks/rest/", 300, proc)
        ready = time.monotonic() - started
        result = measure(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            STOCK_SCRIPT,
            None,
            [proc.pid],
            args.rounds,
            args.seconds,
        )
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()
    result["ready_s"] = ready
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15, help="duration of one load round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per concurrency (median is reported)")
    parser.add_argument("--workers", type=int, default=1, help="Rasa server workers for Rapport")
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument(
        "--channels-only",
        action="store_true",
        help="only the webhook/SMTP acknowledgement figures (implies --skip-stock)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    print(f"bench: {os.cpu_count()} CPUs, {args.rounds} x {args.seconds:.0f} s per setting", flush=True)
    results = {"rapport": bench_ours(args)}
    if not args.skip_stock and not args.channels_only:
        results["stock"] = bench_stock(args)

    print()
    if not args.channels_only:
        head = f"{'system':<10}{'ready s':>9}{'RSS MB':>9}  {'guests':>6}"
        print(f"{head}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for name, r in results.items():
        for g in (1, 10) if 1 in r else ():
            lead = f"{name:<10}{r['ready_s']:>9.1f}{r['rss_mb']:>9.0f}" if g == 1 else " " * 28
            print(f"{lead}  {g:>6}{r[g]['turns_per_s']:>9.1f}{r[g]['p50_ms']:>9.1f}{r[g]['p95_ms']:>9.1f}")
    if "stock" in results:
        ours, stock = results["rapport"], results["stock"]
        print(
            f"\nratio at 10 guests: {ours[10]['turns_per_s'] / stock[10]['turns_per_s']:.2f}x turns/s, "
            f"p95 {ours[10]['p95_ms']:.0f} vs {stock[10]['p95_ms']:.0f} ms; "
            f"ready {ours['ready_s']:.1f} vs {stock['ready_s']:.1f} s; "
            f"memory {ours['rss_mb']:.0f} vs {stock['rss_mb']:.0f} MB"
        )
    sms = results["rapport"].get("sms")
    if sms:
        print(
            f"\nSMS webhook, 10 senders, every message delivered twice: ack p50 {sms['ack_p50_ms']:.1f} ms, "
            f"p95 {sms['ack_p95_ms']:.1f} ms over {sms['deliveries']} deliveries; "
            f"{sms['inbound_unique']} unique messages -> {sms['sms_sent']} SMS sent, "
            f"per phone {sms['sms_per_phone']} (one value = no duplicated turn)"
        )
    for key, label in (("email", "Mailgun webhook"), ("smtp", "SMTP receiver, end of DATA to 250")):
        r = results["rapport"].get(key)
        if r:
            print(
                f"{label}, 10 senders, every message delivered twice: ack p50 {r['ack_p50_ms']:.1f} ms, "
                f"p95 {r['ack_p95_ms']:.1f} ms over {r['deliveries']} deliveries; "
                f"{r['inbound_unique']} unique messages -> replies per guest {r['replies_per_guest']} "
                "(one value, 5 = no duplicated turn)"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
