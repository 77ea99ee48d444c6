"""A local stand-in for Twilio's Messages REST API, for tests and offline development.

It speaks the real HTTP shape, so the unmodified `twilio` client talks to it:

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json
        form: To, From | MessagingServiceSid, Body, StatusCallback; WhatsApp: To and From
        `whatsapp:+<E.164>`, Body or ContentSid ("HX" + 32 hex) with ContentVariables (a
        JSON object of up to 100 string values)
        HTTP basic auth AccountSid:AuthToken, else 401 with Twilio's error JSON
        -> 201 with Twilio's Message JSON (sid "SM" + 32 hex, status "queued")

WhatsApp's 24-hour window: the fake remembers each guest's last inbound message to a
sender (posted through /_fake/inbound, or set with /_fake/sessions). A free-form
message (Body, no ContentSid) outside that window is taken (201, "queued"), as Twilio
takes it, and then fails with Twilio's error 63016 ("Failed to send freeform message
because you are outside the allowed window"): the message reads status "failed",
error_code 63016, and its status callbacks (/_fake/deliver) say so. Twilio's
synchronous errors for WhatsApp shapes: 21910 (From and To of different channels),
21656 (ContentVariables not a JSON object of strings), 21619 (neither Body nor
ContentSid). A template is recorded with its `content_sid` and `content_variables`
(stand-in fields; Twilio itself fills `body` with the rendered template).

Test controls (not part of Twilio's API):

    GET    /_fake/messages        every message created, oldest first
    DELETE /_fake/messages        forget messages and the attempt log
    GET    /_fake/attempts        every create call that reached the fake: {"count", "statuses"}
    POST   /_fake/faults          {"status": 429|500|503, "count": n, "delay": s, "retry_after": s}:
                                  the next n create calls wait `delay` seconds, then fail with
                                  `status` (429 carries Retry-After) or, without status, succeed
    DELETE /_fake/faults          drop pending faults
    POST   /_fake/rate            {"per_second": n | null}: at most n creates per second per
                                  From number (sliding second), as Twilio's queue limits a long
                                  code; one more is refused with 429, Twilio's error body
                                  (code 20429) and Retry-After: 1 (null: no limit)
    POST   /_fake/deliver/{sid}   POST status callbacks (queued, sent, delivered, or JSON
                                  {"statuses": [...], "error_code": n}) to the message's
                                  StatusCallback, signed like Twilio (X-Twilio-Signature)
    POST   /_fake/erase           {"addresses": ["+39..."]}: forget every message to or from
                                  those numbers, by SMS or WhatsApp (the provider's records
                                  of an erased guest, bot/privacy/stores.py); loopback
                                  callers only -> {"erased": n}
    POST   /_fake/inbound         {"url", "from", "to", "body", "account"?}: POST Twilio's
                                  incoming-message form (SMS, or WhatsApp with `whatsapp:`
                                  addresses, ProfileName and WaId) to `url`, signed like
                                  Twilio; a WhatsApp message opens its 24-hour window
                                  -> {"sid", "http_status"}
    POST   /_fake/sessions        {"user": "whatsapp:+49...", "sender": "whatsapp:+49...",
                                  "age": s}: the guest last wrote `age` seconds ago
                                  (null: never) -> {"open": bool}

A delayed create is recorded after its delay even when the client has given up, as
Twilio would have accepted it: that is the case a sender must not blindly resend.

    python -m devtools.fake_twilio --port 8099 --account AC... --token secret
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from aiohttp import BasicAuth, ClientSession, ClientTimeout, web
from twilio.request_validator import RequestValidator

from devtools.serving import serving

API_VERSION = "2010-04-01"
ERROR_TEXT = {
    400: "Bad Request",
    401: "Authenticate",
    404: "The requested resource was not found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
DEFAULT_CALLBACK_STATUSES = ("queued", "sent", "delivered")
WHATSAPP = "whatsapp:"
WINDOW_SECONDS = 24 * 60 * 60
OUTSIDE_WINDOW = 63016
OUTSIDE_WINDOW_TEXT = (
    "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template."
)
CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")

# GSM 03.38: basic characters cost one septet, extension characters two (escape + char).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def count_segments(body: str) -> int:
    """SMS segments Twilio bills for `body`: GSM-7 fits 160 septets (153 per part when
    split), anything else is UCS-2 with 70 UTF-16 units (67 per part)."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in body):
        units, single, part = sum(2 if c in _GSM_EXTENDED else 1 for c in body), 160, 153
    else:
        units, single, part = len(body.encode("utf-16-le")) // 2, 70, 67
    if units <= single:
        return 1
    return -(-units // part)


def twilio_error(status: int, code: int | None = None, message: str | None = None) -> dict[str, Any]:
    """Twilio's error body: {"code", "message", "more_info", "status"}."""
    code = code if code is not None else 20000 + status
    return {
        "code": code,
        "message": message or ERROR_TEXT.get(status, "Error"),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _error_response(status: int, code: int | None = None, message: str | None = None) -> web.Response:
    headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if status == 401 else None
    return web.json_response(twilio_error(status, code, message), status=status, headers=headers)


@dataclass
class Fault:
    status: int | None
    remaining: int
    delay: float
    retry_after: int


@dataclass
class FakeState:
    tokens: dict[str, str]
    messages: list[dict[str, Any]] = field(default_factory=list)
    callbacks: dict[str, str] = field(default_factory=dict)  # sid -> StatusCallback URL
    attempts: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    # (guest address, sender address) -> epoch of the guest's last inbound WhatsApp message
    sessions: dict[tuple[str, str], float] = field(default_factory=dict)
    per_second: float | None = None  # /_fake/rate: creates per second per From number
    recent: dict[str, list[float]] = field(default_factory=dict)  # From -> create times

    def over_rate(self, sender: str) -> bool:
        """One more create from `sender` now would exceed `per_second` (then not counted)."""
        if self.per_second is None:
            return False
        now = time.monotonic()
        times = [t for t in self.recent.get(sender, []) if now - t < 1.0]
        if len(times) >= self.per_second:
            self.recent[sender] = times
            return True
        self.recent[sender] = [*times, now]
        return False

    def window_open(self, user: str, sender: str) -> bool:
        last = self.sessions.get((user, sender))
        return last is not None and time.time() - last < WINDOW_SECONDS

    def next_fault(self) -> Fault | None:
        while self.faults and self.faults[0].remaining <= 0:
            self.faults.pop(0)
        if not self.faults:
            return None
        fault = self.faults[0]
        fault.remaining -= 1
        return fault

    def authenticated(self, request: web.Request, account_sid: str) -> bool:
        header = request.headers.get("Authorization", "")
        try:
            auth = BasicAuth.decode(header)
        except ValueError:
            return False
        expected = self.tokens.get(account_sid)
        return (
            expected is not None
            and hmac.compare_digest(auth.login, account_sid)
            and hmac.compare_digest(auth.password.encode(), expected.encode())
        )


STATE = web.AppKey("state", FakeState)
HTTP = web.AppKey("http", ClientSession)


def _now() -> str:
    return format_datetime(datetime.now(UTC))


async def create_message(request: web.Request) -> web.Response:
    state = request.app[STATE]
    account_sid = request.match_info["account_sid"]
    attempt: dict[str, Any] = {"account_sid": account_sid, "status": None}
    state.attempts.append(attempt)
    response = await _create(request, state, account_sid)
    attempt["status"] = response.status
    return response


async def _create(request: web.Request, state: FakeState, account_sid: str) -> web.Response:
    if not state.authenticated(request, account_sid):
        return _error_response(401, 20003)
    form = await request.post()
    fault = state.next_fault()
    if fault is not None:
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            response = _error_response(fault.status)
            if fault.status == 429:
                response.headers["Retry-After"] = str(fault.retry_after)
            return response

    to, from_, service = form.get("To"), form.get("From"), form.get("MessagingServiceSid")
    if state.over_rate(str(from_ or service or "")):
        response = _error_response(429, 20429, "Too Many Requests")
        response.headers["Retry-After"] = "1"
        return response
    body = form.get("Body")
    if not to:
        return _error_response(400, 21604, "A 'To' phone number is required.")
    if not from_ and not service:
        return _error_response(400, 21603, "A 'From' phone number is required.")
    whatsapp = str(to).startswith(WHATSAPP)
    content: dict[str, Any] = {}
    if whatsapp:
        if from_ and not str(from_).startswith(WHATSAPP):
            return _error_response(
                400, 21910, "Invalid From and To pair. From and To should be of the same channel"
            )
        content, refused = _content(form)
        if refused is not None:
            return refused
        if not body and not content and not form.get("MediaUrl"):
            return _error_response(400, 21619, "A text message body or media urls must be specified.")
    elif not body and not form.get("MediaUrl"):
        return _error_response(400, 21602, "Message body is required.")

    sid = "SM" + secrets.token_hex(16)
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
    now = _now()
    message = {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": str(body or ""),
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": str(from_) if from_ else None,
        "messaging_service_sid": str(service) if service else None,
        "num_media": "0",
        # Twilio reports 0 segments while a Messaging Service still has to pick the sender.
        "num_segments": ("1" if whatsapp else str(count_segments(str(body or "")))) if from_ else "0",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        # Twilio answers "accepted" when a Messaging Service still has to pick the sender.
        "status": "queued" if from_ else "accepted",
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": str(to),
        "uri": f"{uri}.json",
    }
    answer = dict(message)
    if content:
        message.update(content)
    elif whatsapp and not state.window_open(str(to), str(from_ or "")):
        # taken now ("queued" in the answer), failed by WhatsApp afterwards: error 63016
        message.update(status="failed", error_code=OUTSIDE_WINDOW, error_message=OUTSIDE_WINDOW_TEXT)
    state.messages.append(message)
    if form.get("StatusCallback"):
        state.callbacks[sid] = str(form["StatusCallback"])
    return web.json_response(answer, status=201)


def _content(form: Any) -> tuple[dict[str, Any], web.Response | None]:
    """A WhatsApp template's ContentSid and ContentVariables, or Twilio's 400."""
    sid = form.get("ContentSid")
    if not sid:
        return {}, None
    if not CONTENT_SID.fullmatch(str(sid)):
        return {}, _error_response(400, 21655, "The ContentSid is Invalid.")
    raw = form.get("ContentVariables")
    try:
        variables = json.loads(str(raw)) if raw else {}
    except ValueError:
        variables = None
    if (
        not isinstance(variables, dict)
        or len(variables) > 100
        or not all(isinstance(v, str) for v in variables.values())
    ):
        return {}, _error_response(400, 21656, "The ContentVariables Parameter is invalid.")
    return {"content_sid": str(sid), "content_variables": variables}, None


def _number(address: Any) -> str:
    """ "whatsapp:+49..." -> "+49..."; an SMS number as it is."""
    return str(address or "").removeprefix(WHATSAPP)


async def list_messages(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].messages)


async def clear_messages(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.messages.clear()
    state.callbacks.clear()
    state.attempts.clear()
    return web.Response(status=204)


def _loopback(request: web.Request) -> bool:
    return request.remote in ("127.0.0.1", "::1")


async def erase(request: web.Request) -> web.Response:
    """Forget a guest's messages, as a provider's deletion API would."""
    if not _loopback(request):
        return web.json_response({"error": "forbidden"}, status=403)
    try:
        addresses = {str(a) for a in (await request.json())["addresses"] if a}
    except (ValueError, KeyError, TypeError):
        return _error_response(400, None, 'expected JSON {"addresses": [...]}')
    state = request.app[STATE]
    gone = [
        m for m in state.messages if _number(m.get("to")) in addresses or _number(m.get("from")) in addresses
    ]
    state.messages[:] = [m for m in state.messages if m not in gone]
    for m in gone:
        state.callbacks.pop(m["sid"], None)
    return web.json_response({"erased": len(gone)})


async def list_attempts(request: web.Request) -> web.Response:
    attempts = request.app[STATE].attempts
    return web.json_response({"count": len(attempts), "statuses": [a["status"] for a in attempts]})


async def add_fault(request: web.Request) -> web.Response:
    try:
        spec = await request.json()
        status = spec.get("status")
        fault = Fault(
            status=None if status is None else int(status),
            remaining=int(spec.get("count", 1)),
            delay=float(spec.get("delay", 0)),
            retry_after=int(spec.get("retry_after", 1)),
        )
    except (ValueError, TypeError, AttributeError):
        return _error_response(400, message="expected JSON {status, count, delay, retry_after}")
    if fault.status is not None and not 400 <= fault.status <= 599:
        return _error_response(400, message="status must be a 4xx or 5xx code")
    request.app[STATE].faults.append(fault)
    return web.json_response({"pending": sum(f.remaining for f in request.app[STATE].faults)}, status=201)


async def set_rate(request: web.Request) -> web.Response:
    state = request.app[STATE]
    try:
        value = (await request.json())["per_second"]
        per_second = None if value is None else float(value)
    except (ValueError, KeyError, TypeError):
        return _error_response(400, message='expected JSON {"per_second": n | null}')
    if per_second is not None and per_second <= 0:
        return _error_response(400, message="per_second must be positive")
    state.per_second = per_second
    state.recent.clear()
    return web.json_response({"per_second": per_second})


async def clear_faults(request: web.Request) -> web.Response:
    request.app[STATE].faults.clear()
    return web.Response(status=204)


def callback_params(message: dict[str, Any], status: str, error_code: int | None) -> dict[str, str]:
    """The form Twilio POSTs to a message's StatusCallback."""
    params = {
        "AccountSid": message["account_sid"],
        "ApiVersion": API_VERSION,
        "MessageSid": message["sid"],
        "MessageStatus": status,
        "SmsSid": message["sid"],
        "SmsStatus": status,
        "To": message["to"],
    }
    if message["from"]:
        params["From"] = message["from"]
    if message["messaging_service_sid"]:
        params["MessagingServiceSid"] = message["messaging_service_sid"]
    if error_code is not None and status in ("failed", "undelivered"):
        params["ErrorCode"] = str(error_code)
    return params


async def deliver(request: web.Request) -> web.Response:
    state = request.app[STATE]
    sid = request.match_info["sid"]
    message = next((m for m in state.messages if m["sid"] == sid), None)
    if message is None:
        return _error_response(404, 20404)
    url = state.callbacks.get(sid)
    if url is None:
        return _error_response(400, message="this message has no StatusCallback")
    try:
        spec = await request.json() if request.can_read_body else {}
    except ValueError:
        return _error_response(400, message="expected JSON {statuses, error_code}")
    refused = message.get("error_code") == OUTSIDE_WINDOW
    statuses = spec.get("statuses", ("queued", "failed") if refused else DEFAULT_CALLBACK_STATUSES)
    error_code = spec.get("error_code", OUTSIDE_WINDOW if refused else None)
    validator = RequestValidator(state.tokens[message["account_sid"]])
    results = []
    for status in statuses:
        params = callback_params(message, status, error_code)
        headers = {"X-Twilio-Signature": validator.compute_signature(url, params)}
        async with request.app[HTTP].post(url, data=params, headers=headers) as resp:
            results.append({"status": status, "http_status": resp.status})
        message["status"] = status
        message["date_updated"] = _now()
        if error_code is not None and status in ("failed", "undelivered"):
            message["error_code"] = int(error_code)
            if int(error_code) == OUTSIDE_WINDOW:
                message["error_message"] = OUTSIDE_WINDOW_TEXT
    return web.json_response({"sid": sid, "callbacks": results})


def inbound_form(account_sid: str, from_: str, to: str, body: str) -> dict[str, str]:
    """The form Twilio POSTs to a number's (or WhatsApp sender's) incoming-message webhook."""
    sid = "SM" + secrets.token_hex(16)
    form = {
        "ToCountry": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": to,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_,
        "ApiVersion": API_VERSION,
    }
    if from_.startswith(WHATSAPP):
        form.update(
            {
                "ProfileName": "Guest",
                "WaId": _number(from_).lstrip("+"),
                "MessageType": "text",
                "ReferralNumMedia": "0",
            }
        )
        del form["ToCountry"]
    return form


async def inbound(request: web.Request) -> web.Response:
    """A guest's message to the hotel, posted to the bot's webhook as Twilio posts it."""
    state = request.app[STATE]
    try:
        spec = await request.json()
        url, from_, to = str(spec["url"]), str(spec["from"]), str(spec["to"])
        body = str(spec.get("body", ""))
        account = str(spec.get("account") or next(iter(state.tokens)))
    except (ValueError, KeyError, TypeError, StopIteration):
        return _error_response(400, message='expected JSON {"url", "from", "to", "body"}')
    if account not in state.tokens:
        return _error_response(404, 20404)
    form = inbound_form(account, from_, to, body)
    if from_.startswith(WHATSAPP):
        state.sessions[(from_, to)] = time.time()
    signature = RequestValidator(state.tokens[account]).compute_signature(url, form)
    async with request.app[HTTP].post(url, data=form, headers={"X-Twilio-Signature": signature}) as resp:
        return web.json_response({"sid": form["MessageSid"], "http_status": resp.status})


async def set_session(request: web.Request) -> web.Response:
    state = request.app[STATE]
    try:
        spec = await request.json()
        key = (str(spec["user"]), str(spec["sender"]))
        age = spec.get("age")
        at = None if age is None else time.time() - float(age)
    except (ValueError, KeyError, TypeError):
        return _error_response(400, message='expected JSON {"user", "sender", "age"}')
    if at is None:
        state.sessions.pop(key, None)
    else:
        state.sessions[key] = at
    return web.json_response({"open": state.window_open(*key)})


def create_app(auth_token_by_account: dict[str, str]) -> web.Application:
    app = web.Application()
    app[STATE] = FakeState(tokens=dict(auth_token_by_account))

    async def http_session(app: web.Application) -> AsyncIterator[None]:
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            app[HTTP] = session
            yield

    app.cleanup_ctx.append(http_session)
    app.router.add_post(r"/2010-04-01/Accounts/{account_sid}/Messages.json", create_message)
    app.router.add_get("/_fake/messages", list_messages)
    app.router.add_delete("/_fake/messages", clear_messages)
    app.router.add_get("/_fake/attempts", list_attempts)
    app.router.add_post("/_fake/faults", add_fault)
    app.router.add_delete("/_fake/faults", clear_faults)
    app.router.add_post("/_fake/rate", set_rate)
    app.router.add_post("/_fake/deliver/{sid}", deliver)
    app.router.add_post("/_fake/erase", erase)
    app.router.add_post("/_fake/inbound", inbound)
    app.router.add_post("/_fake/sessions", set_session)
    return app


class FakeTwilio:
    """Handle on a running fake: its base URL and typed wrappers of the /_fake controls."""

    def __init__(self, url: str, session: ClientSession) -> None:
        self.url = url
        self._http = session

    async def messages(self) -> list[dict[str, Any]]:
        async with self._http.get(f"{self.url}/_fake/messages") as resp:
            return await resp.json()

    async def attempts(self) -> int:
        async with self._http.get(f"{self.url}/_fake/attempts") as resp:
            return (await resp.json())["count"]

    async def clear(self) -> None:
        async with self._http.delete(f"{self.url}/_fake/messages") as resp:
            resp.raise_for_status()

    async def fault(
        self, status: int | None = None, *, count: int = 1, delay: float = 0, retry_after: int = 1
    ) -> None:
        spec = {"status": status, "count": count, "delay": delay, "retry_after": retry_after}
        async with self._http.post(f"{self.url}/_fake/faults", json=spec) as resp:
            resp.raise_for_status()

    async def rate(self, per_second: float | None) -> None:
        """Refuse creates over `per_second` per From number with 429 (None: no limit)."""
        async with self._http.post(f"{self.url}/_fake/rate", json={"per_second": per_second}) as resp:
            resp.raise_for_status()

    async def deliver(
        self, sid: str, statuses: Iterable[str] | None = None, error_code: int | None = None
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {} if statuses is None else {"statuses": list(statuses)}
        if error_code is not None:
            spec["error_code"] = error_code
        async with self._http.post(f"{self.url}/_fake/deliver/{sid}", json=spec) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def inbound(self, url: str, from_: str, to: str, body: str) -> dict[str, Any]:
        """Twilio's incoming-message webhook to `url` (signed), from the guest `from_`."""
        spec = {"url": url, "from": from_, "to": to, "body": body}
        async with self._http.post(f"{self.url}/_fake/inbound", json=spec) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def session(self, user: str, sender: str, age: float | None) -> bool:
        """The WhatsApp guest `user` last wrote to `sender` `age` seconds ago (None: never)."""
        spec = {"user": user, "sender": sender, "age": age}
        async with self._http.post(f"{self.url}/_fake/sessions", json=spec) as resp:
            resp.raise_for_status()
            return (await resp.json())["open"]


@asynccontextmanager
async def running_fake(
    auth_token_by_account: dict[str, str], host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[FakeTwilio]:
    """Serve the fake on loopback (a free port by default) for the duration of the block."""
    async with serving(create_app(auth_token_by_account), host, port, timeout=10, shutdown=5) as (
        url,
        session,
    ):
        yield FakeTwilio(url, session)


def _parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.fake_twilio", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--account", action="append", required=True, help="Account SID (repeatable)")
    parser.add_argument("--token", action="append", required=True, help="its auth token (same order)")
    args = parser.parse_args(argv)
    if len(args.account) != len(args.token):
        parser.error("give one --token per --account")
    return args


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    app = create_app(dict(zip(args.account, args.token, strict=True)))
    web.run_app(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
