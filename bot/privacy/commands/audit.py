"""`audit verify` and `audit export`: the tamper-evident audit log (bot/audit/log.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os

import redis.asyncio as aioredis

from bot.audit.log import redis_inbox_status
from bot.base.errors import InvalidInput
from bot.base.names import REDIS_PREFIX
from bot.privacy.cli import FAILED, OK, Context

# The folder chains inbox records about once a second; one waiting this long means no
# jobs process is folding (bot/audit/folder.py).
MAX_INBOX_AGE = 300.0


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("audit", help="verify and export the audit logs")
    commands = group.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check the hash chain (default: every tenant and control)")
    which = verify.add_mutually_exclusive_group()
    which.add_argument("--tenant", help="only this tenant's log")
    which.add_argument("--control", action="store_true", help="only the control database's log")
    verify.add_argument(
        "--max-inbox-age",
        type=float,
        default=MAX_INBOX_AGE,
        metavar="SECONDS",
        help=f"fail when an inbox record has waited longer to be chained (default {MAX_INBOX_AGE:.0f})",
    )
    verify.set_defaults(run=verify_logs)
    export = commands.add_parser("export", help="a tenant's log as JSON lines (DPA 11)")
    export.add_argument("--tenant", required=True)
    export.add_argument("--out", help="write to this new file (mode 0600) instead of standard output")
    export.set_defaults(run=export_log)


async def verify_logs(ctx: Context, args: argparse.Namespace) -> int:
    """Exit 1 if any chain is broken or any inbox has a record older than
    `--max-inbox-age`; each verification is itself audited (after it ran)."""
    targets: list[tuple[str | None, str]] = []
    if not args.control:
        targets += [(t, ctx.audit.database_of(t)) for t in ctx.tenant_ids(args.tenant)]
    if args.control or not args.tenant:
        targets.append((None, ctx.settings.control_db))
    broken = 0
    redis = aioredis.from_url(ctx.settings.effective_redis_url.value)
    try:
        for tenant, database in targets:
            broken += await _verify_one(ctx, args, redis, tenant, database)
    finally:
        await redis.close()
    return FAILED if broken else OK


async def _verify_one(
    ctx: Context, args: argparse.Namespace, redis: aioredis.Redis, tenant: str | None, database: str
) -> bool:
    """Verify one chain and its inboxes (a tenant's: MongoDB's and Redis's); True if it fails."""
    result = await ctx.audit.verify(database)
    inbox = await ctx.audit.inbox_status(database)
    if tenant is not None:  # the Rasa server's tracker accesses wait in Redis
        inbox = inbox.plus(await redis_inbox_status(redis, REDIS_PREFIX, tenant))
    age = inbox.age(dt.datetime.now(dt.UTC))
    stale = inbox.pending > 0 and age > args.max_inbox_age
    said = f"inbox: {inbox.pending} pending"
    if inbox.pending:
        said += f", oldest {age:.1f} s" + (" STALE: is the folder running?" if stale else "")
    ctx.print(f"{tenant or 'control'}: {result.summary()}; {said}")
    detail = {
        "ok": result.ok,
        "entries": result.entries,
        "broken_seq": result.broken_seq,
        "pending": inbox.pending,
        "stale": stale,
    }
    await ctx.record("audit.verify", "audit_log", tenant or "control", tenant=tenant, detail=detail)
    return not result.ok or stale


async def export_log(ctx: Context, args: argparse.Namespace) -> int:
    """JSON lines; the last line is the chain's verification and last hash (exit 1 if broken)."""
    tenant = ctx.tenant_ids(args.tenant)[0]
    if args.out and os.path.exists(args.out):
        raise InvalidInput("out_exists", "choose a new file name")
    await ctx.record("audit.export", "audit_log", tenant, tenant=tenant)  # before anything is read
    last = "{}"
    redis = aioredis.from_url(ctx.settings.effective_redis_url.value)
    try:
        lines = ctx.audit.export(tenant, redis=redis)
        if args.out:
            fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                async for line in lines:
                    f.write(line + "\n")
                    last = line
            ctx.print(f"exported {tenant}'s audit log to {args.out}; chain: {last}")
        else:
            async for line in lines:
                ctx.print(line)
                last = line
    finally:
        await redis.close()
    return OK if json.loads(last).get("ok") else FAILED
