"""The raw file search of the erasure scan (bot/privacy/disk.py): chunked reading that
neither misses nor double-counts a value across chunk borders, and the append-only
file's commands."""

from __future__ import annotations

import json

from bot.privacy import disk
from bot.privacy.erasure import Needles


def _needles(*texts: str) -> Needles:
    n = Needles()
    n.add("text", texts)
    n.add("address", ["+393471234567"])
    return n


def test_a_value_across_a_chunk_border_is_counted_once_and_case_does_not_hide_it(tmp_path):
    needles = _needles("Grüße aus Zimmer 214, bitte zurückrufen")
    text = "Grüße aus Zimmer 214, bitte zurückrufen"
    raw = text.encode()
    pad = b"x" * (disk.CHUNK - 10)  # the text starts 10 bytes before the first border
    path = tmp_path / "f.db-wal"
    path.write_bytes(pad + raw + b"\x00\xff" + b"y" * disk.CHUNK + raw.upper() + b"+393471234567")
    counts = disk.raw_counts(path, needles.form_counts, needles.longest())
    assert counts[text.lower()] == 2  # once across the border, once in capitals
    assert counts["+393471234567"] == 1 and counts["393471234567"] == 1


def test_json_escaped_values_are_found(tmp_path):
    text = "Très bien, merci pour le séjour"
    needles = _needles(text)
    path = tmp_path / "appendonly.aof.1.incr.aof"
    path.write_bytes(json.dumps({"text": text}).encode())  # \\u00e8 ...
    counts = disk.raw_counts(path, needles.form_counts, needles.longest())
    assert sum(counts.values()) == 1 and needles.kinds_of(next(iter(counts))) == {"text"}


def test_append_only_file_commands_are_read_until_something_else():
    data = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\nREDIS0011"
    assert list(disk.resp_commands(data)) == [[b"SET", b"k", b"hello"], [b"DEL", b"k"]]
