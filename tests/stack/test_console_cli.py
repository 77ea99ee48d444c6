"""`python -m bot.console.cli` against the running stack's MongoDB, as an operator runs it."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from bot.staff.passwords import verify_password
from tests.console.client import Browser, audit_records, clear_login_failures, staff_doc

pytestmark = pytest.mark.stack
PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


def cli(stack, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = stack.child_env()
    return subprocess.run(
        [sys.executable, "-m", "bot.console.cli", "staff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=stack.project,
        timeout=60,
    )


async def test_cli_creates_an_admin_with_an_argon2_hash_who_can_log_in(stack):
    username = f"Boss-{uuid.uuid4().hex[:8]}"
    done = cli(
        stack, "add", "--tenant", "alpenhof", "--role", "admin", "--username", username, stdin=PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr
    doc = await staff_doc(stack, username.lower())
    assert doc is not None and doc["roles"] == {"alpenhof": "admin"} and doc["disabled"] is False
    assert doc["password_hash"].startswith("$argon2id$") and PASSWORD not in str(doc)
    assert verify_password(doc["password_hash"], PASSWORD).ok
    assert doc["_id"] in done.stdout and PASSWORD not in done.stdout + done.stderr
    assert [
        r["action"] for r in await audit_records(stack, stack.settings.control_db, resource_id=doc["_id"])
    ] == ["staff.create"]
    listing = cli(stack, "list", "--tenant", "alpenhof")
    assert (
        listing.returncode == 0
        and f"{doc['_id']}\t{username.lower()}\talpenhof:admin\tactive" in listing.stdout
    )
    async with Browser(stack) as b:
        status, _, _ = await b.login(username, PASSWORD)
        assert status == 200


@pytest.mark.parametrize(
    ("args", "stdin", "error"),
    [
        (("--tenant", "alpenhof", "--role", "agent"), "short\n", "password_too_short"),
        (("--tenant", "nohotel", "--role", "agent"), PASSWORD + "\n", "unknown tenant"),
        (("--tenant", "alpenhof", "--role", "owner"), PASSWORD + "\n", "invalid choice"),
    ],
)
async def test_cli_refuses_bad_accounts(stack, args, stdin, error):
    username = f"bad-{uuid.uuid4().hex[:8]}"
    done = cli(stack, "add", *args, "--username", username, stdin=stdin)
    assert done.returncode != 0 and error in done.stderr
    assert await staff_doc(stack, username) is None


async def test_cli_disable_and_passwd_end_sessions(stack):
    username = f"agent-{uuid.uuid4().hex[:8]}"
    assert (
        cli(
            stack,
            "add",
            "--tenant",
            "alpenhof",
            "--role",
            "agent",
            "--username",
            username,
            stdin=PASSWORD + "\n",
        ).returncode
        == 0
    )
    async with Browser(stack) as b:
        assert (await b.login(username, PASSWORD))[0] == 200
        new = "an even longer new passphrase"
        assert cli(stack, "passwd", "--username", username, stdin=new + "\n").returncode == 0
        assert (await b.get("/t/alpenhof/api/me"))[0] == 401  # the old session ended
        assert (await b.login(username, PASSWORD))[0] == 401
        assert (await b.login(username, new))[0] == 200
        assert cli(stack, "disable", "--username", username).returncode == 0
        assert (await b.get("/t/alpenhof/api/me"))[0] == 401
        assert (await b.login(username, new))[0] == 401
        assert cli(stack, "disable", "--enable", "--username", username).returncode == 0
        assert (await b.login(username, new))[0] == 200
