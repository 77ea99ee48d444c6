"""The e-mail transport: an outbox envelope as one mail over SMTP (bot/channels/email/smtp.py).
A guest's reply or message is threaded in the guest's conversation (bot/channels/email/
outbound.py `build_reply`); a notice to staff is a plain auto-generated mail
(`build_notice`). Each send opens its own SMTP session."""

from __future__ import annotations

from email.message import EmailMessage

from bot.base.settings import Settings
from bot.channels.email.outbound import LOOP_MARKER, build_notice, build_reply
from bot.channels.email.smtp import EmailSendError, SmtpSender
from bot.outbox.transport import Envelope, Sent, TransportFailed


def mail_of(envelope: Envelope) -> EmailMessage:
    if envelope.kind == "notice":
        return build_notice(
            from_address=envelope.sender, to_address=envelope.to, subject=envelope.subject, text=envelope.text
        )
    thread = envelope.thread or {}
    return build_reply(
        from_address=envelope.sender,
        to_address=envelope.to,
        subject=thread.get("subject") or "",
        text=envelope.text,
        html_text=None,
        in_reply_to=thread.get("message_id"),
        references=list(thread.get("references") or []),
        domain=envelope.sender.split("@", 1)[1],
        loop_marker=LOOP_MARKER,
    )


class EmailTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def transmit(self, envelope: Envelope) -> Sent:
        mail = mail_of(envelope)
        try:
            message_id = await SmtpSender.from_settings(self.settings).send(mail)
        except EmailSendError as e:
            raise TransportFailed("email", retryable=e.retryable) from None
        return Sent(message_id)

    async def close(self) -> None:
        pass
