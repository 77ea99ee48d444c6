"""`tenant delete --tenant T [--confirm]`: tenant offboarding (bot/privacy/offboard.py).

Without --confirm it prints what would be deleted (database and collection sizes, Redis
keys, files, provider records, staff accounts) and changes nothing; with it, deletes,
scans and prints the deletion certificate (also stored in the control database). Exit 1
when the scan is not clean. The tenant may already be gone from config/tenants.yml.
"""

from __future__ import annotations

import argparse

from bot.base.errors import UnknownTenant
from bot.privacy.cli import FAILED, OK, Context, add_confirm
from bot.privacy.commands._privacy import privacy_context, show
from bot.privacy.offboard import offboard_tenant
from bot.storage.mongo import _TENANT_ID


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("tenant", help="tenant offboarding (DPA 10.1)")
    commands = group.add_subparsers(dest="command", required=True)
    delete = commands.add_parser("delete", help="delete everything of a tenant and certify it")
    delete.add_argument("--tenant", required=True)
    add_confirm(delete)
    delete.set_defaults(run=delete_tenant)


async def delete_tenant(ctx: Context, args: argparse.Namespace) -> int:
    if not _TENANT_ID.match(args.tenant):
        raise UnknownTenant("invalid tenant id")
    try:
        tenant = ctx.tenants.get(args.tenant)
        parties = list(
            dict.fromkeys([*tenant.sms_numbers, *tenant.whatsapp_numbers, *tenant.email_addresses])
        )
    except UnknownTenant:
        parties = []  # already removed from the configuration
    async with privacy_context(ctx) as privacy:
        result = await offboard_tenant(
            privacy, args.tenant, confirm=args.confirm, actor=ctx.actor, parties=parties
        )
    show(ctx, result)
    if not args.confirm:
        await ctx.record("tenant.delete.dry_run", "tenant", args.tenant)
        ctx.print("dry run: nothing deleted (add --confirm)")
        return OK
    return OK if result["scan"]["clean"] else FAILED
