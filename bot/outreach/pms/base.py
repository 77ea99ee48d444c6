"""What every PMS connector shares: the `PmsConnector` interface, the HTTP client with
retries, and the counters a round reports (counts and codes only, never guest data).

A connector turns the PMS's reservations into `Stay`s (bot/outreach/stays.py):

    name                     "apaleo", "mews", ...: the stays' `source`
    async stay(ref)          one reservation by the PMS's id -> Stay, or None when the PMS
                             does not know it or it cannot be a stay (no contact, bad dates)
    async changed_stays(since, until)
                             the stays of reservations changed in [since, until), in batches
    async close()

`status_of(raw, table)` maps the PMS's reservation status to StayStatus (expected,
in_house, checked_out, cancelled, no_show); an unknown status makes the reservation
unmappable (counted, skipped), never a guess.

Retries (`Http.request`): a timeout, a connection error, a 5xx or a 429 is retried with
exponential back-off (base 0.5 s, doubling, capped at 30 s, with jitter; a 429's or 503's
`Retry-After` is honoured up to the cap), at most `attempts` tries (default 5). Every try
and retry is counted in `Counters`; what still fails raises `PmsError(retryable=True)`,
which the caller records (a webhook event stays `failed` and is retried by the next
round, a polling window is not advanced). A 4xx other than 429 is not retried
(`PmsError(code="http_<status>")`). No library in the lock does this for aiohttp
(tenacity/backoff are absent; aiohttp-retry does not read Retry-After), hence this loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from bot.base.errors import RapportError
from bot.base.states import StayStatus
from bot.outreach.parse import _email, _language, _phone
from bot.outreach.stays import Stay

logger = logging.getLogger(__name__)

MAX_REF = 64  # a reservation reference longer than this is not one (parse.py's limit)
MAX_FIRST_NAME = 64


class PmsError(RapportError):
    """A PMS call that failed: `code` (e.g. "timeout", "http_503", "http_401",
    "bad_response"), `retryable` when trying later may work."""

    def __init__(self, code: str, *, retryable: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.retryable = retryable


class Unmappable(ValueError):
    """A reservation that cannot become a stay; the message is a code ("no_contact", ...)."""


@dataclass
class Counters:
    """What a connector did, for logs, the CLI and the round's report: counts only."""

    requests: int = 0  # HTTP tries
    retries: int = 0  # tries after a failed one
    timeouts: int = 0
    server_errors: int = 0  # 5xx answers
    rate_limited: int = 0  # 429 answers
    failed: int = 0  # calls that still failed after every try
    refused: int = 0  # 4xx answers other than 404 and 429 (not retried)
    token_fetches: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # unmappable reservations by code

    def skip(self, code: str) -> None:
        self.skipped[code] = self.skipped.get(code, 0) + 1

    def public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Backoff:
    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try `attempt + 1` (attempt counts from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap)
        exp = min(self.cap, self.base * (2 ** (attempt - 1)))
        return exp * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not a secret


DEFAULT_BACKOFF = Backoff()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header: delta seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = dt.datetime.now(dt.UTC).timestamp() if now is None else now
    return max(0.0, at.timestamp() - now)


Sleep = Callable[[float], Awaitable[Any]]


class Http:
    """A JSON client of one PMS with retries (see the module docstring)."""

    def __init__(
        self,
        counters: Counters,
        *,
        timeout: float = 15.0,
        backoff: Backoff = DEFAULT_BACKOFF,
        sleep: Sleep = asyncio.sleep,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.counters = counters
        self.backoff = backoff
        self.sleep = sleep
        self._session = session
        self._own = session is None
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        if self._own and self._session is not None:
            await self._session.close()
            self._session = None

    async def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: aiohttp.BasicAuth | None = None,
    ) -> tuple[int, Any]:
        """(status, parsed JSON or None) of a 2xx or a non-retryable 4xx answer; retries
        the rest; raises PmsError when every try failed. 404 is returned, not raised."""
        attempt = 0
        while True:
            attempt += 1
            self.counters.requests += 1
            retry_after = None
            try:
                async with self.session.request(
                    method, url, json=json, data=data, params=params, headers=headers, auth=auth
                ) as resp:
                    status = resp.status
                    if status < 400 or status == 404:
                        return status, await _json(resp)
                    if status == 429:
                        self.counters.rate_limited += 1
                        retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
                        code = "http_429"
                    elif status >= 500:
                        self.counters.server_errors += 1
                        retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
                        code = f"http_{status}"
                    else:
                        self.counters.refused += 1
                        raise PmsError(f"http_{status}", retryable=False)
            except TimeoutError:
                self.counters.timeouts += 1
                code = "timeout"
            except aiohttp.ClientError:
                code = "connection"
            if attempt >= self.backoff.attempts:
                self.counters.failed += 1
                raise PmsError(code, retryable=True)
            self.counters.retries += 1
            await self.sleep(self.backoff.delay(attempt, retry_after))


async def _json(resp: aiohttp.ClientResponse) -> Any:
    if resp.status == 204:
        return None
    try:
        return await resp.json(content_type=None)
    except ValueError:
        if resp.status == 404:
            return None
        raise PmsError("bad_response") from None


# ---- mapping helpers the connectors share --------------------------------------------------


@dataclass(frozen=True)
class Hotel:
    """What a mapping needs of the tenant: default phone region, time zone, languages."""

    country: str | None
    timezone: str
    languages: tuple[str, ...]


def status_of(raw: Any, table: Mapping[str, StayStatus]) -> StayStatus:
    try:
        return table[str(raw)]
    except KeyError:
        raise Unmappable("unknown_status") from None


def reference(value: Any) -> str:
    text = str(value or "").strip()
    if not text or len(text) > MAX_REF:
        raise Unmappable("bad_reference")
    return text


def local_date(value: Any, zone: str) -> str:
    """An ISO date-time (UTC or with offset) or a date -> the hotel's calendar date."""
    text = str(value or "").strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Unmappable("bad_date") from None
    if at.tzinfo is None:
        return at.date().isoformat()
    return at.astimezone(ZoneInfo(zone)).date().isoformat()


def instant(value: Any) -> float | None:
    """An ISO date-time with offset -> epoch seconds; None when absent or unreadable."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at.timestamp() if at.tzinfo is not None else None


def contact(
    hotel: Hotel, counters: Counters, *, phone: Any, email: Any, first_name: Any, language: Any
) -> dict[str, str | None]:
    """The guest's contact as a Stay takes it: E.164 phone, lower-case address, first
    name, a language of the hotel. A value that does not parse is dropped (counted as
    `dropped_<field>`); no phone and no address at all makes the reservation unmappable."""
    out: dict[str, str | None] = {}
    for name, value, check in (
        ("phone", phone, lambda v: _phone(v, hotel.country)),
        ("email", email, _email),
        ("language", language, lambda v: _language(str(v).replace("-", "_"), hotel.languages)),
    ):
        try:
            out[name] = check(value) if value else None
        except ValueError:
            counters.skip(f"dropped_{name}")
            out[name] = None
    if not out["phone"] and not out["email"]:
        raise Unmappable("no_contact")
    first = str(first_name or "").strip()
    out["first_name"] = first[:MAX_FIRST_NAME] or None
    return out


def country_code(value: Any) -> str | None:
    text = str(value or "").strip().upper()
    return text if len(text) == 2 and text.isalpha() else None


# ---- the interface ----------------------------------------------------------------------------


class PmsConnector(ABC):
    """One tenant's connection to its PMS (see the module docstring)."""

    name: str = ""
    polls: bool = False  # True: poll_round pulls changes (Mews); False: webhooks push (apaleo)

    def __init__(self, hotel: Hotel, http: Http) -> None:
        self.hotel = hotel
        self.http = http
        self.counters = http.counters

    @abstractmethod
    async def stay(self, ref: str) -> Stay | None: ...

    @abstractmethod
    def changed_stays(self, since: float, until: float) -> AsyncIterator[list[Stay]]: ...

    async def close(self) -> None:
        await self.http.close()
