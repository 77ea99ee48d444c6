"""Send the bot's replies over SMTP without blocking the event loop.

Uses `aiosmtplib.send` (one connection per message; never `smtplib` in async code).
What happens on failure depends on whether the server can have taken the message:

- Connection refused, or no connection in time (nothing reached the server):
  `EmailSendError(retryable=True)`, event `email.send.unreachable`.
- 4xx reply (greeting, EHLO, AUTH, MAIL, RCPT or end of DATA): the server declined for
  now and kept nothing, so resending later is safe: `retryable=True`, `email.send.deferred`.
- 5xx reply: permanent (bad credentials, unknown recipient, policy): `retryable=False`,
  `email.send.rejected`.
- Timeout or lost connection once the session is up: the server may already have
  queued the message (the classic case is the final "250 queued" lost after DATA), and
  a blind resend could mail the guest twice. `retryable=False`, error event
  `email.send.uncertain` so an operator can reconcile. `aiosmtplib.send` does not say in
  which phase it timed out, so a timeout before DATA is treated the same way: the
  conservative side.

Log events carry the Message-ID, the SMTP reply code and a reason; never an address,
the subject or the body. Server replies often quote the recipient ("550 <guest@...>:
unknown user"), so they are neither logged nor chained into `EmailSendError`.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib
from aiosmtplib import (
    SMTPConnectError,
    SMTPConnectTimeoutError,
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)

from bot.errors import RapportError
from bot.logs import event

logger = logging.getLogger(__name__)


class EmailSendError(RapportError):
    """The SMTP server did not take the message. `retryable` says whether sending it
    again later cannot duplicate it; `code` is the SMTP reply code, when there is one."""

    def __init__(self, reason: str, *, retryable: bool, code: int | None = None) -> None:
        super().__init__(f"{reason} (smtp_code={code}, retryable={retryable})")
        self.retryable = retryable
        self.code = code


class SmtpSender:
    """Holds the relay's settings; each `send` opens, uses and closes its own connection,
    so one instance can be shared by concurrent tasks."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        if not host or not 0 < port < 65536 or timeout <= 0:
            raise ValueError("host must be set, 0 < port < 65536 and timeout > 0")
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    def __repr__(self) -> str:
        # No password, and no username either: it is often an address.
        return f"SmtpSender(host={self._host!r}, port={self._port}, starttls={self._starttls})"

    async def send(self, message: EmailMessage) -> str:
        """Deliver `message` to the relay (envelope from its From, recipients from
        To/Cc/Bcc; Bcc is not transmitted). Returns its Message-ID."""
        message_id = (message.get("Message-ID") or "").strip()
        if not message_id:
            raise ValueError("message has no Message-ID (build it with bot.email.outbound.build_reply)")
        try:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                use_tls=False,
                start_tls=self._starttls,
                timeout=self._timeout,
            )
        except SMTPConnectTimeoutError as exc:  # before SMTPTimeoutError: it is both
            event(logger, "email.send.unreachable", logging.WARNING, message_id=message_id, reason="timeout")
            raise EmailSendError("no connection to the SMTP server in time", retryable=True) from exc
        except SMTPResponseException as exc:  # includes SMTPConnectResponseError
            raise self._reply_error(exc.code, message_id) from None
        except SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            # Temporary only if every refusal was temporary; one 5xx makes it permanent.
            code = max(codes) if codes else None
            raise self._reply_error(code, message_id) from None
        except SMTPConnectError as exc:
            event(logger, "email.send.unreachable", logging.WARNING, message_id=message_id, reason="refused")
            raise EmailSendError("could not connect to the SMTP server", retryable=True) from exc
        except SMTPTimeoutError as exc:
            self._uncertain("timeout", message_id)
            raise EmailSendError("no answer from the SMTP server in time", retryable=False) from exc
        except SMTPServerDisconnected as exc:
            self._uncertain("connection_lost", message_id)
            raise EmailSendError("connection to the SMTP server lost", retryable=False) from exc
        except SMTPNotSupported:
            # e.g. starttls=True against a server without STARTTLS: configuration.
            event(logger, "email.send.rejected", logging.ERROR, message_id=message_id, reason="not_supported")
            raise EmailSendError("the SMTP server lacks a required extension", retryable=False) from None
        except SMTPException:
            self._uncertain("smtp_error", message_id)
            raise EmailSendError("SMTP session failed", retryable=False) from None
        event(logger, "email.send.sent", message_id=message_id)
        return message_id

    def _reply_error(self, code: int | None, message_id: str) -> EmailSendError:
        if code is not None and 400 <= code < 500:
            event(logger, "email.send.deferred", logging.WARNING, message_id=message_id, smtp_code=code)
            return EmailSendError("the SMTP server deferred the message", retryable=True, code=code)
        event(logger, "email.send.rejected", logging.WARNING, message_id=message_id, smtp_code=code)
        return EmailSendError("the SMTP server rejected the message", retryable=False, code=code)

    def _uncertain(self, reason: str, message_id: str) -> None:
        # The relay may have queued it: an operator checks the relay's log for this
        # Message-ID before anything is resent.
        event(logger, "email.send.uncertain", logging.ERROR, message_id=message_id, reason=reason)
