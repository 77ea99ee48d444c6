"""The raw file search of the erasure scan (bot/privacy/rawsearch.py): chunked reading
that neither misses nor double-counts a value across chunk borders, letter case, the
SQLite pages' unallocated space where deleted rows linger, and the append-only file's
commands (bot/privacy/disk.py)."""

from __future__ import annotations

import contextlib
import json
import random

from bot.privacy import disk, rawsearch
from bot.privacy.erasure import Needles


def _needles(*texts: str) -> Needles:
    n = Needles()
    n.add("text", texts)
    n.add("address", ["+393471234567"])
    return n


def _all(n: Needles) -> rawsearch.Patterns:
    ident, texts = n.patterns(texts=False), n.patterns(texts=True)
    return rawsearch.Patterns({**ident.exact, **texts.exact}, {**ident.folded, **texts.folded})


def test_a_value_across_a_chunk_border_is_counted_once_and_case_does_not_hide_it(tmp_path):
    text = "Grüße aus Zimmer 214, bitte zurückrufen"
    needles = _needles(text)
    raw = text.encode()
    pad = b"x" * (rawsearch.CHUNK - 10)  # the text starts 10 bytes before the first border
    path = tmp_path / "f.db-wal"
    tail = b"\x00\xff" + b"y" * rawsearch.CHUNK + raw.upper() + text.upper().encode() + b"+393471234567"
    path.write_bytes(pad + raw + tail)
    counts = rawsearch.file_counts(path, _all(needles))
    # across the border, in ASCII capitals, in capitals (GRÜSSE)
    assert counts[text.lower()] == 3
    assert counts["393471234567"] == 1  # the number: found (its `+` form is not needed)
    assert needles.kinds_of("393471234567") == {"address"}


def test_identifiers_are_found_in_the_shortest_form_and_numbers_as_written():
    n = Needles()
    n.add("address", ["+393471234567", "Maria.Rossi@Mail.example"])
    n.add("sender", ["alpenhof~sms-0123456789abcdef"])
    n.add("sender", ["sms-0123456789abcdef"])
    p = n.patterns(texts=False)
    assert set(p.exact) == {b"393471234567", b"sms-0123456789abcdef"}
    assert b"maria.rossi@mail.example" in p.folded
    assert n.patterns(texts=True).folded == {}


def test_json_escaped_values_are_found(tmp_path):
    text = "Très bien, merci pour le séjour"
    needles = _needles(text)
    path = tmp_path / "appendonly.aof.1.incr.aof"
    path.write_bytes(json.dumps({"text": text}).encode())  # \\u00e8 ...
    counts = rawsearch.file_counts(path, needles.patterns(texts=True))
    assert sum(counts.values()) == 1 and needles.kinds_of(next(iter(counts))) == {"text"}


def test_deleted_rows_left_by_a_rebalance_are_found_outside_live_rows_and_vacuum_drops_them(tmp_path):
    sqlite3 = disk._sqlite()
    path = tmp_path / "t.db"
    rng = random.Random(3)
    marks = {i: f"guest words {i:05d} {rng.getrandbits(40):010x}" for i in range(1, 4001)}
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("PRAGMA secure_delete = ON")  # as nx-27017's library (disk.zeroes_deleted_content)
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
        for i, mark in marks.items():
            db.execute(
                "INSERT INTO t VALUES (?, ?)",
                (i, json.dumps({"text": mark, "pad": "x" * rng.randint(10, 300)})),
            )
        for i in rng.sample(sorted(marks), 1000):  # documents that grow: pages rebalanced
            db.execute(
                "UPDATE t SET data = json_set(data, '$.more', ?) WHERE id = ?",
                ("y" * rng.randint(50, 400), i),
            )
        deleted = rng.sample(sorted(marks), 400)
        for i in deleted:
            db.execute("DELETE FROM t WHERE id = ?", (i,))
        # the WAL's frames are read as pages too: live cells in them are not lingering
        wal = path.with_name("t.db-wal")
        words = Needles()
        words.add("text", ["guest words"])
        in_wal = rawsearch.file_counts(wal, words.patterns(texts=True)).total()
        assert in_wal > 1000 and rawsearch.lingering(wal, words.patterns(texts=True)).total() < in_wal / 10
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    left = [i for i in deleted if marks[i].encode() in data]
    assert left, "no deleted row lingered: the premise of this test no longer holds"
    gone = Needles()
    gone.add("text", [marks[i] for i in deleted])
    assert sum(rawsearch.lingering(path, gone.patterns(texts=True)).values()) >= len(left)
    # a live row is not lingering, though its bytes are in the file: every copy beyond
    # the one live is (stale copies of rows that moved)
    live = Needles()
    live.add("text", [marks[i] for i in marks if i not in set(deleted)][:500])
    total = rawsearch.file_counts(path, live.patterns(texts=True)).total()
    assert total >= 500
    assert rawsearch.lingering(path, live.patterns(texts=True)).total() == total - 500
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert rawsearch.lingering(path, gone.patterns(texts=True)) == {}
    assert not any(marks[i].encode() in path.read_bytes() for i in deleted)


def test_append_only_file_commands_are_read_until_something_else():
    data = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\nREDIS0011"
    assert list(disk.resp_commands(data)) == [[b"SET", b"k", b"hello"], [b"DEL", b"k"]]
