"""The benchmark's live console figure (scripts/bench.py `console_load`) against the
running stack, small: 3 consoles, 5 guest messages. Only completeness is asserted —
every console got every message's event and the transcript showed every text; speed
is measured by `make bench`, never tested."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.stack

ROOT = Path(__file__).resolve().parents[2]


@cache
def bench_script() -> ModuleType:
    """scripts/bench.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("rapport_bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


async def test_every_console_receives_every_guest_message(stack):
    figures = await bench_script().console_load(stack, consoles=3, guests=2, messages=5)
    assert (figures["consoles"], figures["messages"]) == (3, 5)
    assert figures["shown"] == 5  # every text reached the transcript a console fetched
    assert figures["missed_events"] == 0  # and every console got every message's event


async def test_turn_load_reports_cpu_per_turn_of_every_process(stack):
    """The REST load on the mixed five-language script (issue 14): turns run, and each
    process of the stack gets a CPU-per-turn figure; the turning ones use some."""
    bench = bench_script()
    s = stack.settings
    url = f"http://{s.host}:{s.rasa_port}/webhooks/rest/webhook"
    processes = {c.name: c.process.pid for c in stack.children}
    figures = await bench.load(url, bench.MIXED_SCRIPTS, {"tenant": "alpenhof"}, 2, 2.0, processes)
    assert figures["turns"] > 0 and figures["p95_ms"] >= figures["p50_ms"] > 0
    cpu = figures["cpu_ms_per_turn"]
    assert set(cpu) == set(processes) and all(v >= 0 for v in cpu.values())
    assert cpu["rasa"] > 0 and cpu["actions"] > 0
