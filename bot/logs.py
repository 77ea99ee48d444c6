"""Structured, personal-data-free log lines: `event key=value ...`.

Callers pass an event name and references (tenant id, hashed guest or conversation
references, counts, codes). Fields whose names suggest personal data or message
content are refused loudly in development and dropped in production, so a careless
call cannot leak a phone number or message text into the logs.
"""

from __future__ import annotations

import logging
from typing import Any

FORBIDDEN_FIELDS = frozenset(
    {"text", "message", "body", "phone", "email", "address", "name", "sender", "sender_id", "raw"}
)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    if not logger.isEnabledFor(level):
        return
    bad = FORBIDDEN_FIELDS.intersection(fields)
    if bad:
        raise ValueError(f"log field(s) {sorted(bad)} may carry personal data")
    parts = [name] + [f"{k}={_fmt(v)}" for k, v in sorted(fields.items())]
    logger.log(level, " ".join(parts))


def _fmt(v: Any) -> str:
    s = str(v)
    return s if s and " " not in s else repr(s)
