"""Run Rapport as several replicas behind HAProxy on this machine: `make cluster` (or
`.venv/bin/python scripts/cluster.py --rasa 3 --actions 2 --jobs 2`).

Starts the embedded stores and stand-ins once, the console, the job processes, the
action servers and the Rasa replicas on free ports, and HAProxy in front of them on
the usual ports (bot/cluster.py); prints the URLs; Ctrl-C stops everything.
A process that dies is reported, not restarted (HAProxy routes around it).

`--write-example` rewrites deploy/haproxy/haproxy.cfg from the template and exits.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.base.settings import Settings  # noqa: E402
from bot.cluster import EXAMPLE, Cluster, production_layout, render_haproxy  # noqa: E402
from scripts.run import Signals, start_in_foreground  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rasa", type=int, default=3, help="Rasa replicas (default 3)")
    parser.add_argument("--actions", type=int, default=2, help="action servers (default 2)")
    parser.add_argument("--jobs", type=int, default=2, help="job processes (default 2)")
    parser.add_argument(
        "--write-example", action="store_true", help=f"rewrite {EXAMPLE.name} from the template and exit"
    )
    args = parser.parse_args()
    if args.write_example:
        EXAMPLE.write_text(render_haproxy(production_layout()))
        print(f"wrote {EXAMPLE}")
        return 0
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    cluster = Cluster(
        settings,
        rasa=args.rasa,
        actions=args.actions,
        jobs=args.jobs,
        progress=lambda msg: print(msg, flush=True),
    )
    signals = Signals()
    failed = start_in_foreground(cluster, "Rapport cluster", settings)
    if failed is not None:
        return failed

    print("\nRapport is running behind HAProxy:", flush=True)
    print(f"  web chat, channels  {cluster.proxy_url}/webhooks/webchat/")
    print(f"  REST (loopback)     POST {cluster.proxy_url}/webhooks/rest/webhook")
    print(f"  console             {cluster.console_url}/login")
    print(f"  proxy statistics    {cluster.stats_url}")
    print(f"  actions (for Rasa)  {settings.action_url}")
    for name, url in zip(cluster.names(), [*cluster.rasa_urls, *cluster.action_urls], strict=False):
        print(f"  {name:<19} {url} (direct)")
    print("Press Ctrl-C to stop.", flush=True)

    reported: set[str] = set()
    while not signals.stopping:
        for name in cluster.names():
            child = cluster._children.get(name)
            if child is not None and child.process.poll() is not None and name not in reported:
                reported.add(name)
                print(f"\n{name} exited ({child.process.returncode}):\n{child.log_tail(5)}", file=sys.stderr)
        time.sleep(0.5)
    print("\nstopping ...", flush=True)
    cluster.stop()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
