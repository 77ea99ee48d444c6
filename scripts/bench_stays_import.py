"""Benchmark: importing a guest list of 100,000 stays from CSV (issue 12's figure).

    .venv/bin/python scripts/bench_stays_import.py [--rows 100000]

Generates a semicolon-separated UTF-8 list (German headers, national phone numbers,
every fifth row with an e-mail address too, one row in 1,000 rejected) in a temporary
folder, starts an embedded nx-27017 of its own there, and runs the real CLI
(`python -m bot.outreach import`) as a child process three times: a dry run, the
import, and the same list again (all unchanged). For each: wall time and the child's
peak resident memory. The folder, the list and the database are deleted at the end.
Figures are printed, never asserted (a 2-core machine is noisy).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.base.sealing import Cipher  # noqa: E402
from bot.base.settings import Settings  # noqa: E402
from bot.outreach.stays import StayStore, guest_refs_of  # noqa: E402
from bot.stack import Stack, pick_free_port  # noqa: E402
from bot.storage.mongo import MongoStore, connect  # noqa: E402

HEADER = "Reservierung;Status;Anreise;Abreise;Vorname;Telefon;E-Mail;Sprache;Zimmertyp;Buchungskanal\n"
STATUSES = ("erwartet", "anwesend", "abgereist", "storniert", "no_show")
NAMES = ("Anna", "Jürgen", "Léa", "Giulia", "Lucía", "Tom", "Zoë")


def write_list(path: Path, rows: int) -> None:
    rnd = random.Random(12)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        for i in range(rows):
            status = "vielleicht" if i % 1000 == 999 else rnd.choice(STATUSES)
            day = 1 + i % 27
            mail = f"guest{i}@example.org" if i % 5 == 0 else ""
            f.write(
                f"B{i:07d};{status};2027-03-{day:02d};2027-03-{day + 1:02d};{rnd.choice(NAMES)};"
                f"0170 {1000000 + i};{mail};{rnd.choice(('de', 'en', 'it', ''))};Doppelzimmer;Direkt\n"
            )


# the CLI's own main(), then its peak resident memory (KiB) as the last line on stderr
WRAPPER = (
    "import resource, sys\n"
    "from bot.outreach.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(f'maxrss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run(env: dict[str, str], path: Path, *extra: str) -> dict[str, object]:
    argv = ["import", "--tenant", "alpenhof", "--file", str(path), "--json", *extra]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *argv], env=env, cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = int(done.stderr.rsplit("maxrss=", 1)[-1]) if "maxrss=" in done.stderr else 0
    report = json.loads(done.stdout) if done.stdout.strip() else {"error": done.stderr[-500:]}
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak / 1024),
        "exit": done.returncode,
        **{k: report.get(k) for k in ("rows", "new", "changed", "unchanged", "rejected", "written")},
    }


async def lookups(settings: Settings, rows: int) -> dict[str, float]:
    """What export and erasure do per guest among the imported stays: find by either
    ref (indexed array field), open, delete; milliseconds, median of 20."""
    mongo = MongoStore(connect(settings.effective_mongodb_url.value), settings.db_prefix)
    store = StayStore(mongo, "alpenhof", Cipher(settings.data_keys), settings.guest_key)
    times: dict[str, list[float]] = {"export_ms": [], "erase_ms": []}
    try:
        for i in range(0, rows, max(1, rows // 20)):  # 20 guests across the list (never a rejected row)
            phone = "+49170" + str(1000000 + i)
            ref = guest_refs_of(settings.guest_key, "alpenhof", phone, None)[0]
            started = time.perf_counter()
            found = await store.export_guest(ref)
            times["export_ms"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            erased = await store.erase_guest(ref)
            times["erase_ms"].append((time.perf_counter() - started) * 1000)
            assert len(found) == erased == 1, (len(found), erased)
    finally:
        mongo.client.close()
    return {k: round(statistics.median(v), 1) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rapport-stays-bench-"))
    try:
        path = folder / "guests.csv"
        write_list(path, args.rows)
        env_vars = {
            "RAPPORT_DATA_DIR": str(folder / "var"),
            "RAPPORT_MONGO_PORT": str(pick_free_port()),
            "RAPPORT_DB_PREFIX": "rapport_bench_",
        }
        settings = Settings.from_env(env_vars)
        stack = Stack(settings, progress=lambda m: None)
        stack._start_mongo(lambda m: None)
        env = {**os.environ, **env_vars, "PYTHONPATH": str(ROOT)}
        try:
            size = path.stat().st_size
            print(f"{args.rows} rows, {size / 1e6:.1f} MB CSV")
            for name, extra in (("dry run", ("--dry-run",)), ("import", ()), ("again", ())):
                print(f"{name:8s}", json.dumps(run(env, path, *extra)), flush=True)
            print("look-up", json.dumps(asyncio.run(lookups(Settings.from_env(env), args.rows))))
        finally:
            stack.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
