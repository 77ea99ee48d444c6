"""Run Rapport on this machine: `make run` (or `.venv/bin/python scripts/run.py`).

Starts the embedded servers (unless REDIS_URL / MONGODB_URL are set), the staff console
and the background jobs, trains the model if its data changed, starts the action server
and the Rasa server, prints where to chat, and stops everything cleanly on Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.base.settings import Settings  # noqa: E402
from bot.stack import Stack, StackError  # noqa: E402
from bot.tenants.registry import Tenants  # noqa: E402


class Signals:
    """Ctrl-C or SIGTERM set `stopping`; the foreground loop polls it and stops cleanly."""

    def __init__(self) -> None:
        self.stopping = False
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stopping = True


def start_in_foreground(thing: Any, name: str, settings: Settings) -> int | None:
    """Start a Stack or a Cluster; None once it runs, else the exit code (also used by
    scripts/cluster.py)."""
    print(f"{name} — data in {settings.data_dir}, logs in {settings.data_dir / 'logs'}", flush=True)
    try:
        thing.start()
    except StackError as e:
        print(f"\nstartup failed: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        thing.stop()
        return 130
    return None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1, help="Rasa server worker processes (default 1)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Settings.from_env()
    stack = Stack(settings, progress=lambda msg: print(msg, flush=True), rasa_workers=args.workers)

    signals = Signals()
    failed = start_in_foreground(stack, "Rapport", settings)
    if failed is not None:
        return failed

    from bot.i18n import Catalog

    base = f"http://{settings.host}:{settings.rasa_port}"
    print("\nRapport is running. Chat with a demo hotel:", flush=True)
    for tenant in Tenants.load(settings.tenants_file, Catalog.load().languages):
        print(f"  {tenant.name:<18} {base}/webhooks/webchat/demo/{tenant.widget_key}")
    print(f"  index              {base}/webhooks/webchat/")
    print(f"REST (loopback only): POST {base}/webhooks/rest/webhook")
    if stack.fake_twilio is not None:
        fake = stack.fake_twilio
        print(
            f"SMS: Twilio webhook {settings.public_url}/webhooks/sms/inbound; no credentials, so replies go"
        )
        print(f"     to the local Twilio stand-in: sent messages at {fake.base_url}/_fake/messages")
    print("Press Ctrl-C to stop.", flush=True)

    while not signals.stopping:
        for child in stack.children:
            if child.process.poll() is not None:
                print(
                    f"\n{child.name} exited ({child.process.returncode}); stopping.\n{child.log_tail()}",
                    file=sys.stderr,
                )
                signals.stopping = True
        time.sleep(0.5)
    print("\nstopping ...", flush=True)
    stack.stop()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
