"""Property-based fuzzing of every route of the three HTTP servers (the Rasa server with
our channels, the staff console, the action server) against the running stack.

The routes are read from the apps themselves (Rasa's `configure_app` over
credentials.yml, the console's `create_app`, the action server's `build_app`), so a
route added later is fuzzed without touching this file. For each route, hypothesis
draws requests: its own and foreign methods, path parameters (valid ids, junk, huge
numbers, traversal), query strings (huge, negative, non-numeric numbers), bodies of
every shape (JSON of any type and depth, form and multipart fields, invalid UTF-8,
deep nesting, large bodies) and content types. Requests are authenticated the way a
legitimate caller would be, where the route needs it (a staff session with its CSRF
token; the action token; Twilio's and Mailgun's signatures computed over the fuzzed
fields), so the fuzz reaches the parsers behind the gate; some are sent without.

What must hold: no answer is a 5xx, except 503 with the documented "unavailable" code
while a store is really down (checked when one comes: Redis and MongoDB are pinged); no
request is left unanswered (20 s); every server is still up afterwards.

Bounded in time: RAPPORT_FUZZ_EXAMPLES examples per route (default 25; the adversarial
run of the hardening issue used 400). These tests run after every other stack test
(tests/conftest.py orders them last), because they leave junk conversations behind.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

pytestmark = [pytest.mark.stack, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "25"))
TIMEOUT = 20.0
ALLOWED_503 = {"unavailable"}  # a store is down: the provider (or browser) retries
TENANTS = ("alpenhof", "laguna")
PARAM = re.compile(r"<([^:>]+)(?::[^>]+)?>")
# guest text no log may carry: sent in bodies, looked for in every log file at the end
CANARY = "canary" + secrets.token_hex(6)
STATS: dict[str, dict[str, int]] = {}  # route id -> status -> count (RAPPORT_FUZZ_STATS)


@dataclass(frozen=True)
class Route:
    server: str  # "rasa" | "console" | "actions"
    path: str  # "/webhooks/sms/inbound", "/t/<tenant>/api/dsr/<request_id>"
    methods: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.server}:{'|'.join(self.methods)}:{self.path}"


def _routes_of(app, server: str) -> list[Route]:
    app.router.finalize()
    out = []
    for r in app.router.routes:
        methods = tuple(sorted(m for m in r.methods if m not in ("HEAD", "OPTIONS"))) or ("GET",)
        path = "/" + "/".join(
            PARAM.sub(lambda m: f"<{m.group(1)}>", part) for part in r.path.strip("/").split("/")
        )
        out.append(Route(server, path.rstrip("/") or "/", methods))
    return out


def all_routes() -> list[Route]:
    """Every route of the three servers, read from the apps as they are built."""
    from actions.server import build_app
    from bot.base.settings import Settings
    from bot.console.app import create_app
    from bot.stack import isolated_env

    settings = Settings.from_env(isolated_env(Path(tempfile.mkdtemp(prefix="rapport-fuzz-routes-"))))
    routes = _routes_of(_rasa_app(), "rasa")
    routes += _routes_of(create_app(settings, name="fuzz_routes_console"), "console")
    routes += _routes_of(build_app(settings), "actions")
    return sorted(set(routes), key=lambda r: r.id)


def _rasa_app():
    from rasa.core import run

    channels = run.create_http_input_channels(None, "credentials.yml")
    return run.configure_app(
        channels,
        cors=None,
        auth_token=None,
        enable_api=False,
        response_timeout=60,
        jwt_secret=None,
        jwt_method=None,
        route="/webhooks/",
        port=0,
        endpoints=None,
        log_file=None,
        conversation_id="default",
        use_syslog=False,
        syslog_address=None,
        syslog_port=None,
        syslog_protocol=None,
        request_timeout=None,
        server_listeners=None,
    )


ROUTES = all_routes()


def test_the_route_list_covers_every_server():
    """Guards the enumeration itself: a broken import would fuzz nothing."""
    by_server = {s: [r for r in ROUTES if r.server == s] for s in ("rasa", "console", "actions")}
    assert any(r.path == "/webhooks/sms/inbound" for r in by_server["rasa"])
    assert any(r.path == "/webhooks/rest/webhook" for r in by_server["rasa"])
    assert any(r.path == "/webhooks/email/mailgun" for r in by_server["rasa"])
    assert any(r.path.startswith("/t/<tenant>/api/dsr/") for r in by_server["console"])
    assert any(r.path == "/webhook" for r in by_server["actions"])


# ---------------------------------------------------------------------------- values

HUGE = st.sampled_from(
    ["99999999999999999999999", "-1", "-99999999999999999999", "1e309", "nan", "inf", "-inf", "0x10", ""]
)
JUNK = st.text(max_size=40) | HUGE | st.sampled_from(["../../etc/passwd", "%00", "%ZZ", "\u202e", "<script>"])
JSON_SCALAR = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
JSON = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
OPERATOR = st.sampled_from([{"$gt": ""}, {"$ne": None}, {"$where": "1"}, ["a", "b"], {"a": {"b": []}}])
TEXT = st.text(max_size=200) | st.sampled_from(
    ["/dsr_erasure", "/request_human", "/PRIVSMS-XYZ my room 12 {", "Z " * 100, "B" * 9000, "ok\n", "🙂" * 50]
)
FIELD = TEXT | HUGE | st.just("")


def mostly(valid: st.SearchStrategy, junk: st.SearchStrategy) -> st.SearchStrategy:
    """Valid values four times in five, so most requests get past the parsers' first checks."""
    return st.one_of(valid, valid, valid, valid, junk)


def _deep(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


DEEP = st.builds(_deep, st.sampled_from([100, 1_000, 100_000]), st.sampled_from(["list", "dict"]))


def _param_values(name: str) -> st.SearchStrategy[str]:
    known = {
        "tenant": st.sampled_from(TENANTS),
        "widget_key": st.sampled_from(["wk_demo_alpenhof", "wk_demo_laguna"]),
        "name": st.sampled_from(["embed.js", "widget.js", "widget.css", "socket.io.min.js"]),
        "__file_uri__": st.sampled_from(
            ["", "console.css", "vendor/", "vendor", "shell.js", "..%2f..%2fetc"]
        ),
    }
    base = known.get(name, st.text(alphabet="0123456789abcdef", min_size=1, max_size=24).map("r_".__add__))
    return st.one_of(base, base, base, base, JUNK.filter(bool))  # mostly ids that exist


# --------------------------------------------------------------------------- requests


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    content_type: str | None
    body: bytes | dict | list | None  # dict -> form fields, list -> multipart parts
    authenticated: bool


def _form_value(v) -> str:
    return v if isinstance(v, str) else json.dumps(v)


@st.composite
def requests_for(draw, route: Route) -> Request:
    method = draw(
        mostly(st.sampled_from(route.methods), st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]))
    )
    path = PARAM.sub(lambda m: quote(draw(_param_values(m.group(1))), safe=""), route.path)
    query = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["since", "limit", "before", "status", "q", "period", "from", "to", "month"])
                | st.text(min_size=1, max_size=8),
                HUGE | st.text(max_size=20),
            ),
            max_size=3,
        )
    )
    kinds = ["none", "json", "json", "deep", "bytes", "form", "multipart", "big"]
    if route.path.startswith(("/webhooks/sms/", "/webhooks/email/")):  # what the provider posts
        kinds += ["form"] * 6 + (["multipart"] * 4 if "email" in route.path else [])
    elif route.server != "rasa" or route.path == "/webhooks/rest/webhook":
        kinds += ["json"] * 4
    kind = draw(st.sampled_from(kinds))
    body: bytes | dict | list | None
    content_type: str | None = "application/json"
    if kind == "none":
        body, content_type = None, draw(st.none() | st.just("application/json"))
    elif kind == "json":
        body = json.dumps(draw(_json_body(route)), ensure_ascii=draw(st.booleans())).encode()
    elif kind == "deep":
        body = draw(DEEP)
    elif kind == "bytes":
        body = draw(st.binary(max_size=300) | st.just(b"\xff\xfe{\xc3("))
        content_type = draw(
            st.sampled_from(
                ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
            )
        )
    elif kind == "big":
        body = b'{"x": "' + b"a" * draw(st.sampled_from([70_000, 1_100_000, 9_000_000])) + b'"}'
    else:
        fields = draw(_form_fields(route))
        body = fields if kind == "form" else list(fields.items())
        content_type = None  # set by the encoder
    return Request(method, path, query, content_type, body, authenticated=draw(st.booleans() | st.just(True)))


def _json_body(route: Route) -> st.SearchStrategy:
    if route.path == "/webhooks/rest/webhook":
        return (
            st.fixed_dictionaries(
                {
                    "sender": mostly(
                        st.builds(lambda: "fuzz-" + secrets.token_hex(6)),
                        st.text(alphabet="abc-\n", min_size=1, max_size=12) | OPERATOR | HUGE,
                    ),
                    "message": mostly(TEXT, OPERATOR | st.integers()),
                    "metadata": mostly(
                        st.fixed_dictionaries(
                            {"tenant": mostly(st.sampled_from(TENANTS), OPERATOR)},
                            optional={
                                "channel": mostly(st.sampled_from(["rest", "sms", "webchat"]), JSON),
                                "locale": mostly(st.sampled_from(["fr-FR", "de"]), JSON | st.just("xx\n")),
                                "reservation_language": JSON,
                            },
                        ),
                        JSON,
                    ),
                }
            )
            | JSON
        )
    if route.server == "actions":
        return (
            st.fixed_dictionaries(
                {"next_action": st.sampled_from(["action_feedback", "<script>x</script>"]) | JSON},
                optional={
                    "tracker": JSON | st.just({"sender_id": "x", "events": [], "slots": {}}),
                    "domain": JSON,
                },
            )
            | JSON
        )
    return (
        JSON
        | OPERATOR
        | st.dictionaries(st.sampled_from(["username", "password", "role", "text", "days"]), JSON)
    )


def _form_fields(route: Route) -> st.SearchStrategy[dict[str, str]]:
    if route.path.startswith("/webhooks/sms/"):
        return st.fixed_dictionaries(
            {
                "MessageSid": mostly(st.builds(lambda: "SM" + secrets.token_hex(16)), FIELD),
                "From": mostly(st.sampled_from(["+4915112345678", "+447700900123"]), FIELD),
                "To": mostly(st.sampled_from(["+49882112345", "+390415200000"]), FIELD),
            },
            optional={
                "Body": FIELD,
                "NumMedia": HUGE | st.just("1"),
                "MessageStatus": st.sampled_from(["queued", "sent", "delivered", "failed", "bogus"]) | FIELD,
                "SmsStatus": FIELD,
                "ErrorCode": HUGE,
            },
        )
    if route.path.startswith("/webhooks/email/"):
        return st.fixed_dictionaries(
            {
                "sender": mostly(st.sampled_from(["guest@example.org", "feedback@alpenhof.example"]), FIELD),
                "recipient": mostly(st.just("feedback@alpenhof.example"), FIELD),
                "body-plain": FIELD,
                "Message-Id": mostly(st.builds(lambda: f"<{secrets.token_hex(8)}@example.org>"), FIELD),
            },
            optional={
                "from": mostly(st.just("Guest <guest@example.org>"), FIELD),
                "subject": FIELD,
                "stripped-text": FIELD,
                "message-headers": st.builds(lambda d: _deep(d, "list").decode(), st.sampled_from([10, 5000]))
                | st.builds(json.dumps, JSON)
                | FIELD,
                "attachment-count": HUGE | st.just("1"),
                "attachment-1": FIELD,
            },
        )
    return st.dictionaries(st.text(min_size=1, max_size=10), FIELD, max_size=4)


# ------------------------------------------------------------------------------ send


class Caller:
    """Sends a drawn request to its server, authenticated as a legitimate caller."""

    def __init__(self, stack) -> None:
        self.stack = stack
        s = stack.settings
        self.base = {
            "rasa": f"http://{s.host}:{s.rasa_port}",
            "console": s.console_url,
            "actions": f"http://{s.host}:{s.action_port}",
        }
        self.http = requests.Session()
        self.console = requests.Session()
        self.csrf = ""
        self.account: tuple[str, str] | None = None

    def log_in(self, username: str, password: str) -> None:
        """A staff session (again after the fuzz logged it out: its failed logins from
        this address are forgotten first, as a real user's back-off would end)."""
        self.account = (username, password)
        _forget_login_failures(self.stack)
        self.console.cookies.clear()
        base = self.base["console"]
        page = self.console.get(base + "/login", timeout=TIMEOUT).text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = self.console.post(
            base + "/login",
            data={"username": username, "password": password, "csrf": token},
            headers={"Origin": base, "Accept": "application/json"},
            timeout=TIMEOUT,
        )
        assert r.status_code == 200, r.text
        shell = self.console.get(base + "/t/alpenhof/", timeout=TIMEOUT).text
        self.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', shell).group(1)

    def send(self, route: Route, req: Request) -> requests.Response:
        base = self.base[route.server]
        url = base + req.path + ("?" + urlencode(req.query) if req.query else "")
        headers: dict[str, str] = {}
        data, files = None, None
        if isinstance(req.body, dict):
            data = {k: _form_value(v) for k, v in req.body.items()}
        elif isinstance(req.body, list):
            files = [(k, (None, _form_value(v))) for k, v in req.body]
        else:
            data = req.body
        if req.content_type:
            headers["Content-Type"] = req.content_type
        session = self.http
        if req.authenticated:
            session = self._authenticate(route, req, url, headers, data, files)
        prepared = session.prepare_request(
            requests.Request(req.method, url, data=data, files=files, headers=headers)
        )
        if req.authenticated and route.path.startswith("/webhooks/sms/") and isinstance(data, dict):
            # over the URL exactly as sent (requests re-quotes some characters), as Twilio does
            signed = self.stack.settings.public_url + prepared.url[len(base) :]
            validator = RequestValidator(self.stack.fake_twilio.auth_token)
            prepared.headers["X-Twilio-Signature"] = validator.compute_signature(signed, data)
        r = session.send(prepared, timeout=TIMEOUT)
        if session is self.console and (r.status_code == 401 or req.path in ("/login", "/logout")):
            self.log_in(*self.account)  # the fuzz logged itself out: carry on as the same staff
        return r

    def _authenticate(self, route, req, url, headers, data, files) -> requests.Session:
        s = self.stack.settings
        if route.server == "actions":
            headers["Authorization"] = f"Bearer {s.action_token.value}"
        elif route.server == "console":
            headers.update(
                {"Origin": self.base["console"], "X-CSRF-Token": self.csrf, "Accept": "application/json"}
            )
            return self.console
        elif route.path.startswith("/webhooks/email/"):
            fields = (
                data if isinstance(data, dict) else (dict((k, v[1]) for k, v in files) if files else None)
            )
            if fields is not None:
                ts, token = str(int(time.time())), secrets.token_hex(25)
                sig = hmac.new(
                    self.stack.fake_email.signing_key.encode(), (ts + token).encode(), hashlib.sha256
                )
                extra = {"timestamp": ts, "token": token, "signature": sig.hexdigest()}
                if isinstance(data, dict):
                    data.update(extra)
                else:
                    files.extend((k, (None, v)) for k, v in extra.items())
        return self.http


@pytest.fixture(scope="module")
def caller(stack):
    import asyncio

    from tests.console.client import make_staff

    account = asyncio.run(make_staff(stack, {"alpenhof": "admin", "laguna": "agent"}))
    c = Caller(stack)
    c.log_in(account.username, account.password)
    return c


def _forget_login_failures(stack) -> None:
    import redis

    r = redis.Redis.from_url(stack.settings.effective_redis_url.value)
    try:
        keys = list(r.scan_iter("rapport:console:login*"))
        if keys:
            r.delete(*keys)
    finally:
        r.close()


def _stores_up(stack) -> bool:
    """Whether Redis and MongoDB answer now (a 503 is documented only when one does not)."""
    import redis
    from pymongo import MongoClient

    s = stack.settings
    r = redis.Redis.from_url(s.effective_redis_url.value, socket_timeout=2)
    m = MongoClient(s.effective_mongodb_url.value, serverSelectionTimeoutMS=2000)
    try:
        return bool(r.ping()) and m.admin.command("ping").get("ok") == 1
    except Exception:  # noqa: BLE001 - any failure means a store is down
        return False
    finally:
        r.close()
        m.close()


def _acceptable(response: requests.Response, stack) -> bool:
    if response.status_code < 500:
        return True
    if response.status_code == 503:
        try:
            documented = response.json().get("error") in ALLOWED_503
        except (ValueError, AttributeError):
            return False
        return documented and not _stores_up(stack)
    return False


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_no_route_answers_5xx_to_any_input(stack, caller, route):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(req=requests_for(route))
    def fuzz(req: Request) -> None:
        try:
            r = caller.send(route, req)
        except requests.RequestException as e:
            raise AssertionError(f"{req.method} {req.path}: no answer ({type(e).__name__})") from None
        counts = STATS.setdefault(route.id, {})
        key = f"{'auth' if req.authenticated else 'anon'}:{r.status_code}"
        counts[key] = counts.get(key, 0) + 1
        assert _acceptable(r, stack), (
            f"{req.method} {req.path} ({req.content_type}) -> {r.status_code} {r.text[:200]!r}"
        )

    fuzz()
    # the servers are still up
    for server, base in caller.base.items():
        health = {"rasa": "/webhooks/rest/", "console": "/healthz", "actions": "/health"}[server]
        assert requests.get(base + health, timeout=TIMEOUT).status_code == 200, server


def test_no_fuzzed_guest_text_reached_a_log(stack):
    """Runs after the fuzzing above (same module, defined last): guest text sent in the
    bodies, including malformed "/" payloads Rasa warns about, is in no log file."""
    leaked = [
        p.name for p in stack.logs_dir.glob("*") if p.is_file() and CANARY in p.read_text(errors="replace")
    ]
    assert not leaked, f"guest text found in {leaked}"
    if path := os.environ.get("RAPPORT_FUZZ_STATS"):
        Path(path).write_text(json.dumps(STATS, indent=1, sort_keys=True), encoding="utf-8")
