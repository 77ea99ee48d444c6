"""The run command itself: progress while starting, external servers when
MONGODB_URL / REDIS_URL are set, and a clean stop on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bot.base.settings import PROJECT_ROOT
from bot.stack import isolated_env
from tests.stack.client import Guest, mongo

pytestmark = pytest.mark.stack


def _read_until(proc: subprocess.Popen, marker: str, timeout: float) -> str:
    out = []
    deadline = time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            out.append(line)
            if marker in line:
                return "".join(out)
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.1)
    raise AssertionError(f"{marker!r} not seen; output so far:\n{''.join(out)}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_run_uses_given_servers_and_stops_cleanly_on_ctrl_c(stack, tmp_path):
    s = stack.settings
    # every port free (isolated_env), so this passes while `make run` is up on the same machine
    ports = isolated_env(tmp_path, RAPPORT_DB_PREFIX="rapport_runtest_")
    rasa_port, action_port = int(ports["RAPPORT_RASA_PORT"]), int(ports["RAPPORT_ACTION_PORT"])
    env = {
        **os.environ,
        **ports,
        # the session stack's servers stand in for external MongoDB / Redis
        "MONGODB_URL": s.effective_mongodb_url.value,
        "REDIS_URL": f"redis://127.0.0.1:{s.redis_port}/3",
    }
    proc = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = _read_until(proc, "Press Ctrl-C", 240)
        assert "using REDIS_URL" in output and "using MONGODB_URL" in output
        assert "embedded" not in output
        assert f"http://127.0.0.1:{rasa_port}/webhooks/webchat/demo/wk_demo_alpenhof" in output
        assert "Rasa server ready" in output

        # a message through this instance lands in the given MongoDB
        run_stack = type("RunStack", (), {})()
        run_stack.settings = s.__class__(**{**s.__dict__, "rasa_port": rasa_port})
        guest = Guest(run_stack, "alpenhof", locale="en")
        await guest.say("hi")
        await guest.say("5")
        client = mongo(stack)
        try:
            count = await client["rapport_runtest_alpenhof"].ratings.count_documents({})
        finally:
            client.close()
        assert count == 1

        children = [
            int(p)
            for p in subprocess.run(
                ["pgrep", "-f", f"--port {rasa_port}|{tmp_path}"], capture_output=True, text=True
            ).stdout.split()
        ]
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0, rest
        assert "stopped." in rest
        time.sleep(0.5)
        assert not [pid for pid in children if _alive(pid)]
        from bot.stack import free_port as port_is_free

        assert port_is_free("127.0.0.1", rasa_port) and port_is_free("127.0.0.1", action_port)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
