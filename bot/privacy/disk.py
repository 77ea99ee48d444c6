"""What the database servers keep on disk after an erasure, and dropping it.

A deleted document or key is gone from the stores' answers, not necessarily from their
files. The embedded servers (bot/stack.py, used unless MONGODB_URL / REDIS_URL are set):

- nx-27017 keeps one SQLite file per database, `<data dir>/mongo/<db>.db`, in WAL mode
  with `<db>.db-wal` (every page written since the last checkpoint, old versions too)
  and `<db>.db-shm` (the WAL's index: page numbers, no content). A write lands in the
  WAL first; a checkpoint copies it into the `.db` file but leaves the WAL file as it
  is, to be overwritten from the start by later writes. Inside the `.db` file, deleted
  content stays in free space unless SQLite's `secure_delete` zeroes it (on by default
  in Debian's SQLite; this module checks the library the server runs on).
- Valkey keeps an append-only file (`<data dir>/redis/appendonlydir/`): every write
  since the last rewrite, so an overwritten tracker's earlier versions and a deleted
  key's values stay until the next rewrite.

`compact` makes both drop that history after an erasure: VACUUM through the server
(`{"vacuum": 1}`, under nx-27017's own lock on that database) when the library does not
zero deleted content, a PASSIVE checkpoint through the server, then
`PRAGMA wal_checkpoint(TRUNCATE)` on the file from this process (SQLite's file locks
make that safe beside the running server: it waits for the server's writer and leaves
the WAL empty); and `BGREWRITEAOF`, waiting until the rewrite has finished and the old
files are deleted (with `aof-use-rdb-preamble no`, so the rewritten file is plain
commands the scan can read). Servers we do not run are left alone: `EXTERNAL` says what
they keep.

A VACUUM is needed where the library does not zero deleted content, and also where it
does: rebalancing a B-tree leaves copies of moved cells in pages' unallocated space
(bot/privacy/rawsearch.py). The erasure runs one when the scan finds the guest there.

`scan_files` is the verification's search of those files' raw bytes (erasure.py,
bot/privacy/rawsearch.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from bot.base.settings import Settings

# What a server we do not run keeps after a delete, and how long (docs/operators/dsr.md, "Erasure on disk").
EXTERNAL = {
    "mongodb": (
        "not compacted by Rapport: WiredTiger's journal keeps recent writes until its "
        "next checkpoint (60 s) and rotation; the oplog of a replica set keeps every "
        "write, the deleted values included, for its window (oplogSizeMB / "
        "oplogMinRetentionHours, typically hours to days); deleted documents' space is "
        "reused, not zeroed, until `compact`; backups and snapshots keep theirs"
    ),
    "redis": (
        "not rewritten by Rapport: an append-only file keeps every write until the next "
        "rewrite (auto-aof-rewrite-percentage, or BGREWRITEAOF); RDB snapshots keep the "
        "values they were taken with; replicas and backups keep theirs"
    ),
}

SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
REWRITE_TIMEOUT = 120.0


async def embedded(client: Any, redis: Any, settings: Settings) -> dict[str, bool]:
    """Which servers are the ones bot/stack.py runs on this data folder, whose files are
    ours to compact and search: the nx-27017 whose pid is in `<data>/mongo/nx-27017.pid`,
    the Valkey whose `dir` is `<data>/redis`. Asked of the servers themselves, since the
    processes stack.py starts are all given MONGODB_URL; any other server: False."""
    found = {"mongodb": False, "redis": False}
    pid_file = settings.data_dir / "mongo" / "nx-27017.pid"
    with contextlib.suppress(PyMongoError, OSError, ValueError):
        status = await client.admin.command("serverStatus")
        ours = pid_file.is_file() and pid_file.read_text().strip() == str(status.get("pid"))
        found["mongodb"] = status.get("process") == "nx_27017" and ours
    with contextlib.suppress(RedisError, OSError, ValueError, TypeError):
        folder = (await redis.config_get("dir")).get("dir")
        found["redis"] = bool(folder) and Path(folder).resolve() == (settings.data_dir / "redis").resolve()
    return found


def mongo_files(settings: Settings, databases: Iterable[str]) -> list[Path]:
    folder = settings.data_dir / "mongo"
    return [p for db in databases for s in SQLITE_SUFFIXES if (p := folder / f"{db}.db{s}").is_file()]


def redis_files(settings: Settings) -> list[Path]:
    folder = settings.data_dir / "redis"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


# ---- dropping history ---------------------------------------------------------------------


def _sqlite() -> Any:
    from neosqlite._sqlite import sqlite3  # the library nx-27017 itself runs on

    return sqlite3


def zeroes_deleted_content() -> bool:
    """Whether SQLite here overwrites deleted content (secure_delete on by default)."""
    with contextlib.closing(_sqlite().connect(":memory:")) as db:
        return bool(db.execute("PRAGMA secure_delete").fetchone()[0])


def truncate_wal(path: Path, attempts: int = 20) -> bool:
    """Checkpoint the WAL into `path` and truncate it to zero bytes. False when a
    reader kept it busy through every attempt."""
    sqlite3 = _sqlite()
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10)) as db:
        for _ in range(attempts):
            busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            time.sleep(0.05)
    return False


async def compact_mongo(
    client: Any, settings: Settings, databases: Iterable[str], *, vacuum: bool | None = None
) -> dict[str, Any]:
    """VACUUM (`vacuum`; by default when SQLite does not zero deleted content), checkpoint
    and truncate the WAL of each database's file. `client`: a motor client whose socket
    timeout allows a VACUUM."""
    vacuum = not zeroes_deleted_content() if vacuum is None else vacuum
    report: dict[str, Any] = {"vacuum": vacuum, "databases": 0, "wal_truncated": True}
    for name in databases:
        path = settings.data_dir / "mongo" / f"{name}.db"
        if not path.is_file():
            continue
        db = client[name]
        if vacuum:
            await db.command("vacuum")
        await db.command("wal_checkpoint")  # PASSIVE, inside the server: copies most pages
        report["wal_truncated"] &= await asyncio.to_thread(truncate_wal, path)
        report["databases"] += 1
    return report


async def _persistence(redis: Any) -> dict[str, Any]:
    return await redis.info("persistence")


def _history_gone(settings: Settings) -> bool:
    """Valkey has deleted the files the rewrite replaced (only the manifest's base and
    incremental files are left)."""
    folder = settings.data_dir / "redis" / "appendonlydir"
    manifests = list(folder.glob("*.manifest"))
    if not manifests:
        return True
    live = {m.name for m in manifests}
    for line in manifests[0].read_text().splitlines():
        fields = line.split()
        pairs = dict(zip(fields[::2], fields[1::2], strict=False))
        if pairs.get("type") == "h":
            return False
        if "file" in pairs:
            live.add(pairs["file"])
    return {p.name for p in folder.iterdir()} <= live


async def rewrite_aof(redis: Any, settings: Settings, timeout: float = REWRITE_TIMEOUT) -> dict[str, Any]:
    """BGREWRITEAOF after any rewrite already running (it may have started before the
    deletion), and wait for it and for the old files' deletion."""
    info = await _persistence(redis)
    if not int(info.get("aof_enabled", 0)):
        return {"aof": False}
    if (await redis.config_get("aof-use-rdb-preamble")).get("aof-use-rdb-preamble") != "no":
        await redis.config_set("aof-use-rdb-preamble", "no")
    deadline = time.monotonic() + timeout

    def idle(state: dict[str, Any]) -> bool:
        return not int(state["aof_rewrite_in_progress"]) and not int(state["aof_rewrite_scheduled"])

    while not idle(info):  # a rewrite that may have started before the deletion
        info = await _wait(redis, deadline)
    before = int(info.get("aof_rewrites", 0))
    await redis.bgrewriteaof()
    while not (idle(info) and int(info.get("aof_rewrites", 0)) > before):
        info = await _wait(redis, deadline)
    while not _history_gone(settings) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return {
        "aof": True,
        "rewritten": info.get("aof_last_bgrewrite_status") == "ok",
        "base": _base_format(settings),
    }


async def _wait(redis: Any, deadline: float) -> dict[str, Any]:
    if time.monotonic() > deadline:
        raise TimeoutError("the append-only file rewrite did not finish")
    await asyncio.sleep(0.02)
    return await _persistence(redis)


def _base_format(settings: Settings) -> str:
    bases = list((settings.data_dir / "redis" / "appendonlydir").glob("*.base.*"))
    return bases[0].suffix.lstrip(".") if bases else ""


# ---- reading what the attribution needs -----------------------------------------------------


def resp_commands(data: bytes) -> Iterator[list[bytes]]:
    """The commands of an append-only file (RESP arrays of bulk strings); stops at the
    first thing that is not one (an RDB preamble, a torn tail)."""
    pos, n = 0, len(data)
    while pos < n and data[pos : pos + 1] == b"*":
        end = data.find(b"\r\n", pos)
        if end < 0:
            return
        try:
            count = int(data[pos + 1 : end])
        except ValueError:
            return
        pos, args = end + 2, []
        for _ in range(count):
            end = data.find(b"\r\n", pos)
            if end < 0 or data[pos : pos + 1] != b"$":
                return
            size = int(data[pos + 1 : end])
            args.append(data[end + 2 : end + 2 + size])
            pos = end + 4 + size
        yield args


def sqlite_rows(path: Path, forms: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(form, document JSON) of every live row of the SQLite file holding a form:
    read-only, beside the running server, with SQLite doing the substring search."""
    sqlite3 = _sqlite()
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            if "data" not in {r[1] for r in db.execute(f"PRAGMA table_info({quoted})")}:
                continue
            for form in forms:
                query = f"SELECT data FROM {quoted} WHERE instr(lower(data), ?) > 0"  # noqa: S608 - quoted name
                for (data,) in db.execute(query, (form,)):
                    if isinstance(data, str):
                        yield form, data


def aof_commands(path: Path) -> Iterator[list[bytes]]:
    return resp_commands(path.read_bytes())
