"""The outreach CLI: `python -m bot.outreach import --tenant T --file F [--dry-run]`,
`python -m bot.outreach send-due [--tenant T] [--now ISO-TIME] [--json]` and
`python -m bot.outreach pms sync --tenant T [--since ISO]` (bot/outreach/pms/cli.py).

    python -m bot.outreach import --tenant alpenhof --file guests.csv --dry-run
    python -m bot.outreach import --tenant alpenhof --file guests.xlsx [--strict] [--json]
    python -m bot.outreach tokens create --tenant alpenhof --name "Mews middleware"
    python -m bot.outreach tokens list --tenant alpenhof
    python -m bot.outreach tokens revoke --tenant alpenhof --id tok_0123456789ab

Reads a guest list (CSV or XLSX, bot/outreach/parse.py) and upserts its stays on the
reservation reference (bot/outreach/importer.py); column names the tenant's admins mapped
in the console (bot/outreach/mapping.py) are read as their fields. Prints the counts — new, changed,
unchanged, rejected — and every rejected row with its line, column and reason (never a
value); `--json` prints the same as one JSON object. `--dry-run` writes nothing (no
stays, no audit record). Rejected rows are skipped and the valid ones imported, unless
`--strict`: then nothing is written when any row is rejected.

The file is read where it is and never copied or kept. Progress goes to standard error
(every 10,000 rows). Logs and the audit record (actor `cli:<os uid>`, action
`stays.import`, in the tenant's and the control database) carry the import id and
counts only. Exit codes: 0 imported, nothing rejected; 1 rows rejected (the valid ones
imported unless --strict or --dry-run); 2 bad file, unknown tenant or storage down.
Settings come from the environment (MONGODB_URL, or the embedded server of `make run`).

    python -m bot.outreach send-due [--tenant alpenhof] [--now 2026-06-15T12:00+02:00] [--json]

Plans the invitations of new and changed stays and sends what is due at `--now`
(default: now; an ISO time, without an offset in the hotel's zone) for one tenant or
every tenant with outreach enabled, as the jobs process does every 15 seconds
(bot/outreach/scheduler.py). Operators catch up with it; several may run at once, with
the jobs: each invitation is claimed by exactly one. Prints the counts per tenant
(sent per channel, suppressed per reason, moved, retried, failed). Exit codes: 0 done,
2 unknown tenant or storage down.

`tokens` manages the tenant's API tokens of the stay-import API (bot/outreach/tokens.py):
`create` prints the new token once (only its hash is stored), `list` shows ids, names
and dates, `revoke` ends one; each change is audited (`api_token.create` / `.revoke`,
actor `cli:<os uid>`, the token's id).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from bot.audit.log import AuditLog, AuditRecord, cli_actor
from bot.base.errors import InvalidInput, RapportError
from bot.base.logs import event
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.outreach.importer import ImportReport, import_stays
from bot.outreach.mapping import MappingStore, hotel_of
from bot.outreach.parse import BadFile, parse_file
from bot.outreach.pms import cli as pms_cli
from bot.outreach.stays import StayStore
from bot.outreach.tokens import TokenStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants

logger = logging.getLogger(__name__)
OK, REJECTED, ERROR = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.outreach", description=__doc__.split("\n\n")[0])
    commands = p.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import", help="import a guest list (CSV or XLSX) as stays")
    imp.add_argument("--tenant", required=True)
    imp.add_argument("--file", required=True, type=Path)
    imp.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    imp.add_argument("--strict", action="store_true", help="write nothing if any row is rejected")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    pms_cli.add_parser(commands)
    due = commands.add_parser("send-due", help="plan and send the invitations due now (or at --now)")
    due.add_argument("--tenant", help="one tenant (default: every tenant with outreach enabled)")
    due.add_argument("--now", help="the time to send for, ISO 8601 (default: now)")
    due.add_argument("--json", action="store_true", help="print the counts as JSON")
    due.add_argument("--lease", type=float, default=None, help=argparse.SUPPRESS)  # tests: claim lease, s
    tok = commands.add_parser("tokens", help="API tokens of the stay-import API")
    tok.add_argument("action", choices=("create", "list", "revoke"))
    tok.add_argument("--tenant", required=True)
    tok.add_argument("--name", help="create: what the token is for (the system that uses it)")
    tok.add_argument("--id", dest="token_id", help="revoke: the token's id (tok_...)")
    return p


def print_report(report: ImportReport, out: TextIO, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.public(), sort_keys=True), file=out)
        return
    verb = "would be" if report.dry_run else ("held back" if report.held_back else "")
    print(f"import {report.import_id} ({report.format}): {report.rows} rows", file=out)
    print(
        f"new {report.new}, changed {report.changed}, unchanged {report.unchanged}, "
        f"rejected {report.rejected_rows}" + (f" ({verb})" if verb else "") + f"; written {report.written}",
        file=out,
    )
    if report.ignored_columns:
        print("ignored columns: " + ", ".join(report.ignored_columns), file=out)
    for r in report.rejected:
        column = f", column {r.column!r}" if r.column else ""
        print(f"rejected: line {r.line}{column}: {r.reason}", file=out)
    if report.strict and report.rejected and not report.dry_run:
        print("nothing written (--strict): correct the rejected rows and import again", file=out)


async def run_import(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    from bot.i18n import Catalog

    tenant = Tenants.load(settings.tenants_file, Catalog.load().languages).get(args.tenant)
    big = [False]

    def parsed_rows(n: int) -> None:
        big[0] = True
        print(f"read {n} rows", file=err, flush=True)

    def step(message: str) -> None:
        if big[0]:
            print(message, file=err, flush=True)

    try:  # an unreadable file fails before storage is touched
        with args.file.open("rb"):
            pass
    except OSError as e:
        raise BadFile(f"cannot read the file ({e.strerror or type(e).__name__})") from None
    # not a chat turn: reading every stay's digest of a large tenant takes longer than
    # the turn's 5 s socket timeout
    client = connect(settings.effective_mongodb_url.value, socketTimeoutMS=300_000)
    try:
        columns = await MappingStore(MongoStore(client, settings.db_prefix), tenant.id).columns()
        parsed = await asyncio.to_thread(parse_file, args.file, hotel_of(tenant, columns), parsed_rows)
        store = StayStore(
            MongoStore(client, settings.db_prefix), tenant.id, Cipher(settings.data_keys), settings.guest_key
        )
        report = await import_stays(store, parsed, dry_run=args.dry_run, strict=args.strict, progress=step)
        if not args.dry_run:
            record = AuditRecord(
                cli_actor(), "stays.import", "stays", report.import_id, "allowed", tenant.id, report.counts()
            )
            audit = AuditLog.from_settings(client, settings)
            await audit.tenant(tenant.id, record)
            await audit.control(record)
    finally:
        client.close()
    event(logger, "outreach.import.done", tenant=tenant.id, **report.counts())
    print_report(report, out, args.json)
    return REJECTED if report.rejected else OK


async def run_send_due(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    import redis.asyncio as aioredis

    from bot.channels.transports import build_outbox
    from bot.i18n import Catalog
    from bot.outreach.scheduler import Scheduler, parse_at
    from bot.stack import with_local_standins

    # on `make run` without credentials: the same local stand-ins as the jobs process
    settings = with_local_standins(settings)
    catalog = Catalog.load()
    tenants = Tenants.load(settings.tenants_file, catalog.languages)
    chosen = [tenants.get(args.tenant)] if args.tenant else list(tenants)
    try:
        ats = {t.id: parse_at(args.now, t.timezone) if args.now else None for t in chosen}
    except ValueError:
        raise InvalidInput("bad_time", "--now takes an ISO 8601 time, e.g. 2026-06-15T12:00+02:00") from None
    client = connect(settings.effective_mongodb_url.value, socketTimeoutMS=60_000)
    redis = aioredis.from_url(settings.effective_redis_url.value, socket_timeout=10)
    mongo = MongoStore(client, settings.db_prefix)
    outbox = build_outbox(settings, mongo, redis=redis)
    try:
        # an operator's round sends everything due (the jobs' rounds stop after ROUND_BUDGET)
        scheduler = Scheduler(settings, mongo, redis, outbox, catalog, lease=args.lease, budget=float("inf"))
        report: dict[str, dict[str, int]] = {}
        for tenant in chosen:
            at = ats[tenant.id]
            if args.tenant:
                report[tenant.id] = await scheduler.run_tenant(tenant, at)
            else:
                report.update(await scheduler.run_all([tenant], at))
    finally:
        await outbox.close()
        await redis.close()
        client.close()
    if args.json:
        print(json.dumps(report, sort_keys=True), file=out)
    else:
        for tid, counts in report.items():
            shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing due"
            print(f"{tid}: {shown}", file=out)
    return OK


async def run_tokens(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    from bot.i18n import Catalog

    tenant = Tenants.load(settings.tenants_file, Catalog.load().languages).get(args.tenant)
    client = connect(settings.effective_mongodb_url.value)
    try:
        store = TokenStore(MongoStore(client, settings.db_prefix), tenant.id)
        if args.action == "list":
            for t in await store.list():
                state = "revoked" if t.revoked else "valid"
                used = f"last used {_when(t.last_used_at)}" if t.last_used_at else "never used"
                print(
                    f"{t.id}  {state}  {t.name!r}  created {_when(t.created_at)} by {t.created_by}; {used}",
                    file=out,
                )
            return OK
        if args.action == "create":
            token, made = await store.create(args.name, by=cli_actor())
            found = made
        else:
            found = await store.revoke(args.token_id or "", by=cli_actor())
            if found is None:
                print("error: no such token", file=err)
                return ERROR
        record = AuditRecord(
            cli_actor(), f"api_token.{args.action}", "api_token", found.id, "allowed", tenant.id
        )
        audit = AuditLog.from_settings(client, settings)
        await audit.tenant(tenant.id, record)
        await audit.control(record)
    finally:
        client.close()
    event(logger, f"outreach.token.{args.action}", tenant=tenant.id, token=found.id)
    if args.action == "create":
        print(f"token {found.id} ({found.name!r}) created; it is shown only now:", file=err)
        print(token, file=out)
    else:
        print(f"token {found.id} revoked", file=out)
    return OK


def _when(epoch: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def main(
    argv: list[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    args = parser().parse_args(argv)
    err = err or sys.stderr
    try:
        settings = Settings.from_env(env)
        if args.command == "pms":
            return asyncio.run(pms_cli.run_sync(args, settings, out or sys.stdout))
        if args.command == "send-due":
            return asyncio.run(run_send_due(args, settings, out or sys.stdout))
        run = run_tokens if args.command == "tokens" else run_import
        return asyncio.run(run(args, settings, out or sys.stdout, err))
    except InvalidInput as e:
        print(f"error: {e.code}" + (f" ({e.detail})" if e.detail else ""), file=err)
    except RapportError as e:
        print(f"error: {e}", file=err)
    return ERROR
