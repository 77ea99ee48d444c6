"""The console's login limits against the running console (bot/console/login_limit.py):
parallel wrong passwords cannot outrun the per-IP count, and a second console process
that trusts a proxy's X-Forwarded-For shows the per-account limit across many
addresses, the same answer for an unknown username, and the end of the back-off."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.console.login_limit import PREFIX
from bot.stack import pick_free_port
from tests.console.client import PASSWORD, Browser, clear_login_failures, make_staff, redis

pytestmark = pytest.mark.stack
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
async def _fresh_limits(stack):
    await clear_login_failures(stack)
    yield
    await clear_login_failures(stack)


async def _parallel_logins(stack, base: str, attempts: list[tuple[str, str, str | None]]) -> list[int]:
    """[(username, password, X-Forwarded-For or None)] all posted at once (each browser
    fetched its login form first); their statuses."""
    browsers = [Browser(stack) for _ in attempts]
    try:
        for b in browsers:
            b.base = base
        tokens = [await b.login_form_token() for b in browsers]

        async def post(b: Browser, token: str, username: str, password: str, ip: str | None) -> int:
            headers = {"Origin": base, "Accept": "application/json"}
            if ip is not None:
                headers["X-Forwarded-For"] = ip
            form = {"username": username, "password": password, "csrf": token}
            async with b.http.post(base + "/login", data=form, headers=headers, allow_redirects=False) as r:
                body = await r.json(content_type=None)
                assert body.get("error") in (None, "login_failed", "refused"), body
                return r.status

        return list(
            await asyncio.gather(
                *(post(b, t, *a) for b, t, a in zip(browsers, tokens, attempts, strict=True))
            )
        )
    finally:
        for b in browsers:
            await b.http.close()


async def test_parallel_wrong_passwords_from_one_ip_get_at_most_five_401(stack):
    """Before: all 20 were checked against the limit while none had failed yet (20 x 401)."""
    account = await make_staff(stack, {"alpenhof": "agent"})
    statuses = await _parallel_logins(
        stack, stack.settings.console_url, [(account.username, "wrong!", None)] * 20
    )
    assert sorted(statuses) == [401] * 5 + [429] * 15, statuses
    async with Browser(stack) as b:  # and the right password is refused now too
        status, body, _ = await b.login(account.username)
        assert status == 429 and body["error"] == "refused"


# --- a console behind a trusted proxy: the per-account limit across addresses -----------


@pytest.fixture(scope="module")
def proxied(stack, tmp_path_factory):
    """A second console process on a free port with RAPPORT_CONSOLE_TRUST_PROXY=true (the
    client address is the one the proxy appended to X-Forwarded-For), sharing the stack's
    Redis and MongoDB; its base URL."""
    port = pick_free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **stack.child_env(),
        "RAPPORT_CONSOLE_PORT": str(port),
        "RAPPORT_CONSOLE_URL": base,
        "RAPPORT_CONSOLE_TRUST_PROXY": "true",
    }
    log = tmp_path_factory.mktemp("proxied-console") / "console.log"
    with open(log, "wb") as out:
        child = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "bot.console"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert child.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the proxied console did not start"
            time.sleep(0.2)
        yield base
    finally:
        child.terminate()
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _ips(n: int) -> list[str]:
    prefix = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}."
    return [prefix + str(i + 1) for i in range(n)]


async def test_per_account_limit_holds_across_addresses_and_says_nothing_about_existence(stack, proxied):
    account = await make_staff(stack, {"alpenhof": "agent"})
    real = await _parallel_logins(stack, proxied, [(account.username, "wrong!", ip) for ip in _ips(16)])
    ghost = await _parallel_logins(
        stack, proxied, [("nobody-" + account.username, "wrong!", ip) for ip in _ips(16)]
    )
    assert sorted(real) == sorted(ghost) == [401] * 10 + [429] * 6, (real, ghost)
    # the right password from yet another address waits for the back-off too
    assert await _parallel_logins(stack, proxied, [(account.username, PASSWORD, _ips(1)[0])]) == [429]
    # no key names the account or an address
    r = redis(stack)
    try:
        keys = [k.decode() async for k in r.scan_iter(PREFIX + "*")]
    finally:
        await r.close()
    assert keys and not any(account.username in k or "10." in k for k in keys)


async def test_when_the_back_off_has_passed_the_real_user_gets_in_and_the_count_restarts(stack, proxied):
    account = await make_staff(stack, {"alpenhof": "agent"})
    assert (
        sorted(await _parallel_logins(stack, proxied, [(account.username, "wrong!", ip) for ip in _ips(12)]))
        == [401] * 10 + [429] * 2
    )
    r = redis(stack)
    try:
        (key,) = [k async for k in r.scan_iter(PREFIX + "account:*")]
        assert float(await r.hget(key, "next")) > time.time()  # 30 s from the tenth attempt
        await r.hset(key, "next", repr(time.time() - 1))  # ... which have passed
        assert await _parallel_logins(stack, proxied, [(account.username, PASSWORD, _ips(1)[0])]) == [200]
        assert not await r.exists(key)  # a successful login forgets the account's failures
    finally:
        await r.close()
    statuses = await _parallel_logins(stack, proxied, [(account.username, "wrong!", ip) for ip in _ips(10)])
    assert statuses == [401] * 10
