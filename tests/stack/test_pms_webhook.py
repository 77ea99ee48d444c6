"""The apaleo webhook through a real console process (bot/console/pms_webhook.py): the
stand-in fires its unsigned event at /pms/<tenant>/apaleo/webhook/<token>, the console
answers at once, re-fetches the reservation with client credentials and stores the stay
in the stack's MongoDB; wrong tokens, other tenants, replays and junk get clear answers,
no session or CSRF token is asked of a PMS, and staff routes still are guarded."""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
import yaml

from bot.base.names import PMS_EVENTS, STAYS
from bot.base.sealing import Cipher
from bot.outreach.pms import signed
from bot.outreach.stays import StayStore
from bot.stack import pick_free_port
from bot.storage.mongo import MongoStore, connect
from devtools.fake_apaleo import running_fake
from tests.stack.scratch_tenant import scratch_tenant

pytestmark = pytest.mark.stack
ROOT = Path(__file__).resolve().parents[2]
CLIENT, SECRET, TOKEN, SIGNING = "RAPP-AC-STACK", "stack-client-secret", "t" * 40, "g" * 40


def add_signed_tenant(path: Path, like: str) -> str:
    """A second scratch tenant in the same tenants file, fed by the signed webhook."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    extra = copy.deepcopy(next(t for t in raw["tenants"] if t["id"] == like))
    tenant_id = like + "_sig"
    extra.update(id=tenant_id, name=tenant_id, widget_key="wk_" + tenant_id, pms={"kind": "signed"})
    raw["tenants"].append(extra)
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return tenant_id


async def wait_healthy(base: str, child: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as s:
        while True:
            assert child.poll() is None, log.read_text()
            try:
                async with s.get(base + "/healthz") as r:
                    if r.status == 200:
                        return
            except (TimeoutError, aiohttp.ClientError):
                pass
            assert time.monotonic() < deadline, "the console did not start"
            await asyncio.sleep(0.3)


async def test_apaleo_webhook_through_the_console(stack, tmp_path):
    async with running_fake({CLIENT: SECRET}) as fake:
        pms = {"kind": "apaleo", "client_id": CLIENT, "identity_url": fake.url, "api_url": fake.url}
        tenant, env, path = scratch_tenant(stack, tmp_path, pms=pms)
        other = add_signed_tenant(path, tenant)
        port = pick_free_port()
        base = f"http://127.0.0.1:{port}"
        upper = tenant.upper()
        env |= {
            "RAPPORT_CONSOLE_PORT": str(port),
            "RAPPORT_CONSOLE_URL": base,
            f"RAPPORT_PMS_{upper}_CLIENT_SECRET": SECRET,
            f"RAPPORT_PMS_{upper}_WEBHOOK_TOKEN": TOKEN,
            f"RAPPORT_PMS_{other.upper()}_WEBHOOK_TOKEN": TOKEN,
            f"RAPPORT_PMS_{other.upper()}_SIGNING_SECRET": SIGNING,
        }
        log = tmp_path / "console.log"
        with open(log, "wb") as out:
            child = subprocess.Popen(  # noqa: S603 - our own module
                [sys.executable, "-m", "bot.console"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        client = connect(stack.settings.effective_mongodb_url.value)
        try:
            await wait_healthy(base, child, log)
            mongo = MongoStore(client, stack.settings.db_prefix)
            db = mongo.database(tenant)
            await fake.add(
                {
                    "id": "STACK-1",
                    "status": "InHouse",
                    "arrival": "2026-12-20T15:00:00+01:00",
                    "departure": "2026-12-23T11:00:00+01:00",
                    "primaryGuest": {"firstName": "Anna", "email": "anna.stack@example.org"},
                }
            )
            url = f"{base}/pms/{tenant}/apaleo/webhook/{TOKEN}"
            fired = await fake.fire(url, "STACK-1", "checked-in", event_id="stack-ev-1")
            assert (fired["http_status"], fired["body"]) == (200, {"ok": True, "event": "recorded"})

            stays = StayStore(mongo, tenant, Cipher(stack.settings.data_keys), stack.settings.guest_key)
            deadline = time.monotonic() + 20
            while (stored := await stays.get("STACK-1")) is None:
                assert time.monotonic() < deadline, log.read_text()
                await asyncio.sleep(0.2)
            assert stored["status"] == "in_house" and stored["email"] == "anna.stack@example.org"
            raw = await db[STAYS].find_one({"_id": stored["_id"]})
            assert "anna.stack" not in str(raw)
            deadline = time.monotonic() + 10
            while (await db[PMS_EVENTS].find_one({"_id": "apaleo:stack-ev-1"}))["status"] != "done":
                assert time.monotonic() < deadline
                await asyncio.sleep(0.2)

            # replayed: answered, not processed again
            before = (await fake.attempts())["count"]
            again = await fake.fire(url, "STACK-1", "checked-in", event_id="stack-ev-1")
            assert again["body"] == {"ok": True, "event": "duplicate"}
            await asyncio.sleep(0.5)
            assert (await fake.attempts())["count"] == before

            async with aiohttp.ClientSession() as s:

                async def post(path: str, data: bytes = b"{}", **headers: str) -> tuple[int, dict]:
                    async with s.post(base + path, data=data, headers=headers) as r:
                        return r.status, await r.json(content_type=None)

                event = b'{"id":"x","topic":"Reservation","type":"changed","data":{"entityId":"STACK-1"}}'
                assert await post(f"/pms/{tenant}/apaleo/webhook/{'x' * 40}", event) == (
                    401,
                    {"error": "unauthorized"},
                )
                assert (await post(f"/pms/alpenhof/apaleo/webhook/{TOKEN}", event))[0] == 404  # not its token
                assert (await post(f"/pms/{tenant}/mews/webhook/{TOKEN}", event))[0] == 404
                assert (await post(f"/pms/nohotel/apaleo/webhook/{TOKEN}", event))[0] == 404
                assert await post(f"/pms/{tenant}/apaleo/webhook/{TOKEN}", b"{junk") == (
                    400,
                    {"error": "malformed"},
                )
                assert (await post(f"/pms/{tenant}/apaleo/webhook/{TOKEN}", b"x" * 70_000))[0] == 413
                # the exemption is this route only: a staff route still wants a session
                assert (await post(f"/t/{tenant}/staff", b"{}"))[0] in (401, 403)
            assert await db[PMS_EVENTS].count_documents({}) == 1

            # the generic signed webhook: the signature travels in headers through Sanic
            body = json.dumps(
                {
                    "id": "sig-1",
                    "type": "booking.created",
                    "data": {
                        "old": None,
                        "new": {
                            "id": "SIG-1",
                            "status": "confirmed",
                            "arrival": "2026-12-20",
                            "departure": "2026-12-22",
                            "guest": {"email": "sig@example.org"},
                        },
                    },
                }
            ).encode()
            stamp = str(int(time.time()))
            headers = {signed.TIMESTAMP: stamp, signed.SIGNATURE: signed.sign(SIGNING, stamp, body)}
            async with aiohttp.ClientSession() as s:
                url = f"{base}/pms/{other}/signed/webhook/{TOKEN}"
                async with s.post(url, data=body, headers=headers) as r:
                    assert (r.status, await r.json()) == (
                        200,
                        {"ok": True, "event": "recorded", "outcome": "new"},
                    )
                async with s.post(url, data=body, headers={**headers, signed.SIGNATURE: "v1=00"}) as r:
                    assert r.status == 401
            signed_stays = StayStore(mongo, other, Cipher(stack.settings.data_keys), stack.settings.guest_key)
            assert (await signed_stays.get("SIG-1"))["email"] == "sig@example.org"
        finally:
            client.close()
            child.terminate()
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
