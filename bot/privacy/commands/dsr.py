"""`dsr list|show|approve|reject|extend`: the data-subject request register for operators.

    python -m bot.privacy dsr list [--tenant T] [--status S]
    python -m bot.privacy dsr show --tenant T --id R
    python -m bot.privacy dsr approve --tenant T --id R [--confirm]
    python -m bot.privacy dsr reject --tenant T --id R --reason "..." [--confirm]
    python -m bot.privacy dsr extend --tenant T --id R --days N --reason "..."

approve and reject are dry runs unless `--confirm` (they say what they would do).
Approved requests are carried out by the worker in the jobs process; a rejection
or an extension is told to the guest on their channel. Every command is audited
(actor `cli:<uid>`); output holds ids, types, statuses and dates, never the sealed
details or anything of the guest.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from bot.base.errors import InvalidInput
from bot.channels.transports import build_outbox
from bot.i18n import Catalog
from bot.privacy import decisions
from bot.privacy.cli import OK, Context, add_confirm
from bot.privacy.execute import Executor
from bot.privacy.requests import AWAITING, OPEN, REJECTED, STATUSES, VERIFIED, DsrStore, RequestConflict
from bot.privacy.stores import PrivacyContext
from bot.storage.mongo import MongoStore

CONFLICT = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("dsr", help="data-subject requests: list, show, approve, reject, extend")
    commands = group.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="requests, newest first")
    listing.add_argument("--tenant", help="only this tenant (default: every tenant)")
    listing.add_argument("--status", choices=STATUSES)
    listing.set_defaults(run=list_requests)
    show = commands.add_parser("show", help="one request and its history (JSON)")
    _target(show)
    show.set_defaults(run=show_request)
    approve = commands.add_parser("approve", help="approve a request awaiting approval")
    _target(approve)
    add_confirm(approve)
    approve.set_defaults(run=approve_request)
    reject = commands.add_parser("reject", help="reject an open request (the guest is told the reason)")
    _target(reject)
    reject.add_argument("--reason", required=True)
    add_confirm(reject)
    reject.set_defaults(run=reject_request)
    extend = commands.add_parser("extend", help="extend the deadline with a recorded reason")
    _target(extend)
    extend.add_argument("--days", type=int, required=True)
    extend.add_argument("--reason", required=True)
    extend.set_defaults(run=extend_request)


def _target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--id", required=True, dest="request_id")


def _store(ctx: Context, tenant: str) -> DsrStore:
    s = ctx.settings
    return DsrStore(MongoStore(ctx.client, s.db_prefix), tenant, s.guest_key, s.control_db)


def _date(epoch: Any) -> str:
    return datetime.fromtimestamp(float(epoch), UTC).strftime("%Y-%m-%d %H:%M") if epoch else "-"


async def _load(ctx: Context, args: argparse.Namespace) -> tuple[str, DsrStore, dict[str, Any]]:
    tenant = ctx.tenant_ids(args.tenant)[0]
    store = _store(ctx, tenant)
    doc = await store.get(args.request_id)
    if doc is None:
        raise InvalidInput("unknown_request", f"no request {args.request_id} in {tenant}")
    return tenant, store, doc


async def list_requests(ctx: Context, args: argparse.Namespace) -> int:
    for tenant in ctx.tenant_ids(args.tenant):
        await ctx.record("dsr.list", "dsr_request", None, tenant=tenant)
        for r in await _store(ctx, tenant).list(args.status):
            deadline = r.get("extended_until") or r.get("deadline_at")
            ctx.print(
                f"{tenant}\t{r['_id']}\t{r['type']}\t{r['status']}\t{r.get('channel')}\t"
                f"created {_date(r.get('created_at'))}\tdue {_date(deadline)}"
            )
    return OK


async def show_request(ctx: Context, args: argparse.Namespace) -> int:
    tenant, store, doc = await _load(ctx, args)
    await ctx.record("dsr.read", "dsr_request", doc["_id"], tenant=tenant)
    shown = {"request": decisions.public(doc), "history": await decisions.history(store, doc["_id"])}
    ctx.print(json.dumps(shown, indent=2, sort_keys=True, default=str))
    return OK


async def approve_request(ctx: Context, args: argparse.Namespace) -> int:
    tenant, store, doc = await _load(ctx, args)
    if doc["status"] != AWAITING:
        ctx.print(f"{doc['_id']} is {doc['status']}: only a request awaiting approval can be approved")
        return CONFLICT
    if not args.confirm:
        ctx.print(f"dry run: would approve {doc['_id']} ({doc['type']}) in {tenant}; --confirm to do it")
        return OK
    try:
        await decisions.approve(store, doc["_id"], ctx.actor)
    except RequestConflict:
        ctx.print(f"{doc['_id']} changed meanwhile; nothing done")
        return CONFLICT
    await ctx.record("dsr.approve", "dsr_request", doc["_id"], tenant=tenant)
    ctx.print(f"approved {doc['_id']}: the worker in the jobs process carries it out")
    return OK


async def reject_request(ctx: Context, args: argparse.Namespace) -> int:
    tenant, store, doc = await _load(ctx, args)
    if doc["status"] not in OPEN or doc["status"] == VERIFIED:
        ctx.print(f"{doc['_id']} is {doc['status']}: it cannot be rejected")
        return CONFLICT
    if not args.confirm:
        ctx.print(
            f"dry run: would reject {doc['_id']} ({doc['type']}) in {tenant} and tell the guest the reason;"
            " --confirm to do it"
        )
        return OK
    async with _notices(ctx) as notices:
        try:
            await decisions.reject(store, doc["_id"], ctx.actor, args.reason, ctx.tenants, notices)
        except RequestConflict:
            ctx.print(f"{doc['_id']} changed meanwhile; nothing done")
            return CONFLICT
    await ctx.record("dsr.reject", "dsr_request", doc["_id"], tenant=tenant)
    ctx.print(f"{REJECTED} {doc['_id']}")
    return OK


async def extend_request(ctx: Context, args: argparse.Namespace) -> int:
    tenant, store, doc = await _load(ctx, args)
    async with _notices(ctx) as notices:
        try:
            after = await decisions.extend(
                store, doc["_id"], ctx.actor, args.days, args.reason, ctx.tenants, notices
            )
        except RequestConflict:
            ctx.print(f"{doc['_id']} is {doc['status']}: only an open request can be extended")
            return CONFLICT
    await ctx.record("dsr.extend", "dsr_request", doc["_id"], tenant=tenant, detail={"days": args.days})
    ctx.print(f"extended {doc['_id']} until {_date(after['extended_until'])}")
    return OK


class _notices:
    """The guest-notice sender of the worker (bot/privacy/execute.py), for one command."""

    def __init__(self, ctx: Context) -> None:
        self.settings = ctx.settings

    async def __aenter__(self) -> Executor:
        self.privacy = await PrivacyContext.open(self.settings)
        self.outbox = build_outbox(self.settings, self.privacy.mongo)
        self.executor = Executor(self.settings, self.privacy, Catalog.load(), self.outbox)
        return self.executor

    async def __aexit__(self, *_: Any) -> None:
        await self.outbox.close()
        await self.privacy.close()
