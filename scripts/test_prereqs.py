"""Install the system tools the test suite needs, if missing (run by `make test`).

These Debian packages are needed:
* `golang-go`, `golang-github-masterminds-sprig-dev`, `golang-gopkg-yaml.v2-dev`:
  tests/deploy builds deploy/helm/render (Helm's template engine: text/template + Sprig)
  offline against Debian's Go sources, to render the Helm chart;
* `docker-compose`: tests/test_docker_compose.py checks docker/docker-compose.yml with
  the real tool (`config` needs no engine);
* `chromium` (/usr/bin/chromium): tests/stack/test_browser.py drives the web chat demo
  page with Playwright, which uses this browser instead of downloading its own;
* `haproxy` (/usr/sbin/haproxy): tests/cluster/ run the replicas behind it (bot/cluster.py).
Everything else the tests use comes from requirements.lock or ships in a wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
GOCODE = Path("/usr/share/gocode/src")
HAPROXY = Path("/usr/sbin/haproxy")  # not on a normal user's PATH


def missing() -> dict[str, str]:
    """Debian package -> what is skipped without it."""
    needed = {}
    if not shutil.which("docker-compose"):
        needed["docker-compose"] = "the compose test"
    if not CHROMIUM.exists():
        needed["chromium"] = "the browser test"
    if not shutil.which("go"):
        needed["golang-go"] = "the Helm chart tests"
    if not (GOCODE / "github.com" / "Masterminds" / "sprig").is_dir():
        needed["golang-github-masterminds-sprig-dev"] = "the Helm chart tests"
    if not (GOCODE / "gopkg.in" / "yaml.v2").is_dir():
        needed["golang-gopkg-yaml.v2-dev"] = "the Helm chart tests"
    if not HAPROXY.exists() and not shutil.which("haproxy"):
        needed["haproxy"] = "the cluster tests (tests/cluster/)"
    return needed


def main() -> int:
    needed = missing()
    if not needed:
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        for package, skipped in needed.items():
            print(
                f"test prerequisites: {package} missing and cannot be installed here; "
                f"{skipped} will be skipped",
                file=sys.stderr,
            )
        return 0
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    updated = False
    for package in needed:
        print(f"test prerequisites: installing Debian's {package} ...", flush=True)
        cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0 and not updated:
            subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
            updated = True
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
