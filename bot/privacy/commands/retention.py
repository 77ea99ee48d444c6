"""`retention run [--tenant T] [--confirm]`: the retention job on demand
(bot/privacy/retention.py; the jobs process runs it daily). A dry run prints what
would be deleted per tenant."""

from __future__ import annotations

import argparse

from bot.privacy.cli import OK, Context, add_confirm
from bot.privacy.commands._privacy import privacy_context, show
from bot.privacy.retention import run_retention


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("retention", help="delete data older than each tenant's retention period")
    commands = group.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the retention job now")
    run.add_argument("--tenant")
    add_confirm(run)
    run.set_defaults(run=run_now)


async def run_now(ctx: Context, args: argparse.Namespace) -> int:
    async with privacy_context(ctx) as privacy:
        for tenant_id in ctx.tenant_ids(args.tenant):
            days = ctx.tenants.get(tenant_id).retention_days
            report = await run_retention(privacy, tenant_id, days, confirm=args.confirm, actor=ctx.actor)
            show(ctx, report)
    if not args.confirm:
        ctx.print("dry run: nothing deleted (add --confirm)")
    return OK
