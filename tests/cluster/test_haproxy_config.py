"""The HAProxy configs: the production example is exactly what the template renders
(no drift from the local one), and haproxy itself accepts both."""

from __future__ import annotations

import subprocess

import pytest

from bot.base.settings import Settings
from bot.cluster import EXAMPLE, Cluster, haproxy_binary, production_layout, render_haproxy
from bot.stack import isolated_env


def test_the_example_is_rendered_from_the_template():
    assert EXAMPLE.read_text() == render_haproxy(production_layout()), (
        "deploy/haproxy/haproxy.cfg differs from the template: "
        "run `python scripts/cluster.py --write-example`"
    )


def _check(binary: str, text: str, tmp_path) -> subprocess.CompletedProcess:
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text)
    return subprocess.run([binary, "-c", "-f", str(cfg)], capture_output=True, text=True)


@pytest.fixture
def binary() -> str:
    found = haproxy_binary()
    if found is None:
        pytest.skip("Debian's haproxy is not installed (scripts/test_prereqs.py installs it as root)")
    return found


def test_haproxy_accepts_the_production_example(binary, tmp_path):
    """With a throw-away self-signed certificate where the example names its own."""
    pem = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rapport.example",
         "-days", "1", "-keyout", str(key), "-out", str(pem)],
        check=True, capture_output=True,
    )  # fmt: skip
    pem.write_text(pem.read_text() + key.read_text())
    text = EXAMPLE.read_text()
    for name in ("rapport.pem", "console.pem"):
        text = text.replace(f"/etc/haproxy/certs/{name}", str(pem))
    done = _check(binary, text, tmp_path)
    assert done.returncode == 0, done.stderr


def test_haproxy_accepts_a_local_config(binary, tmp_path):
    c = Cluster(Settings.from_env(isolated_env(tmp_path)), rasa=2, actions=1, jobs=1)
    text = render_haproxy(c.layout())
    assert text.count("server rasa-") == 4 and "track rasa/rasa-1" in text
    done = _check(binary, text, tmp_path)
    assert done.returncode == 0, done.stderr


def test_a_broken_template_is_refused(binary, tmp_path):
    """The check can fail: a config haproxy rejects is reported."""
    c = Cluster(Settings.from_env(isolated_env(tmp_path)), rasa=1, actions=1, jobs=1)
    text = render_haproxy(c.layout()).replace("balance roundrobin", "balance sometimes", 1)
    assert _check(binary, text, tmp_path).returncode != 0
