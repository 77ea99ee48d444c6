"""The production compose skeleton (docker/): valid for the real compose tool, and
secure by construction — only rasa and the staff console are reachable (on loopback),
the action server, the background jobs and the stores publish nothing, secrets come
only from the environment.

`docker compose config` / `docker-compose config` need no Docker engine. The tool test
is skipped only when neither `docker compose` (plugin) nor `docker-compose` (v1) can run
`config` on this machine (CI installs Debian's `docker-compose`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKER_DIR = ROOT / "docker"
COMPOSE_FILE = DOCKER_DIR / "docker-compose.yml"
ENV_EXAMPLE = DOCKER_DIR / ".env.example"
DOCKERFILES = {
    "rasa": DOCKER_DIR / "Dockerfile.rasa",
    "actions": DOCKER_DIR / "Dockerfile.actions",
    "console": DOCKER_DIR / "Dockerfile.console",
}

SERVICES = {"rasa", "actions", "console", "jobs", "mongodb", "redis"}
# the services a reverse proxy on the host reaches (published on loopback, on `edge`)
EDGE_SERVICES = ("rasa", "console")
# on `edge` for their way out (SMTP relay, Twilio), publishing nothing
OUTBOUND_SERVICES = ("jobs",)
BACKENDS = ("actions", "jobs", "mongodb", "redis")
APP_SERVICES = ("rasa", "actions", "console", "jobs")
# the app services that never talk to the action server (no RAPPORT_ACTION_TOKEN)
NO_ACTION_TOKEN = ("console", "jobs")
SECRETS = (
    "MONGO_PASSWORD",
    "REDIS_PASSWORD",
    "RAPPORT_ACTION_TOKEN",
    "RAPPORT_GUEST_KEY",
    "RAPPORT_DATA_KEYS",
    "SMTP_PASSWORD",
)
# secrets of optional integrations (no SMS without Twilio): `${NAME:-}`, empty by
# default, never a literal value
OPTIONAL_SECRETS = ("TWILIO_AUTH_TOKEN",)
# not secret, but compose must refuse to start without them
REQUIRED_SETTINGS = ("RAPPORT_CONSOLE_URL", "RAPPORT_PUBLIC_URL", "SMTP_HOST", "SMTP_USERNAME")
DATA_ENV = ("MONGODB_URL", "REDIS_URL", "RAPPORT_GUEST_KEY", "RAPPORT_DATA_KEYS")
APP_ENV = (*DATA_ENV, "RAPPORT_ACTION_TOKEN")
SECRETISH_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|_KEYS?$|^KEYS?$|AUTH", re.IGNORECASE)
REQUIRED_REF = re.compile(r"^\$\{[A-Z0-9_]+:\?[^}]+\}$")
TIMEOUT = 120


# --- helpers -------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def _example_env() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep, f".env.example: not NAME=value: {line!r}"
        values[name.strip()] = value.strip()
    return values


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _networks(service: dict[str, Any]) -> set[str]:
    nets = service.get("networks") or []
    return set(nets) if isinstance(nets, list) else set(nets.keys())


def _port_host_ips(ports: list[Any]) -> list[str | None]:
    """Host IP of each port entry, short ("127.0.0.1:5005:5005[/tcp]") or long syntax."""
    ips = []
    for port in ports:
        if isinstance(port, dict):
            ips.append(port.get("host_ip"))
        else:
            parts = re.sub(r"\$\{[^}]*\}", "VAR", str(port)).split(":")
            ips.append(parts[0] if len(parts) == 3 else None)
    return ips


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def _subprocess_env() -> dict[str, str]:
    """The test's environment without anything that could leak into compose: no
    COMPOSE_* settings and none of the variables the compose file reads."""
    names = set(_example_env()) | set(SECRETS) | set(OPTIONAL_SECRETS) | set(REQUIRED_SETTINGS)
    return {k: v for k, v in os.environ.items() if k not in names and not k.startswith("COMPOSE_")}


def _run(cmd: list[str], *args: str, env_file: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*cmd, "-f", str(COMPOSE_FILE), "--env-file", str(env_file), *args],
        cwd=cwd,
        env=_subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _can_run_config(cmd: list[str], tmp: Path) -> bool:
    """Whether `cmd` can run `config` at all (tried on a trivial compose file)."""
    if shutil.which(cmd[0]) is None:
        return False
    probe = tmp / "probe"
    probe.mkdir(exist_ok=True)
    (probe / "docker-compose.yml").write_text("services:\n  probe:\n    image: busybox\n")
    try:
        result = subprocess.run(
            [*cmd, "-f", str(probe / "docker-compose.yml"), "config", "-q"],
            cwd=probe,
            env=_subprocess_env(),
            capture_output=True,
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@pytest.fixture(scope="module")
def compose_tools(tmp_path_factory) -> list[list[str]]:
    tmp = tmp_path_factory.mktemp("compose-probe")
    tools = [cmd for cmd in (["docker", "compose"], ["docker-compose"]) if _can_run_config(cmd, tmp)]
    if not tools:
        pytest.skip("neither `docker compose` nor `docker-compose` can run `config` here")
    return tools


# --- the real tool ---------------------------------------------------------------


def test_compose_config_is_valid_with_the_real_tool(compose_tools, tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    example = _example_env()
    for cmd in compose_tools:
        quiet = _run(cmd, "config", "-q", env_file=env_file, cwd=tmp_path)
        assert quiet.returncode == 0, f"{' '.join(cmd)} config -q failed:\n{quiet.stderr}"

        full = _run(cmd, "config", env_file=env_file, cwd=tmp_path)
        assert full.returncode == 0, f"{' '.join(cmd)} config failed:\n{full.stderr}"
        resolved = yaml.safe_load(full.stdout)
        services = resolved["services"]
        assert set(services) == SERVICES
        for name in BACKENDS:
            assert not services[name].get("ports"), f"{name} publishes ports"
        for name in EDGE_SERVICES:
            assert _port_host_ips(services[name]["ports"]) == ["127.0.0.1"], name
        assert resolved["networks"]["internal"]["internal"] is True
        # the values really came from the env file
        for name in APP_SERVICES:
            env = _environment(services[name])
            assert env["RAPPORT_GUEST_KEY"] == example["RAPPORT_GUEST_KEY"], name
            assert env["RAPPORT_DATA_KEYS"] == example["RAPPORT_DATA_KEYS"], name
            assert example["MONGO_PASSWORD"] in env["MONGODB_URL"], name
        for name in NO_ACTION_TOKEN:
            env = _environment(services[name])
            assert env["RAPPORT_CONSOLE_URL"] == example["RAPPORT_CONSOLE_URL"], name
            assert env["SMTP_PASSWORD"] == example["SMTP_PASSWORD"], name
            assert "RAPPORT_ACTION_TOKEN" not in env, name
        assert services["jobs"]["command"] == ["python", "-m", "bot.jobs"]


@pytest.mark.parametrize("missing", SECRETS + REQUIRED_SETTINGS)
def test_compose_refuses_to_run_without_a_secret(compose_tools, tmp_path, missing):
    env_file = tmp_path / "env"
    env_file.write_text(
        "".join(f"{k}={v}\n" for k, v in _example_env().items() if k != missing), encoding="utf-8"
    )
    for cmd in compose_tools:
        result = _run(cmd, "config", "-q", env_file=env_file, cwd=tmp_path)
        assert result.returncode != 0, f"{' '.join(cmd)} accepted a missing {missing}"
        assert f"set {missing}" in result.stderr + result.stdout


# --- the file itself -------------------------------------------------------------


def test_services_and_images():
    services = _compose()["services"]
    assert set(services) == SERVICES
    assert services["mongodb"]["image"] == "mongo:7"
    assert services["redis"]["image"] == "redis:7"
    assert services["rasa"]["build"]["dockerfile"] == "docker/Dockerfile.rasa"
    assert services["actions"]["build"]["dockerfile"] == "docker/Dockerfile.actions"
    assert services["console"]["build"]["dockerfile"] == "docker/Dockerfile.console"
    # the jobs run in the console's image, with another command
    assert services["jobs"]["build"] == services["console"]["build"]
    assert services["jobs"]["image"] == services["console"]["image"]


@pytest.mark.parametrize("name", BACKENDS)
def test_backends_publish_no_ports(name):
    service = _compose()["services"][name]
    assert "ports" not in service
    assert service.get("network_mode") is None


@pytest.mark.parametrize("name", EDGE_SERVICES)
def test_edge_services_publish_on_loopback_only(name):
    service = _compose()["services"][name]
    assert service["ports"], f"{name} must publish its port for the reverse proxy"
    assert _port_host_ips(service["ports"]) == ["127.0.0.1"] * len(service["ports"])


def test_only_the_edge_services_publish_ports():
    services = _compose()["services"]
    assert {name for name, service in services.items() if service.get("ports")} == set(EDGE_SERVICES)


def test_networks_are_internal_except_the_edge():
    compose = _compose()
    networks = compose["networks"]
    assert networks["internal"]["internal"] is True
    assert not (networks["edge"] or {}).get("internal"), "edge must reach the host"
    for name, service in compose["services"].items():
        assert service.get("network_mode") is None, name
        expected = {"internal", "edge"} if name in EDGE_SERVICES + OUTBOUND_SERVICES else {"internal"}
        assert _networks(service) == expected, name
    # every declared network other than edge is internal
    for name, config in networks.items():
        if name != "edge":
            assert (config or {}).get("internal") is True, name


def test_secret_settings_are_required_environment_references():
    for path, value in _strings(_compose()):
        key = path.rsplit(".", 1)[-1]
        if ".environment." in f".{path}" and SECRETISH_NAME.search(key):
            if key in OPTIONAL_SECRETS:
                assert value == f"${{{key}:-}}", f"{path} must be ${{{key}:-}}, not {value!r}"
            else:
                assert REQUIRED_REF.match(value), f"{path} must be ${{VAR:?message}}, not {value!r}"


def test_credentials_in_urls_are_references():
    for path, value in _strings(_compose()):
        for match in re.finditer(r"[a-z]+://([^@/\s]*)@", value):
            userinfo = match.group(1)
            password = userinfo.split(":", 1)[1] if ":" in userinfo else ""
            assert REQUIRED_REF.match(password), f"{path}: password in URL must be ${{VAR:?...}}"


def test_secret_variables_always_use_required_syntax():
    text = "\n".join(value for _, value in _strings(_compose()))
    for name in SECRETS + REQUIRED_SETTINGS:
        refs = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert refs, f"{name} is not used"
        assert all(r.startswith(":?") for r in refs), f"${{{name}}} must be ${{{name}:?...}}"
        assert not re.search(r"(?<![{$])\$" + name + r"\b", text), f"bare ${name} reference"
    for name in OPTIONAL_SECRETS:
        refs = re.findall(r"\$\{" + name + r"([^}]*)\}", text)
        assert refs, f"{name} is not used"
        assert all(r == ":-" for r in refs), f"${{{name}}} must be ${{{name}:-}} (empty default)"
        assert not re.search(r"(?<![{$])\$" + name + r"\b", text), f"bare ${name} reference"


def test_no_literal_secret_values():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for name, value in _example_env().items():
        if name in SECRETS:
            assert value not in text, f"the example value of {name} is pasted into the compose file"
    redis_cmd = [str(x) for x in _compose()["services"]["redis"]["command"]]
    assert REQUIRED_REF.match(redis_cmd[redis_cmd.index("--requirepass") + 1])
    # the mongo healthcheck passes credentials as container-shell variables only
    test = " ".join(_compose()["services"]["mongodb"]["healthcheck"]["test"])
    for flag in ("--password", "-p"):
        for m in re.finditer(rf"(?<!\S){flag}\s+(\S+)", test):
            assert m.group(1).strip('"').startswith("$$"), f"literal mongosh {flag}"


def test_redis_is_persistent_and_password_protected():
    redis = _compose()["services"]["redis"]
    cmd = [str(x) for x in redis["command"]]
    assert cmd[cmd.index("--appendonly") + 1] == "yes"
    assert cmd[cmd.index("--requirepass") + 1].startswith("${REDIS_PASSWORD:?")
    assert any(str(v).startswith("redis-data:") for v in redis["volumes"])
    assert "healthcheck" in redis


def test_mongodb_is_a_single_node_replica_set_with_auth():
    mongo = _compose()["services"]["mongodb"]
    env = _environment(mongo)
    assert env["MONGO_INITDB_ROOT_USERNAME"].startswith("${")
    assert env["MONGO_INITDB_ROOT_PASSWORD"].startswith("${MONGO_PASSWORD:?")
    cmd = [str(x) for x in mongo["command"]]
    assert cmd[cmd.index("--replSet") + 1] == "rs0"
    assert "--keyFile" in cmd
    check = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate" in check and "'rs0'" in check and "isWritablePrimary" in check
    assert any(str(v).startswith("mongo-data:/data/db") for v in mongo["volumes"])
    assert "mongo-data" in _compose()["volumes"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_containers_get_the_app_environment(name):
    env = _environment(_compose()["services"][name])
    for var in APP_ENV if name not in NO_ACTION_TOKEN else DATA_ENV:
        assert var in env, f"{name} lacks {var}"
    assert "replicaSet=rs0" in env["MONGODB_URL"] and "@mongodb:27017" in env["MONGODB_URL"]
    assert "@redis:6379" in env["REDIS_URL"]


def test_console_environment():
    console = _compose()["services"]["console"]
    env = _environment(console)
    # least privilege: the console never talks to the action server
    assert "RAPPORT_ACTION_TOKEN" not in env
    assert env["RAPPORT_CONSOLE_TRUST_PROXY"] == "true"  # it is only reachable via the proxy
    for var in (
        "RAPPORT_CONSOLE_URL",
        "SMTP_HOST",
        "SMTP_PASSWORD",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
    ):
        assert var in env, f"console lacks {var}"
    assert {name for name, dep in console["depends_on"].items() if dep["condition"] == "service_healthy"} >= {
        "mongodb",
        "redis",
    }
    # the port it publishes is the one the image listens on
    assert all(str(p).endswith(":5080") for p in console["ports"])


def test_jobs_service():
    jobs = _compose()["services"]["jobs"]
    env = _environment(jobs)
    assert jobs["command"] == ["python", "-m", "bot.jobs"]
    assert "RAPPORT_ACTION_TOKEN" not in env  # least privilege, as the console
    # links in alerts and notices, export links, and the ways out
    for var in (
        "RAPPORT_CONSOLE_URL",
        "RAPPORT_PUBLIC_URL",
        "SMTP_HOST",
        "SMTP_PASSWORD",
        "TWILIO_AUTH_TOKEN",
    ):
        assert var in env, f"jobs lacks {var}"
    assert {name for name, dep in jobs["depends_on"].items() if dep["condition"] == "service_healthy"} >= {
        "mongodb",
        "redis",
    }
    # the image's health check asks the console's port, which the jobs do not open
    assert jobs["healthcheck"]["test"] == ["CMD", "python", "-m", "bot.jobs", "--check"]
    assert "ports" not in jobs and "expose" not in jobs
    # a graceful stop (the round in progress, bot/jobs/runner.py GRACE) fits in the grace period
    assert int(str(jobs["stop_grace_period"]).rstrip("s")) >= 15


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_containers_are_hardened(name):
    service = _compose()["services"][name]
    assert "no-new-privileges:true" in service.get("security_opt", [])
    assert service.get("cap_drop") == ["ALL"]
    assert service.get("logging", {}).get("options", {}).get("max-size"), "unbounded logs"
    assert service.get("privileged") is not True
    assert "user" not in service, "the image's non-root user must not be overridden"


def test_rasa_gets_every_variable_endpoints_yml_reads():
    endpoints = ROOT / "endpoints.yml"
    if not endpoints.exists():
        pytest.skip("no endpoints.yml yet")
    wanted = set(re.findall(r"\$\{(\w+)\}", endpoints.read_text(encoding="utf-8")))
    env = _environment(_compose()["services"]["rasa"])
    assert wanted <= set(env), f"rasa lacks {sorted(wanted - set(env))} (read by endpoints.yml)"


def test_env_example_documents_every_variable():
    referenced = {
        name for _, value in _strings(_compose()) for name in re.findall(r"(?<!\$)\$\{(\w+)", value)
    }
    example = _example_env()
    assert referenced <= set(example), f".env.example lacks {sorted(referenced - set(example))}"
    for name in SECRETS:
        assert "change-me" in example[name], f".env.example must hold a placeholder for {name}"
    for name in OPTIONAL_SECRETS:
        assert example[name] == "", f".env.example must leave the optional {name} empty"


# --- Dockerfiles ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_dockerfile_basics(name):
    text = DOCKERFILES[name].read_text(encoding="utf-8")
    froms = re.findall(r"^FROM\s+(\S+)", text, re.MULTILINE)
    assert froms and all(f == "python:3.11-slim" for f in froms)
    assert "pip install --no-deps --ignore-requires-python -r /tmp/requirements.lock" in text
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK\s", text, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_dockerfile_copy_sources_exist(name):
    """Every path a COPY takes from the build context (the repository root) exists."""
    text = DOCKERFILES[name].read_text(encoding="utf-8")
    for line in re.findall(r"^COPY\s+(.+)$", text, re.MULTILINE):
        parts = [p for p in line.split() if not p.startswith("--")]
        if re.search(r"^COPY\s+--from=", f"COPY {line}"):
            continue
        for source in parts[:-1]:
            assert (ROOT / source).exists(), f"{name}: COPY source {source} does not exist"


def test_dockerfile_commands():
    rasa = DOCKERFILES["rasa"].read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["rasa"]' in rasa
    for arg in ('"run"', '"0.0.0.0"', '"5005"', '"endpoints.yml"', '"credentials.yml"'):
        assert arg in rasa
    assert "--enable-api" not in rasa  # the HTTP API stays off; channels need none of it
    actions = DOCKERFILES["actions"].read_text(encoding="utf-8")
    # our authenticated action server, listening on the container's interface
    assert 'CMD ["python", "-m", "actions.server"]' in actions
    assert "RAPPORT_BIND_HOST=0.0.0.0" in actions
    console = DOCKERFILES["console"].read_text(encoding="utf-8")
    assert 'CMD ["python", "-m", "bot.console"]' in console
    assert "RAPPORT_BIND_HOST=0.0.0.0" in console and "RAPPORT_CONSOLE_PORT=5080" in console
    assert "http://127.0.0.1:5080/readyz" in console
    # the code is root-owned: copied before USER, never with --chown
    assert not re.search(r"^COPY\s+--chown", console, re.MULTILINE)
    assert console.index("COPY bot ./bot") < console.index("USER rapport")
