"""Only the jobs process runs jobs: no module of bot/ outside bot/jobs imports a job's
loop owner (the DSR worker, the staff notifier, the audit folder) or Periodic, and the
console imports nothing of bot/jobs."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.base.settings import PROJECT_ROOT

JOB_MODULES = {"bot.privacy.worker", "bot.handover.notify", "bot.audit.folder"}
DEFINED_IN = {"bot/privacy/worker.py", "bot/handover/notify.py", "bot/audit/folder.py"}


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_only_bot_jobs_imports_the_jobs():
    offenders = {}
    for path in sorted((PROJECT_ROOT / "bot").rglob("*.py")):
        rel = path.relative_to(PROJECT_ROOT).as_posix()
        if rel.startswith("bot/jobs/") or rel in DEFINED_IN:
            continue
        bad = {m for m in imports(path) if m in JOB_MODULES or m == "bot.jobs" or m.startswith("bot.jobs.")}
        if bad:
            offenders[rel] = sorted(bad)
    assert offenders == {}


def test_the_console_starts_no_task():
    """The console's app makes no background task (its listeners open and close clients)."""
    text = (PROJECT_ROOT / "bot" / "console" / "app.py").read_text(encoding="utf-8")
    assert "create_task" not in text and "Scheduler" not in text
