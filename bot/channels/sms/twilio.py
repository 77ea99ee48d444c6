"""Send SMS and WhatsApp messages through Twilio's REST API without blocking the event loop.

Uses twilio's own client (`Client.messages.create_async`) over its aiohttp transport.
What happens on failure depends on whether Twilio can have created the message:

- 429 Too Many Requests: refused before anything was created, so resending is safe.
  Retried here with exponential backoff (at least Retry-After, at most `max_delay`),
  up to `max_attempts` calls in all; then `SmsSendError(retryable=True)`.
- 5xx, timeout, connection lost mid-request: Twilio may have accepted the message and
  a blind resend could text the guest twice. Not retried; `SmsSendError(retryable=False)`
  and an error event `sms.send.uncertain` so an operator can reconcile.
- Connection refused (nothing reached Twilio): not retried here, `retryable=True`.
- Any other 4xx (bad credentials, invalid or opted-out number, ...): `retryable=False`.

Log events carry the message sid, status, HTTP status and Twilio error code, and the
caller's opaque `ref`; never a phone number or the body. Twilio's error messages can
quote the phone number, so they are neither logged nor chained into `SmsSendError`.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from aiohttp import ClientConnectorError, ClientError
from twilio.base import values
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.base.errors import ConfigError, RapportError
from bot.base.logs import event

logger = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"

# twilio's ClientBase falls back to os.environ (TWILIO_EDGE, TWILIO_REGION, ...) when
# `environment` is falsy, so an empty dict is not enough: this mapping is deliberately
# non-empty. Only bot.base.settings reads the environment.
_NO_ENVIRONMENT = {"RAPPORT_TWILIO_ENVIRONMENT": "explicit"}

# The response of the latest Twilio call in the current task (see _RoutedHttpClient).
_last_response: ContextVar[Response | None] = ContextVar("rapport_twilio_last_response", default=None)


@dataclass(frozen=True)
class SentSms:
    sid: str
    status: str
    segments: int | None  # None when Twilio does not know yet (Messaging Service sends report 0)


class SmsSendError(RapportError):
    """Twilio did not take the message. `retryable` says whether sending it again later
    cannot duplicate it; `status` is the HTTP status (None for timeouts and connection
    failures) and `code` Twilio's error code, when there is one."""

    def __init__(self, reason: str, *, retryable: bool, status: int | None = None, code: int | None = None):
        super().__init__(f"{reason} (http_status={status}, code={code}, retryable={retryable})")
        self.retryable = retryable
        self.status = status
        self.code = code


class _RoutedHttpClient(AsyncTwilioHttpClient):
    """twilio's aiohttp transport with three changes, all in `request`, the one method
    every API call passes through:

    - `api_base`: twilio builds absolute `https://api.twilio.com/...` URLs in its Domain
      objects and offers no supported setting to point them elsewhere (edge and region
      only rename hosts inside twilio.com). Swapping scheme and host here keeps path,
      auth, headers and form exactly as the real client sends them, so the fake receives
      real traffic. While `api_base` is set, any other host is refused, so a development
      configuration can never reach Twilio.
    - timeout: AsyncTwilioHttpClient stores its constructor's `timeout` but never applies
      it (it forwards only the per-call timeout, which `create_async` leaves None, so
      aiohttp's 5-minute default would rule). Applied here.
    - Retry-After: TwilioRestException drops the response headers, so the response is
      published in a context variable, which is per task: concurrent sends stay apart.
    """

    def __init__(self, *, api_base: str | None, timeout: float) -> None:
        # No max_retries: twilio would wrap the session in aiohttp_retry, which resends
        # POSTs after 5xx, the very duplicate this module exists to avoid.
        super().__init__(timeout=timeout)
        self._api_base = api_base.rstrip("/") if api_base else None

    async def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self._api_base is not None:
            if not url.startswith(TWILIO_API + "/"):
                raise ConfigError(f"api_base only stands in for {TWILIO_API}, not {urlsplit(url).netloc}")
            url = self._api_base + url[len(TWILIO_API) :]
        response = await super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )
        _last_response.set(response)
        return response


def _retry_after(response: Response | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), if any."""
    raw = response.headers.get("Retry-After") if response is not None and response.headers else None
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _segments(raw: object) -> int | None:
    try:
        n = int(str(raw))
    except ValueError:
        return None
    return n or None


class TwilioSender:
    """One per process (create it in a server listener, `close()` it on shutdown). The
    HTTP session is opened on the first `send`, inside the running event loop."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        api_base: str | None = None,
        max_attempts: int = 4,
        backoff_base: float = 0.5,
        max_delay: float = 30.0,
        timeout: float = 10.0,
    ) -> None:
        if max_attempts < 1 or backoff_base < 0 or max_delay < 0 or timeout <= 0:
            raise ValueError("max_attempts >= 1, backoff_base >= 0, max_delay >= 0 and timeout > 0")
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._api_base = api_base
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._max_delay = max_delay
        self._timeout = timeout
        self._client: Client | None = None
        self._http: _RoutedHttpClient | None = None

    def __repr__(self) -> str:
        return f"TwilioSender(account_sid={self._account_sid!r}, api_base={self._api_base!r})"

    def _twilio(self) -> Client:
        if self._client is None:
            self._http = _RoutedHttpClient(api_base=self._api_base, timeout=self._timeout)
            self._client = Client(
                self._account_sid, self._auth_token, http_client=self._http, environment=_NO_ENVIRONMENT
            )
        return self._client

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = self._backoff_base * 2 ** (attempt - 1)
        return min(self._max_delay, max(backoff, retry_after or 0.0))

    async def send(
        self,
        *,
        to: str,
        from_: str,
        body: str | None,
        status_callback: str | None = None,
        ref: str | None = None,
        content_sid: str | None = None,
        content_variables: str | None = None,
    ) -> SentSms:
        """Create one outbound message. `ref` is an opaque caller reference (an outbox id,
        a guest reference) echoed in log events; never pass a phone number. A template
        (WhatsApp outside its 24-hour window) has `content_sid` and `content_variables`
        (a JSON object as text) and no `body`."""
        refs = {"ref": ref} if ref else {}
        if not self._account_sid or not self._auth_token:  # nothing was sent: safe to retry once set
            event(logger, "sms.send.no_credentials", logging.ERROR, **refs)
            raise SmsSendError(
                "no Twilio credentials (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)", retryable=True
            )
        client = self._twilio()
        for attempt in range(1, self._max_attempts + 1):
            _last_response.set(None)
            try:
                message = await client.messages.create_async(
                    to=to,
                    from_=from_,
                    body=body if body is not None else values.unset,
                    status_callback=status_callback if status_callback else values.unset,
                    content_sid=content_sid if content_sid else values.unset,
                    content_variables=content_variables if content_variables else values.unset,
                )
            except TwilioRestException as exc:
                if exc.status == 429 and attempt < self._max_attempts:
                    delay = self._delay(attempt, _retry_after(_last_response.get()))
                    event(
                        logger, "sms.send.throttled", logging.WARNING, attempt=attempt, delay_s=delay, **refs
                    )
                    await asyncio.sleep(delay)
                    continue
                raise self._rest_error(exc, attempt, refs) from None
            except TimeoutError as exc:
                self._uncertain("timeout", attempt, None, refs)
                raise SmsSendError("no answer from Twilio in time", retryable=False) from exc
            except ClientConnectorError as exc:
                event(logger, "sms.send.unreachable", logging.WARNING, attempts=attempt, **refs)
                raise SmsSendError("could not connect to Twilio", retryable=True) from exc
            except ClientError as exc:
                self._uncertain("connection_lost", attempt, None, refs)
                raise SmsSendError("connection to Twilio lost mid-request", retryable=False) from exc
            sent = SentSms(
                sid=message.sid or "", status=message.status or "", segments=_segments(message.num_segments)
            )
            event(
                logger,
                "sms.send.sent",
                sid=sent.sid,
                status=sent.status,
                segments=sent.segments,
                attempts=attempt,
                **refs,
            )
            return sent
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _rest_error(self, exc: TwilioRestException, attempt: int, refs: dict[str, str]) -> SmsSendError:
        if exc.status == 429:
            event(logger, "sms.send.gave_up", logging.ERROR, attempts=attempt, http_status=429, **refs)
            return SmsSendError("Twilio kept throttling", retryable=True, status=429, code=exc.code)
        if exc.status >= 500:
            self._uncertain("http_5xx", attempt, exc.status, refs)
            return SmsSendError("Twilio failed", retryable=False, status=exc.status, code=exc.code)
        event(logger, "sms.send.rejected", logging.WARNING, http_status=exc.status, code=exc.code, **refs)
        return SmsSendError("Twilio rejected the message", retryable=False, status=exc.status, code=exc.code)

    def _uncertain(self, reason: str, attempt: int, status: int | None, refs: dict[str, str]) -> None:
        # Twilio may have created the message: an operator compares its message log
        # (account, time, ref) with our outbox before anything is resent.
        event(
            logger,
            "sms.send.uncertain",
            logging.ERROR,
            reason=reason,
            http_status=status,
            attempts=attempt,
            account=self._account_sid,
            **refs,
        )

    async def close(self) -> None:
        http, self._client, self._http = self._http, None, None
        if http is not None:
            await http.close()
