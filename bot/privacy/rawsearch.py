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


def _unallocated_of(page: bytes, first: bool) -> tuple[bytes, ...] | None:
    """The unallocated parts of a B-tree page (gap, free blocks); None if no B-tree page."""
    h = 100 if first else 0
    if len(page) < h + 8 or page[h] not in BTREE_PAGES:
        return None
    size = len(page)
    cells = struct.unpack_from(">H", page, h + 3)[0]
    start = struct.unpack_from(">H", page, h + 5)[0] or 65536
    pointers_end = h + (8 if page[h] in (10, 13) else 12) + 2 * cells
    if not pointers_end <= start <= size:
        return (page,)  # not a page SQLite would read: all of it
    parts = [page[pointers_end:start]]
    block, seen = struct.unpack_from(">H", page, h + 1)[0], 0
    while block and block + 4 <= size and seen < size // 4:
        nxt, length = struct.unpack_from(">HH", page, block)
        parts.append(page[block + 4 : block + length])
        block, seen = nxt, seen + 1
    return tuple(parts)


def _pages(path: Path) -> Iterator[tuple[int, bytes]]:
    """(page number, page image) of a database file, or of every frame of a WAL."""
    with path.open("rb") as f:
        if path.name.endswith("-wal"):
            header = f.read(WAL_HEADER)
            if len(header) < WAL_HEADER:
                return
            size = _page_size(struct.unpack_from(">I", header, 8)[0])
            while len(frame := f.read(FRAME_HEADER + size)) == FRAME_HEADER + size:
                yield struct.unpack_from(">I", frame, 0)[0], frame[FRAME_HEADER:]
            return
        header = f.read(100)
        if len(header) < 100:
            return
        size = _page_size(struct.unpack_from(">H", header, 16)[0])
        f.seek(0)
        number = 1
        while page := f.read(size):
            yield number, page
            number += 1


@dataclass
class Unallocated:
    btree: bytes  # the gaps and free blocks of every B-tree page, NUL-separated
    other: dict[int, bytes]  # page number -> image of pages that are no B-tree page


def unallocated(path: Path) -> Unallocated:
    parts: list[bytes] = []
    other: dict[int, bytes] = {}
    for number, page in _pages(path):
        found = _unallocated_of(page, number == 1)
        if found is None:
            if page.strip(b"\x00"):
                other[number] = page
        else:
            parts.extend(p for p in found if p.strip(b"\x00"))
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
