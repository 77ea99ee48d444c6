"""An import of parsed stays: what is new, changed or unchanged, and writing it.

Idempotent on the reservation reference: a stay's `_id` is derived from it and its
`digest` covers every field, so importing the same list again finds every row
unchanged and writes nothing. Rejected rows (bot/outreach/parse.py) are never written.

Rejected rows are skipped and the valid rows imported (the default), or nothing is
written when any row is rejected (`strict`). Why the default: a hotel's list of 300
guests with two mistyped numbers should not hold back 298 invitations; every rejected
row is reported with line, column and reason, the CLI exits 1, the audit record counts
them, and importing the corrected list adds exactly those rows (the rest is
unchanged). `strict` is for a list that must be taken whole or not at all.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.outreach.parse import Parsed, Rejection, StayRow
from bot.outreach.stays import Stay, StayStore

SOURCE = "import"


@dataclass
class ImportReport:
    import_id: str
    dry_run: bool
    strict: bool
    format: str
    rows: int = 0  # data rows read (valid + rejected lines)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    written: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def held_back(self) -> bool:
        """Nothing written although there was something to write (dry run or strict)."""
        return self.written == 0 and (self.new + self.changed) > 0

    def counts(self) -> dict[str, int | bool | str]:
        """Ids and counts only: for the audit record and the logs."""
        return {
            "import": self.import_id,
            "dry_run": self.dry_run,
            "strict": self.strict,
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected_rows,
            "written": self.written,
        }

    def public(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "format": self.format,
            "ignored_columns": self.ignored_columns,
            "rejections": [r.public() for r in self.rejected],
        }


def stay_of(row: StayRow) -> Stay:
    return Stay(
        reservation=row.reservation,
        status=str(row.status),
        arrival=row.arrival,
        departure=row.departure,
        phone=row.phone,
        email=row.email,
        first_name=row.first_name,
        language=row.language,
        checked_out_at=row.checked_out_at,
        room_type=row.room_type,
        booking_channel=row.booking_channel,
        country=row.country,
    )


async def import_stays(
    store: StayStore,
    parsed: Parsed,
    *,
    dry_run: bool = False,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    now: float | None = None,
) -> ImportReport:
    now = time.time() if now is None else now
    report = ImportReport(
        import_id="imp_" + secrets.token_hex(6),
        dry_run=dry_run,
        strict=strict,
        format=parsed.format,
        rows=len(parsed.rows) + parsed.rejected_lines,
        rejected=parsed.rejected,
        rejected_rows=parsed.rejected_lines,
        ignored_columns=parsed.ignored,
    )
    known = await store.digests()
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for row in parsed.rows:
        stay = stay_of(row)
        sid = store.id_of(stay.reservation)
        if sid not in known:
            report.new += 1
        elif known[sid][0] != store.digest(stay):
            report.changed += 1
        else:
            report.unchanged += 1
            continue
        if not dry_run:
            doc = store.document(stay, source=SOURCE, import_id=report.import_id, now=now)
            if sid in known:
                if known[sid][1] is not None:
                    doc["created_at"] = known[sid][1]
                changed.append(doc)
            else:
                new.append(doc)
    if dry_run or (strict and parsed.rejected):
        return report
    if new or changed:
        await store.ensure_indexes()
    if progress is not None and new:
        progress(f"storing {len(new)} new stays")
    report.written += await store.insert(new, now)
    if progress is not None and changed:
        progress(f"updating {len(changed)} changed stays")
    report.written += await store.replace(changed)
    return report
