"""The audit chain's pure parts (bot/audit/log.py): entries, canonical form, verification."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.audit.folder import batch_record
from bot.audit.log import (
    GENESIS,
    AuditLog,
    AuditRecord,
    InboxStatus,
    SystemAccess,
    canonical,
    chain_entry,
    check_chain,
    cli_actor,
    expand_batch,
    inbox_document,
    key_id,
    parse_redis_entry,
    redis_inbox_entry,
    redis_inbox_key,
)
from bot.base.errors import ConfigError
from bot.base.settings import Secret, Settings

KEY = Secret("k" * 40)
OTHER = Secret("o" * 40)
T0 = dt.datetime(2026, 5, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)


def record(i: int) -> AuditRecord:
    return AuditRecord(f"stf_{i}", "conversation.read", "conversation", f"c{i}", "allowed", tenant="alpenhof")


def chain(n: int, key: Secret = KEY) -> list[dict]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        e = chain_entry(record(seq), T0 + dt.timedelta(seconds=seq), seq, prev, key)
        entries.append(e)
        prev = e["hash"]
    return entries


def test_a_fresh_chain_verifies_and_reports_its_last_hash():
    entries = chain(5)
    result = check_chain(entries, [KEY])
    assert result.ok and result.entries == 5 and result.last_seq == 5
    assert result.last_hash == entries[-1]["hash"] and result.broken_seq is None
    assert entries[0]["prev"] == GENESIS and entries[1]["prev"] == entries[0]["hash"]
    assert [e["_id"] for e in entries] == [e["seq"] for e in entries] == [1, 2, 3, 4, 5]


def test_an_empty_log_verifies():
    assert check_chain([], [KEY]).ok


def test_a_modified_entry_is_named_by_its_seq():
    entries = chain(5)
    entries[2]["actor"] = "stf_someone_else"
    result = check_chain(entries, [KEY])
    assert not result.ok and result.broken_seq == 3 and "modified" in result.reason


@pytest.mark.parametrize("field", ["action", "outcome", "resource_id", "tenant", "at", "prev", "kid"])
def test_every_field_is_covered_by_the_hash(field):
    entries = chain(3)
    value = entries[1][field]
    entries[1][field] = value + dt.timedelta(milliseconds=1) if field == "at" else "x" + str(value)
    result = check_chain(entries, [KEY])
    assert not result.ok and result.broken_seq == 2


def test_a_deleted_entry_leaves_a_gap():
    entries = chain(5)
    del entries[1]
    result = check_chain(entries, [KEY])
    assert not result.ok and result.broken_seq == 2 and "missing" in result.reason


def test_a_deleted_first_entry_is_a_gap_at_seq_1():
    result = check_chain(chain(3)[1:], [KEY])
    assert not result.ok and result.broken_seq == 1


def test_deleted_newest_entries_are_caught_by_the_head():
    result = check_chain(chain(5)[:3], [KEY], head_seq=5)
    assert not result.ok and result.broken_seq == 4 and "deleted" in result.reason
    assert check_chain(chain(5)[:3], [KEY], head_seq=2).ok  # a lagging head is no alarm


def test_swapped_entries_are_detected():
    entries = chain(4)
    a, b = entries[1], entries[2]
    # move the contents, keep the seq numbers where they were
    entries[1] = {**b, "_id": 2, "seq": 2}
    entries[2] = {**a, "_id": 3, "seq": 3}
    result = check_chain(entries, [KEY])
    assert not result.ok and result.broken_seq == 2


def test_an_entry_inserted_by_someone_without_the_key_is_detected():
    entries = chain(3)
    forged = chain_entry(record(99), T0, 2, entries[0]["hash"], OTHER)  # the right place, wrong key
    tail = [chain_entry(record(i), T0, i + 1, "", OTHER) for i in (2, 3)]
    result = check_chain([entries[0], forged, *tail], [KEY])
    assert not result.ok and result.broken_seq == 2 and "unknown audit key" in result.reason


def test_a_rewritten_chain_with_a_guessed_kid_does_not_verify():
    entries = chain(3)
    forged = chain_entry(record(99), T0, 2, entries[0]["hash"], OTHER)
    forged["kid"] = key_id(KEY)  # claims the real key
    result = check_chain([entries[0], forged], [KEY])
    assert not result.ok and result.broken_seq == 2 and "modified" in result.reason


def test_an_inserted_entry_shifting_the_rest_breaks_prev():
    entries = chain(3)
    inserted = chain_entry(record(50), T0, 2, entries[0]["hash"], KEY)  # as if by a writer
    shifted = [{**e, "_id": e["seq"] + 1, "seq": e["seq"] + 1} for e in entries[1:]]
    result = check_chain([entries[0], inserted, *shifted], [KEY])
    assert not result.ok and result.broken_seq == 3


def test_old_keys_still_verify_after_an_audit_key_rotation():
    old = chain(2, OTHER)
    new = chain_entry(record(3), T0, 3, old[-1]["hash"], KEY)
    assert check_chain([*old, new], [KEY, OTHER]).ok
    assert not check_chain([*old, new], [KEY]).ok


def test_times_are_kept_to_the_millisecond_and_naive_reads_hash_the_same():
    e = chain(1)[0]
    assert e["at"].microsecond == 123000
    naive = {**e, "at": e["at"].replace(tzinfo=None)}  # a client without tz_aware
    assert canonical(naive) == canonical(e)
    assert check_chain([naive], [KEY]).ok


def test_canonical_form_is_sorted_compact_json_without_id_and_hash():
    body = json.loads(canonical(chain(1)[0]))
    assert "_id" not in body and "hash" not in body and body["seq"] == 1
    assert isinstance(body["at"], int)
    assert canonical(chain(1)[0]).decode() == json.dumps(body, sort_keys=True, separators=(",", ":"))


def test_detail_is_chained_and_holds_counts():
    r = AuditRecord(cli_actor(), "keys.rotate", "contacts", None, "allowed", detail={"resealed": 3})
    e = chain_entry(r, T0, 1, GENESIS, KEY)
    assert e["detail"] == {"resealed": 3} and check_chain([e], [KEY]).ok
    e["detail"] = {"resealed": 4}
    assert not check_chain([e], [KEY]).ok


def test_cli_actor_names_the_os_user():
    import os

    assert cli_actor() == f"cli:{os.getuid()}"


def test_an_audit_log_without_keys_is_refused_with_the_way_to_make_one():
    with pytest.raises(TypeError, match="from_settings"):
        AuditLog(None, "p_", "p__control")  # type: ignore[arg-type]


def test_audit_keys_come_from_settings(tmp_path):
    derived = Settings.from_env({"RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_GUEST_KEY": "g" * 40})
    again = Settings.from_env({"RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_GUEST_KEY": "g" * 40})
    assert derived.audit_keys == again.audit_keys and len(derived.audit_keys) == 1
    assert derived.audit_keys[0].value != derived.guest_key.value
    assert "g" * 40 not in repr(derived.audit_keys)
    explicit = Settings.from_env(
        {"RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_AUDIT_KEYS": f"{'n' * 32}, {'o' * 32}"}
    )
    assert [k.value for k in explicit.audit_keys] == ["n" * 32, "o" * 32]
    with pytest.raises(ConfigError, match="RAPPORT_AUDIT_KEYS"):
        Settings.from_env({"RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_AUDIT_KEYS": "short"})


def test_no_code_outside_bot_audit_touches_the_audit_collection():
    """Append-only: only AuditLog._append writes entries (by insert); nothing updates or deletes them."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    touching = re.compile(
        r"""\.audit\.(insert|update|replace|delete|find_one_and|drop|bulk)\w*\("""
        r"""|get_collection\(\s*["']audit["']|\[["']audit["']\]"""
    )
    offenders = [
        str(p.relative_to(root))
        for d in ("bot", "actions", "scripts")
        for p in (root / d).rglob("*.py")
        if p != root / "bot" / "audit" / "log.py" and touching.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    source = (root / "bot" / "audit" / "log.py").read_text(encoding="utf-8")
    writes = re.findall(
        r"\.(insert_one|insert_many|update_one|update_many|replace_one|delete_\w+|find_one_and_\w+)\(", source
    )
    # the entry, the head hint (audit_chain), and an inbox document (audit_inbox)
    assert writes == ["insert_one", "update_one", "insert_one"]


# ---- the inbox and its batches -------------------------------------------------------------


def test_entries_with_flat_details_hash_as_they_did_before_batches():
    """Pinned hashes computed with the chain code before detail could hold lists:
    existing chains keep verifying."""
    flat = AuditRecord(
        "cli:1000", "keys.rotate", "tenant", "alpenhof", "allowed", tenant="alpenhof",
        detail={"resealed": 12, "dry_run": False, "note": None},
    )  # fmt: skip
    bare = AuditRecord("stf_1", "conversation.read", "conversation", "c1", "denied")
    assert chain_entry(flat, T0, 7, "a" * 64, KEY)["hash"] == (
        "352a90a11878d1a4e2a516beb24321e0d3eac29bb6aae4949b40a9eb3bbb83bc"
    )
    assert chain_entry(bare, T0, 1, GENESIS, KEY)["hash"] == (
        "f5d08818f0c9cbce9c7dc2b6d520b2eec014a1d2666d2a0b43691bc00b8e0bff"
    )


def inbox(i: int, *writes: SystemAccess) -> dict:
    return inbox_document(writes, T0 + dt.timedelta(milliseconds=i))


def test_inbox_documents_sort_by_time_and_hold_ids_and_counts_only():
    docs = [inbox(i, SystemAccess("rating.store", "rating", f"c_{i}:overall")) for i in (5, 1, 30)]
    assert sorted(d["_id"] for d in docs) == [docs[1]["_id"], docs[0]["_id"], docs[2]["_id"]]
    assert docs[0]["actor"] == "system" and docs[0]["at"].microsecond % 1000 == 0
    assert docs[0]["writes"] == [
        {"action": "rating.store", "resource_type": "rating", "resource_id": "c_5:overall"}
    ]
    counted = inbox(2, SystemAccess("transcript.append", "transcript", "c_2", 3))
    assert counted["writes"][0]["count"] == 3


def test_a_batch_chains_its_nested_detail_and_a_change_inside_it_is_found():
    docs = [
        inbox(
            1,
            SystemAccess("rating.store", "rating", "c_1:overall"),
            SystemAccess("conversation.store", "conversation", "c_1"),
        ),
        inbox(2, SystemAccess("transcript.append", "transcript", "c_1", 2)),
    ]
    record = batch_record("alpenhof", docs)
    assert record.action == "system.batch" and record.actor == "system" and record.resource_id is None
    detail = record.detail or {}
    assert detail["entries"] == 2 and detail["writes"] == 3
    assert detail["folded"] == [d["_id"] for d in docs] and record.resources == ["c_1", "c_1:overall"]
    entries = [chain_entry(record, T0, 1, GENESIS, KEY)]
    assert check_chain(entries, [KEY]).ok and entries[0]["resources"] == ["c_1", "c_1:overall"]
    moved = [{**entries[0], "resources": ["c_1"]}]
    assert not check_chain(moved, [KEY]).ok  # the resources are covered by the hash too
    entries[0]["detail"]["records"][1]["writes"][0]["count"] = 1
    result = check_chain(entries, [KEY])
    assert not result.ok and result.broken_seq == 1 and "modified" in result.reason


def test_a_batch_copies_only_the_known_fields_of_an_inbox_document():
    doc = inbox(1, SystemAccess("rating.store", "rating", "c_1:overall"))
    doc["writes"][0]["text"] = "the guest's words"
    doc["writes"].append("not a write")
    doc["extra"] = "+41 79 000 00 00"
    detail = batch_record("alpenhof", [doc]).detail or {}
    assert detail["records"][0]["writes"] == [
        {"action": "rating.store", "resource_type": "rating", "resource_id": "c_1:overall"}
    ]
    assert "guest" not in json.dumps(detail) and "+41" not in json.dumps(detail)


def test_an_exported_batch_expands_to_one_line_per_write():
    docs = [
        inbox(
            1,
            SystemAccess("rating.store", "rating", "c_1:overall"),
            SystemAccess("rating.correct", "rating", "c_1:room"),
        ),
        inbox(2, SystemAccess("contact.store", "contact", "g_1")),
    ]
    entry = chain_entry(batch_record("alpenhof", docs), T0, 4, GENESIS, KEY)
    lines = expand_batch(entry)
    assert [(x["action"], x["resource_id"], x["seq"]) for x in lines] == [
        ("rating.store", "c_1:overall", 4),
        ("rating.correct", "c_1:room", 4),
        ("contact.store", "g_1", 4),
    ]
    assert lines[0]["inbox"] == docs[0]["_id"] and lines[2]["at"] == docs[1]["at"]
    assert {x["type"] for x in lines} == {"write"} and {x["tenant"] for x in lines} == {"alpenhof"}


def test_the_inbox_status_measures_the_age_of_the_oldest_pending_record():
    now = T0 + dt.timedelta(seconds=90)
    assert InboxStatus(0, None).age(now) == 0.0
    assert InboxStatus(3, T0).age(now) == 90.0
    assert InboxStatus(1, T0.replace(tzinfo=None)).age(now) == 90.0  # servers may answer naive UTC


def test_reads_are_chained_and_exported_as_read_lines_beside_the_writes():
    doc = inbox_document(
        [SystemAccess("rating.store", "rating", "c_1:overall")],
        T0,
        [
            SystemAccess("guest_flags.read", "guest_flags", "g_1"),
            SystemAccess("tracker.read", "tracker", "ab" * 20),
        ],
    )
    record = batch_record("alpenhof", [doc, inbox(2, SystemAccess("contact.store", "contact", "g_2"))])
    detail = record.detail or {}
    assert detail["writes"] == 2 and detail["reads"] == 2
    assert "reads" not in detail["records"][1]  # a document without reads is chained as before
    assert set(record.resources or ()) == {"c_1:overall", "g_1", "ab" * 20, "g_2"}
    entry = chain_entry(record, T0, 1, GENESIS, KEY)
    assert check_chain([entry], [KEY]).ok
    lines = expand_batch(entry)
    assert [(x["type"], x["action"]) for x in lines] == [
        ("read", "guest_flags.read"),
        ("read", "tracker.read"),
        ("write", "rating.store"),
        ("write", "contact.store"),
    ]
    entry["detail"]["records"][0]["reads"][1]["resource_id"] = "cd" * 20
    assert not check_chain([entry], [KEY]).ok  # a changed read is found like a changed write


def test_without_reads_a_batch_entry_hashes_exactly_as_before_reads_existed():
    doc = inbox(1, SystemAccess("rating.store", "rating", "c_1:overall"))
    detail = batch_record("alpenhof", [doc]).detail or {}
    assert set(detail) == {"entries", "writes", "folded", "records"}
    assert set(detail["records"][0]) == {"id", "at", "writes"}


def test_redis_inbox_entries_round_trip_and_garbage_is_recognised():
    at = T0 + dt.timedelta(milliseconds=1234)
    raw = redis_inbox_entry([], at, [SystemAccess("tracker.read", "tracker", "ab" * 20)])
    doc = parse_redis_entry(raw)
    assert doc is not None and doc["at"] == at.replace(microsecond=at.microsecond // 1000 * 1000)
    assert doc["writes"] == []
    assert doc["reads"] == [{"action": "tracker.read", "resource_type": "tracker", "resource_id": "ab" * 20}]
    assert parse_redis_entry(raw.encode()) == doc  # a client without decode_responses
    for garbage in ("not json", "[]", '{"no": "id"}', '{"_id": "x", "at": "soon"}', b"\xff"):
        assert parse_redis_entry(garbage) is None, garbage
    assert redis_inbox_key("rapport", "alpenhof") == "rapport:audit_inbox:alpenhof"


def test_two_inboxes_add_up_and_the_oldest_wins_naive_or_not():
    mongo = InboxStatus(2, T0.replace(tzinfo=None) + dt.timedelta(seconds=5))
    redis = InboxStatus(3, T0)
    both = mongo.plus(redis)
    assert both.pending == 5 and both.oldest == T0
    assert InboxStatus(0, None).plus(InboxStatus(0, None)) == InboxStatus(0, None)
    assert InboxStatus(0, None).plus(redis).oldest == T0
