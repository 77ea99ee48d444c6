"""The local multi-replica topology: the product as it runs past one machine, on one
machine, behind a real reverse proxy (Debian's HAProxy 2.6).

    Cluster(settings, rasa=3, actions=2, jobs=2).start()

starts, once: the embedded Valkey and nx-27017 (unless REDIS_URL / MONGODB_URL are set)
and the local Twilio and SMTP stand-ins; then the console, K job processes
(`python -m bot.jobs`: every job is safe on several processes, bot/jobs/__init__.py),
M action servers and N Rasa servers (`rasa run`, one process each) on free ports; and
HAProxy last, with a config rendered from deploy/haproxy/haproxy.cfg.in (the production
example deploy/haproxy/haproxy.cfg comes from the same template: `render_haproxy`).

The proxy takes the settings' public ports, so every URL the product hands out is the
proxy's: `settings.rasa_port` (RAPPORT_PUBLIC_URL, what Twilio calls) is its Rasa
frontend, `settings.action_port` (RAPPORT_ACTION_URL, what Rasa calls) its action
frontend, `settings.console_port` (RAPPORT_CONSOLE_URL) its console frontend. The
processes behind it listen on free ports of their own (`rasa_urls`, `action_urls`).

Each child is a `bot.stack.Child` in its own process group, logging to
`<data dir>/logs/<name>.log`; `kill9`, `restart`, `restart_redis`, `restart_mongo` are
for fault tests (scripts/bench_faults.py, tests/cluster/).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from string import Template

from bot.base.settings import PROJECT_ROOT, Settings
from bot.stack import (
    BIN,
    Child,
    Progress,
    Stack,
    StackError,
    _http_ok,
    _tcp_ok,
    _wait,
    model_path,
    pick_free_port,
    train_if_needed,
)

HAPROXY = "haproxy"
SBIN_HAPROXY = Path("/usr/sbin/haproxy")  # not on a normal user's PATH
TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy" / "haproxy.cfg.in"
EXAMPLE = PROJECT_ROOT / "deploy" / "haproxy" / "haproxy.cfg"

RASA_READY = 240.0  # seconds: several replicas load their models at once on few cores


def haproxy_binary() -> str | None:
    """Debian's haproxy (scripts/test_prereqs.py installs it), or None."""
    found = shutil.which(HAPROXY)
    if found:
        return found
    return str(SBIN_HAPROXY) if SBIN_HAPROXY.exists() else None


@dataclass(frozen=True)
class ProxyLayout:
    """What differs between the local and a production HAProxy config."""

    title: str
    global_lines: list[str]
    rasa_bind: list[str]
    action_bind: list[str]
    console_bind: list[str]
    stats_bind: list[str]
    rasa: list[tuple[str, str]]  # (name, host:port)
    actions: list[tuple[str, str]]
    console: list[tuple[str, str]]


def _lines(lines: list[str]) -> str:
    return "\n".join(f"    {line}" for line in lines)


def _servers(servers: list[tuple[str, str]], extra: str = "check") -> str:
    return _lines([f"server {name} {addr} {extra}".rstrip() for name, addr in servers])


def render_haproxy(layout: ProxyLayout, template: Path = TEMPLATE) -> str:
    """The HAProxy config for `layout` from the one template."""
    return Template(template.read_text()).substitute(
        title=layout.title,
        global_lines=_lines(layout.global_lines),
        rasa_bind=_lines(layout.rasa_bind),
        action_bind=_lines(layout.action_bind),
        console_bind=_lines(layout.console_bind),
        stats_bind=_lines(layout.stats_bind),
        rasa_servers=_servers(layout.rasa),
        # health taken from the rasa backend's checks: one check per replica
        rasa_socketio_servers=_lines(
            [f"server {name} {addr} track rasa/{name}" for name, addr in layout.rasa]
        ),
        action_servers=_servers(layout.actions),
        console_servers=_servers(layout.console),
    )


def production_layout() -> ProxyLayout:
    """The example deployment: one HAProxy host terminating TLS in front of three Rasa
    hosts, two action servers, one console (private addresses 10.0.1.x)."""
    return ProxyLayout(
        title="production example (three Rasa hosts, two action servers, one console)",
        global_lines=[
            "log /dev/log local0",
            "chroot /var/lib/haproxy",
            "stats socket /run/haproxy/admin.sock mode 660 level admin",
            "user haproxy",
            "group haproxy",
            "ssl-default-bind-options ssl-min-ver TLSv1.2",
        ],
        rasa_bind=[
            "bind :80",
            "bind :443 ssl crt /etc/haproxy/certs/rapport.pem alpn http/1.1",
            "http-request redirect scheme https code 301 unless { ssl_fc }",
        ],
        # internal only: the Rasa hosts reach it on the private network
        action_bind=["bind 10.0.1.10:5055"],
        console_bind=["bind :8443 ssl crt /etc/haproxy/certs/console.pem alpn http/1.1"],
        stats_bind=["bind 127.0.0.1:8404"],
        rasa=[(f"rasa-{i}", f"10.0.1.{21 + i}:5005") for i in range(3)],
        actions=[(f"actions-{i}", f"10.0.1.{31 + i}:5055") for i in range(2)],
        console=[("console", "10.0.1.41:5080")],
    )


@dataclass
class _Role:
    """How to (re)start one named process: its command, its env, its readiness."""

    cmd: list[str]
    env: dict[str, str]
    ready: Callable[[Child], None]


class Cluster:
    """N Rasa replicas, M action servers, K job processes and the console behind HAProxy."""

    proxy_url: str  # http://host:<settings.rasa_port>: /webhooks/* and /socket.io/* -> the Rasa pool
    console_url: str  # the console through the proxy (settings.console_url)
    rasa_urls: list[str]  # each replica directly (tests that pin a replica)
    action_urls: list[str]  # each action server directly
    stats_url: str  # HAProxy's statistics page (CSV: stats_url + ";csv")
    haproxy_config: Path | None  # the rendered config, once started

    def __init__(
        self,
        settings: Settings,
        *,
        rasa: int = 3,
        actions: int = 2,
        jobs: int = 2,
        progress: Progress = print,
        project: Path = PROJECT_ROOT,
    ) -> None:
        if min(rasa, actions, jobs) < 1:
            raise ValueError("a cluster needs at least one of each process")
        self.settings = settings
        self.rasa, self.actions, self.jobs = rasa, actions, jobs
        self.progress = progress
        self.project = project
        self._stack = Stack(settings, project=project, progress=progress)
        self._roles = {}
        self._children = {}
        h = settings.host
        self.proxy_url = f"http://{h}:{settings.rasa_port}"
        self.console_url = settings.console_url
        self._rasa_ports = [pick_free_port(h) for _ in range(rasa)]
        self._action_ports = [pick_free_port(h) for _ in range(actions)]
        self._console_port = pick_free_port(h)
        self._stats_port = pick_free_port(h)
        self.rasa_urls = [f"http://{h}:{p}" for p in self._rasa_ports]
        self.action_urls = [f"http://{h}:{p}" for p in self._action_ports]
        self.stats_url = f"http://{h}:{self._stats_port}/stats"
        self.haproxy_config = None

    # -- the API ----------------------------------------------------------------------

    def names(self) -> list[str]:
        return [
            *(f"rasa-{i}" for i in range(self.rasa)),
            *(f"actions-{i}" for i in range(self.actions)),
            *(f"jobs-{i}" for i in range(self.jobs)),
            "console",
            "haproxy",
        ]

    def pid(self, name: str) -> int:
        return self._child(name).process.pid

    def kill9(self, name: str) -> None:
        """SIGKILL the process group of `name`; it is not restarted."""
        child = self._child(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait(timeout=10)

    def restart(self, name: str) -> None:
        """Start `name` again (on the same port), after stopping it if it still runs;
        return once it is ready."""
        role = self._roles[name]
        old = self._child(name)
        old.stop()
        self._stack.children.remove(old)
        child = self._stack._spawn(name, role.cmd, role.env)
        self._children[name] = child
        role.ready(child)
        proxy = self._children.get("haproxy")
        if name != "haproxy" and proxy is not None and proxy.process.poll() is None:
            # ready also means: back in the proxy's pool (two passed health checks)
            mine = lambda: all(v == "UP" for k, v in self.server_states().items() if k.endswith(f"/{name}"))  # noqa: E731
            _wait(mine, proxy, f"HAProxy's health check of {name}", 30)

    def restart_redis(self) -> None:
        """SIGTERM the embedded Valkey and start it on the same port and data folder."""
        self._restart_store("redis", self._stack._start_redis)

    def restart_mongo(self) -> None:
        """The same for the embedded nx-27017."""
        self._restart_store("mongo", self._stack._start_mongo)

    def start(self, *, train: bool = True) -> Cluster:
        s = self.settings
        st = self._stack
        t0 = time.monotonic()
        step = lambda msg: self.progress(f"[{time.monotonic() - t0:5.1f}s] {msg}")  # noqa: E731
        binary = haproxy_binary()
        if binary is None:
            raise StackError("haproxy not found: install Debian's haproxy (scripts/test_prereqs.py)")
        try:
            for port, what in (
                (s.rasa_port, "the proxy's Rasa frontend"),
                (s.action_port, "the proxy's action frontend"),
                (s.console_port, "the proxy's console frontend"),
            ):
                st._require_port(port, what)
            if s.redis_url is None:
                st._start_redis(step)
            if s.mongodb_url is None:
                st._start_mongo(step)
            if not s.twilio_account_sid:
                st._start_fake_twilio(step)
            if not s.smtp_host:
                st._start_fake_email(step)
            model = train_if_needed(self.project, step) if train else model_path(self.project)
            # every replica's SMTP receiver on one port (SO_REUSEPORT: the kernel spreads
            # connections), on embedded defaults only, as in Stack
            st.smtp_inbound_port = s.smtp_inbound_port or (None if s.smtp_host else pick_free_port(s.host))
            self._define_roles(model)
            # spawn everything, then wait: the Rasa replicas load their models in parallel
            step(
                f"starting the console, {self.jobs} job processes, {self.actions} action servers "
                f"and {self.rasa} Rasa replicas ..."
            )
            for name in self.names()[:-1]:
                self._children[name] = st._spawn(name, self._roles[name].cmd, self._roles[name].env)
            for name in self.names()[:-1]:
                self._roles[name].ready(self._children[name])
                step(f"{name} ready")
            self._start_haproxy(binary, step)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the proxy, then every replica, job process and the console at once
        (each takes seconds to stop gracefully), then the stores and stand-ins."""
        st = self._stack
        apps = [c for c in st.children if c.name in self._children]
        proxy = [c for c in apps if c.name == "haproxy"]
        for child in proxy:
            child.stop()
        with ThreadPoolExecutor(max_workers=max(1, len(apps))) as pool:
            list(pool.map(Child.stop, [c for c in apps if c not in proxy]))
        st.children[:] = [c for c in st.children if c not in apps]
        st.stop()
        self._children.clear()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the parts ----------------------------------------------------------------------

    def layout(self) -> ProxyLayout:
        """This cluster's HAProxy layout (loopback, free ports, logs to stdout)."""
        h = self.settings.host
        return ProxyLayout(
            title=f"local cluster ({self.rasa} Rasa, {self.actions} action servers), bot/cluster.py",
            global_lines=["log stdout format raw local0 info", f"pidfile {self._data / 'haproxy.pid'}"],
            rasa_bind=[f"bind {h}:{self.settings.rasa_port}"],
            action_bind=[f"bind {h}:{self.settings.action_port}"],
            console_bind=[f"bind {h}:{self.settings.console_port}"],
            stats_bind=[f"bind {h}:{self._stats_port}"],
            rasa=[(f"rasa-{i}", f"{h}:{p}") for i, p in enumerate(self._rasa_ports)],
            actions=[(f"actions-{i}", f"{h}:{p}") for i, p in enumerate(self._action_ports)],
            console=[("console", f"{h}:{self._console_port}")],
        )

    @property
    def _data(self) -> Path:
        return self.settings.data_dir

    def _child(self, name: str) -> Child:
        try:
            return self._children[name]
        except KeyError:
            raise KeyError(f"no process {name!r} in this cluster: {', '.join(self.names())}") from None

    def _define_roles(self, model: Path) -> None:
        s = self.settings
        h = s.host
        behind_proxy = {"RAPPORT_WEBCHAT_TRUST_PROXY": "true", "RAPPORT_CONSOLE_TRUST_PROXY": "true"}
        for i, port in enumerate(self._rasa_ports):
            self._roles[f"rasa-{i}"] = _Role(
                [
                    str(BIN / "rasa"),
                    "run",
                    "--model",
                    str(model),
                    "--interface",
                    h,
                    "--port",
                    str(port),
                    "--credentials",
                    "credentials.yml",
                    "--endpoints",
                    "endpoints.yml",
                ],  # fmt: skip
                {**behind_proxy, "RAPPORT_RASA_PORT": str(port), "SANIC_WORKERS": "1"},
                self._ready_http(f"http://{h}:{port}/webhooks/rest/", f"rasa-{i}", RASA_READY),
            )
        for i, port in enumerate(self._action_ports):
            self._roles[f"actions-{i}"] = _Role(
                [sys.executable, "-m", "actions.server"],
                {"RAPPORT_ACTION_PORT": str(port)},
                self._ready_http(f"http://{h}:{port}/health", f"actions-{i}", 90),
            )
        for i in range(self.jobs):
            # its own HTTP port (metrics, health) where the jobs process serves one
            self._roles[f"jobs-{i}"] = _Role(
                [sys.executable, "-m", "bot.jobs"],
                {"RAPPORT_JOBS_HTTP_PORT": str(pick_free_port(h))},
                self._stack._wait_jobs,
            )
        self._roles["console"] = _Role(
            [sys.executable, "-m", "bot.console"],
            {**behind_proxy, "RAPPORT_CONSOLE_PORT": str(self._console_port)},
            self._ready_http(f"http://{h}:{self._console_port}/healthz", "console", 90),
        )

    def _ready_http(self, url: str, what: str, timeout: float) -> Callable[[Child], None]:
        def ready(child: Child) -> None:
            _wait(_http_ok(url), child, what, timeout)

        return ready

    def _start_haproxy(self, binary: str, step: Progress) -> None:
        config = self._data / "haproxy.cfg"
        config.write_text(render_haproxy(self.layout()))
        self.haproxy_config = config
        checked = subprocess.run([binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
        if checked.returncode != 0:
            raise StackError(f"haproxy rejects {config}:\n{checked.stdout}{checked.stderr}")
        step(f"starting HAProxy: {self.proxy_url} (Rasa), {self.console_url} (console) ...")
        cmd = [binary, "-db", "-f", str(config)]
        self._roles["haproxy"] = _Role(cmd, {}, self._ready_proxy)
        self._children["haproxy"] = self._stack._spawn("haproxy", cmd)
        self._ready_proxy(self._children["haproxy"])
        step("HAProxy ready, every server up")

    def _ready_proxy(self, child: Child) -> None:
        h = self.settings.host
        _wait(_tcp_ok(h, self.settings.rasa_port), child, "HAProxy", 20)
        _wait(lambda: all(v == "UP" for v in self.server_states().values()), child, "HAProxy's servers", 30)

    def server_states(self) -> dict[str, str]:
        """{"rasa/rasa-0": "UP", "actions/actions-1": "DOWN", ...} from HAProxy's statistics."""
        with urllib.request.urlopen(self.stats_url + ";csv", timeout=2) as r:  # noqa: S310 - our own URL
            rows = r.read().decode().splitlines()
        header = rows[0].lstrip("# ").split(",")
        states = {}
        for row in rows[1:]:
            cells = dict(zip(header, row.split(","), strict=False))
            if cells.get("svname") not in ("FRONTEND", "BACKEND", None):
                states[f"{cells['pxname']}/{cells['svname']}"] = cells.get("status", "").split(" ")[0]
        return states

    def _restart_store(self, name: str, start: Callable[[Progress], None]) -> None:
        st = self._stack
        old = next(c for c in st.children if c.name == name)
        old.stop()
        position = st.children.index(old)
        st.children.remove(old)
        start(self.progress)
        # keep the stop order: the store stops after the processes that use it
        st.children.insert(position, st.children.pop())
