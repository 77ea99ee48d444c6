"""Typed settings: the only module that reads the environment.

`Settings.from_env()` is called by the entry points (run script, action server,
channels); nothing reads the environment at import time. Secrets are `Secret`, whose
repr hides the value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets as _secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.base.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PMS_PREFIX = "RAPPORT_PMS_"


@dataclass(frozen=True)
class Secret:
    """A secret string that does not show itself in repr/str (logs, tracebacks)."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        port = int(raw)
    except ValueError as e:
        raise ConfigError(f"{name} must be a port number") from e
    if not 0 < port < 65536:
        raise ConfigError(f"{name} must be between 1 and 65535")
    return port


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    tenants_file: Path
    mongodb_url: Secret | None  # None: start the embedded MongoDB-wire server
    redis_url: Secret | None  # None: start the embedded Redis-protocol server
    action_token: Secret  # shared by the Rasa server and the action server
    guest_key: Secret  # HMAC key for guest and conversation references
    # AES-GCM keys for contact data at rest (bot/base/sealing.py): the first seals,
    # all open. RAPPORT_DATA_KEYS="new,old" during a rotation; embedded runs generate one.
    data_keys: tuple[Secret, ...] = ()
    # HMAC keys of the audit-log hash chain (bot/audit/log.py): the first signs, all verify.
    # RAPPORT_AUDIT_KEYS="new,old"; unset: one key derived from the guest key.
    audit_keys: tuple[Secret, ...] = ()
    language_detector: str = "lingua"
    db_prefix: str = "rapport_t_"
    host: str = "127.0.0.1"  # where the parts reach each other (embedded run)
    bind_host: str = "127.0.0.1"  # where the action server listens (0.0.0.0 in a container)
    action_url_override: str | None = None
    rasa_port: int = 5005
    action_port: int = 5055
    mongo_port: int = 27117
    redis_port: int = 6479
    fake_twilio_port: int = 8099
    max_message_chars: int = 2000
    log_level: str = "INFO"
    # SMS (Twilio). Without credentials, `make run` starts the local fake
    # (devtools/fake_twilio.py) and these point at it.
    public_url: str = "http://127.0.0.1:5005"  # what Twilio calls; signatures are over this
    twilio_account_sid: str = ""
    twilio_auth_token: Secret = field(default_factory=lambda: Secret(""))
    twilio_api_base: str | None = None  # None: the real https://api.twilio.com
    sms_max_segments: int = 3
    # Turns that run after a provider was answered are durable jobs (bot/channels/
    # turns.py): a failed turn is retried after base, 3*base, 9*base ... seconds (six
    # tries); a process that dies mid-turn leaves it to another after the lease.
    turn_retry_base: float = 5.0
    turn_lease: float = 120.0
    turn_sweep_interval: float = 2.0
    # E-mail: Mailgun-style signed webhook in, SMTP out. Without SMTP_HOST, `make run`
    # starts the local SMTP stand-in (devtools/fake_smtp.py).
    mailgun_signing_key: Secret = field(default_factory=lambda: Secret(""))
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: Secret = field(default_factory=lambda: Secret(""))
    smtp_starttls: bool = False
    smtp_ca_file: Path | None = None  # CA bundle for a relay with a private CA (STARTTLS)
    fake_smtp_port: int = 8025
    fake_smtp_http_port: int = 8026
    # On-premises inbound e-mail (bot/channels/email/smtp_inbound.py), served by the Rasa server
    # process when the port is set; `make run` sets a free one on embedded defaults.
    smtp_inbound_port: int | None = None
    smtp_inbound_host: str = "127.0.0.1"
    smtp_inbound_max_bytes: int = 10_000_000
    smtp_inbound_tls_cert: Path | None = None  # both set: STARTTLS offered
    smtp_inbound_tls_key: Path | None = None
    # Web chat (bot/channels/webchat/channel.py). Origins (scheme://host[:port]) of third-party pages
    # allowed to embed the widget (embed.js); the server's own origin is always allowed.
    webchat_origins: tuple[str, ...] = ()
    webchat_token_days: int = 30  # session tokens older than this start a new session
    webchat_trust_proxy: bool = False  # take the client IP from the first X-Forwarded-For hop
    webchat_socket_messages_per_10s: int = 5  # also the burst
    webchat_ip_messages_per_min: int = 60
    webchat_ip_connects_per_min: int = 30
    webchat_ip_sessions_per_min: int = 30  # session requests (new or resumed) per client IP
    # Staff console (bot/console/): its own process on 127.0.0.1:console_port; console_url
    # is what staff open (links in notifications, the same-origin check, Secure cookies
    # when https). console_trust_proxy: the client IP comes from one reverse proxy's
    # X-Forwarded-For (login rate limit).
    console_port: int = 5080
    console_url: str = "http://127.0.0.1:5080"
    console_trust_proxy: bool = False
    # Background jobs (bot/jobs/): retention runs once per period of `retention_every`
    # seconds, the periods starting `retention_at` seconds after midnight UTC (03:17).
    retention_every: float = 86_400.0
    retention_at: float = 11_820.0
    # Operations (docs/OPERATIONS.md, "Metrics, health and logs"): the jobs process's
    # HTTP port (/metrics, /healthz, /readyz); who may read /metrics (networks the peer
    # address must be in, with no proxy's forwarding header; or the bearer token); logs as
    # "text" (event key=value) or "json" (one object per line).
    jobs_http_port: int = 5090
    metrics_refresh: float = 15.0  # seconds between refreshes of the shared-state gauges
    metrics_allow: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    metrics_token: Secret = field(default_factory=lambda: Secret(""))
    log_format: str = "text"
    # PMS connector credentials (bot/outreach/pms/): every RAPPORT_PMS_<TENANT>_<NAME>
    # variable, by its name without the prefix; read with `pms_secret(tenant, name)`
    pms_secrets: Mapping[str, Secret] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        data_dir = Path(env.get("RAPPORT_DATA_DIR") or PROJECT_ROOT / ".var")
        detector = env.get("RAPPORT_LANGUAGE_DETECTOR", "lingua")
        if detector not in ("lingua", "langdetect"):
            raise ConfigError("RAPPORT_LANGUAGE_DETECTOR must be 'lingua' or 'langdetect'")
        max_chars = env.get("RAPPORT_MAX_MESSAGE_CHARS", "2000")
        if not max_chars.isdigit() or int(max_chars) < 1:
            raise ConfigError("RAPPORT_MAX_MESSAGE_CHARS must be a positive integer")
        return cls(
            data_dir=data_dir,
            tenants_file=Path(env.get("RAPPORT_TENANTS") or PROJECT_ROOT / "config" / "tenants.yml"),
            mongodb_url=Secret(env["MONGODB_URL"]) if env.get("MONGODB_URL") else None,
            redis_url=Secret(env["REDIS_URL"]) if env.get("REDIS_URL") else None,
            action_token=_secret(env, "RAPPORT_ACTION_TOKEN", data_dir),
            guest_key=_secret(env, "RAPPORT_GUEST_KEY", data_dir),
            data_keys=_data_keys(env, data_dir),
            audit_keys=_audit_keys(env, _secret(env, "RAPPORT_GUEST_KEY", data_dir)),
            language_detector=detector,
            db_prefix=env.get("RAPPORT_DB_PREFIX", "rapport_t_"),
            bind_host=env.get("RAPPORT_BIND_HOST") or "127.0.0.1",
            action_url_override=env.get("RAPPORT_ACTION_URL") or None,
            rasa_port=_port(env, "RAPPORT_RASA_PORT", 5005),
            action_port=_port(env, "RAPPORT_ACTION_PORT", 5055),
            mongo_port=_port(env, "RAPPORT_MONGO_PORT", 27117),
            redis_port=_port(env, "RAPPORT_REDIS_PORT", 6479),
            fake_twilio_port=_port(env, "RAPPORT_FAKE_TWILIO_PORT", 8099),
            max_message_chars=int(max_chars),
            log_level=env.get("RAPPORT_LOG_LEVEL", "INFO").upper(),
            public_url=(env.get("RAPPORT_PUBLIC_URL") or "").rstrip("/")
            or f"http://127.0.0.1:{_port(env, 'RAPPORT_RASA_PORT', 5005)}",
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=Secret(env.get("TWILIO_AUTH_TOKEN", "")),
            twilio_api_base=env.get("TWILIO_API_BASE") or None,
            sms_max_segments=_positive(env, "RAPPORT_SMS_MAX_SEGMENTS", 3),
            turn_retry_base=_seconds(env, "RAPPORT_TURN_RETRY_BASE", 5.0),
            turn_lease=_seconds(env, "RAPPORT_TURN_LEASE", 120.0),
            turn_sweep_interval=_seconds(env, "RAPPORT_TURN_SWEEP_INTERVAL", 2.0),
            mailgun_signing_key=Secret(env.get("MAILGUN_SIGNING_KEY", "")),
            smtp_host=env.get("SMTP_HOST", ""),
            smtp_port=_port(env, "SMTP_PORT", 25),
            smtp_username=env.get("SMTP_USERNAME") or None,
            smtp_password=Secret(env.get("SMTP_PASSWORD", "")),
            smtp_starttls=env.get("SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            smtp_ca_file=Path(env["SMTP_CA_FILE"]) if env.get("SMTP_CA_FILE") else None,
            fake_smtp_port=_port(env, "RAPPORT_FAKE_SMTP_PORT", 8025),
            smtp_inbound_port=_port(env, "RAPPORT_SMTP_INBOUND_PORT", 0) or None,
            smtp_inbound_host=env.get("RAPPORT_SMTP_INBOUND_HOST") or "127.0.0.1",
            smtp_inbound_max_bytes=_positive(env, "RAPPORT_SMTP_INBOUND_MAX_BYTES", 10_000_000),
            smtp_inbound_tls_cert=_tls_pair(env)[0],
            smtp_inbound_tls_key=_tls_pair(env)[1],
            fake_smtp_http_port=_port(env, "RAPPORT_FAKE_SMTP_HTTP_PORT", 8026),
            webchat_origins=_origins(env, "RAPPORT_WEBCHAT_ORIGINS"),
            webchat_token_days=_positive(env, "RAPPORT_WEBCHAT_TOKEN_DAYS", 30),
            webchat_trust_proxy=_flag(env, "RAPPORT_WEBCHAT_TRUST_PROXY"),
            webchat_socket_messages_per_10s=_positive(env, "RAPPORT_WEBCHAT_SOCKET_MESSAGES_PER_10S", 5),
            webchat_ip_messages_per_min=_positive(env, "RAPPORT_WEBCHAT_IP_MESSAGES_PER_MIN", 60),
            webchat_ip_connects_per_min=_positive(env, "RAPPORT_WEBCHAT_IP_CONNECTS_PER_MIN", 30),
            webchat_ip_sessions_per_min=_positive(env, "RAPPORT_WEBCHAT_IP_SESSIONS_PER_MIN", 30),
            console_port=_port(env, "RAPPORT_CONSOLE_PORT", 5080),
            console_url=_console_url(env),
            console_trust_proxy=_flag(env, "RAPPORT_CONSOLE_TRUST_PROXY"),
            jobs_http_port=_port(env, "RAPPORT_JOBS_HTTP_PORT", 5090),
            metrics_refresh=_seconds(env, "RAPPORT_METRICS_REFRESH", 15.0),
            metrics_allow=_networks(env, "RAPPORT_METRICS_ALLOW", ("127.0.0.0/8", "::1/128")),
            metrics_token=Secret(env.get("RAPPORT_METRICS_TOKEN", "")),
            log_format=_log_format(env),
            retention_every=_seconds(env, "RAPPORT_RETENTION_EVERY", 86_400.0),
            retention_at=_time_of_day(env, "RAPPORT_RETENTION_AT", 11_820.0),
            pms_secrets={
                k[len(PMS_PREFIX) :]: Secret(v) for k, v in env.items() if k.startswith(PMS_PREFIX) and v
            },
        )

    def pms_secret(self, tenant: str, name: str) -> Secret | None:
        """RAPPORT_PMS_<TENANT>_<NAME> (e.g. RAPPORT_PMS_ALPENHOF_CLIENT_SECRET), or None."""
        return self.pms_secrets.get(f"{tenant.upper()}_{name.upper()}")

    @property
    def action_url(self) -> str:
        return self.action_url_override or f"http://{self.host}:{self.action_port}/webhook"

    @property
    def effective_mongodb_url(self) -> Secret:
        return self.mongodb_url or Secret(f"mongodb://{self.host}:{self.mongo_port}")

    @property
    def effective_redis_url(self) -> Secret:
        return self.redis_url or Secret(f"redis://{self.host}:{self.redis_port}/0")

    @property
    def control_db(self) -> str:
        """The control database (staff accounts, cross-tenant audit); no tenant id
        can produce this name (tenant ids start with a letter)."""
        return f"{self.db_prefix}_control"


def _networks(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Comma-separated networks (CIDR or single addresses); "none" allows no network."""
    import ipaddress

    raw = env.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() == "none":
        return ()
    nets = tuple(n.strip() for n in raw.split(",") if n.strip())
    for n in nets:
        try:
            ipaddress.ip_network(n, strict=False)
        except ValueError:
            raise ConfigError(f"{name}: {n!r} is not a network (e.g. 10.0.0.0/8)") from None
    return nets


def _log_format(env: Mapping[str, str]) -> str:
    value = env.get("RAPPORT_LOG_FORMAT", "text").strip().lower() or "text"
    if value not in ("text", "json"):
        raise ConfigError(f"RAPPORT_LOG_FORMAT: {value!r} is not 'text' or 'json'")
    return value


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive integer")
    return int(raw)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.05 <= value <= 86400:
        raise ConfigError(f"{name} must be a number of seconds between 0.05 and 86400")
    return value


def _time_of_day(env: Mapping[str, str], name: str, default: float) -> float:
    """Seconds after midnight UTC, given as HH:MM (or seconds)."""
    raw = env.get(name) or ""
    if not raw:
        return default
    hours, sep, minutes = raw.partition(":")
    try:
        value = int(hours) * 3600 + int(minutes) * 60 if sep else float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 86400:
        raise ConfigError(f"{name} must be a time of day HH:MM (UTC)")
    return float(value)


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def parse_origin(raw: str) -> str | None:
    """`https://Hotel.example/` -> `https://hotel.example`; None if not an origin."""
    origin = raw.strip().rstrip("/")
    return origin.lower() if _ORIGIN.fullmatch(origin) else None


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated origins such as `https://hotel.example,http://localhost:8000`."""
    origins = []
    for raw in (env.get(name) or "").split(","):
        if not raw.strip():
            continue
        origin = parse_origin(raw)
        if origin is None:
            raise ConfigError(f"{name}: {raw.strip()!r} is not an origin like https://hotel.example")
        origins.append(origin)
    return tuple(origins)


def _tls_pair(env: Mapping[str, str]) -> tuple[Path | None, Path | None]:
    cert, key = env.get("RAPPORT_SMTP_INBOUND_TLS_CERT"), env.get("RAPPORT_SMTP_INBOUND_TLS_KEY")
    if bool(cert) != bool(key):
        raise ConfigError(
            "set both RAPPORT_SMTP_INBOUND_TLS_CERT and RAPPORT_SMTP_INBOUND_TLS_KEY, or neither"
        )
    return (Path(cert), Path(key)) if cert and key else (None, None)


def _console_url(env: Mapping[str, str]) -> str:
    raw = env.get("RAPPORT_CONSOLE_URL") or f"http://127.0.0.1:{_port(env, 'RAPPORT_CONSOLE_PORT', 5080)}"
    url = parse_origin(raw)
    if url is None:
        raise ConfigError("RAPPORT_CONSOLE_URL must be an origin like https://console.example (no path)")
    return url


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise ConfigError(f"{name} must be true or false")


def _data_keys(env: Mapping[str, str], data_dir: Path) -> tuple[Secret, ...]:
    raw = env.get("RAPPORT_DATA_KEYS", "")
    if raw:
        keys = tuple(Secret(k.strip()) for k in raw.split(",") if k.strip())
        if any(len(k.value) < 32 for k in keys):
            raise ConfigError("RAPPORT_DATA_KEYS: each key needs at least 32 characters")
        return keys
    return (_secret(env, "RAPPORT_DATA_KEY", data_dir),)


def _audit_keys(env: Mapping[str, str], guest_key: Secret) -> tuple[Secret, ...]:
    raw = env.get("RAPPORT_AUDIT_KEYS", "")
    if raw:
        keys = tuple(Secret(k.strip()) for k in raw.split(",") if k.strip())
        if not keys or any(len(k.value) < 32 for k in keys):
            raise ConfigError("RAPPORT_AUDIT_KEYS: each key needs at least 32 characters")
        return keys
    derived = hmac.new(guest_key.value.encode(), b"rapport audit chain v1", hashlib.sha256).hexdigest()
    return (Secret(derived),)


def _secret(env: Mapping[str, str], name: str, data_dir: Path) -> Secret:
    """A secret from the environment, or for embedded runs one generated once and
    kept in the data folder (mode 0600), so restarts keep guest references stable."""
    if env.get(name):
        return Secret(env[name])
    path = data_dir / "secrets" / name.lower()
    if path.exists():
        return Secret(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    value = _secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return Secret(path.read_text().strip())
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return Secret(value)
