"""`subprocessors list | diff | notify`: registers per tenant and change notices (DPA §7)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bot.base.logs import event
from bot.base.names import SUBPROCESSOR_REGISTER
from bot.channels.transports import build_outbox
from bot.i18n import Catalog
from bot.outbox import DeliveryFailed, Outbox
from bot.privacy.cli import FAILED, OK, Context, add_confirm
from bot.privacy.subprocessors import Change, RegisterSnapshots, describe, diff, notice
from bot.staff.accounts import StaffStore
from bot.storage.mongo import MongoStore
from bot.tenants.registry import Subprocessor, Tenants

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("subprocessors", help="subprocessor registers and change notices")
    commands = group.add_subparsers(dest="command", required=True)
    ls = commands.add_parser("list", help="the configured register of each tenant")
    ls.add_argument("--tenant")
    ls.set_defaults(run=list_registers)
    d = commands.add_parser("diff", help="configured registers against the last announced (or a file)")
    d.add_argument("--previous", type=Path, help="an earlier tenants.yml to compare with instead")
    d.set_defaults(run=diff_registers)
    n = commands.add_parser("notify", help="e-mail each affected tenant's admins and store the new register")
    add_confirm(n)
    n.set_defaults(run=notify_changes)


async def list_registers(ctx: Context, args: argparse.Namespace) -> int:
    for tenant_id in ctx.tenant_ids(args.tenant):
        for s in ctx.tenants.get(tenant_id).subprocessors:
            ctx.print(f"{tenant_id}\t{s.name}\t{s.purpose}\t{s.region}")
    await ctx.record("subprocessors.list", SUBPROCESSOR_REGISTER, args.tenant)
    return OK


async def _changes(ctx: Context, previous: Path | None) -> dict[str, tuple[int, Change] | None]:
    """Per tenant: (last announced version, change) or None when nothing was announced yet."""
    if previous is not None:
        old = Tenants.load(previous, Catalog.load().languages)
        before: dict[str, tuple[Subprocessor, ...]] = {t.id: t.subprocessors for t in old}
        return {
            t.id: (0, diff(before.get(t.id, ()), t.subprocessors)) if t.id in before else None
            for t in sorted(ctx.tenants, key=lambda t: t.id)
        }
    snapshots = RegisterSnapshots(ctx.client[ctx.settings.control_db])
    result: dict[str, tuple[int, Change] | None] = {}
    for t in sorted(ctx.tenants, key=lambda t: t.id):
        latest = await snapshots.latest(t.id)
        result[t.id] = None if latest is None else (latest[0], diff(latest[1], t.subprocessors))
    return result


async def diff_registers(ctx: Context, args: argparse.Namespace) -> int:
    changes = await _changes(ctx, args.previous)
    for tenant_id, found in changes.items():
        if found is None:
            ctx.print(f"{tenant_id}: nothing to compare with (new tenant or never announced)")
        elif not found[1]:
            ctx.print(f"{tenant_id}: unchanged")
        else:
            for line in describe(found[1]):
                ctx.print(f"{tenant_id}: {line}")
    await ctx.record("subprocessors.diff", SUBPROCESSOR_REGISTER, None)
    return OK


async def notify_changes(ctx: Context, args: argparse.Namespace) -> int:
    """Dry run: who would be told what. --confirm: send, audit, store the new version."""
    staff = StaffStore(ctx.client[ctx.settings.control_db])
    snapshots = RegisterSnapshots(ctx.client[ctx.settings.control_db])
    outbox = build_outbox(ctx.settings, MongoStore(ctx.client, ctx.settings.db_prefix))
    try:
        return await _notify(ctx, args, staff, snapshots, outbox)
    finally:
        await outbox.close()


async def _notify(
    ctx: Context, args: argparse.Namespace, staff: StaffStore, snapshots: RegisterSnapshots, outbox: Outbox
) -> int:
    failed = 0
    for tenant_id, found in (await _changes(ctx, None)).items():
        tenant = ctx.tenants.get(tenant_id)
        if found is None:
            ctx.print(f"{tenant_id}: no announced register yet; the configured one becomes the baseline")
            if args.confirm and await snapshots.store(tenant_id, 1, tenant.subprocessors, ctx.actor):
                await ctx.record("subprocessors.baseline", SUBPROCESSOR_REGISTER, "1", tenant=tenant_id)
            continue
        version, change = found
        if not change:
            ctx.print(f"{tenant_id}: unchanged (version {version})")
            continue
        admins = [
            s
            for s in await staff.list(tenant_id)
            if s.role_in(tenant_id) == "admin" and s.email and not s.disabled
        ]
        ctx.print(f"{tenant_id}: {', '.join(describe(change))}; notice to {len(admins)} admin(s)")
        if not args.confirm:
            continue
        sent = 0
        for admin in admins:
            mail = notice(tenant, change, admin.email or "", ctx.settings.console_url)
            try:
                await outbox.to_staff(
                    tenant, "email", mail["To"], mail.get_content(), subject=mail["Subject"]
                )
                sent += 1
            except DeliveryFailed as e:
                event(
                    logger,
                    "subprocessors.notice_failed",
                    logging.WARNING,
                    tenant=tenant_id,
                    retryable=e.retryable,
                )
        detail = {**change.counts(), "admins": len(admins), "sent": sent, "version": version + 1}
        if sent < len(admins) or not admins:
            failed += 1
            ctx.print(f"{tenant_id}: {sent} of {len(admins)} notices sent; run again to retry")
            await ctx.record(
                "subprocessors.notice_incomplete",
                SUBPROCESSOR_REGISTER,
                str(version + 1),
                tenant=tenant_id,
                detail=detail,
            )
            continue
        await snapshots.store(tenant_id, version + 1, tenant.subprocessors, ctx.actor)
        await ctx.record(
            "subprocessors.notice", SUBPROCESSOR_REGISTER, str(version + 1), tenant=tenant_id, detail=detail
        )
    return FAILED if failed else OK
