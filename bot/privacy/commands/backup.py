"""`backup create | restore | list`: encrypted tenant backups (bot/privacy/backup.py).

    backup create --tenant T [--out FILE] [--keep N]
    backup restore --tenant T --file FILE [--confirm]
    backup list --tenant T

`create` writes one archive (0600) under `<data dir>/backups/<tenant>/` and keeps the
newest N (7). `restore` is a dry run unless --confirm: it verifies the archive and
prints what would be restored and re-applied; with --confirm it replaces the tenant's
database and Redis keys, re-applies every erasure, restriction and objection recorded
after the backup, then runs the tenant's retention (exit 1 when an erasure's scan is
not clean). Output: counts, collection and file names; never personal data.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from bot.audit.log import AuditRecord
from bot.privacy.backup import KEEP, archives, backup_dir, create_backup, describe, restore_backup
from bot.privacy.cli import FAILED, OK, Context, add_confirm
from bot.privacy.commands._privacy import privacy_context, show
from bot.privacy.retention import run_retention


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("backup", help="encrypted tenant backups and restore")
    commands = group.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="back up a tenant's database and Redis keys")
    create.add_argument("--tenant", required=True)
    create.add_argument("--out", type=Path, help="archive file (default: the data dir's backups/<tenant>/)")
    create.add_argument("--keep", type=int, default=KEEP, help=f"backups kept in the default folder ({KEEP})")
    create.set_defaults(run=create_command)
    restore = commands.add_parser("restore", help="restore a tenant from an archive (dry run by default)")
    restore.add_argument("--tenant", required=True)
    restore.add_argument("--file", type=Path, required=True)
    add_confirm(restore)
    restore.set_defaults(run=restore_command)
    listing = commands.add_parser("list", help="a tenant's archives: dates and counts")
    listing.add_argument("--tenant", required=True)
    listing.set_defaults(run=list_command)


def _when(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


async def create_command(ctx: Context, args: argparse.Namespace) -> int:
    tenant = ctx.tenants.get(args.tenant).id
    if args.keep < 1:
        ctx.print("error: --keep must be at least 1")
        return FAILED
    async with privacy_context(ctx) as privacy:
        report = await create_backup(privacy, tenant, out=args.out, keep=args.keep)
    path = Path(report["file"])
    detail = {
        "file": path.name,
        "documents": report["documents"],
        "collections": len(report["collections"]),
        "redis_keys": report["redis_keys"],
        "bytes": report["bytes"],
        "pruned": report["pruned"],
    }
    await ctx.record("backup.create", "tenant", tenant, tenant=tenant, detail=detail)
    ctx.print(f"backup of {tenant} written: {path}")
    ctx.print(f"  {report['documents']} documents in {len(report['collections'])} collections:")
    for name, count in report["collections"].items():
        ctx.print(f"    {name}: {count}")
    ctx.print(f"  {report['redis_keys']} Redis keys; {report['bytes']} bytes, encrypted (AES-256-GCM)")
    if path.parent == backup_dir(ctx.settings, tenant):
        ctx.print(f"  {report['pruned']} older backups deleted (keeping the newest {args.keep})")
    else:
        ctx.print("  outside the data dir's backups folder: retention and offboarding do not delete it")
    return OK


async def restore_command(ctx: Context, args: argparse.Namespace) -> int:
    tenant = ctx.tenants.get(args.tenant)
    async with privacy_context(ctx) as privacy:
        report = await restore_backup(
            privacy,
            tenant.id,
            args.file,
            confirm=args.confirm,
            actor=ctx.actor,
            audit=ctx.audit,
            languages=tenant.languages,
        )
        if args.confirm:
            retention = await run_retention(
                privacy, tenant.id, tenant.retention_days, confirm=True, actor=ctx.actor
            )
            report["retention"] = {k: v for k, v in retention.items() if k in ("deleted", "folded")}
    show(ctx, report)
    after = report["after_backup"]
    detail = {
        "file": args.file.name,
        "created_at": _when(report["created_at"]),
        "erasures": after["erasures"],
        "restrictions": after["restrictions"],
        "objections": after["objections"],
    }
    if not args.confirm:
        await ctx.audit.control(_record(ctx, "backup.restore.dry_run", tenant.id, detail))
        ctx.print("dry run: archive verified, nothing changed (add --confirm)")
        return OK
    restored = report["restored"]
    detail |= {
        "documents": sum(restored["collections"].values()),
        "redis_keys": restored["redis_keys"],
        "erasures_reapplied": report["reapplied"]["erasures"],
        "rectifications_reapplied": report["reapplied"]["rectifications"],
        "clean": report["reapplied"]["clean"],
    }
    await ctx.record("backup.restore", "tenant", tenant.id, tenant=tenant.id, detail=detail)
    again = report["reapplied"]
    ctx.print(
        f"restored {tenant.id} from {args.file.name}: {detail['documents']} documents, "
        f"{restored['redis_keys']} Redis keys; re-applied {again['erasures']} erasures, "
        f"{again['restrictions']} restrictions, {again['objections']} objections, "
        f"{again['rectifications']} rectifications"
    )
    if again["rectifications_not_reapplied"]:
        ctx.print(
            f"{again['rectifications_not_reapplied']} rectifications done after the backup "
            "were NOT re-applied (their corrected values were lost with the tenant's database): "
            "ask those guests again (the control database's dsr_register lists them)"
        )
    return OK if report["reapplied"]["clean"] else FAILED


def _record(ctx: Context, action: str, tenant: str, detail: dict) -> AuditRecord:
    return AuditRecord(ctx.actor, action, "tenant", tenant, "allowed", tenant=tenant, detail=detail)


async def list_command(ctx: Context, args: argparse.Namespace) -> int:
    tenant = ctx.tenants.get(args.tenant).id
    rows = [describe(path, ctx.settings) for path in archives(ctx.settings, tenant)]
    ctx.print(f"{len(rows)} backups of {tenant} in {backup_dir(ctx.settings, tenant)}")
    for row in rows:
        if not row["readable"]:
            ctx.print(f"  {row['file']}  {row['bytes']} bytes  UNREADABLE: {row['error']}")
            continue
        ctx.print(
            f"  {row['file']}  {_when(row['created_at'])}  {row['documents']} documents in "
            f"{row['collections']} collections, {row['redis_keys']} Redis keys, {row['bytes']} bytes"
        )
    await ctx.audit.control(_record(ctx, "backup.list", tenant, {"backups": len(rows)}))
    return OK
