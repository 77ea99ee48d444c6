"""The transports of every medium, built from the settings, for an entry point to give
its `Outbox` (bot/outbox): the Rasa channels, the console, the privacy worker and CLI,
the action server's feedback service."""

from __future__ import annotations

from typing import Any

import socketio

from bot.base.settings import Settings
from bot.channels.email.transport import EmailTransport
from bot.channels.sms.transport import SmsTransport, WhatsappTransport
from bot.channels.webchat.transport import WebchatTransport
from bot.outbox import Outbox, Transport
from bot.storage.mongo import MongoStore


def build_transports(
    settings: Settings, *, server: socketio.AsyncServer | None = None
) -> dict[str, Transport]:
    """`server`: the Rasa server's socket.io server, in the process holding the sockets."""
    return {
        "sms": SmsTransport(settings),
        "whatsapp": WhatsappTransport(settings),
        "email": EmailTransport(settings),
        "webchat": WebchatTransport(settings.effective_redis_url.value, server),
    }


def build_outbox(
    settings: Settings,
    mongo: MongoStore,
    *,
    server: socketio.AsyncServer | None = None,
    redis: Any = None,
) -> Outbox:
    """`redis`: where the send rates per sending number are kept (bot/outbox/throttle.py);
    the processes that send invitations (the jobs, `python -m bot.outreach send-due`)
    pass theirs. Without it nothing is throttled before the provider (replies, staff
    messages and notices are one at a time; Twilio's 429 is still retried)."""
    return Outbox(settings, mongo, build_transports(settings, server=server), redis=redis)
