"""Install the system tools the test suite needs, if missing (run by `make test`).

Only `docker-compose` (Debian's package) is needed: tests/test_docker_compose.py
checks docker/docker-compose.yml with the real tool (`config` needs no engine).
Everything else the tests use comes from requirements.lock or ships in a wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def main() -> int:
    if shutil.which("docker-compose"):
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            "test prerequisites: docker-compose missing and cannot be installed here; "
            "the compose test will be skipped",
            file=sys.stderr,
        )
        return 0
    print("test prerequisites: installing Debian's docker-compose ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "docker-compose"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
