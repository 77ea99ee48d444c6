"""A local stand-in for an SMTP relay, for tests and offline development.

A real SMTP server (aiosmtpd's threaded `Controller`) that keeps every message it
accepts in memory, plus a tiny HTTP API to read them back and to inject failures:

    SMTP  EHLO / MAIL / RCPT / DATA as any relay; accepts everything unless a fault is
          pending. Optionally (`starttls=True`, `--starttls`) offers STARTTLS with a
          self-signed certificate for the host, made at startup (its PEM is written to
          `FakeSmtp.ca_file` for clients to trust), and (`credentials=(user, password)`,
          `--auth user:password`) requires AUTH PLAIN/LOGIN, only after STARTTLS.

    GET    /_fake/mail       every accepted message, oldest first: {mail_from, rcpt_tos,
                             raw (UTF-8, undecodable bytes replaced), subject, message_id,
                             in_reply_to, references, tls (bool), login (or null)}
    DELETE /_fake/mail       forget them
    POST   /_fake/erase      {"addresses": ["guest@example.org"]}: forget every mail from, to or
                             mentioning those addresses (an erased guest's provider records,
                             bot/privacy/stores.py); loopback callers only -> {"erased": n}
    POST   /_fake/faults     {"code": 550, "stage": "data"|"rcpt", "count": 1, "delay": 0}:
                             the next `count` transactions wait `delay` seconds at `stage`,
                             then answer `code` (4xx/5xx) or, without code, go on normally
    DELETE /_fake/faults     drop pending faults

A delayed DATA without code is recorded first and answered 250 after its delay, so a
client that gives up meanwhile leaves a queued message behind, as a real relay whose
reply was lost would: the case a sender must not blindly resend.

    python -m devtools.fake_smtp --host 127.0.0.1 --smtp-port 8025 --http-port 8098
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import hmac
import ipaddress
import ssl
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.stack import pick_free_port

STAGES = ("rcpt", "data")
REPLY_TEXT = {
    421: "4.3.2 Service not available, closing channel",
    450: "4.2.0 Mailbox unavailable, try again later",
    451: "4.3.0 Local error in processing, try again later",
    452: "4.3.1 Insufficient system storage",
    550: "5.1.1 Mailbox unavailable",
    552: "5.3.4 Message too big",
    554: "5.7.1 Transaction failed",
}


@dataclass
class Fault:
    code: int | None
    stage: str
    remaining: int
    delay: float


def _summary(
    mail_from: str, rcpt_tos: list[str], raw: bytes, tls: bool = False, login: str | None = None
) -> dict[str, Any]:
    parsed = message_from_bytes(raw, policy=policy.default)

    def header(name: str) -> str | None:
        value = parsed.get(name)
        return None if value is None else str(value)

    return {
        "mail_from": mail_from,
        "rcpt_tos": list(rcpt_tos),
        "raw": raw.decode("utf-8", errors="replace"),
        "subject": header("Subject"),
        "message_id": header("Message-ID"),
        "in_reply_to": header("In-Reply-To"),
        "references": header("References"),
        "tls": tls,
        "login": login,
    }


@dataclass
class FakeSmtpState:
    """Shared by the SMTP thread and the HTTP handlers, hence the lock."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_fault(self, code: int | None, *, stage: str = "data", count: int = 1, delay: float = 0) -> None:
        if code is not None and not 400 <= code <= 599:
            raise ValueError("code must be a 4xx or 5xx SMTP reply code")
        if stage not in STAGES or count < 1 or delay < 0:
            raise ValueError(f"stage in {STAGES}, count >= 1, delay >= 0")
        with self.lock:
            self.faults.append(Fault(code, stage, count, delay))

    def take_fault(self, stage: str) -> Fault | None:
        with self.lock:
            self.faults = [f for f in self.faults if f.remaining > 0]
            fault = next((f for f in self.faults if f.stage == stage), None)
            if fault is not None:
                fault.remaining -= 1
            return fault

    def record(
        self, mail_from: str, rcpt_tos: list[str], raw: bytes, tls: bool = False, login: str | None = None
    ) -> None:
        summary = _summary(mail_from, rcpt_tos, raw, tls, login)
        with self.lock:
            self.messages.append(summary)

    def snapshot(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.messages)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def erase(self, addresses: set[str]) -> int:
        def mentions(m: dict[str, Any]) -> bool:
            parties = [m["mail_from"], *m["rcpt_tos"]]
            raw = m["raw"].lower()
            return any(p.lower() in addresses for p in parties) or any(a in raw for a in addresses)

        with self.lock:
            kept = [m for m in self.messages if not mentions(m)]
            erased = len(self.messages) - len(kept)
            self.messages[:] = kept
        return erased

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()


def _reply(code: int) -> str:
    return f"{code} {REPLY_TEXT.get(code, ('4.0.0' if code < 500 else '5.0.0') + ' Fake failure')}"


class RecordingHandler:
    """aiosmtpd handler: applies pending faults, records accepted messages."""

    def __init__(self, state: FakeSmtpState) -> None:
        self.state = state

    async def _fault(self, stage: str) -> str | None:
        fault = self.state.take_fault(stage)
        if fault is None:
            return None
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        return None if fault.code is None else _reply(fault.code)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        failed = await self._fault("rcpt")
        if failed is not None:
            return failed
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault = self.state.take_fault("data")
        if fault is not None and fault.code is not None:
            if fault.delay > 0:
                await asyncio.sleep(fault.delay)
            return _reply(fault.code)
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        # Queued before the (possibly late) 250: aiosmtpd cancels this handler when the
        # client hangs up, and a real relay would keep the message anyway.
        auth = session.auth_data
        login = auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None
        self.state.record(
            envelope.mail_from or "", list(envelope.rcpt_tos), raw, session.ssl is not None, login
        )
        if fault is not None and fault.delay > 0:
            await asyncio.sleep(fault.delay)
        return "250 2.0.0 Message accepted for delivery"


STATE = web.AppKey("state", FakeSmtpState)


def _bad_request(text: str) -> web.Response:
    return web.json_response({"error": text}, status=400)


async def list_mail(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].snapshot())


async def clear_mail(request: web.Request) -> web.Response:
    request.app[STATE].clear()
    return web.Response(status=204)


async def erase(request: web.Request) -> web.Response:
    if request.remote not in ("127.0.0.1", "::1"):
        return web.json_response({"error": "forbidden"}, status=403)
    try:
        addresses = {str(a).lower() for a in (await request.json())["addresses"] if a}
    except (ValueError, KeyError, TypeError):
        return _bad_request('expected JSON {"addresses": [...]}')
    return web.json_response({"erased": request.app[STATE].erase(addresses)})


async def add_fault(request: web.Request) -> web.Response:
    try:
        spec = await request.json()
        code = spec.get("code")
        request.app[STATE].add_fault(
            None if code is None else int(code),
            stage=str(spec.get("stage", "data")),
            count=int(spec.get("count", 1)),
            delay=float(spec.get("delay", 0)),
        )
    except (ValueError, TypeError, AttributeError) as exc:
        return _bad_request(f"expected JSON {{code, stage, count, delay}}: {exc}")
    with request.app[STATE].lock:
        pending = sum(f.remaining for f in request.app[STATE].faults)
    return web.json_response({"pending": pending}, status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[STATE].clear_faults()
    return web.Response(status=204)


def create_app(state: FakeSmtpState) -> web.Application:
    app = web.Application()
    app[STATE] = state
    app.router.add_get("/_fake/mail", list_mail)
    app.router.add_delete("/_fake/mail", clear_mail)
    app.router.add_post("/_fake/faults", add_fault)
    app.router.add_delete("/_fake/faults", clear_faults)
    app.router.add_post("/_fake/erase", erase)
    return app


def self_signed(host: str) -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM) for `host` (an IP address or a name) and
    localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    try:
        subject_alt: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(host))]
    except ValueError:
        subject_alt = [x509.DNSName(host)]
    subject_alt.append(x509.DNSName("localhost"))
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(subject_alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def server_tls(host: str, directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A STARTTLS server context with a fresh self-signed certificate, and the path of
    that certificate (the CA file a client trusts)."""
    cert_pem, key_pem = self_signed(host)
    cert_file, key_file = directory / "fake-smtp-cert.pem", directory / "fake-smtp-key.pem"
    cert_file.write_bytes(cert_pem)
    key_file.touch(mode=0o600)
    key_file.write_bytes(key_pem)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert_file), str(key_file))
    return context, cert_file


class Authenticator:
    """aiosmtpd authenticator accepting one login/password (compared in constant time)."""

    def __init__(self, username: str, password: str) -> None:
        self.username = username.encode()
        self.password = password.encode()

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and hmac.compare_digest(auth_data.login, self.username)
            and hmac.compare_digest(auth_data.password, self.password)
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def create_controller(
    state: FakeSmtpState,
    host: str,
    port: int,
    *,
    tls: ssl.SSLContext | None = None,
    credentials: tuple[str, str] | None = None,
) -> Controller:
    # aiosmtpd's Controller cannot bind port 0 (it connects to its own port to start),
    # hence a concrete port.
    options: dict[str, Any] = {}
    if tls is not None:
        options["tls_context"] = tls
    if credentials is not None:
        options.update(authenticator=Authenticator(*credentials), auth_required=True, auth_require_tls=True)
    return Controller(RecordingHandler(state), hostname=host, port=port, **options)


class FakeSmtp:
    """Handle on a running fake: where it listens, its state (faults can be set on it
    directly) and typed wrappers of the HTTP API."""

    def __init__(
        self,
        host: str,
        smtp_port: int,
        http_url: str,
        state: FakeSmtpState,
        http: ClientSession,
        ca_file: Path | None = None,
    ):
        self.host = host
        self.ca_file = ca_file  # the self-signed certificate, when STARTTLS is offered
        self.smtp_port = smtp_port
        self.http_url = http_url
        self.state = state
        self._http = http

    async def messages(self) -> list[dict[str, Any]]:
        async with self._http.get(f"{self.http_url}/_fake/mail") as resp:
            resp.raise_for_status()
            return await resp.json()

    async def clear(self) -> None:
        async with self._http.delete(f"{self.http_url}/_fake/mail") as resp:
            resp.raise_for_status()

    async def fault(
        self, code: int | None = None, *, stage: str = "data", count: int = 1, delay: float = 0
    ) -> None:
        spec = {"code": code, "stage": stage, "count": count, "delay": delay}
        async with self._http.post(f"{self.http_url}/_fake/faults", json=spec) as resp:
            resp.raise_for_status()


@asynccontextmanager
async def running_fake_smtp(
    host: str = "127.0.0.1",
    smtp_port: int = 0,
    http_port: int = 0,
    *,
    starttls: bool = False,
    credentials: tuple[str, str] | None = None,
) -> AsyncIterator[FakeSmtp]:
    """Serve the fake (free loopback ports by default) for the duration of the block."""
    state = FakeSmtpState()
    certs = tempfile.TemporaryDirectory(prefix="fake-smtp-")
    tls, ca_file = server_tls(host, Path(certs.name)) if starttls else (None, None)
    controller = create_controller(
        state, host, smtp_port or pick_free_port(host), tls=tls, credentials=credentials
    )
    # start() and stop() block on a thread handshake: keep them off the event loop.
    await asyncio.to_thread(controller.start)
    try:
        runner = web.AppRunner(create_app(state), shutdown_timeout=5)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, http_port).start()
            bound = runner.addresses[0][1]
            async with ClientSession(timeout=ClientTimeout(total=10)) as http:
                yield FakeSmtp(host, controller.port, f"http://{host}:{bound}", state, http, ca_file)
        finally:
            await runner.cleanup()
    finally:
        await asyncio.to_thread(controller.stop)
        certs.cleanup()


def _parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devtools.fake_smtp", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--http-port", type=int, default=8098)
    parser.add_argument("--starttls", action="store_true", help="offer STARTTLS (self-signed certificate)")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="require AUTH with these credentials")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    state = FakeSmtpState()
    certs = tempfile.TemporaryDirectory(prefix="fake-smtp-")
    tls, ca_file = server_tls(args.host, Path(certs.name)) if args.starttls else (None, None)
    credentials = tuple(args.auth.split(":", 1)) if args.auth and ":" in args.auth else None
    controller = create_controller(state, args.host, args.smtp_port, tls=tls, credentials=credentials)  # type: ignore[arg-type]
    controller.start()
    try:
        print(f"fake SMTP on {args.host}:{args.smtp_port}", flush=True)
        if ca_file is not None:
            print(f"STARTTLS certificate (trust it as CA): {ca_file}", flush=True)
        web.run_app(create_app(state), host=args.host, port=args.http_port)
    finally:
        controller.stop()
        certs.cleanup()


if __name__ == "__main__":
    main()
