"""The web-chat transport: an outbox envelope as a socket.io event to a guest's widget,
the only place that emits to a guest.

- To a socket of this process (`Envelope.to`, the Rasa server's own socket.io server):
  the bot's reply (`bot_uttered`) on the socket that sent the message, or a staff message
  the widget missed (`staff_uttered`), emitted directly (`ignore_queue`: no round trip
  through Redis; this is the chat's hot path).
- To the guest's room (no `to`): a staff or system message (`staff_uttered` with the id
  the widget acknowledges), published through Redis (write-only manager) so whichever
  Rasa server process holds a socket of the guest delivers it.
"""

from __future__ import annotations

from typing import Any

import socketio

from bot.channels.webchat.session import BOT_EVENT, SOCKETIO_CHANNEL, STAFF_EVENT, guest_room
from bot.outbox.transport import Envelope, Sent


def event_of(envelope: Envelope) -> tuple[str, dict[str, Any]]:
    if envelope.kind == "reply":
        return BOT_EVENT, {"text": envelope.text}
    return STAFF_EVENT, {"id": envelope.message_id, "text": envelope.text, "from": envelope.author}


class WebchatTransport:
    def __init__(self, redis_url: str, server: socketio.AsyncServer | None = None) -> None:
        self.redis_url = redis_url
        self.server = server  # the Rasa server's socket.io server, in that process only
        self._manager: socketio.AsyncRedisManager | None = None

    def manager(self) -> socketio.AsyncRedisManager:
        if self._manager is None:
            self._manager = socketio.AsyncRedisManager(
                self.redis_url, channel=SOCKETIO_CHANNEL, write_only=True
            )
        return self._manager

    async def transmit(self, envelope: Envelope) -> Sent:
        name, payload = event_of(envelope)
        if envelope.to:
            if self.server is None:
                raise RuntimeError("a socket is reachable only from the process holding it")
            await self.server.emit(name, payload, room=envelope.to, ignore_queue=True)
        else:
            room = guest_room(envelope.tenant, envelope.guest_ref)
            await self.manager().emit(name, payload, room=room, namespace="/")
        return Sent(envelope.message_id)

    async def close(self) -> None:
        pass
