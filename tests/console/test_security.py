"""Pure checks of the console: same-origin, CSRF token comparison, cookie attributes,
what the live socket forwards, and the access decision."""

from __future__ import annotations

import pytest
from sanic.compat import Header

from bot.console.access import decide
from bot.console.live import forwardable, handshake_refused
from bot.console.security import (
    cookie_attributes,
    form_fields,
    login_cookie_name,
    origin_of,
    same_origin,
    session_cookie_name,
    tokens_match,
)
from bot.staff.accounts import Staff

CONSOLE = "https://console.example"


@pytest.mark.parametrize(
    ("headers", "ok"),
    [
        ({"origin": "https://console.example"}, True),
        ({"origin": "https://CONSOLE.example"}, True),
        ({"origin": "https://console.example.evil.test"}, False),
        ({"origin": "http://console.example"}, False),  # scheme matters
        ({"origin": "https://console.example:8443"}, False),
        ({"origin": "null"}, False),
        ({"origin": "null", "referer": "https://console.example/t/alpenhof/"}, True),
        ({"referer": "https://console.example/login"}, True),
        ({"referer": "https://user@console.example/"}, False),
        ({"referer": "https://evil.test/?https://console.example"}, False),
        ({"origin": "https://evil.test", "referer": "https://console.example/"}, False),  # Origin wins
        ({}, False),
    ],
)
def test_same_origin(headers, ok):
    assert same_origin(headers, CONSOLE) is ok


def test_origin_of():
    assert origin_of("https://Console.Example:443/x?y=1") == "https://console.example:443"
    assert origin_of("javascript:alert(1)") is None
    assert origin_of("") is None


@pytest.mark.parametrize(
    ("expected", "given", "ok"),
    [("abc", "abc", True), ("abc", "abd", False), ("abc", "", False), ("abc", None, False),
     ("", "", False), (None, "abc", False), ("abc", ["abc"], False)],
)  # fmt: skip
def test_tokens_match(expected, given, ok):
    assert tokens_match(expected, given) is ok


def test_cookies_are_secure_with_host_prefix_on_https_only():
    https = cookie_attributes("https://console.example", max_age=60)
    assert https == {"httponly": True, "samesite": "Strict", "path": "/", "secure": True, "max-age": 60}
    assert session_cookie_name("https://console.example").startswith("__Host-")
    assert login_cookie_name("https://console.example").startswith("__Host-")
    http = cookie_attributes("http://127.0.0.1:5080", max_age=None)
    assert "secure" not in http and http["samesite"] == "Strict" and http["httponly"] is True
    assert session_cookie_name("http://127.0.0.1:5080") == "rapport_console"


@pytest.mark.parametrize(
    ("data", "out"),
    [
        (
            b'{"type": "message", "conversation": "c1", "seq": 7}',
            '{"type":"message","conversation":"c1","seq":7}',
        ),
        (b"not json", None),
        (b"[1]", None),
        (b'{"conversation": "c1"}', None),  # no type
        (b'{"type": 5}', None),
        (b'{"type": "x", "pad": "' + b"a" * 9000 + b'"}', None),  # oversized
        (5, None),
        (b"[" * 8000, None),  # nests too deeply for json.loads (RecursionError)
    ],
)
def test_forwardable(data, out):
    assert forwardable(data) == out


def staff(**roles: str) -> Staff:
    return Staff(id="stf_1", username="u", password_hash="x", roles=roles)


TENANTS = frozenset({"alpenhof", "laguna"})


@pytest.mark.parametrize(
    ("who", "tenant", "need", "decision"),
    [
        (None, "alpenhof", "agent", "unauthenticated"),
        (staff(alpenhof="agent"), "alpenhof", "agent", "allowed"),
        (staff(alpenhof="agent"), "alpenhof", "admin", "not_permitted"),
        (staff(alpenhof="admin"), "alpenhof", "admin", "allowed"),
        (staff(alpenhof="admin"), "laguna", "agent", "not_visible"),
        (staff(alpenhof="admin"), "nohotel", "agent", "not_visible"),
        (staff(ghost="admin"), "ghost", "agent", "not_visible"),  # role in a tenant that is gone
        (staff(alpenhof="admin"), "ALPENHOF", "agent", "not_visible"),
    ],
)
def test_access_decision(who, tenant, need, decision):
    assert decide(who, tenant, TENANTS, need) == decision


def test_disabled_staff_is_unauthenticated():
    disabled = Staff(id="s", username="u", password_hash="x", roles={"alpenhof": "admin"}, disabled=True)
    assert decide(disabled, "alpenhof", TENANTS, "agent") == "unauthenticated"


@pytest.mark.parametrize(
    ("content_type", "body", "fields"),
    [
        (
            "application/x-www-form-urlencoded",
            b"csrf=a%2Bb&username=x&username=y",
            {"csrf": "a+b", "username": "x"},
        ),
        ("application/x-www-form-urlencoded; charset=UTF-8", b"password=", {"password": ""}),
        ("application/x-www-form-urlencoded", b"csrf=%ff%fe", {}),  # not UTF-8 once decoded
        ("application/x-www-form-urlencoded", b"\xff=1", {}),
        ("application/x-www-form-urlencoded", b"&".join(b"f%d=1" % i for i in range(60)), {}),
        ("application/json", b'{"csrf": "a"}', {}),
        ("", b"csrf=a", {}),
        (None, None, {}),
    ],
)
def test_form_fields(content_type, body, fields):
    assert form_fields(content_type, body) == fields


UPGRADE = [("Upgrade", "websocket"), ("Connection", "keep-alive, Upgrade")]
KEY = [("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13")]


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        (UPGRADE + KEY, False),
        ([], True),
        (UPGRADE, True),
        (UPGRADE + [("Sec-WebSocket-Key", "x"), ("Sec-WebSocket-Version", "13")], True),
        (UPGRADE + [("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "8")], True),
        ([("Upgrade", "h2c"), ("Connection", "Upgrade"), *KEY], True),
        ([("Upgrade", "websocket"), ("Connection", "close"), *KEY], True),
    ],
)
def test_handshake_refused_as_websockets_would(headers, refused):
    assert handshake_refused(Header(headers)) is refused
