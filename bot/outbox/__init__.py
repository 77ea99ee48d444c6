"""The outbox: the one way out to a guest (and to staff over the same providers).

    outbox.py     `Outbox`: what is sent to whom and whether; `DeliveryFailed`
    transport.py  `Transport` (the protocol a provider's wrapper implements), `Envelope`,
                  `Sent`, `TransportFailed`
    segments.py   SMS encodings, segment counting, splitting long texts
    sms_store.py  `SmsStore`: STOP consent, the record of every SMS sent and its
                  statuses, the inbound turn records (erased and exported with the guest)
    sms_status.py the order Twilio's statuses move in
    whatsapp_window.py  WhatsApp's 24-hour window: the guest's last inbound message per
                  hotel sender, and the rule (free text only within 24 hours)
    throttle.py   send rates per sending number, shared by every process in Redis

Who calls what:

- Bot replies: the SMS (and WhatsApp) and e-mail channels (`Outbox.reply`, to the number
  or address the guest wrote from), the web-chat channel (`Outbox.on_socket`, to the
  guest's own open socket in this process; also the staff messages its widget had not
  acknowledged).
  REST replies are the HTTP response, not a send.
- Staff replies (bot/handover/delivery.py), verification codes (bot/privacy/dsr_flow.py),
  results of data-subject requests and export links (bot/privacy/execute.py):
  `Outbox.to_guest`, on the guest's stored channel; the erasure receipt:
  `Outbox.from_memory`.
- WhatsApp templates (`Outbox.whatsapp_template`: a Content SID and its variables), the
  one business-initiated WhatsApp message allowed outside the 24-hour window: for
  invitations (issue 12).
- Invitations (bot/outreach/scheduler.py): `Outbox.invite`, the journey's channels in
  order with fallback, consent, the WhatsApp window or template, rates per sending
  number (the outbox is given Redis for them: `build_outbox(..., redis=)`).
- Staff notices (bot/handover/notify.py), DSR mails to a tenant's admins
  (bot/privacy/worker.py), sub-processor change notices
  (bot/privacy/commands/subprocessors.py): `Outbox.to_staff`.

The outbox owns the decisions: channel choice (the guest's stored contact), consent and
suppression (no message outside the turn to a guest who objected unless they asked for
it; no SMS or WhatsApp to a guest who sent STOP; WhatsApp free text only within 24 hours
of the guest's last message, else `DeliveryFailed("outside_window")` so the caller can
fall back), opening sealed contacts (audited), SMS splitting, provider errors (one
`DeliveryFailed`) and the Twilio delivery record (SMS and WhatsApp). Each decision is the
one the send site took before the outbox existed (see each method).

Rules (tests/bot/outbox/test_only_the_outbox_sends.py reads the source):

- Exactly one module calls each provider's send API: Twilio's REST client in
  bot/channels/sms/twilio.py (SMS and WhatsApp), SMTP in bot/channels/email/smtp.py,
  socket.io events to a guest (room or socket) in bot/channels/webchat/transport.py.
  Each is wrapped as a transport in its medium's folder (`sms/transport.py`: SMS and
  WhatsApp, `email/transport.py`, `webchat/transport.py`); bot/channels/transports.py
  builds them from the settings.
- Only bot/outbox calls a transport's `transmit`.
- This package imports nothing above it (no bot/channels, handover, privacy, feedback):
  the entry points (the Rasa channels, the console, the privacy worker and CLI, the
  action server's FeedbackService) build the transports and inject them.
"""

from bot.outbox.outbox import DeliveryFailed, Outbox
from bot.outbox.transport import Envelope, Sent, Transport, TransportFailed

__all__ = ["DeliveryFailed", "Envelope", "Outbox", "Sent", "Transport", "TransportFailed"]
