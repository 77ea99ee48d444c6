"""The Helm chart (deploy/helm/rapport), rendered and checked without a cluster.

Rendering: there is no helm binary in Debian, PyPI or npm, so deploy/helm/render/main.go
renders the chart with Helm's own engine pieces - Go's text/template and the Sprig v3
function library from Debian (golang-go, golang-github-masterminds-sprig-dev,
golang-gopkg-yaml.v2-dev; scripts/test_prereqs.py installs them) plus Helm's functions
written after its documentation. Every object is then checked against the Kubernetes
JSON schemas (kubernetes-validate, strict: unknown fields are errors), and against our
own rules: probes on every container, no secret in values.yaml, a PDB and a
NetworkPolicy for every Deployment, only the public routes behind the Ingress.

Rendered with the default values and with deploy/helm/values-production.example.yaml.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HELM = ROOT / "deploy" / "helm"
CHART = HELM / "rapport"
RENDERER = HELM / "render" / "main.go"
PRODUCTION = HELM / "values-production.example.yaml"
TENANTS = ROOT / "config" / "tenants.yml"
GOPATH = Path("/usr/share/gocode")
SPRIG = GOPATH / "src" / "github.com" / "Masterminds" / "sprig"
KUBE_VERSIONS = ("1.25.0", "1.28.0")  # the chart's kubeVersion floor and the newest schema set

COMPONENTS = ("rasa", "actions", "console", "jobs")
# Rasa's HTTP API, the REST channel (loopback clients only), the action server, the probes
# and the metrics: never reachable through the Ingress
FORBIDDEN_PATHS = (
    "/webhooks/rest",
    "/model",
    "/conversations",
    "/status",
    "/version",
    "/webhook",
    "/actions",
    "/health",
    "/healthz",
    "/readyz",
    "/metrics",
)
PUBLIC_PREFIXES = ("/webhooks/webchat", "/webhooks/sms", "/webhooks/email", "/webhooks/privacy", "/socket.io")
SECRETISH = re.compile(r"PASSWORD|SECRET|TOKEN|_KEYS?$|MONGODB_URL|REDIS_URL", re.IGNORECASE)
SECRETISH_VALUE_KEY = re.compile(r"password|secret|token|apikey|api_key|privatekey|_key$", re.IGNORECASE)
# names of Secrets/ConfigMaps (not secret values) in values.yaml
NAME_KEYS = {"existingSecret", "existingConfigMap", "existingClaim"}


# --- rendering -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if not go or not SPRIG.is_dir():
        reason = (
            "Debian's golang-go and golang-github-masterminds-sprig-dev are needed to render "
            "the chart (scripts/test_prereqs.py installs them as root)"
        )
        if os.environ.get("CI"):  # in CI they are installed: a skip would hide the chart
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("render") / "render"
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": str(GOPATH), "GOFLAGS": "", "GOPROXY": "off"}
    done = subprocess.run(
        [go, "build", "-o", str(out), str(RENDERER)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return out


def render(renderer: Path, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [str(renderer), "--namespace", "rapport", *args, str(CHART)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


def render_error(renderer: Path, *args: str) -> str:
    done = subprocess.run([str(renderer), *args, str(CHART)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, "rendering should have failed"
    return done.stderr


VALUE_SETS = {
    "default": (),
    "production": ("-f", str(PRODUCTION), "--set-file", f"tenants.content={TENANTS}"),
}


@pytest.fixture(scope="module", params=sorted(VALUE_SETS))
def objects(request: pytest.FixtureRequest, renderer: Path) -> list[dict[str, Any]]:
    return render(renderer, *VALUE_SETS[request.param])


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return deployment["spec"]["template"]["spec"]["containers"]


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, "only matchLabels selectors are used"
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


# --- Kubernetes schemas ----------------------------------------------------------------


class Schemas:
    """kubernetes-validate's strict JSON schemas (unknown fields are errors), looked up as
    its `validate()` looks them up, with one resolver per version that keeps the 1 MB
    `_definitions.json` in memory (its own `validate()` rereads it for every $ref: 30-70 s
    per rendering on a busy 2-core machine instead of well under one)."""

    def __init__(self, kv: Any) -> None:
        self.kv = kv
        self.root = Path(kv.__file__).parent / "kubernetes-json-schema"
        self.validators: dict[tuple[str, str], Any] = {}
        self.resolvers: dict[str, Any] = {}

    def _validator(self, obj: dict[str, Any], version: str) -> Any:
        api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", obj["apiVersion"])
        name = f"{obj['kind'].lower()}-{api}.json"
        if (version, name) not in self.validators:
            directory = self.root / f"v{version}-local-strict"
            base = directory.as_uri() + "/"
            if version not in self.resolvers:
                definitions = json.loads((directory / "_definitions.json").read_text())
                self.resolvers[version] = jsonschema.RefResolver(
                    base, {}, store={base + "_definitions.json": definitions}
                )
            schema = json.loads((directory / name).read_text())
            resolver = self.resolvers[version]
            cls = jsonschema.validators.validator_for(schema)
            self.validators[(version, name)] = cls(schema, resolver=resolver)
        return self.validators[(version, name)]

    def validate(self, obj: dict[str, Any], version: str) -> None:
        self._validator(obj, version).validate(obj)


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    try:
        import kubernetes_validate as kv
    except ImportError:
        if os.environ.get("CI"):  # the dev lock is installed in CI: a skip would hide the check
            pytest.fail("kubernetes-validate (requirements-dev.lock) is not installed")
        pytest.skip("kubernetes-validate (requirements-dev.lock) is not installed")
    return Schemas(kv)


@pytest.mark.parametrize("version", KUBE_VERSIONS)
def test_every_object_is_valid_for_kubernetes(objects, schemas, version):
    kinds = set()
    for obj in objects:
        schemas.validate(obj, version)
        kinds.add(obj["kind"])
    assert {"Deployment", "Service", "Ingress", "PodDisruptionBudget", "NetworkPolicy"} <= kinds
    assert "HorizontalPodAutoscaler" in kinds


def test_the_schema_check_can_fail(objects, schemas):
    good = of_kind(objects, "Deployment")[0]
    typo = yaml.safe_load(yaml.safe_dump(good))
    typo["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/x"
    wrong_type = yaml.safe_load(yaml.safe_dump(good))
    wrong_type["spec"]["replicas"] = "three"
    for bad in (typo, wrong_type):
        with pytest.raises(jsonschema.ValidationError):
            schemas.validate(bad, KUBE_VERSIONS[-1])
    # the package's own (slow) entry point agrees
    with pytest.raises(schemas.kv.ValidationError):
        schemas.kv.validate(typo, KUBE_VERSIONS[-1], True)


# --- our rules -------------------------------------------------------------------------


def test_one_deployment_per_process_and_no_secret_object(objects):
    deployments = {
        d["metadata"]["labels"]["app.kubernetes.io/component"] for d in of_kind(objects, "Deployment")
    }
    assert deployments == set(COMPONENTS)
    assert not of_kind(objects, "Secret"), "the chart reads an existing Secret, never makes one"


def test_every_container_has_probes_on_the_health_paths(objects):
    for d in of_kind(objects, "Deployment"):
        for c in containers(d):
            assert c["readinessProbe"]["httpGet"]["path"] == "/readyz", d["metadata"]["name"]
            assert c["livenessProbe"]["httpGet"]["path"] == "/healthz", d["metadata"]["name"]
            port = c["readinessProbe"]["httpGet"]["port"]
            assert port in {p["name"] for p in c["ports"]} | {p["containerPort"] for p in c["ports"]}
    rasa = next(d for d in of_kind(objects, "Deployment") if d["metadata"]["name"].endswith("-rasa"))
    startup = containers(rasa)[0]["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 180, "model load takes 70-110 s"


def test_containers_run_locked_down(objects):
    for d in of_kind(objects, "Deployment"):
        pod = d["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"] + pod.get("initContainers", []):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, c["name"]
            assert sc["allowPrivilegeEscalation"] is False, c["name"]
            assert sc["capabilities"]["drop"] == ["ALL"], c["name"]
            assert c["resources"]["limits"]["memory"] and c["resources"]["requests"]["cpu"], c["name"]


def test_secrets_come_only_from_the_secret(objects):
    for d in of_kind(objects, "Deployment"):
        for c in containers(d):
            for e in c["env"]:
                if SECRETISH.search(e["name"]):
                    assert "value" not in e, f"{e['name']} must come from a Secret"
                    assert "secretKeyRef" in e["valueFrom"], e["name"]
        names = {e["name"] for c in containers(d) for e in c["env"]}
        assert {"MONGODB_URL", "REDIS_URL", "RAPPORT_GUEST_KEY", "RAPPORT_DATA_KEYS"} <= names
        component = d["metadata"]["labels"]["app.kubernetes.io/component"]
        # like the compose file: only rasa and the action server share the action token
        assert ("RAPPORT_ACTION_TOKEN" in names) == (component in ("rasa", "actions")), component


def _secret_values(node: Any, path: str = "") -> list[str]:
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in NAME_KEYS:
                continue
            if SECRETISH_VALUE_KEY.search(str(k)) and isinstance(v, str | int | float) and v != "":
                found.append(f"{path}.{k}")
            found += _secret_values(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _secret_values(v, f"{path}[{i}]")
    elif isinstance(node, str) and re.search(r"://[^/\s:@]+:[^/\s@]+@", node):
        found.append(f"{path} (credentials in a URL)")
    return found


def test_no_secret_value_in_the_values_files():
    for file in (CHART / "values.yaml", PRODUCTION):
        values = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert _secret_values(values) == [], file.name
    assert _secret_values({"smtp": {"password": "hunter2"}}) == [".smtp.password"]  # the check can fail
    assert _secret_values({"url": "mongodb://u:p@h/"}) == [".url (credentials in a URL)"]


def test_every_deployment_has_a_pdb_and_network_policies(objects):
    pdbs = of_kind(objects, "PodDisruptionBudget")
    policies = of_kind(objects, "NetworkPolicy")
    for d in of_kind(objects, "Deployment"):
        labels = d["spec"]["template"]["metadata"]["labels"]
        assert [p for p in pdbs if selects(p["spec"]["selector"], labels)], d["metadata"]["name"]
        covering = [p for p in policies if selects(p["spec"]["podSelector"], labels)]
        assert len(covering) == 2, d["metadata"]["name"]  # the release's default deny and its own
        deny = next(p for p in covering if "ingress" not in p["spec"] and "egress" not in p["spec"])
        assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"]


def _policy(objects, component):
    return next(
        p for p in of_kind(objects, "NetworkPolicy") if p["metadata"]["name"].endswith(f"-{component}")
    )


def _peers_select(rules, direction, component):
    return any(
        peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component") == component
        for rule in rules
        for peer in rule.get(direction, [])
    )


def test_network_policies_follow_the_compose_internal_network(objects):
    # only rasa reaches the action server, and only the action server is reached that way
    actions = _policy(objects, "actions")
    assert _peers_select(actions["spec"]["ingress"], "from", "rasa")
    for component in ("console", "jobs", "actions"):
        assert not _peers_select(_policy(objects, component)["spec"]["egress"], "to", "actions"), component
    assert _peers_select(_policy(objects, "rasa")["spec"]["egress"], "to", "actions")
    # the action server has no way out (compose: `internal` only); rasa, console, jobs do (`edge`)
    for component in COMPONENTS:
        out = any(
            peer.get("ipBlock", {}).get("cidr") == "0.0.0.0/0"
            for r in _policy(objects, component)["spec"]["egress"]
            for peer in r.get("to", [])
        )
        assert out == (component != "actions"), component
    # the ingress controller reaches only rasa and the console
    for component in ("actions", "jobs"):
        ports = {p["port"] for r in _policy(objects, component)["spec"]["ingress"] for p in r["ports"]}
        assert len(ports) == 1, component  # its own port, for rasa or the metrics scraper only


def _covers(prefix: str, path: str) -> bool:
    """Does an Ingress Prefix path match `path` (element-wise, as Kubernetes matches)?"""
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/") or prefix == ""


def test_the_ingress_exposes_only_the_public_routes(objects):
    ingresses = of_kind(objects, "Ingress")
    assert ingresses
    for ing in ingresses:
        for rule in ing["spec"]["rules"]:
            for p in rule["http"]["paths"]:
                service = p["backend"]["service"]["name"]
                assert service.endswith(("-rasa", "-console")), service
                if service.endswith("-rasa"):
                    assert p["path"].startswith(PUBLIC_PREFIXES), p["path"]
                    assert not any(_covers(p["path"], f) for f in FORBIDDEN_PATHS), p["path"]
                    assert p["path"] != "/"
    public = next(i for i in ingresses if i["metadata"]["name"].endswith("-public"))
    notes = public["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"  # socket.io long-polling
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 60  # websockets
    paths = {p["path"] for r in public["spec"]["rules"] for p in r["http"]["paths"]}
    assert "/socket.io" in paths and "/webhooks/webchat" in paths
    assert _covers("/webhooks", "/webhooks/rest") and not _covers("/webhooks/webchat", "/webhook")


def test_hpa_on_cpu_and_the_queue_depth_option(renderer):
    for name, args in VALUE_SETS.items():
        hpas = of_kind(render(renderer, *args), "HorizontalPodAutoscaler")
        targets = {h["spec"]["scaleTargetRef"]["name"].rsplit("-", 1)[1] for h in hpas}
        assert targets == {"rasa", "actions"}, name
        for h in hpas:
            assert h["apiVersion"] == "autoscaling/v2"
            assert h["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    hpas = of_kind(render(renderer, *VALUE_SETS["production"]), "HorizontalPodAutoscaler")
    rasa = next(h for h in hpas if h["metadata"]["name"].endswith("-rasa"))
    external = [m for m in rasa["spec"]["metrics"] if m["type"] == "External"]
    assert external[0]["external"]["metric"]["name"] == "rapport_inbound_queue_depth"
    from bot.base.metrics import INBOUND_QUEUE_DEPTH

    assert INBOUND_QUEUE_DEPTH._name == "rapport_inbound_queue_depth"
    # with the HPA on, the Deployment leaves replicas to it
    rasa_deployment = next(
        d
        for d in of_kind(render(renderer, *VALUE_SETS["production"]), "Deployment")
        if d["metadata"]["name"].endswith("-rasa")
    )
    assert "replicas" not in rasa_deployment["spec"]


def test_tenants_configmap_and_model(renderer):
    objects = render(renderer, *VALUE_SETS["production"])
    configmap = of_kind(objects, "ConfigMap")[0]
    assert yaml.safe_load(configmap["data"]["tenants.yml"]) == yaml.safe_load(
        TENANTS.read_text(encoding="utf-8")
    )
    rasa = next(d for d in of_kind(objects, "Deployment") if d["metadata"]["name"].endswith("-rasa"))
    pod = rasa["spec"]["template"]["spec"]
    assert pod["initContainers"][0]["image"] == "registry.hotel.example/rapport/model:2026-12-07"
    env = {e["name"]: e.get("value") for e in containers(rasa)[0]["env"]}
    assert env["SANIC_WORKERS"] == "1"
    assert env["RAPPORT_ACTION_URL"].endswith("-actions:5055/webhook")
    volume = render(renderer, "--set", "model.source=volume", "--set", "model.existingClaim=models")
    rasa = next(d for d in of_kind(volume, "Deployment") if d["metadata"]["name"].endswith("-rasa"))
    assert "initContainers" not in rasa["spec"]["template"]["spec"]
    claims = [v for v in rasa["spec"]["template"]["spec"]["volumes"] if "persistentVolumeClaim" in v]
    assert claims[0]["persistentVolumeClaim"] == {"claimName": "models", "readOnly": True}


def test_missing_required_values_are_refused(renderer):
    assert "secrets.existingSecret" in render_error(renderer, "--set", "secrets.existingSecret=")
    assert "tenants.existingConfigMap" in render_error(renderer, "--set", "tenants.existingConfigMap=")
    assert "model.existingClaim" in render_error(renderer, "--set", "model.source=volume")
    assert "model.source" in render_error(renderer, "--set", "model.source=s3")


def test_every_setting_the_chart_sets_is_read_by_the_code(objects):
    code = (ROOT / "bot" / "base" / "settings.py").read_text() + (ROOT / "endpoints.yml").read_text()
    # added by issue 14's metrics work (bot/base/logs.py, bot/jobs), and Rasa's own
    elsewhere = {"RAPPORT_LOG_FORMAT", "RAPPORT_JOBS_HTTP_PORT", "SANIC_WORKERS"}
    for d in of_kind(objects, "Deployment"):
        for c in containers(d):
            for e in c["env"]:
                assert e["name"] in elsewhere or f'"{e["name"]}"' in code or f"${{{e['name']}}}" in code, e[
                    "name"
                ]


def _merged(*files: Path) -> dict[str, Any]:
    def merge(dst: dict[str, Any], src: dict[str, Any]) -> dict[str, Any]:
        for k, v in src.items():
            if isinstance(v, dict) and isinstance(dst.get(k), dict):
                merge(dst[k], v)
            elif v is None:
                dst.pop(k, None)
            else:
                dst[k] = v
        return dst

    values: dict[str, Any] = {}
    for f in files:
        merge(values, yaml.safe_load(f.read_text(encoding="utf-8")))
    return values


def test_values_follow_the_chart_schema():
    """values.schema.json is what real Helm checks at install (the renderer here does not):
    both value sets pass, a misspelt key, a second Sanic worker or a private route fail."""
    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(_merged(CHART / "values.yaml"), schema)
    jsonschema.validate(_merged(CHART / "values.yaml", PRODUCTION), schema)
    for bad in (
        {"rasa": {"replica": 3}},
        {"rasa": {"sanicWorkers": 2}},
        {"ingress": {"public": {"paths": ["/webhooks/rest"]}}},
        {"ingress": {"public": {"paths": ["/"]}}},
        {"secrets": {"existingSecret": ""}},
        {"model": {"source": "s3"}},
    ):
        values = _merged(CHART / "values.yaml")
        for key, sub in bad.items():
            values[key] = {**values[key], **sub}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(values, schema)
