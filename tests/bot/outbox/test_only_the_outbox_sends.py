"""Structure: exactly one module calls each provider's send API, the transports wrap
them, and only the outbox calls a transport (rules in bot/outbox/__init__.py).

Read from the source (ast) of the product (bot/, actions/): tests, devtools and scripts
play the guest's and the provider's side and may talk to the providers directly."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ("bot", "actions")

TWILIO = "bot/channels/sms/twilio.py"
SMTP = "bot/channels/email/smtp.py"
SMS_TRANSPORT = "bot/channels/sms/transport.py"
EMAIL_TRANSPORT = "bot/channels/email/transport.py"
WEBCHAT_TRANSPORT = "bot/channels/webchat/transport.py"
BUILDER = "bot/channels/transports.py"

GUEST_EVENTS = {"bot_uttered", "staff_uttered"}
# the names the outbox and the transports use for the provider clients and transports
PROVIDER_CLIENTS = {"TwilioSender": {SMS_TRANSPORT}, "SmtpSender": {EMAIL_TRANSPORT}}
TRANSPORTS = {"SmsTransport", "WhatsappTransport", "EmailTransport", "WebchatTransport"}
ABOVE_THE_OUTBOX = ("bot.channels", "bot.handover", "bot.privacy", "bot.feedback", "bot.console", "bot.jobs")


def sources() -> Iterator[tuple[str, ast.Module]]:
    for top in PRODUCT:
        for path in sorted((ROOT / top).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def called_name(call: ast.Call) -> str:
    """`f` of f(...), `attr` of x.attr(...)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def violations(path: str, tree: ast.Module) -> list[str]:
    """What `path` does that only another module may do."""
    found: list[str] = []
    modules = imported(tree)
    if path != TWILIO and any(m == "twilio.rest" or m.startswith("twilio.rest.") for m in modules):
        found.append("imports Twilio's REST client")
    if path != SMTP and modules & {"aiosmtplib", "smtplib"}:
        found.append("imports an SMTP client")
    if path.startswith("bot/outbox/") and any(m.startswith(ABOVE_THE_OUTBOX) for m in modules):
        found.append("the outbox imports a package above it")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = called_name(node)
        if name in ("create_async", "create") and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Attribute) and owner.attr == "messages" and path != TWILIO:
                found.append(f"line {node.lineno}: creates a Twilio message")
        if name in ("send_message", "sendmail") and path != SMTP:
            found.append(f"line {node.lineno}: sends over SMTP")
        if name == "emit" and path != WEBCHAT_TRANSPORT and guest_emit(node):
            found.append(f"line {node.lineno}: emits a message to a guest's widget")
        if name in PROVIDER_CLIENTS and path not in PROVIDER_CLIENTS[name]:
            found.append(f"line {node.lineno}: uses the provider client {name}")
        if name == "from_settings" and isinstance(node.func, ast.Attribute):
            owner_name = getattr(node.func.value, "id", "")
            if owner_name in PROVIDER_CLIENTS and path not in PROVIDER_CLIENTS[owner_name]:
                found.append(f"line {node.lineno}: uses the provider client {owner_name}")
        if name in TRANSPORTS and path != BUILDER:
            found.append(f"line {node.lineno}: builds the transport {name}")
        if name == "transmit" and not path.startswith("bot/outbox/"):
            found.append(f"line {node.lineno}: calls a transport")
    return found


def guest_emit(call: ast.Call) -> bool:
    """A socket.io emit that could reach a guest: a guest event, an event that is not a
    literal (it could be one), or a room named by `guest_room`. What stays outside the
    transport are the protocol's own answers on the asking socket (`rapport_error`,
    `session_confirm`)."""
    if not call.args:
        return True
    event = call.args[0]
    if not isinstance(event, ast.Constant) or not isinstance(event.value, str) or event.value in GUEST_EVENTS:
        return True
    return any(
        k.arg == "room" and isinstance(k.value, ast.Call) and called_name(k.value) == "guest_room"
        for k in call.keywords
    )


def test_only_the_designated_modules_send_and_only_the_outbox_calls_transports():
    found = {path: v for path, tree in sources() if (v := violations(path, tree))}
    assert found == {}


def test_the_designated_modules_exist_and_do_what_they_are_designated_for():
    trees = dict(sources())
    assert any(called_name(n) == "create_async" for n in ast.walk(trees[TWILIO]) if isinstance(n, ast.Call))
    assert "aiosmtplib" in imported(trees[SMTP])
    emits = [
        n for n in ast.walk(trees[WEBCHAT_TRANSPORT]) if isinstance(n, ast.Call) and called_name(n) == "emit"
    ]
    assert len(emits) == 2  # the guest's own socket here, and the guest's room anywhere
    for path in (SMS_TRANSPORT, EMAIL_TRANSPORT, WEBCHAT_TRANSPORT):
        assert any(
            isinstance(n, ast.AsyncFunctionDef) and n.name == "transmit" for n in ast.walk(trees[path])
        )
    # WhatsApp is Twilio's too: its transport sits beside the SMS one, over the same client
    classes = {n.name: n for n in ast.walk(trees[SMS_TRANSPORT]) if isinstance(n, ast.ClassDef)}
    assert {"SmsTransport", "WhatsappTransport"} <= set(classes)
    assert any(
        isinstance(n, ast.AsyncFunctionDef) and n.name == "transmit"
        for n in ast.walk(classes["WhatsappTransport"])
    )


def test_the_rules_catch_what_they_forbid():
    """The checker itself: each forbidden send, placed in an ordinary module."""
    snippets = {
        "from twilio.rest import Client": "imports Twilio's REST client",
        "import aiosmtplib": "imports an SMTP client",
        "async def f(c):\n    await c.messages.create_async(to=1)": "creates a Twilio message",
        "async def f(s):\n    await s.send_message(m)": "sends over SMTP",
        "async def f(sio):\n    await sio.emit('staff_uttered', {}, room=x)": "emits a message to a guest",
        "async def f(sio, E):\n    await sio.emit(E, {}, room=x)": "emits a message to a guest",
        "async def f(m):\n    await m.emit('x', {}, room=guest_room(t, g))": "emits a message to a guest",
        "def f(s):\n    return SmtpSender.from_settings(s)": "uses the provider client SmtpSender",
        "def f():\n    return TwilioSender('a', 'b')": "uses the provider client TwilioSender",
        "def f(s):\n    return SmsTransport(s)": "builds the transport SmsTransport",
        "async def f(t, e):\n    await t.transmit(e)": "calls a transport",
    }
    for source, expected in snippets.items():
        found = violations("bot/feedback/anything.py", ast.parse(source))
        assert any(expected in v for v in found), (source, found)
    allowed = "async def f(sio, sid):\n    await sio.emit('rapport_error', {'error': 'x'}, room=sid)"
    assert violations("bot/channels/webchat/channel.py", ast.parse(allowed)) == []
    upward = ast.parse("from bot.channels.sms.twilio import TwilioSender")
    assert "the outbox imports a package above it" in violations("bot/outbox/x.py", upward)
