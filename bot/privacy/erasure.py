"""Erasing one guest of one tenant, and proving it with a scan.

`erase_guest` resolves every identifier of the guest (bot/privacy/stores.py
`resolve`), collects the texts they wrote or were written (the scan looks for those
too), deletes from every store in `STORES`, makes the embedded database servers drop
the history of what was deleted (`compact`, bot/privacy/disk.py), audits the erasure
and runs `scan_guest`.

`scan_guest` does three things:

1. asks each store how many records of the guest it still holds (keyed look-ups);
2. searches exhaustively — every document of every collection of the tenant's
   database and of the control database, every Redis key and value, every record of
   the local provider stand-ins — for the guest's phone numbers and addresses, names,
   texts, guest_ref, conversation ids, sender ids and tracker keys;
3. searches the raw bytes of the embedded servers' files (`scan_files`) and of the
   logs for the free values among those (numbers, addresses, names, sender ids; texts
   in the servers' files where deleted content can stay, everywhere if `deep`).

A hit is a failure, except keyed references (guest_ref, conversation ids) in the
evidence collections (`audit`, `dsr_*`) and in the providers' copies of staff
notifications (their console links), which are reported as `retained`, and a text
found in a record that belongs to another guest (their own words that happen to match,
such as "I would like to talk to a person"). The report holds counts and collection
names only — no personal data — so it serves as the guest's receipt and as evidence.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from email import message_from_string, policy
from pathlib import Path
from typing import Any

import ahocorasick
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from bot.audit.log import INBOX, AuditLog, AuditRecord
from bot.base.logs import event
from bot.base.names import REDIS_PREFIX
from bot.privacy import disk, locks, rawsearch
from bot.privacy import stores as st
from bot.privacy.stores import EVIDENCE, STORES, PrivacyContext, StandInError, Subject
from bot.storage.mongo import connect

logger = logging.getLogger(__name__)

KEYED = ("guest_ref", "conversation", "tracker")  # keyed hashes: may stay in evidence
# Redis key families that are evidence: the audit inbox of tracker reads and writes
# (bot/audit/log.py), whose records name trackers by their keyed hash until chained
REDIS_EVIDENCE = frozenset({f"redis:{REDIS_PREFIX}:{INBOX}"})
MIN_TEXT = 12  # shorter texts ("yes", "4") are not attributable to anyone


_ESCAPES = (
    lambda s: s,
    lambda s: json.dumps(s)[1:-1],  # in JSON, \\u-escaped
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],  # in JSON
)
_KEYED_TOKEN = re.compile(r"g_[0-9a-f]{32}|c_[0-9a-f]{24}|[0-9a-f]{40}")


@dataclass
class Needles:
    """What the scan searches for. Free values (addresses, names, texts, sender ids) are
    searched as substrings in the forms they may be stored in, all at once with an
    Aho-Corasick automaton (pyahocorasick: one pass per text, whatever the number of
    needles — offboarding searches for every guest of a tenant), and in files as byte
    patterns (`patterns`, bot/privacy/rawsearch.py); keyed hashes (guest_ref,
    conversation ids, tracker key digests) as tokens."""

    by_kind: dict[str, list[str]] = field(default_factory=dict)
    keyed: dict[str, str] = field(default_factory=dict)  # token -> kind
    _forms: dict[str, set[str]] = field(default_factory=dict, repr=False)  # form -> kinds
    _written: list[str] = field(default_factory=list, repr=False)  # free values as given
    _automaton: Any = field(default=None, repr=False)

    def add(self, kind: str, values: Iterable[str]) -> None:
        for v in values:
            v = (v or "").strip()
            if not v:
                continue
            if kind in KEYED:
                self.keyed[v.lower()] = kind
                continue
            known = self.by_kind.setdefault(kind, [])
            for value in _spelled(kind, v):
                self._written.append(value)
                for escape in _ESCAPES:
                    form = escape(value).lower()
                    kinds = self._forms.setdefault(form, set())
                    if kind not in kinds:
                        kinds.add(kind)
                        known.append(form)
            self._automaton = None

    def counts(self) -> dict[str, int]:
        counts = Counter(self.keyed.values())
        counts.update({k: len(v) for k, v in self.by_kind.items()})
        return dict(sorted(counts.items()))

    def _matcher(self) -> Any:
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for form in self._forms:
                automaton.add_word(form, form)
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def kinds_of(self, form: str) -> set[str]:
        return self._forms.get(form, set())

    def longest(self) -> int:
        return max(map(len, self._forms), default=0)

    def patterns(self, *, texts: bool) -> rawsearch.Patterns:
        """Byte patterns of the text forms (`texts`) or of the other free forms, for the
        raw search of files. Identifiers only need to be found, not counted: a pattern
        containing a shorter one of the same kinds is left out (`+49...` has `49...`).
        Numbers and sender ids (machine-made, stored as given) are searched as written
        or in lower case; names, addresses and texts in any ASCII case."""
        found = rawsearch.Patterns()
        for value in self._written:
            for escape in _ESCAPES:
                form = escape(value).lower()
                kinds = self._forms[form]
                if not ("text" in kinds if texts else kinds - {"text"}):
                    continue
                if not texts and (form.upper() == form.lower() or kinds == {"sender"}):
                    found.exact.update({escape(c).encode(): form for c in (value, value.lower())})
                else:  # as written, in lower and in upper case: how a file may hold it
                    spellings = {escape(c) for c in (value, value.lower(), value.upper())} | {form}
                    found.folded.update({c.encode().lower(): form for c in spellings})
        if not texts:
            for group in (found.exact, found.folded):
                for pattern, form in list(group.items()):
                    if any(
                        other != pattern and other in pattern and self._forms[f] >= self._forms[form]
                        for other, f in group.items()
                    ):
                        del group[pattern]
        return found

    def find(self, text: str) -> set[str]:
        low = text.lower()
        kinds: set[str] = set()
        if self._forms:
            for _end, form in self._matcher().iter(low):
                kinds |= self._forms[form]
        if self.keyed:
            kinds |= {self.keyed[t] for t in _KEYED_TOKEN.findall(low) if t in self.keyed}
        return kinds


def _spelled(kind: str, value: str) -> list[str]:
    return [value, value[1:]] if kind == "address" and value.startswith("+") else [value]  # without its plus


def needles_of(subject: Subject, texts: Iterable[str] = ()) -> Needles:
    n = Needles()
    n.add("address", subject.addresses)
    n.add("name", subject.names)
    n.add("guest_ref", [subject.guest_ref])
    n.add("conversation", subject.conversations)
    n.add("sender", subject.sender_ids)
    n.add("sender", [sender.partition(st.SEPARATOR)[2] for sender in subject.sender_ids])
    n.add("text", sorted({t for t in texts if len(t.strip()) >= MIN_TEXT}))
    return n


def texts_of(exported: dict[str, Any]) -> set[str]:
    """Free text of the guest (their messages, staff replies and notes to them,
    text answers, queued messages, e-mail subjects) found in a store export."""
    found: set[str] = set()
    handovers = exported.get("handovers") or {}
    for m in handovers.get("messages", []):
        if m.get("author") in ("guest", "staff", "note") and isinstance(m.get("text"), str):
            found.add(m["text"])
    for r in exported.get("ratings") or []:
        if r.get("kind") == "text" and isinstance(r.get("raw"), str):
            found.add(r["raw"])
    jobs = list((exported.get("sms") or {}).get("inbound", [])) + list(exported.get("email_inbound") or [])
    for job in jobs:  # payloads opened from their seal (stores.opened_job)
        payload = job.get("payload")
        if isinstance(payload, dict):
            found |= {str(payload[k]) for k in ("body", "text", "subject") if payload.get(k)}
    for tracker in exported.get("trackers") or []:
        for ev in tracker.get("events", []):
            if ev.get("event") == "user" and isinstance(ev.get("text"), str):
                found.add(ev["text"])
    return found


async def export_stores(ctx: PrivacyContext, subject: Subject) -> dict[str, Any]:
    return {store.name: await store.export(ctx, subject) for store in STORES}


# ---- the exhaustive scan ------------------------------------------------------------------


@dataclass
class ScanResult:
    searched: Counter = field(default_factory=Counter)
    hits: Counter = field(default_factory=Counter)  # (where, kind) -> documents
    retained: Counter = field(default_factory=Counter)

    def record(
        self, where: str, kinds: set[str], *, evidence: bool = False, other_guest: bool = False
    ) -> None:
        for kind in kinds:
            if kind == "text" and other_guest:
                continue
            if evidence and kind in KEYED:
                self.retained[(where, kind)] += 1
            else:
                self.hits[(where, kind)] += 1

    def report(self) -> dict[str, Any]:
        def rows(c: Counter) -> list[dict[str, Any]]:
            return [{"where": w, "kind": k, "count": n} for (w, k), n in sorted(c.items())]

        return {
            "clean": not self.hits,
            "hits": rows(self.hits),
            "retained": rows(self.retained),
            "searched": dict(sorted(self.searched.items())),
        }


def _other_guest(doc: dict[str, Any], guest_ref: str | None) -> bool:
    owner = doc.get("guest_ref")
    return guest_ref is not None and isinstance(owner, str) and owner.startswith("g_") and owner != guest_ref


# Collections up to this size are searched document by document after every erasure;
# larger registered ones (a hotel's ratings) by their indexed identifier fields
# (stores.KEYED_FIELDS), and document by document in the deep scan
# (`scan_guest(deep=True)`, `dsr erase --deep`). Unregistered collections are always
# read whole.
EXHAUSTIVE_LIMIT = 5000


async def _search_all(
    db: Any, coll: str, where: str, needles: Needles, guest_ref: str | None, result: ScanResult
) -> None:
    async for doc in db[coll].find({}):
        result.searched["documents"] += 1
        kinds = needles.find(json.dumps(doc, default=str, ensure_ascii=False))
        if kinds:
            result.record(where, kinds, evidence=coll in EVIDENCE, other_guest=_other_guest(doc, guest_ref))


async def _search_indexed(db: Any, coll: str, where: str, needles: Needles, result: ScanResult) -> None:
    """Equality look-ups of every keyed identifier on the collection's KEYED_FIELDS."""
    result.searched["indexed_collections"] += 1
    for token, kind in needles.keyed.items():
        if kind not in ("guest_ref", "conversation"):
            continue  # tracker digests are Redis key names, never document fields
        for f in st.KEYED_FIELDS[coll]:
            result.searched["indexed_lookups"] += 1
            # nx-27017 finds a value in an indexed array field only with $in (which reads
            # the whole collection for a scalar field), elsewhere by equality
            query = {f: {"$in": [token]}} if f in st.ARRAY_FIELDS else {f: token}
            async for _ in db[coll].find(query, {"_id": 1}):
                result.record(where, {kind}, evidence=coll in EVIDENCE)


async def scan_mongo(
    ctx: PrivacyContext,
    databases: Iterable[str],
    needles: Needles,
    guest_ref: str | None,
    result: ScanResult,
    *,
    deep: bool = True,
) -> None:
    client = ctx.mongo.client
    existing = set(await client.list_database_names())
    for name in databases:
        if name not in existing:
            continue
        db = client[name]
        for coll in sorted(await db.list_collection_names()):
            result.searched["collections"] += 1
            where = f"mongo:{name}.{coll}"
            by_key = not deep and coll in st.KEYED_FIELDS
            if by_key and await db[coll].estimated_document_count() > EXHAUSTIVE_LIMIT:
                await _search_indexed(db, coll, where, needles, result)
            else:  # small, deep, or not registered (what the exhaustive search is for)
                await _search_all(db, coll, where, needles, guest_ref, result)


async def _redis_values(ctx: PrivacyContext, keys: list[str]) -> list[str]:
    """Each key's value as text: two pipelined round trips for the whole batch."""
    pipe = ctx.redis.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    kinds = await pipe.execute()
    pipe = ctx.redis.pipeline(transaction=False)
    for key, kind in zip(keys, kinds, strict=True):
        if kind == "string":
            pipe.get(key)
        elif kind == "hash":
            pipe.hgetall(key)
        elif kind == "list":
            pipe.lrange(key, 0, -1)
        elif kind == "set":
            pipe.smembers(key)
        elif kind == "zset":
            pipe.zrange(key, 0, -1)
        else:  # gone meanwhile, or a stream: nothing searchable
            pipe.exists(key)
    values = []
    for kind, value in zip(kinds, await pipe.execute(), strict=True):
        if kind == "string":
            values.append(str(value))
        elif kind in ("hash", "list", "zset"):
            values.append(json.dumps(value))
        elif kind == "set":
            values.append(json.dumps(sorted(value)))
        else:
            values.append("")
    return values


def _key_family(key: str) -> str:
    """`rapport:tracker:alpenhof:<hmac>` -> `redis:rapport:tracker` (no ids in the report)."""
    return "redis:" + ":".join(key.split(":")[:2])


def _tracker_of_other(
    ctx: PrivacyContext, key: str, value: str, tenant: str | None, guest_ref: str | None
) -> bool:
    """A tracker of another tenant, or of another guest of this tenant."""
    parts = key.split(":")
    if len(parts) < 4 or parts[1] != "tracker":
        return False
    if tenant and parts[2] != tenant:
        return True
    if tenant is None or guest_ref is None:
        return False
    try:
        sender = st.sender_of(json.loads(value))
    except ValueError:
        return False
    return st.ref_of_sender(ctx, tenant, sender) not in (None, guest_ref)


async def scan_redis(
    ctx: PrivacyContext,
    needles: Needles,
    tenant: str | None,
    guest_ref: str | None,
    result: ScanResult,
    *,
    deep: bool = True,
    batch: int = 500,
) -> None:
    """Every key's name and every value — except, unless `deep`, the values of trackers:
    the guest's own trackers are found by their key (a keyed needle), and any other
    tracker holds another guest's conversation."""
    keys = [k async for k in ctx.redis.scan_iter(count=2000)]
    result.searched["redis_keys"] += len(keys)
    for i in range(0, len(keys), batch):
        chunk = keys[i : i + batch]
        wanted = [k for k in chunk if deep or k.split(":")[1:2] != ["tracker"]]
        values = dict(zip(wanted, await _redis_values(ctx, wanted), strict=True)) if wanted else {}
        result.searched["redis_values"] += len(wanted)
        for key in chunk:
            value = values.get(key, "")
            kinds = needles.find(key) | needles.find(value)
            if kinds:
                other = _tracker_of_other(ctx, key, value, tenant, guest_ref)
                family = _key_family(key)
                result.record(family, kinds, other_guest=other, evidence=family in REDIS_EVIDENCE)


def _record_text(record: dict[str, Any]) -> str:
    """A stand-in record as searchable text (e-mail bodies decoded)."""
    text = json.dumps(record, ensure_ascii=False)
    raw = record.get("raw")
    if isinstance(raw, str):
        parsed = message_from_string(raw, policy=policy.default)
        for part in parsed.walk():
            if part.get_content_maintype() == "text":
                with contextlib.suppress(LookupError, ValueError):
                    text += "\n" + str(part.get_content())
    return text


async def scan_standins(ctx: PrivacyContext, needles: Needles, result: ScanResult) -> None:
    for store in STORES:
        if not isinstance(store, st.StandIn) or store.name not in ctx.standins:
            continue
        for record in await store._records(ctx):
            result.searched["standin_records"] += 1
            kinds = needles.find(_record_text(record))
            if kinds:
                # a provider's copy of a staff notification carries only the keyed
                # conversation id of its link (bot/handover/notify.py): retained, like audit;
                # the guest's number, address, name or words there are hits
                result.record(f"standin:{store.name}", kinds, evidence=True)


LOG_CHUNK = 1 << 20


def scan_logs(log_dir: Path, needles: Needles, result: ScanResult) -> None:
    """Every file of the deployment's log directory (the processes' logs, rotated ones
    too), read in 1 MB chunks that overlap by the longest needle. Logs must never hold
    personal data (bot/base/logs.py); this checks it for the guest being erased. Logs a
    deployment ships elsewhere (journald, a collector) are outside this scan."""
    if not log_dir.is_dir():
        return
    overlap = max((len(f) for forms in needles.by_kind.values() for f in forms), default=0)
    for path in sorted(p for p in log_dir.rglob("*") if p.is_file()):
        result.searched["log_files"] += 1
        kinds: set[str] = set()
        tail = ""
        with path.open("r", encoding="utf-8", errors="replace") as f:
            while chunk := f.read(LOG_CHUNK):
                kinds |= needles.find(tail + chunk)
                tail = chunk[-overlap:] if overlap else ""
        if kinds:
            # log lines name conversations by their keyed id (bot/base/logs.py: references
            # only), as the audit does: retained; a number, address, name, text or sender
            # id is a hit
            result.record(f"log:{path.name}", kinds, evidence=True)


# ---- the embedded servers' files ---------------------------------------------------------


def _attributed_sqlite(path: Path, forms: set[str], guest_ref: str | None) -> Counter:
    """Occurrences of text forms in live documents of other guests (their own words)."""
    found: Counter = Counter()
    for form, data in disk.sqlite_rows(path, sorted(forms)):
        with contextlib.suppress(ValueError):
            doc = json.loads(data)
            if isinstance(doc, dict) and _other_guest(doc, guest_ref):
                found[form] += data.lower().count(form)
    return found


def _attributed_aof(
    ctx: PrivacyContext, path: Path, forms: set[str], tenant: str | None, guest_ref: str | None
) -> Counter:
    """Occurrences of forms in commands writing other guests' or tenants' trackers."""
    found: Counter = Counter()
    for args in disk.aof_commands(path):
        if len(args) < 3:
            continue
        key, value = (a.decode("utf-8", errors="replace") for a in args[1:3])
        low = value.lower()
        hit = [f for f in forms if f in low]
        if hit and _tracker_of_other(ctx, key, value, tenant, guest_ref):
            found.update({f: low.count(f) for f in hit})
    return found


def _fresh(compacted: dict[str, Any] | None) -> dict[str, bool]:
    """Which servers dropped their history after this deletion (`compact`'s report)."""
    done = compacted or {}
    return {
        "mongo": bool(done.get("mongodb", {}).get("wal_truncated")),
        "redis": bool(done.get("redis", {}).get("rewritten")),
    }


def _text_rule(server: str, path: Path, full: bool) -> str:
    """Where a text of the guest in this file counts as found (scan_files)."""
    if server == "mongo":
        if path.suffix == ".db":
            return "attributed" if full else "lingering"
        if path.name.endswith("-wal"):
            return "anywhere" if full else "lingering"
        return "anywhere"  # -shm (page numbers only), -journal
    if ".base." in path.name and not full:
        return "none"  # written by the rewrite after the deletion: live keys only
    return "attributed" if path.suffix == ".aof" else "anywhere"


def scan_files(
    ctx: PrivacyContext,
    servers: dict[str, bool],
    databases: Iterable[str],
    needles: Needles,
    subject: Subject,
    result: ScanResult,
    *,
    compacted: dict[str, Any] | None = None,
    deep: bool = False,
) -> dict[str, Any]:
    """The raw bytes of the embedded servers' files — the SQLite files of the tenant's
    and the control database (`.db`, `-wal`, `-shm`) and Valkey's append-only files.

    The guest's numbers, addresses, names and sender ids are searched in every byte of
    every file (keyed references are evidence in the audit, and not searched here); in
    an append-only file, unless `deep`, those in commands writing other guests'
    trackers are theirs (a friend's number they quoted), as in the logical scan.
    Their texts, which other guests may have written too, count as found:

    - after `compact` dropped the server's history for this deletion (`compacted`),
      unless `deep`: in a SQLite file or WAL, outside live rows (unallocated space,
      rawsearch.lingering: where a deleted row's bytes can stay); in Valkey's new base
      file, nowhere (it holds the live keys, which the logical scan covers); in an
      incremental append-only file, as below;
    - otherwise (`deep`, or no compaction): in a `.db` file, when they occur more often
      than in other guests' live documents (SQLite's own search of its rows); in an
      append-only file, more often than in commands writing other guests' trackers;
      in a WAL, anywhere.

    Servers we do not run (`servers`, disk.embedded): what they keep."""
    files: list[tuple[str, Path]] = []
    if servers["mongodb"]:
        files += [("mongo", p) for p in disk.mongo_files(ctx.settings, databases)]
    if servers["redis"]:
        files += [("redis", p) for p in disk.redis_files(ctx.settings)]
    fresh = _fresh(compacted)
    identifiers, text_patterns = needles.patterns(texts=False), needles.patterns(texts=True)
    for server, path in files:
        result.searched["data_files"] += 1
        result.searched["data_bytes"] += path.stat().st_size
        rule = _text_rule(server, path, deep or not fresh[server])
        searched = identifiers
        if text_patterns and rule in ("attributed", "anywhere"):
            searched = rawsearch.Patterns(
                {**identifiers.exact, **text_patterns.exact}, {**identifiers.folded, **text_patterns.folded}
            )
        counts = rawsearch.file_counts(path, searched)
        found = {form for form in counts if needles.kinds_of(form) - {"text"}}
        if found and not deep and server == "redis" and path.suffix == ".aof":
            # as in the logical scan: another guest's tracker quoting the guest is theirs
            other = _attributed_aof(ctx, path, found, subject.tenant, subject.guest_ref)
            found = {form for form in found if counts[form] > other[form]}
        kinds = {k for form in found for k in needles.kinds_of(form) if k != "text"}
        if rule == "lingering" and text_patterns:
            if rawsearch.lingering(path, text_patterns):
                kinds.add("text")
        elif rule in ("attributed", "anywhere"):
            texts = {form for form in counts if "text" in needles.kinds_of(form)}
            other: Counter = Counter()
            if texts and rule == "attributed" and server == "mongo":
                other = _attributed_sqlite(path, texts, subject.guest_ref)
            elif texts and rule == "attributed":
                other = _attributed_aof(ctx, path, texts, subject.tenant, subject.guest_ref)
            if any(counts[form] > other[form] for form in texts):
                kinds.add("text")
        if kinds:
            where = f"file:{server}/{path.relative_to(ctx.settings.data_dir / server)}"
            result.record(where, kinds)
    return {
        name: "embedded: files searched" if embedded else disk.EXTERNAL[name]
        for name, embedded in servers.items()
    }


async def scan_guest(
    ctx: PrivacyContext,
    subject: Subject,
    texts: Iterable[str] = (),
    *,
    deep: bool = False,
    compacted: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Keyed look-ups per store, then the search of every collection and key; counts
    only. Collections over EXHAUSTIVE_LIMIT documents and other guests' trackers are
    searched by key unless `deep` (then every document and value is read). `compacted`:
    what `compact` did after the deletion (decides where texts are searched in the
    servers' files, scan_files)."""
    per_store = {}
    for store in STORES:
        try:
            per_store[store.name] = await store.scan(ctx, subject)
        except StandInError:
            per_store[store.name] = -1  # could not be checked: not clean
    needles = needles_of(subject, texts)
    needles.add("tracker", [ctx.tracker_key(s).rsplit(":", 1)[1] for s in subject.sender_ids])
    result = ScanResult()
    databases = [ctx.db(subject.tenant).name, ctx.settings.control_db]
    await scan_mongo(ctx, databases, needles, subject.guest_ref, result, deep=deep)
    await scan_redis(ctx, needles, subject.tenant, subject.guest_ref, result, deep=deep)
    try:
        await scan_standins(ctx, needles, result)
    except StandInError:
        result.hits[("standin", "unreachable")] += 1
    await asyncio.to_thread(scan_logs, ctx.settings.data_dir / "logs", needles, result)
    servers = await disk.embedded(ctx.mongo.client, ctx.redis, ctx.settings)
    files = await asyncio.to_thread(
        functools.partial(scan_files, compacted=compacted, deep=deep),
        ctx,
        servers,
        databases,
        needles,
        subject,
        result,
    )
    exhaustive = result.report()
    return {
        "clean": exhaustive["clean"] and not any(per_store.values()),
        "stores": per_store,
        "needles": needles.counts(),
        "deep": deep,
        "disk": files,
        **exhaustive,
    }


# ---- erasure ----------------------------------------------------------------------------------


async def compact(ctx: PrivacyContext, databases: list[str], *, vacuum: bool | None = None) -> dict[str, Any]:
    """Make the embedded servers drop the history of what was deleted (bot/privacy/disk.py;
    `vacuum`: rebuild the SQLite files, by default only where SQLite does not zero
    deleted content). A step that fails is reported; the scan of the files then tells
    what is left."""
    servers = await disk.embedded(ctx.mongo.client, ctx.redis, ctx.settings)
    done: dict[str, Any] = {}
    if servers["mongodb"]:
        client = connect(ctx.settings.effective_mongodb_url.value, socketTimeoutMS=600_000)
        try:
            done["mongodb"] = await disk.compact_mongo(client, ctx.settings, databases, vacuum=vacuum)
        except (PyMongoError, OSError, TimeoutError) as e:
            done["mongodb"] = {"error": type(e).__name__}
        finally:
            client.close()
    if servers["redis"]:
        try:
            done["redis"] = await disk.rewrite_aof(ctx.redis, ctx.settings)
        except (RedisError, OSError, TimeoutError) as e:
            done["redis"] = {"error": type(e).__name__}
    if done.get("mongodb", {}).get("error") or done.get("redis", {}).get("error"):
        event(logger, "privacy.compact.failed", logging.ERROR, **{k: v.get("error") for k, v in done.items()})
    return done


def _vacuum_would_help(report: dict[str, Any]) -> bool:
    mongodb = report["compacted"].get("mongodb", {})
    on_disk = [h for h in report["scan"]["hits"] if h["where"].startswith("file:mongo/")]
    return bool(on_disk) and "error" not in mongodb and not mongodb.get("vacuum")


async def erase_guest(
    ctx: PrivacyContext,
    tenant: str,
    guest_ref: str,
    *,
    sender_ids: Iterable[str] = (),
    addresses: Iterable[str] = (),
    names: Iterable[str] = (),
    confirm: bool = True,
    actor: str = "system",
    audit: AuditLog | None = None,
    deep: bool = False,
    lock_wait: float = 30.0,
) -> dict[str, Any]:
    """Delete the guest from every store and scan. Without `confirm`, a dry run: what
    each store holds, nothing deleted. The result has no personal data.

    The guest's conversations are locked (bot/privacy/locks.py) from the export of
    their texts to the end of the deletion, so a running turn cannot write them back;
    `ConversationBusy` (nothing deleted) when a lock is not obtained in `lock_wait` s.
    `deep`: the scan reads every document and value (scan_guest)."""
    started = time.time()
    subject = await st.resolve(
        ctx, tenant, guest_ref, sender_ids=sender_ids, addresses=addresses, names=names
    )
    report: dict[str, Any] = {
        "kind": "rapport.erasure.v1",
        "tenant": tenant,
        "guest_ref": guest_ref,
        "confirmed": confirm,
        "actor": actor,
        "started_at": started,
        "identifiers": {
            "addresses": len(subject.addresses),
            "senders": len(subject.sender_ids),
            "conversations": len(subject.conversations),
            "names": len(subject.names),
        },
    }
    if not confirm:
        report["would_erase"] = {store.name: await store.scan(ctx, subject) for store in STORES}
        return report
    erased = {}
    lock_store = locks.lock_store(ctx.settings.effective_redis_url.value, ctx.settings.guest_key.value)
    async with locks.holding(lock_store, subject.sender_ids, wait=lock_wait):
        locked_at = time.time()
        # a turn that ran while we waited may have started a conversation: its id too
        known = set(subject.conversations) | await st.conversations_of(ctx, tenant, guest_ref)
        subject = replace(subject, conversations=tuple(sorted(known)))
        texts = texts_of(await export_stores(ctx, subject))
        for store in STORES:
            try:
                erased[store.name] = await store.erase(ctx, subject)
            except StandInError:
                erased[store.name] = -1  # not reached: the scan reports it, the report is not clean
    report["locked_ms"] = round((locked_at - started) * 1000)
    report["erased"] = erased
    # after the lock's release (its key names the guest's sender id): the servers' files
    compacting = time.time()
    databases = [ctx.db(tenant).name, ctx.settings.control_db]
    report["compacted"] = await compact(ctx, databases)
    report["compact_ms"] = round((time.time() - compacting) * 1000)
    audit = audit or AuditLog.from_settings(ctx.mongo.client, ctx.settings)
    report["scan"] = await scan_guest(ctx, subject, texts, deep=deep, compacted=report["compacted"])
    if _vacuum_would_help(report):
        # bytes of deleted rows left in a SQLite file's unallocated space (a B-tree
        # rebalance copies cells without clearing where they were; rawsearch.py): VACUUM
        # rewrites the file with live rows only, then the scan runs again
        vacuuming = time.time()
        report["lingering"] = len(report["scan"]["hits"])
        report["compacted"] = await compact(ctx, databases, vacuum=True)
        report["compact_ms"] += round((time.time() - vacuuming) * 1000)
        report["scan"] = await scan_guest(ctx, subject, texts, deep=deep, compacted=report["compacted"])
    detail = {"records": sum(erased.values()), "clean": report["scan"]["clean"]}
    record = AuditRecord(actor, "guest.erase", "guest", guest_ref, "allowed", tenant, detail)
    await audit.tenant(tenant, record)
    # and in the control database: a restored backup of a lost tenant database must still
    # know whom to erase again (bot/privacy/backup_replay.py)
    await audit.control(record)
    report["finished_at"] = time.time()
    report["duration_ms"] = round((report["finished_at"] - started) * 1000)
    event(
        logger,
        "privacy.guest.erased",
        tenant=tenant,
        records=sum(erased.values()),
        clean=report["scan"]["clean"],
    )
    return report
