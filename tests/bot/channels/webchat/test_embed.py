"""What embed.js needs from the server, without a server: per-tenant widget origins
(config/tenants.yml, checked by origin_allowed) and the private socket.io client copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.base.errors import ConfigError
from bot.base.settings import PROJECT_ROOT
from bot.channels.webchat.session import origin_allowed, private_socketio_client
from bot.tenants.registry import Tenants

LANGUAGES = ("de", "en", "it", "fr", "es")
VENDOR = PROJECT_ROOT / "bot" / "channels" / "webchat" / "static" / "vendor" / "socket.io.min.js"

TENANT = """
  - id: {id}
    widget_key: wk_{id}
    languages: [en]
    default_language: en
    questions: [{{id: overall, kind: rating, scale: {{low: 1, high: 5}}}}]
"""


def load(tmp_path: Path, origins: str) -> Tenants:
    path = tmp_path / "tenants.yml"
    path.write_text("tenants:" + TENANT.format(id="alpenhof") + origins, encoding="utf-8")
    return Tenants.load(path, LANGUAGES)


def test_widget_origins_are_normalised(tmp_path):
    tenants = load(
        tmp_path, '    widget_origins: ["https://WWW.Alpenhof.example/", "http://127.0.0.1:8080"]\n'
    )
    assert tenants.get("alpenhof").widget_origins == ("https://www.alpenhof.example", "http://127.0.0.1:8080")
    assert load(tmp_path, "").get("alpenhof").widget_origins == ()


@pytest.mark.parametrize(
    "origins",
    [
        '"https://www.alpenhof.example"',
        '["*"]',
        '["www.alpenhof.example"]',
        '["https://www.alpenhof.example/booking"]',
        '["https://www.alpenhof.example?x=1"]',
        '["ftp://www.alpenhof.example"]',
        "[null]",
        "[443]",
    ],
    ids=["not-a-list", "wildcard", "no-scheme", "path", "query", "ftp", "null", "number"],
)
def test_bad_widget_origins_are_refused_on_load(tmp_path, origins):
    with pytest.raises(ConfigError, match="widget_origins"):
        load(tmp_path, f"    widget_origins: {origins}\n")


def test_the_demo_tenants_each_have_their_own_origins():
    tenants = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", LANGUAGES)
    origins = [set(t.widget_origins) for t in tenants]
    assert all(origins) and not set.intersection(*origins)


@pytest.mark.parametrize(
    "origin, allowed",
    [
        ("https://www.alpenhof.example", True),
        ("https://WWW.alpenhof.example/", True),
        ("http://rapport.example:5005", True),  # the server's own origin
        ("https://www.laguna.example", False),
        ("https://www.alpenhof.example.evil.example", False),
        ("https://evil-www.alpenhof.example", False),
        ("http://www.alpenhof.example", False),
        ("https://www.alpenhof.example:444", False),
        ("null", False),
        ("", False),
        (None, False),
        (["https://www.alpenhof.example"], False),
    ],
)
def test_origin_allowed_is_an_exact_match(origin, allowed):
    assert origin_allowed(origin, ("https://www.alpenhof.example",), "http://rapport.example:5005") is allowed


def test_embed_client_sets_a_private_global_only():
    source = VENDOR.read_text(encoding="utf-8")
    embed = private_socketio_client(source)
    assert "t.RapportIo=n()" in embed
    assert "define.amd" not in embed and "module.exports" not in embed and ".io=n()" not in embed
    assert len(embed) < len(source)  # the prelude only; the client itself is unchanged
    assert embed.split("(function(){", 1)[1] == source.split("(function(){", 1)[1]


def test_embed_client_refuses_an_unknown_bundle():
    with pytest.raises(ConfigError):
        private_socketio_client("!function(t,n){t.io=n()}(this,(function(){}))")
