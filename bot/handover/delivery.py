"""Staff messages to the guest, on the guest's own channel: the `deliver` callable of
`HandoverStore`, through the outbox (bot/outbox, `Outbox.to_guest`), which decides and
sends:

- SMS: the guest's number from `contacts` (sealed, the read audited), split and sent from
  the hotel number the guest wrote to; never to a guest who sent STOP.
- WhatsApp: as SMS, from the hotel's WhatsApp sender, and only within 24 hours of the
  guest's last message (else `DeliveryFailed("outside_window")`, the console says so).
- E-mail: a reply in the guest's thread, from the hotel inbox they wrote to.
- Web widget: an event to every socket of the guest, in whichever Rasa server process
  holds it. The widget acknowledges what it showed; what was not acknowledged is sent
  again when the guest reconnects (bot/channels/webchat/channel.py). So `deliver`
  returns False: delivered means acknowledged.
- REST (loopback test channel): nothing can be pushed; the message waits in the
  transcript.

Nothing goes to a guest who objected: `DeliveryFailed("objected")` (bot/outbox), except a message
the guest asked for themselves (`essential`). Returns True when the message is with the
provider.
"""

from __future__ import annotations

from typing import Any

from bot.outbox import Outbox


class Delivery:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def close(self) -> None:
        await self.outbox.close()

    async def __call__(
        self, tenant_id: str, handover: dict[str, Any], message: dict[str, Any], *, essential: bool = False
    ) -> bool:
        channel = handover.get("channel") or ""
        return await self.outbox.to_guest(
            tenant_id, channel, handover["guest_ref"], message, essential=essential
        )
