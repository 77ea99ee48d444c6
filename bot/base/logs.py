"""Structured, personal-data-free log lines: `event key=value ...`.

Callers pass an event name and references (tenant id, hashed guest or conversation
references, counts, codes). Fields whose names suggest personal data or message
content are refused loudly in development and dropped in production, so a careless
call cannot leak a phone number or message text into the logs.

`withhold_rasa_message_text()` (the Rasa server process) silences Rasa's own lines
that quote a message's text.

`configure(settings)` sets up a process's logging: RAPPORT_LOG_FORMAT=text (default)
prints `time LEVEL logger event key=value ...`; =json prints one JSON object per line,
`{"time", "level", "logger", "event", <fields as keys>}` (`JsonFormatter`, the standard
library's json: every logger of the process, ours, Sanic's and Rasa's, goes through the
root handler's formatter, so one Formatter covers them all without touching call sites).
Rasa's own structlog lines (already JSON strings) are merged into the object, with the
values of keys that may quote a guest (user_text, text, ...) withheld.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
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
    logger.log(level, " ".join(parts), extra={"rapport_event": name, "rapport_fields": fields})


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


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
RESERVED = ("time", "level", "logger", "event")
# keys of Rasa's structlog events that may quote a guest's message or name
RASA_PERSONAL_KEYS = frozenset(
    {"user_text", "text", "message", "user_message", "parse_data_text", "utterance", "slots", "tracker"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601 with ms), level, logger, event and
    the `event()` fields as keys (a field named like one of those is `field_<name>`). A
    record not made by `event()` has its message as the event. An exception adds its type
    and traceback frames (file, line, function), never its message or source lines."""

    def format(self, record: logging.LogRecord) -> str:
        seconds = record.created
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1000):03d}Z"
        out: dict[str, Any] = {"time": stamp, "level": record.levelname.lower(), "logger": record.name}
        name = getattr(record, "rapport_event", None)
        if name is not None:
            out["event"] = name
            fields: dict[str, Any] = getattr(record, "rapport_fields", {})
        else:
            out["event"], fields = _split_message(record.getMessage())
        for k, v in fields.items():
            out[f"field_{k}" if k in RESERVED else k] = (
                v if isinstance(v, (int, float, bool, type(None))) else str(v)
            )
        if record.exc_info and record.exc_info[0] is not None:
            out["exc_type"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])
            out["exc_frames"] = [f"{f.filename}:{f.lineno} {f.name}" for f in frames]
        return json.dumps(out, ensure_ascii=False)


def _split_message(message: str) -> tuple[str, dict[str, Any]]:
    """A Rasa structlog line (a JSON object string) as its event and fields, personal
    keys withheld; any other message as the event."""
    if message.startswith("{") and message.endswith("}"):
        try:
            data = json.loads(message)
        except ValueError:
            return message, {}
        if isinstance(data, dict) and "event" in data:
            event_name = str(data.pop("event"))
            data.pop("log_level", None)
            return event_name, {k: ("<withheld>" if k in RASA_PERSONAL_KEYS else v) for k, v in data.items()}
    return message, {}


def configure(settings: Any, *, stream: Any = None) -> None:
    """The process's logging: level from RAPPORT_LOG_LEVEL, format from RAPPORT_LOG_FORMAT
    (`settings.log_format`). When the root logger already has handlers (the Rasa server:
    Rasa configured them and their level), only their formatters change. Sanic's own
    loggers' handlers (a Sanic app that configures logging) get the same formatter."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=settings.log_level, format=TEXT_FORMAT, stream=stream or sys.stderr)
    if getattr(settings, "log_format", "text") != "json":
        return
    logging.captureWarnings(True)  # later Python warnings as JSON lines too ("py.warnings")
    formatter = JsonFormatter()
    for name in ("", "sanic.root", "sanic.error", "sanic.access"):
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(formatter)
