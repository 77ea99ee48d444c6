"""`python -m bot.jobs`: run every background job until SIGTERM or SIGINT.

Exit codes: 0 after a graceful stop; 2 when MongoDB or Redis does not answer at start
(or the settings are wrong), with one line on standard error saying which.
`python -m bot.jobs --check` only checks that both stores answer (the container's
health check).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.base.errors import RapportError
from bot.base.settings import Settings
from bot.jobs import stores
from bot.jobs.stores import StoreUnreachable

OK, ERROR = 0, 2
READY = "jobs running:"


async def serve(settings: Settings) -> int:
    from bot.jobs.runner import Runner  # the jobs' imports (Rasa's lock store among them)

    runner = Runner(settings)
    try:
        await runner.open()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        # whatever the log level: bot/stack.py waits for this line
        print(f"{READY} {', '.join(job.name for job in runner.jobs())}", flush=True)
        await runner.run(stop)
        return OK
    finally:
        await runner.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bot.jobs", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--check", action="store_true", help="check that MongoDB and Redis answer, then exit (0, or 2)"
    )
    args = p.parse_args(argv)
    try:
        settings = Settings.from_env()
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        if args.check:
            asyncio.run(stores.check(settings))
            return OK
        return asyncio.run(serve(settings))
    except StoreUnreachable as e:
        print(f"error: {e}; check {e.setting}", file=sys.stderr)
    except RapportError as e:
        print(f"error: {e}", file=sys.stderr)
    return ERROR


if __name__ == "__main__":
    sys.exit(main())
