"""`dsr export --tenant T --guest-ref G` and `dsr erase --tenant T --guest-ref G [--confirm] [--deep]`:
an operator's export or erasure of one guest (bot/privacy/export.py, erasure.py),
outside the conversational request flow (e.g. a request that arrived by letter).

The export is printed as JSON (it holds the guest's personal data: redirect it to a
file handed to the guest, never to a log). The erasure prints its report (counts and
the scan; no personal data); exit 1 when the scan is not clean. Registers its commands
in the `dsr` group when another module created it, else creates it.
"""

from __future__ import annotations

import argparse

from bot.privacy.cli import FAILED, OK, Context, add_confirm
from bot.privacy.commands._privacy import privacy_context, show
from bot.privacy.erasure import erase_guest
from bot.privacy.export import dumps, export_guest


def _dsr_commands(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    group = subparsers.choices.get("dsr") or subparsers.add_parser("dsr", help="data-subject requests")
    for action in group._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return group.add_subparsers(dest="command", required=True)


def register(subparsers: argparse._SubParsersAction) -> None:
    commands = _dsr_commands(subparsers)
    export = commands.add_parser("export", help="everything held about a guest, as JSON")
    erase = commands.add_parser("erase", help="erase a guest from every store and scan")
    for p in (export, erase):
        p.add_argument("--tenant", required=True)
        p.add_argument("--guest-ref", required=True, help="the guest's keyed reference (g_...)")
    add_confirm(erase)
    erase.add_argument(
        "--deep",
        action="store_true",
        help="the verification scan reads every document and Redis value (slow on large tenants)",
    )
    export.set_defaults(run=export_data)
    erase.set_defaults(run=erase_data)


async def export_data(ctx: Context, args: argparse.Namespace) -> int:
    tenant = ctx.tenants.get(args.tenant).id
    async with privacy_context(ctx) as privacy:
        data = await export_guest(privacy, tenant, args.guest_ref)
    await ctx.record("guest.export", "guest", args.guest_ref, tenant=tenant)
    ctx.print(dumps(data))
    return OK


async def erase_data(ctx: Context, args: argparse.Namespace) -> int:
    tenant = ctx.tenants.get(args.tenant).id
    async with privacy_context(ctx) as privacy:
        report = await erase_guest(
            privacy, tenant, args.guest_ref, confirm=args.confirm, actor=ctx.actor, deep=args.deep
        )
    show(ctx, report)
    if not args.confirm:
        ctx.print("dry run: nothing erased (add --confirm)")
        return OK
    await ctx.record(
        "guest.erase", "guest", args.guest_ref, tenant=tenant, detail={"clean": report["scan"]["clean"]}
    )
    return OK if report["scan"]["clean"] else FAILED
