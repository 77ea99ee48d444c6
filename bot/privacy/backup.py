"""Tenant backups (DPA annex 2: backups and restore) that keep the DPA's other promises.

`create_backup` dumps every collection of the tenant's database (raw BSON, so every
type survives: dates, binary, 64-bit integers, nested documents; index definitions
too) and the tenant's Redis keys (trackers and the other keys offboarding counts as
the tenant's, with their time to live; Rasa's short-lived locks excepted) into one
encrypted archive (bot/privacy/backup_archive.py) with a manifest of counts and
SHA-256 checksums. Collections are read in a snapshot session where the server offers
one (a MongoDB replica set); elsewhere one after the other, so the copy is
consistent per document, not across collections. Archives go to
`<data dir>/backups/<tenant>/`, created 0600 in a 0700 folder, written to a `.partial`
file and renamed when complete; the newest `keep` (7) are kept, older ones deleted.

`restore_backup` is a dry run unless `confirm`: it authenticates the archive and
checks every checksum (nothing is touched before the whole archive has verified),
refuses a tenant that has been offboarded since the backup, and reads what happened
after the backup (bot/privacy/backup_replay.py: erasures, restrictions, objections,
the evidence written since). With `confirm` it drops the tenant's database and keys,
writes the archive's content back, carries the evidence over and re-applies every
erasure, restriction and objection recorded after the backup, so no guest who asked to
be forgotten comes back from a backup.

`delete_backups(settings, tenant)` deletes every archive of the tenant (offboarding).
Nothing here prints or logs personal data: counts, collection names, file names.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bson
import redis.asyncio as aioredis
from pymongo import IndexModel
from pymongo.errors import CollectionInvalid, ConfigurationError, OperationFailure, PyMongoError

from bot.audit.log import AuditLog
from bot.base.errors import InvalidInput, StorageError
from bot.base.logs import event
from bot.base.names import AUDIT, LOCK, REDIS_PREFIX
from bot.base.settings import Settings
from bot.privacy import backup_replay as replay
from bot.privacy.backup_archive import RAW, ArchiveError, ArchiveReader, ArchiveWriter
from bot.privacy.stores import PrivacyContext, redis_keys
from bot.storage.documents import SCHEMA_VERSION
from bot.storage.mongo import DURABLE

logger = logging.getLogger(__name__)

BACKUPS = "backups"  # under the data dir: backups/<tenant>/
PREFIX, SUFFIX, PARTIAL = "backup-", ".rbk", ".partial"
KEEP = 7
BATCH_DOCS, BATCH_BYTES = 1000, 4 << 20
REDIS_BATCH = 500
_INDEX_OPTIONS = ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression", "collation")


# ---- where backups live -------------------------------------------------------------------


def backup_dir(settings: Settings, tenant: str) -> Path:
    return settings.data_dir / BACKUPS / tenant


def archives(settings: Settings, tenant: str) -> list[Path]:
    """The tenant's archives in the default folder, oldest first (names sort by time)."""
    folder = backup_dir(settings, tenant)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX))


def _name(created_at: float) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(created_at))
    return f"{PREFIX}{stamp}{int(created_at * 1000) % 1000:03d}Z-{secrets.token_hex(2)}{SUFFIX}"


def prune(settings: Settings, tenant: str, keep: int = KEEP) -> int:
    """Delete all but the newest `keep` archives of the tenant; how many went."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    old = archives(settings, tenant)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)


def delete_backups(settings: Settings, tenant: str) -> int:
    """Offboarding: delete every archive of the tenant (and unfinished ones) and its
    folder; the number of archives deleted. Archives written elsewhere with `--out` are
    the operator's to delete."""
    folder = backup_dir(settings, tenant)
    if not folder.is_dir():
        return 0
    n = 0
    for path in folder.iterdir():
        if path.is_file():
            n += path.name.endswith(SUFFIX)
            path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()
    return n


def _open_exclusive(path: Path) -> Any:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    return os.fdopen(fd, "wb")


# ---- creating ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Count and SHA-256 of one collection's documents (their BSON bytes, in order)."""

    count: int = 0
    sha: Any = field(default_factory=hashlib.sha256)

    def add(self, raw: bytes) -> None:
        self.count += 1
        self.sha.update(raw)

    def summary(self) -> dict[str, Any]:
        return {"count": self.count, "sha256": self.sha.hexdigest()}


def _index_specs(indexes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    specs = []
    for ix in indexes:
        if ix.get("name") == "_id_":
            continue
        spec = {"key": [[k, v] for k, v in ix["key"].items()], "name": ix.get("name")}
        spec |= {k: ix[k] for k in _INDEX_OPTIONS if k in ix}
        specs.append(spec)
    return specs


@contextlib.asynccontextmanager
async def _snapshot(ctx: PrivacyContext, db: Any, names: list[str]) -> AsyncIterator[Any]:
    """A snapshot session when the server offers one (a replica set), else None."""
    try:
        session = await ctx.mongo.client.start_session(snapshot=True)
    except (ConfigurationError, PyMongoError):
        yield None
        return
    try:
        if names:
            await db[names[0]].find_one({}, session=session)  # standalone servers refuse here
    except (ConfigurationError, OperationFailure):
        await session.end_session()
        yield None
        return
    try:
        yield session
    finally:
        await session.end_session()


async def _dump_collection(db: Any, name: str, session: Any, writer: ArchiveWriter) -> tuple[Tally, dict]:
    indexes = [ix async for ix in db[name].list_indexes()]
    await asyncio.to_thread(writer.write, {"k": "collection", "name": name, "indexes": _index_specs(indexes)})
    tally, docs, size, last = Tally(), [], 0, {"seq": 0, "hash": ""}
    raw = db.get_collection(name, codec_options=RAW)
    async for doc in raw.find({}, session=session, batch_size=BATCH_DOCS).sort("_id", 1):
        tally.add(doc.raw)
        docs.append(doc)
        size += len(doc.raw)
        if name == AUDIT and isinstance(doc.get("seq"), int) and doc["seq"] > last["seq"]:
            last = {"seq": doc["seq"], "hash": str(doc.get("hash", ""))}
        if len(docs) >= BATCH_DOCS or size >= BATCH_BYTES:
            await asyncio.to_thread(writer.write, {"k": "documents", "name": name, "docs": docs})
            docs, size = [], 0
    if docs:
        await asyncio.to_thread(writer.write, {"k": "documents", "name": name, "docs": docs})
    return tally, last


# how each Redis type is read whole: (command, arguments after the key)
_READ: dict[str, tuple[str, tuple[Any, ...]]] = {
    "string": ("get", ()),
    "hash": ("hgetall", ()),
    "list": ("lrange", (0, -1)),
    "set": ("smembers", ()),
    "zset": ("zrange", (0, -1, False, True)),  # desc=False, withscores=True
}


def _read(pipe: Any, kind: str, key: str) -> None:
    command, args = _READ.get(kind, ("exists", ()))
    getattr(pipe, command)(key, *args)


async def _dump_redis(ctx: PrivacyContext, tenant: str, writer: ArchiveWriter) -> dict[str, Any]:
    keys = [k for k in await redis_keys(ctx, tenant) if not k.startswith(f"{REDIS_PREFIX}:{LOCK}:")]
    tally, skipped = Tally(), 0
    raw_redis = aioredis.from_url(ctx.settings.effective_redis_url.value, decode_responses=False)
    try:
        for i in range(0, len(keys), REDIS_BATCH):
            chunk = keys[i : i + REDIS_BATCH]
            pipe = raw_redis.pipeline(transaction=False)
            for key in chunk:
                pipe.type(key)
                pipe.pttl(key)
            meta = await pipe.execute()
            pipe = raw_redis.pipeline(transaction=False)
            kinds = [m.decode() for m in meta[0::2]]
            for key, kind in zip(chunk, kinds, strict=True):
                _read(pipe, kind, key)
            values = await pipe.execute()
            entries = []
            for key, kind, ttl, value in zip(chunk, kinds, meta[1::2], values, strict=True):
                if kind == "none" or value is None:
                    continue  # expired meanwhile
                if kind not in ("string", "hash", "list", "set", "zset"):
                    skipped += 1  # a stream or module type: none of Rapport's keys
                    continue
                if kind == "hash":
                    value = [[f, v] for f, v in value.items()]
                elif kind == "set":
                    value = sorted(value)
                elif kind == "zset":
                    value = [[m, s] for m, s in value]
                entry = {"key": key, "type": kind, "pttl": int(ttl), "value": value}
                tally.add(bson.encode(entry))
                entries.append(entry)
            if entries:
                await asyncio.to_thread(writer.write, {"k": "redis", "keys": entries})
    finally:
        await raw_redis.close()
    return {**tally.summary(), "skipped": skipped}


async def create_backup(
    ctx: PrivacyContext, tenant: str, *, out: Path | None = None, keep: int = KEEP
) -> dict[str, Any]:
    """Write the tenant's archive; a report of counts (no personal data)."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    created_at = time.time()
    path = out or backup_dir(ctx.settings, tenant) / _name(created_at)
    if path.exists():
        raise InvalidInput("out", f"{path.name} exists")
    partial = path.with_name(path.name + PARTIAL)
    db = ctx.db(tenant)
    collections: dict[str, Any] = {}
    try:
        names = sorted(n for n in await db.list_collection_names() if not n.startswith("system."))
        with _open_exclusive(partial) as fh:
            writer = ArchiveWriter(fh, tenant, created_at, ctx.settings.data_keys[0])
            audit_last: dict[str, Any] = {"seq": 0, "hash": ""}
            async with _snapshot(ctx, db, names) as session:
                for name in names:
                    tally, last = await _dump_collection(db, name, session, writer)
                    collections[name] = tally.summary()
                    audit_last = last if name == AUDIT else audit_last
            redis = await _dump_redis(ctx, tenant, writer)
            manifest = {
                "tenant": tenant,
                "created_at": created_at,
                "finished_at": time.time(),
                "schema": SCHEMA_VERSION,
                "database": db.name,
                "snapshot": session is not None,
                "collections": collections,
                "redis": redis,
                "audit": audit_last,
            }
            await asyncio.to_thread(writer.close, manifest)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except PyMongoError as e:
        partial.unlink(missing_ok=True)
        raise StorageError("reading the tenant's database failed") from e
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    pruned = prune(ctx.settings, tenant, keep) if path.parent == backup_dir(ctx.settings, tenant) else 0
    report = {
        "file": str(path),
        "created_at": created_at,
        "bytes": path.stat().st_size,
        "collections": {n: c["count"] for n, c in collections.items()},
        "documents": sum(c["count"] for c in collections.values()),
        "redis_keys": redis["count"],
        "pruned": pruned,
        "snapshot": manifest["snapshot"],
    }
    event(logger, "privacy.backup.created", tenant=tenant, documents=report["documents"], keys=redis["count"])
    return report


# ---- reading ------------------------------------------------------------------------------------


def describe(path: Path, settings: Settings) -> dict[str, Any]:
    """One archive for `backup list`: header, and the manifest's counts if it opens."""
    row: dict[str, Any] = {"file": path.name, "bytes": path.stat().st_size}
    try:
        with path.open("rb") as fh:
            reader = ArchiveReader(fh, settings.data_keys)
    except ArchiveError as e:
        return {**row, "readable": False, "error": str(e)}
    m = reader.manifest
    return {
        **row,
        "readable": True,
        "tenant": reader.header.tenant,
        "created_at": reader.header.created_at,
        "schema": m.get("schema"),
        "collections": len(m.get("collections", {})),
        "documents": sum(c["count"] for c in m.get("collections", {}).values()),
        "redis_keys": m.get("redis", {}).get("count", 0),
    }


def verify(reader: ArchiveReader) -> dict[str, Any]:
    """Read the whole archive: every segment authenticates and every collection's count
    and checksum matches the manifest (blocking: run it in a thread)."""
    m = reader.manifest
    h = reader.header
    if m.get("tenant") != h.tenant or m.get("created_at") != h.created_at:
        raise ArchiveError("the archive's manifest does not match its header")
    if int(m.get("schema", 0)) > SCHEMA_VERSION:
        raise ArchiveError(f"the archive has schema {m.get('schema')}, newer than this Rapport's")
    tallies: dict[str, Tally] = {}
    keys = Tally()
    for frame in reader.frames():
        kind = frame["k"]
        if kind == "collection":
            tallies.setdefault(frame["name"], Tally())
        elif kind == "documents":
            tally = tallies[frame["name"]]
            for doc in frame["docs"]:
                tally.add(doc.raw)
        elif kind == "redis":
            for entry in frame["keys"]:
                keys.add(entry.raw)
    found = {name: t.summary() for name, t in tallies.items()}
    if found != m.get("collections"):
        raise ArchiveError("the archive's collections do not match their checksums")
    if keys.summary() != {k: m["redis"][k] for k in ("count", "sha256")}:
        raise ArchiveError("the archive's Redis keys do not match their checksum")
    return m


# ---- restoring ----------------------------------------------------------------------------------


async def _wipe(ctx: PrivacyContext, tenant: str) -> int:
    await ctx.mongo.drop_tenant(tenant)
    keys = [k for k in await redis_keys(ctx, tenant) if not k.startswith(f"{REDIS_PREFIX}:{LOCK}:")]
    for i in range(0, len(keys), REDIS_BATCH):
        await ctx.redis.delete(*keys[i : i + REDIS_BATCH])
    return len(keys)


async def _restore_redis(redis: aioredis.Redis, entries: Any, created_at: float) -> tuple[int, int]:
    """Write the keys back with the time to live they had left; (restored, expired)."""
    elapsed = (time.time() - created_at) * 1000
    pipe = redis.pipeline(transaction=False)
    restored = expired = 0
    for entry in entries:
        key, kind, ttl, value = entry["key"], entry["type"], entry["pttl"], entry["value"]
        left = int(ttl - elapsed) if ttl > 0 else None
        if left is not None and left <= 0:
            expired += 1
            continue
        pipe.delete(key)
        if kind == "string":
            pipe.set(key, value)
        elif kind == "hash":
            pipe.hset(key, mapping={f: v for f, v in value})
        elif kind == "list":
            pipe.rpush(key, *value)
        elif kind == "set":
            pipe.sadd(key, *value)
        elif kind == "zset":
            pipe.zadd(key, {m: s for m, s in value})
        if left is not None:
            pipe.pexpire(key, left)
        restored += 1
    await pipe.execute()
    return restored, expired


async def _restore(ctx: PrivacyContext, tenant: str, reader: ArchiveReader) -> dict[str, Any]:
    """The archive's collections, indexes and keys into the (wiped) tenant."""
    db = ctx.db(tenant)
    counts: dict[str, int] = {}
    indexes: dict[str, list[dict[str, Any]]] = {}
    restored = expired = 0
    raw_redis = aioredis.from_url(ctx.settings.effective_redis_url.value, decode_responses=False)
    frames = reader.frames()
    try:
        while (frame := await asyncio.to_thread(next, frames, None)) is not None:
            kind = frame["k"]
            if kind == "collection":
                name = frame["name"]
                counts[name] = 0
                indexes[name] = [dict(ix) for ix in frame["indexes"]]
                with contextlib.suppress(CollectionInvalid, OperationFailure):  # exists already
                    await db.create_collection(name)
            elif kind == "documents":
                docs = list(frame["docs"])
                coll = db.get_collection(frame["name"], write_concern=DURABLE, codec_options=RAW)
                await coll.insert_many(docs, ordered=True)
                counts[frame["name"]] += len(docs)
            elif kind == "redis":
                r, e = await _restore_redis(raw_redis, frame["keys"], reader.header.created_at)
                restored, expired = restored + r, expired + e
        for name, specs in indexes.items():
            models = [
                IndexModel(
                    [(k, v) for k, v in spec["key"]],
                    name=spec["name"],
                    **{k: spec[k] for k in spec if k not in ("key", "name")},
                )
                for spec in specs
            ]
            if models:
                await db[name].create_indexes(models)
    except PyMongoError as e:
        raise StorageError("writing the backup back failed") from e
    finally:
        await raw_redis.close()
    return {"collections": counts, "redis_keys": restored, "redis_expired": expired}


async def _current(ctx: PrivacyContext, tenant: str) -> dict[str, int]:
    db = ctx.db(tenant)
    if db.name not in await ctx.mongo.client.list_database_names():
        return {}
    return {n: await db[n].estimated_document_count() for n in sorted(await db.list_collection_names())}


async def restore_backup(
    ctx: PrivacyContext,
    tenant: str,
    path: Path,
    *,
    confirm: bool = False,
    actor: str = "system",
    audit: AuditLog | None = None,
    languages: Sequence[str] = (),
) -> dict[str, Any]:
    """Dry run unless `confirm` (see the module's doc); a report of counts. `languages`:
    the tenant's, for re-applying a rectified language."""
    if not path.is_file():
        raise InvalidInput("file", "no such archive")
    with path.open("rb") as fh:  # one open file for both passes: a file swapped meanwhile is not read
        reader = ArchiveReader(fh, ctx.settings.data_keys)
        if reader.header.tenant != tenant:
            raise ArchiveError(f"the archive is a backup of tenant {reader.header.tenant!r}, not {tenant!r}")
        manifest = await asyncio.to_thread(verify, reader)
        created_at = reader.header.created_at
        await replay.refuse_if_offboarded(ctx, tenant, created_at)
        after = await replay.after_backup(ctx, tenant, created_at, manifest.get("audit") or {})
        report: dict[str, Any] = {
            "kind": "rapport.backup.restore.v1",
            "tenant": tenant,
            "file": path.name,
            "created_at": created_at,
            "schema": manifest.get("schema"),
            "verified": True,
            "confirmed": confirm,
            "archive": {
                "collections": {n: c["count"] for n, c in manifest["collections"].items()},
                "redis_keys": manifest["redis"]["count"],
            },
            "current": await _current(ctx, tenant),
            "after_backup": after.summary(),
        }
        if not confirm:
            return report
        started = time.time()
        report["wiped_redis_keys"] = await _wipe(ctx, tenant)
        report["restored"] = await _restore(ctx, tenant, reader)
    report["carried_over"] = await replay.carry_over(ctx, tenant, after)
    report["reapplied"] = await replay.reapply(
        ctx, tenant, after, actor=actor, audit=audit, languages=languages
    )
    report["duration_ms"] = round((time.time() - started) * 1000)
    event(
        logger,
        "privacy.backup.restored",
        tenant=tenant,
        documents=sum(report["restored"]["collections"].values()),
        erasures=report["reapplied"]["erasures"],
        clean=report["reapplied"]["clean"],
    )
    return report
