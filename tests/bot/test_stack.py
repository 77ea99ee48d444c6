"""The process supervisor: fingerprinting what training reads, and no orphans."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from bot.base.settings import PROJECT_ROOT
from bot.stack import model_fingerprint
from tests.conftest import free_port


def _copy_training_inputs(dst):
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, dst / name)
    shutil.copytree(PROJECT_ROOT / "data", dst / "data")


def test_fingerprint_changes_with_training_data_and_only_then(tmp_path):
    _copy_training_inputs(tmp_path)
    before = model_fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("not a training input")
    assert model_fingerprint(tmp_path) == before
    nlu = tmp_path / "data" / "nlu" / "en.yml"
    nlu.write_text(nlu.read_text() + "\n")
    assert model_fingerprint(tmp_path) != before


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_servers_die_with_a_killed_parent(tmp_path):
    code = f"""
import sys, time
sys.path.insert(0, {str(PROJECT_ROOT)!r})
from bot.base.settings import Settings
from bot.stack import Stack
s = Settings.from_env({{"RAPPORT_DATA_DIR": {str(tmp_path)!r}, "RAPPORT_REDIS_PORT": "{free_port()}"}})
st = Stack(s, progress=lambda m: None)
st._start_redis(lambda m: None)
print(st.children[0].process.pid, flush=True)
time.sleep(60)
"""
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child_pid = int(parent.stdout.readline())
    assert _alive(child_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child_pid)
