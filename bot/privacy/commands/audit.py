"""`audit verify` and `audit export`: the tamper-evident audit log (bot/audit.py)."""

from __future__ import annotations

import argparse
import json
import os

from bot.errors import InvalidInput
from bot.privacy.cli import FAILED, OK, Context


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("audit", help="verify and export the audit logs")
    commands = group.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check the hash chain (default: every tenant and control)")
    which = verify.add_mutually_exclusive_group()
    which.add_argument("--tenant", help="only this tenant's log")
    which.add_argument("--control", action="store_true", help="only the control database's log")
    verify.set_defaults(run=verify_logs)
    export = commands.add_parser("export", help="a tenant's log as JSON lines (DPA 11)")
    export.add_argument("--tenant", required=True)
    export.add_argument("--out", help="write to this new file (mode 0600) instead of standard output")
    export.set_defaults(run=export_log)


async def verify_logs(ctx: Context, args: argparse.Namespace) -> int:
    """Exit 1 if any chain is broken; each verification is itself audited (after it ran)."""
    targets: list[tuple[str | None, str]] = []
    if not args.control:
        targets += [(t, ctx.audit.database_of(t)) for t in ctx.tenant_ids(args.tenant)]
    if args.control or not args.tenant:
        targets.append((None, ctx.settings.control_db))
    broken = 0
    for tenant, database in targets:
        result = await ctx.audit.verify(database)
        ctx.print(f"{tenant or 'control'}: {result.summary()}")
        broken += not result.ok
        detail = {"ok": result.ok, "entries": result.entries, "broken_seq": result.broken_seq}
        await ctx.record("audit.verify", "audit_log", tenant or "control", tenant=tenant, detail=detail)
    return FAILED if broken else OK


async def export_log(ctx: Context, args: argparse.Namespace) -> int:
    """JSON lines; the last line is the chain's verification and last hash (exit 1 if broken)."""
    tenant = ctx.tenant_ids(args.tenant)[0]
    if args.out and os.path.exists(args.out):
        raise InvalidInput("out_exists", "choose a new file name")
    await ctx.record("audit.export", "audit_log", tenant, tenant=tenant)  # before anything is read
    last = "{}"
    if args.out:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            async for line in ctx.audit.export(tenant):
                f.write(line + "\n")
                last = line
        ctx.print(f"exported {tenant}'s audit log to {args.out}; chain: {last}")
    else:
        async for line in ctx.audit.export(tenant):
            ctx.print(line)
            last = line
    return OK if json.loads(last).get("ok") else FAILED
