"""Send the bot's replies over SMTP without blocking the event loop.

Uses an `aiosmtplib.SMTP` session per message (never `smtplib` in async code): connect,
EHLO, STARTTLS when configured, AUTH when credentials are set, send, QUIT. Credentials
are only sent after STARTTLS (or to a loopback relay): a server that does not offer
STARTTLS when it is required fails with `email.send.rejected reason=starttls_unavailable`
before AUTH, so no password ever crosses the network in plain text. The relay's
certificate is verified (system CAs, or `ca_file` for a private CA).

What happens on failure depends on whether the server can have taken the message:

- Connection refused, or no connection in time (nothing reached the server):
  `EmailSendError(retryable=True)`, event `email.send.unreachable`.
- 4xx reply (greeting, EHLO, AUTH, MAIL, RCPT or end of DATA): the server declined for
  now and kept nothing, so resending later is safe: `retryable=True`, `email.send.deferred`.
- 5xx reply: permanent (bad credentials, unknown recipient, policy): `retryable=False`,
  `email.send.rejected`. So is a missing STARTTLS or a certificate that does not verify
  (configuration; nothing was sent).
- Timeout or lost connection once the session is up: the server may already have
  queued the message (the classic case is the final "250 queued" lost after DATA), and
  a blind resend could mail the guest twice. `retryable=False`, error event
  `email.send.uncertain` so an operator can reconcile. A timeout before DATA is treated
  the same way: the conservative side.

Log events carry the Message-ID, the SMTP reply code and a reason; never an address,
the subject or the body. Server replies often quote the recipient ("550 <guest@...>:
unknown user"), so they are neither logged nor chained into `EmailSendError`.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from email.message import EmailMessage
from typing import Any

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

from bot.base.errors import RapportError
from bot.base.logs import event

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

    @classmethod
    def from_settings(cls, s: Any) -> "SmtpSender":
        """The relay of the settings (SMTP_*), or the local stand-in on embedded runs."""
        return cls(
            s.smtp_host or s.host,
            s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.value or None,
            starttls=s.smtp_starttls,
            ca_file=str(s.smtp_ca_file) if s.smtp_ca_file else None,
        )

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
        ca_file: str | None = None,
    ) -> None:
        if not host or not 0 < port < 65536 or timeout <= 0:
            raise ValueError("host must be set, 0 < port < 65536 and timeout > 0")
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        if username is not None and not starttls and not _loopback(host):
            raise ValueError("SMTP credentials are only sent over STARTTLS (set starttls)")
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout
        self._ca_file = ca_file

    def __repr__(self) -> str:
        # No password, and no username either: it is often an address.
        return f"SmtpSender(host={self._host!r}, port={self._port}, starttls={self._starttls})"

    async def send(self, message: EmailMessage) -> str:
        """Deliver `message` to the relay (envelope from its From, recipients from
        To/Cc/Bcc; Bcc is not transmitted). Returns its Message-ID."""
        message_id = (message.get("Message-ID") or "").strip()
        if not message_id:
            raise ValueError(
                "message has no Message-ID (build it with bot.channels.email.outbound.build_reply)"
            )
        try:
            await self._session(message)
        except _NoStartTls:
            event(
                logger,
                "email.send.rejected",
                logging.ERROR,
                message_id=message_id,
                reason="starttls_unavailable",
            )
            raise EmailSendError("the SMTP server does not offer STARTTLS", retryable=False) from None
        except ssl.SSLError as exc:  # includes certificate verification failures
            event(logger, "email.send.rejected", logging.ERROR, message_id=message_id, reason="tls_failed")
            raise EmailSendError("TLS with the SMTP server failed", retryable=False) from exc
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

    async def _session(self, message: EmailMessage) -> None:
        smtp = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            timeout=self._timeout,
            use_tls=False,
            start_tls=False,  # decided below, after EHLO
            cert_bundle=self._ca_file,
        )
        async with smtp:
            if self._starttls:
                await smtp.ehlo()
                if not smtp.supports_extension("starttls"):
                    raise _NoStartTls
                await smtp.starttls()
            if self._username is not None and self._password is not None:
                await smtp.login(self._username, self._password)
            await smtp.send_message(message)

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


class _NoStartTls(Exception):
    pass


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
