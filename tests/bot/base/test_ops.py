"""bot/base/ops.py (who may read /metrics, what /readyz answers) and the JSON log lines
of bot/base/logs.py."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import pytest

from bot.base import logs, ops
from bot.base.errors import ConfigError
from bot.base.logs import JsonFormatter, event
from bot.base.settings import Settings


def settings(**env: str) -> Settings:
    return Settings.from_env({"RAPPORT_GUEST_KEY": "k" * 32, **env})


def test_metrics_from_loopback_without_a_proxy_header_only():
    guard = ops.MetricsGuard(settings())
    assert guard.allowed("127.0.0.1", {}) and guard.allowed("::1", {}) and guard.allowed("127.0.0.5", {})
    assert guard.allowed("::ffff:127.0.0.1", {})  # IPv4-mapped on a dual-stack socket
    assert not guard.allowed("10.1.2.3", {})
    assert not guard.allowed("203.0.113.9", {})
    assert not guard.allowed("", {}) and not guard.allowed(None, {}) and not guard.allowed("nonsense", {})
    # a reverse proxy on loopback relays the internet: its forwarding headers refuse
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert not guard.allowed("127.0.0.1", {header.lower(): "203.0.113.9"})


def test_metrics_allowed_networks_and_the_bearer_token():
    guard = ops.MetricsGuard(settings(RAPPORT_METRICS_ALLOW="10.0.0.0/8", RAPPORT_METRICS_TOKEN="s3cret"))
    assert guard.allowed("10.4.5.6", {}) and not guard.allowed("127.0.0.1", {})
    assert guard.allowed("203.0.113.9", {"authorization": "Bearer s3cret"})
    assert guard.allowed("127.0.0.1", {"authorization": "Bearer s3cret", "x-forwarded-for": "1.2.3.4"})
    assert not guard.allowed("203.0.113.9", {"authorization": "Bearer wrong"})
    assert not guard.allowed("203.0.113.9", {"authorization": "Bearer "})
    nobody = ops.MetricsGuard(settings(RAPPORT_METRICS_ALLOW="none"))
    assert not nobody.allowed("127.0.0.1", {}) and not nobody.allowed("::1", {})
    no_token = ops.MetricsGuard(settings())
    assert not no_token.allowed("203.0.113.9", {"authorization": "Bearer "})


def test_bad_settings_are_clear_errors():
    with pytest.raises(ConfigError, match="RAPPORT_METRICS_ALLOW"):
        settings(RAPPORT_METRICS_ALLOW="10.0.0.0/8,the office")
    with pytest.raises(ConfigError, match="RAPPORT_LOG_FORMAT"):
        settings(RAPPORT_LOG_FORMAT="xml")
    s = settings(RAPPORT_LOG_FORMAT="JSON", RAPPORT_JOBS_HTTP_PORT="6001", RAPPORT_METRICS_REFRESH="2")
    assert (s.log_format, s.jobs_http_port, s.metrics_refresh) == ("json", 6001, 2.0)


async def test_readiness_names_what_failed_by_type_only():
    async def fine() -> None:
        return None

    async def broken() -> None:
        raise ConnectionError("redis at 10.0.0.5:6379 refused guest +41 79 123 45 67")

    async def hangs() -> None:
        await asyncio.sleep(60)

    assert await ops.readiness({"a": fine, "b": fine}) == (200, {"ok": True})
    ops_timeout, ops.READY_TIMEOUT = ops.READY_TIMEOUT, 0.2
    try:
        status, body = await ops.readiness({"redis": broken, "mongodb": hangs, "model": fine})
    finally:
        ops.READY_TIMEOUT = ops_timeout
    assert status == 503 and body == {
        "ok": False,
        "failed": {"redis": "ConnectionError", "mongodb": "timeout"},
    }


def test_render_metrics_is_prometheus_text():
    body, content_type = ops.render_metrics()
    assert content_type.startswith("text/plain; version=0.0.4")
    assert b"# TYPE rapport_turns_total counter" in body
    assert b"# TYPE rapport_turn_seconds histogram" in body


def _json_lines(fn) -> list[dict]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("rapport.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        fn(logger)
    finally:
        logger.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_event_and_its_fields_as_keys():
    lines = _json_lines(
        lambda log: event(
            log, "turn.retry_scheduled", logging.WARNING, tenant="alpenhof", attempt=2, time="x"
        )
    )
    (line,) = lines
    assert line["event"] == "turn.retry_scheduled" and line["level"] == "warning"
    assert line["logger"] == "rapport.test.json" and line["tenant"] == "alpenhof" and line["attempt"] == 2
    assert line["field_time"] == "x"  # a field never overwrites the line's own keys
    assert line["time"].endswith("Z") and line["time"][10] == "T"


def test_json_lines_keep_the_personal_data_refusal():
    with pytest.raises(ValueError, match="personal data"):
        _json_lines(lambda log: event(log, "sms.received", phone="+41791234567"))


def test_rasa_structlog_lines_are_merged_with_the_guest_withheld():
    rasa_line = json.dumps(
        {"event": "processor.message.parse", "user_text": "my name is Anna", "log_level": "info"}
    )
    plain = "Starting Rasa server on http://0.0.0.0:5005"

    def emit(log: logging.Logger) -> None:
        log.info(rasa_line)
        log.info(plain)
        try:
            raise ValueError("guest wrote: call me on +41791234567")
        except ValueError:
            log.exception("turn failed")

    merged, text, failed = _json_lines(emit)
    assert merged["event"] == "processor.message.parse" and merged["user_text"] == "<withheld>"
    assert "Anna" not in json.dumps(merged)
    assert text["event"] == plain
    assert failed["exc_type"] == "ValueError" and "+41791234567" not in json.dumps(failed)


def test_configure_switches_every_root_handler_to_json():
    root = logging.getLogger()
    saved = root.handlers[:]
    stream = io.StringIO()
    root.handlers = [logging.StreamHandler(stream)]
    try:
        logs.configure(settings(RAPPORT_LOG_FORMAT="json"))
        logging.getLogger("rasa.core.agent").warning("model loaded")
    finally:
        root.handlers = saved
        logging.captureWarnings(False)
    assert json.loads(stream.getvalue())["event"] == "model loaded"
