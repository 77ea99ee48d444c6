"""`python -m bot.jobs`: run every background job until SIGTERM or SIGINT.

Exit codes: 0 after a graceful stop; 2 when MongoDB or Redis does not answer at start
(or the settings are wrong), with one line on standard error saying which.
`python -m bot.jobs --check` only checks that both stores answer (the container's
health check). `python -m bot.jobs digest --tenant X --preview` prints a hotel's weekly
digest e-mail as it would go out now (nothing sent); `--send` sends this week's to the
subscribed admins now (claiming the week: the Monday round then skips it).
While running, it serves /healthz, /readyz and /metrics on RAPPORT_JOBS_HTTP_PORT
(bot/jobs/http.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.base import logs
from bot.base.errors import RapportError
from bot.base.settings import Settings
from bot.jobs import stores
from bot.jobs.stores import StoreUnreachable

OK, ERROR = 0, 2
READY = "jobs running:"


async def serve(settings: Settings) -> int:
    from bot.jobs import http
    from bot.jobs.runner import Runner  # the jobs' imports (Rasa's lock store among them)

    runner = Runner(settings)
    server = None
    try:
        await runner.open()
        # /healthz, /readyz, /metrics on RAPPORT_JOBS_HTTP_PORT (bot/jobs/http.py)
        server = await http.start(settings, runner.mongo, runner.redis)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        # whatever the log level: bot/stack.py waits for this line
        ready = f"{READY} {', '.join(job.name for job in runner.jobs())}"
        if settings.log_format == "json":  # one JSON object per line, the marker in its event
            ready = logs.JsonFormatter().format(
                logging.makeLogRecord({"name": "bot.jobs", "msg": ready, "levelname": "INFO"})
            )
        print(ready, flush=True)
        await runner.run(stop)
        return OK
    finally:
        if server is not None:
            await server.cleanup()
        await runner.close()


async def digest(settings: Settings, tenant_id: str, send: bool) -> int:
    """Print (or send) one hotel's weekly digest (bot/jobs/digest.py)."""
    from bot.channels.transports import build_outbox
    from bot.i18n import Catalog
    from bot.jobs.digest import Digests
    from bot.stack import with_local_standins
    from bot.staff.accounts import StaffStore
    from bot.storage.mongo import MongoStore, connect
    from bot.tenants.registry import Tenants

    settings = with_local_standins(settings)  # on `make run`: the local SMTP stand-in
    catalog = Catalog.load()
    tenants = Tenants.load(settings.tenants_file, catalog.languages)
    tenant = tenants.get(tenant_id)  # UnknownTenant: "error: unknown tenant", exit 2
    client = connect(settings.effective_mongodb_url.value)
    mongo = MongoStore(client, settings.db_prefix)
    outbox = build_outbox(settings, mongo)
    try:
        digests = Digests(settings, mongo, StaffStore(client[settings.control_db]), tenants, catalog, outbox)
        if not send:
            mail = await digests.preview(tenant)
            print(f"Subject: {mail.subject}\n\n{mail.body}", end="")
            return OK
        subscribed = len(await digests.subscribers(tenant))
        claimed = await digests.send_now(tenant)
        said = "sent to" if claimed else "already sent this week; subscribed:"
        print(f"{tenant.id}: {said} {subscribed} admins")
        return OK
    finally:
        await outbox.close()
        client.close()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["digest"]:
        return digest_main(argv[1:])
    p = argparse.ArgumentParser(prog="python -m bot.jobs", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--check", action="store_true", help="check that MongoDB and Redis answer, then exit (0, or 2)"
    )
    args = p.parse_args(argv)
    try:
        settings = Settings.from_env()
        logs.configure(settings)
        if args.check:
            asyncio.run(stores.check(settings))
            return OK
        return asyncio.run(serve(settings))
    except StoreUnreachable as e:
        print(f"error: {e}; check {e.setting}", file=sys.stderr)
    except RapportError as e:
        print(f"error: {e}", file=sys.stderr)
    return ERROR


def digest_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bot.jobs digest", description="a hotel's weekly digest e-mail"
    )
    p.add_argument("--tenant", required=True)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--preview", action="store_true", help="print the mail as it would go out now")
    mode.add_argument("--send", action="store_true", help="send this week's digest now (once per week)")
    args = p.parse_args(argv)
    try:
        settings = Settings.from_env()
        logs.configure(settings)
        return asyncio.run(digest(settings, args.tenant, args.send))
    except RapportError as e:
        print(f"error: {e}", file=sys.stderr)
    return ERROR


if __name__ == "__main__":
    sys.exit(main())
