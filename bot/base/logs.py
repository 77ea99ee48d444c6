"""Structured, personal-data-free log lines: `event key=value ...`.

Callers pass an event name and references (tenant id, hashed guest or conversation
references, counts, codes). Fields whose names suggest personal data or message
content are refused loudly in development and dropped in production, so a careless
call cannot leak a phone number or message text into the logs.

`withhold_rasa_message_text()` (the Rasa server process) silences Rasa's own lines
that quote a message's text.
"""

from __future__ import annotations

import logging
import warnings
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


# Rasa reads a message starting with "/" as an intent payload; a malformed one is
# quoted in a UserWarning (rasa.shared.utils.io.raise_warning, from
# YAMLStoryReader.unpack_regex_message) and a structlog event "message.parsing.failed
# user_text=...". The channels never let guest text through as a payload
# (bot/inbox/text.py: guest_text); these filters make sure no slip is logged.
RASA_TEXT_WARNING = "Failed to parse arguments in line"  # start of each such warning
RASA_TEXT_EVENT = "message.parsing.failed"
RASA_TEXT_LOGGER = "rasa.shared.core.training_data.story_reader.yaml_story_reader"


class _WithholdText(logging.Filter):
    """Rewrites Rasa's "message.parsing.failed" log line without the text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if RASA_TEXT_EVENT in str(record.msg):
            record.msg, record.args = f"{RASA_TEXT_EVENT} user_text=<withheld>", ()
        return True


def withhold_rasa_message_text() -> None:
    """Drop Rasa's warnings that quote a message; reword its log line that does. Call
    after Rasa configured warnings and logging (it puts its own filters first)."""
    warnings.filterwarnings("ignore", message=RASA_TEXT_WARNING, category=UserWarning)
    rasa_logger = logging.getLogger(RASA_TEXT_LOGGER)
    if not any(isinstance(f, _WithholdText) for f in rasa_logger.filters):
        rasa_logger.addFilter(_WithholdText())
