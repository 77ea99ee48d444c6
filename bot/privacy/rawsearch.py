"""Searching the servers' files as bytes, and telling deleted bytes from live ones in
SQLite's files.

A search is a set of byte patterns, each standing for one needle form (erasure.Needles):
`exact` ones are looked for as they are (a number, a sender id: no letter case to
vary), `folded` ones in the bytes lowercased (ASCII letters only, which cannot cut a
UTF-8 character; the patterns include the value's own, lower- and upper-case spellings
for the letters outside ASCII). Each pattern is one `bytes.count` over the data (C, a
few GB/s), which beats one pass of an automaton over decoded text for the few dozen
forms one guest has.

SQLite keeps a page's live cells packed at the end of the page. What is between the
cell pointer array and the first cell, and the chain of free blocks, is unallocated.
`secure_delete` zeroes a deleted cell, but when SQLite rebalances a B-tree it rebuilds
pages without clearing the gap, so a copy of a cell that moved (and was later deleted
where it went) can stay there (measured: 7 of 2,000 deleted rows after 5,000 growing
updates). `unallocated` collects those bytes (and every page that is no B-tree page),
so the erasure can look for the guest's texts where only history can be, and leave the
live rows to the logical scan, which attributes them to their guests.
"""

from __future__ import annotations

import contextlib
import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHUNK = 16 << 20
BTREE_PAGES = frozenset({2, 5, 10, 13})  # interior index, interior table, leaf index, leaf table
WAL_HEADER, FRAME_HEADER = 32, 24


@dataclass
class Patterns:
    exact: dict[bytes, str] = field(default_factory=dict)  # pattern -> form
    folded: dict[bytes, str] = field(default_factory=dict)  # lowercased pattern -> form

    def longest(self) -> int:
        return max(map(len, [*self.exact, *self.folded]), default=0)

    def __bool__(self) -> bool:
        return bool(self.exact or self.folded)


def _count(data: bytes, patterns: dict[bytes, str], counts: Counter) -> None:
    for pattern, form in patterns.items():
        if n := data.count(pattern):
            counts[form] += n


def buffer_counts(data: bytes, patterns: Patterns) -> Counter:
    """Occurrences of each form in `data`."""
    counts: Counter = Counter()
    _count(data, patterns.exact, counts)
    if patterns.folded:
        _count(data.lower(), patterns.folded, counts)
    return counts


def file_counts(path: Path, patterns: Patterns) -> Counter:
    """Occurrences of each form in the file, read in 16 MB chunks that overlap by the
    longest pattern less one byte: an occurrence across a border is counted once (in
    the chunk it ends in: a chunk's count less its overlap's)."""
    counts: Counter = Counter()
    if not patterns:
        return counts
    overlap = patterns.longest() - 1
    tail = b""
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            data = tail + block
            counts.update(buffer_counts(data, patterns))
            if tail:
                counts.subtract(buffer_counts(tail, patterns))
            tail = data[-overlap:] if overlap > 0 else b""
    return +counts


# ---- SQLite pages ----------------------------------------------------------------------------


def _page_size(raw: int) -> int:
    return 65536 if raw == 1 else raw


def _unallocated_of(data: bytes, at: int, size: int, first: bool, parts: list[bytes]) -> bool:
    """Append the non-zero unallocated parts (gap, free blocks) of the B-tree page at
    `data[at:at + size]` to `parts`; False if it is no B-tree page."""
    h = at + (100 if first else 0)
    kind = data[h]
    if kind not in BTREE_PAGES:
        return False
    end = at + size
    start = at + ((data[h + 5] << 8 | data[h + 6]) or 65536)
    gap = h + (8 if kind in (10, 13) else 12) + 2 * (data[h + 3] << 8 | data[h + 4])
    if not gap <= start <= end:
        parts.append(data[at:end])  # not a page SQLite would read: all of it
        return True
    if data.count(0, gap, start) != start - gap:
        parts.append(data[gap:start])
    block, seen = data[h + 1] << 8 | data[h + 2], 0
    while block and at + block + 4 <= end and seen < size // 4:  # the free blocks' chain
        nxt, length = struct.unpack_from(">HH", data, at + block)
        parts.append(data[at + block + 4 : min(at + block + length, end)])
        block, seen = nxt, seen + 1
    return True


def _pages(path: Path) -> Iterator[tuple[bytes, list[tuple[int, int]], int]]:
    """Blocks of a database file, or of a WAL's frames: (block, [(page number, offset of
    its image in the block)], page size)."""
    with path.open("rb") as f:
        if path.name.endswith("-wal"):
            header = f.read(WAL_HEADER)
            if len(header) < WAL_HEADER:
                return
            size = _page_size(struct.unpack_from(">I", header, 8)[0])
            step, skip = FRAME_HEADER + size, FRAME_HEADER
        else:
            header = f.read(100)
            if len(header) < 100:
                return
            size = _page_size(struct.unpack_from(">H", header, 16)[0])
            f.seek(0)
            step, skip = size, 0
        number = 1
        while block := f.read(step * max(1, CHUNK // step)):
            pages = []
            for at in range(0, len(block) - step + 1, step):
                page = struct.unpack_from(">I", block, at)[0] if skip else number
                pages.append((page, at + skip))
                number += 1
            yield block, pages, size


@dataclass
class Unallocated:
    btree: bytes  # the gaps and free blocks of every B-tree page, NUL-separated
    other: dict[int, bytes]  # page number -> image of pages that are no B-tree page


def unallocated(path: Path) -> Unallocated:
    parts: list[bytes] = []
    other: dict[int, bytes] = {}
    for block, pages, size in _pages(path):
        for number, at in pages:
            btree = _unallocated_of(block, at, size, number == 1, parts)
            if not btree and block.count(0, at, at + size) != size:
                other[number] = block[at : at + size]
    return Unallocated(b"\x00".join(parts), other)


def overflow_pages(db_file: Path) -> set[int]:
    """The pages holding the rest of live rows too long for one page (SQLite's dbstat)."""
    from bot.privacy.disk import _sqlite

    sqlite3: Any = _sqlite()
    with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=10)) as db:
        rows = db.execute("SELECT pageno FROM dbstat WHERE pagetype = 'overflow'")
        return {r[0] for r in rows}


def lingering(path: Path, patterns: Patterns) -> Counter:
    """Occurrences of each form outside live rows of a SQLite database file or WAL: in
    the B-tree pages' unallocated space, and on pages that are neither B-tree pages nor
    overflow pages of live rows (freelist, pointer map)."""
    found = unallocated(path)
    counts = buffer_counts(found.btree, patterns)
    if found.other and buffer_counts(b"\x00".join(found.other.values()), patterns):
        db_file = path.with_name(path.name.removesuffix("-wal"))
        live = overflow_pages(db_file) if db_file.is_file() else set()
        rest = [page for number, page in found.other.items() if number not in live]
        counts.update(buffer_counts(b"\x00".join(rest), patterns))
    return counts
