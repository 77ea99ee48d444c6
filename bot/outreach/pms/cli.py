"""`python -m bot.outreach pms sync --tenant T [--since ISO-TIME] [--json]`.

Runs one round of the tenant's PMS connector now: a polling connector (Mews) reads from
its cursor (minus the overlap) or from `--since`; a webhook connector (apaleo) retries
its due events and, with `--since`, reads every reservation modified since then (the
catch-up after an outage of the webhook endpoint). Prints counts and codes only (never
a guest's data); exit 0 when the round went through, 2 when the PMS or the storage
failed or the tenant has no connector. Audited like every PMS round (`stays.pms_sync`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any, TextIO

from bot.base.errors import InvalidInput
from bot.base.settings import Settings
from bot.outreach.pms.poller import sync_tenant
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants


def add_parser(commands: Any) -> None:
    pms = commands.add_parser("pms", help="PMS connectors (apaleo, Mews)")
    sub = pms.add_subparsers(dest="pms_command", required=True)
    sync = sub.add_parser("sync", help="run the tenant's PMS connector once, now")
    sync.add_argument("--tenant", required=True)
    sync.add_argument("--since", help="ISO time (UTC unless an offset is given) to read changes from")
    sync.add_argument("--json", action="store_true", help="print the report as JSON")


def since_of(raw: str | None) -> float | None:
    if not raw:
        return None
    try:
        at = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("bad_since", "--since must be an ISO time such as 2026-12-01T00:00:00Z") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.timestamp()


async def run_sync(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.i18n import Catalog

    tenant = Tenants.load(settings.tenants_file, Catalog.load().languages).get(args.tenant)
    since = since_of(args.since)
    client = connect(settings.effective_mongodb_url.value, socketTimeoutMS=300_000)
    try:
        report = await sync_tenant(MongoStore(client, settings.db_prefix), settings, tenant, since=since)
    finally:
        client.close()
    if args.json:
        print(json.dumps(report, sort_keys=True), file=out)
    else:
        events = ", ".join(f"{k} {v}" for k, v in sorted(report["events"].items())) or "none"
        print(
            f"{report['pms']} {report['import']}: windows {report['windows']}, new {report['new']}, "
            f"changed {report['changed']}, unchanged {report['unchanged']}; events retried: {events}",
            file=out,
        )
        tries = {
            k: report[k] for k in ("retries", "timeouts", "server_errors", "rate_limited") if k in report
        }
        if tries:
            print("retried: " + ", ".join(f"{k} {v}" for k, v in tries.items()), file=out)
        if report.get("skipped"):
            print("skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(report["skipped"].items())), file=out)
        if report["error"]:
            print(f"error: {report['error']} (the cursor stays where it was; run again later)", file=out)
    return 2 if report["error"] else 0
