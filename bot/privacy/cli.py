"""The operator CLI for the privacy duties: `python -m bot.privacy <group> <command>`.

    python -m bot.privacy audit verify [--tenant T | --control]
    python -m bot.privacy audit export --tenant T [--out FILE]
    python -m bot.privacy keys rotate [--tenant T] [--confirm]
    python -m bot.privacy subprocessors list|diff|notify ...

Adding a command group (dsr, tenant, retention, ...) takes one module and one line:

1. Create `bot/privacy/commands/<group>.py` with `register(subparsers)`:

       def register(subparsers) -> None:
           group = subparsers.add_parser("dsr", help="data-subject requests")
           commands = group.add_subparsers(dest="command", required=True)
           erase = commands.add_parser("erase", help="...")
           erase.add_argument("--tenant", required=True)
           add_confirm(erase)                  # destructive: a dry run unless --confirm
           erase.set_defaults(run=erase_request)

       async def erase_request(ctx: Context, args: argparse.Namespace) -> int:
           ...                                 # ctx.settings, ctx.client, ctx.tenants, ctx.audit
           await ctx.record("dsr.erase", "dsr_request", args.id, tenant=args.tenant)
           ctx.print("erased ...")
           return OK

2. Add `"bot.privacy.commands.<group>",` to GROUPS below.

Conventions: every action writes an audit record (`ctx.record`: actor `cli:<os uid>`,
in the tenant's database when it names one and always in the control database; ids and
counts only); destructive commands print what they would do and change nothing unless
`--confirm`; exit codes OK (0), FAILED (1: a check failed, e.g. a broken chain), ERROR
(2: bad input or storage down). Output goes to `ctx.out` and never holds personal data.
Settings come from the environment (`Settings.from_env`): MONGODB_URL, or the embedded
server of a running `make run`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from motor.motor_asyncio import AsyncIOMotorClient

from bot.audit.log import AuditLog, AuditRecord, Outcome, cli_actor
from bot.base.errors import InvalidInput, RapportError
from bot.base.settings import Settings
from bot.tenants.registry import Tenants

GROUPS = (
    "bot.privacy.commands.audit",
    "bot.privacy.commands.dsr",
    "bot.privacy.commands.keys",
    "bot.privacy.commands.subprocessors",
    "bot.privacy.commands.tenant",
    "bot.privacy.commands.retention",
    "bot.privacy.commands.dsr_data",  # after dsr: adds export and erase to its group
    "bot.privacy.commands.backup",
)
OK, FAILED, ERROR = 0, 1, 2


@dataclass
class Context:
    settings: Settings
    client: AsyncIOMotorClient
    audit: AuditLog
    tenants: Tenants
    out: TextIO
    actor: str

    def print(self, *parts: Any) -> None:
        print(*parts, file=self.out)

    def tenant_ids(self, only: str | None = None) -> list[str]:
        """`[only]` if it is a known tenant (else UnknownTenant), or every tenant."""
        return [self.tenants.get(only).id] if only else sorted(t.id for t in self.tenants)

    async def record(
        self,
        action: str,
        resource_type: str,
        resource_id: str | None = None,
        *,
        tenant: str | None = None,
        detail: Mapping[str, str | int | bool | None] | None = None,
        outcome: Outcome = "allowed",
    ) -> None:
        """Audit one CLI action: in the tenant's database if it names one, and in the control's."""
        rec = AuditRecord(
            self.actor, action, resource_type, resource_id, outcome, tenant=tenant, detail=detail
        )
        if tenant is not None:
            await self.audit.tenant(tenant, rec)
        await self.audit.control(rec)


def add_confirm(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--confirm", action="store_true", help="really do it (default: a dry run)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.privacy", description=__doc__.split("\n\n")[0])
    groups = p.add_subparsers(dest="group", required=True)
    for name in GROUPS:
        importlib.import_module(name).register(groups)
    return p


async def run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.i18n import Catalog
    from bot.storage.mongo import connect

    tenants = Tenants.load(settings.tenants_file, Catalog.load().languages)
    client = connect(settings.effective_mongodb_url.value)
    try:
        ctx = Context(settings, client, AuditLog.from_settings(client, settings), tenants, out, cli_actor())
        return await args.run(ctx, args)
    finally:
        client.close()


def main(
    argv: list[str] | None = None, *, env: Mapping[str, str] | None = None, out: TextIO | None = None
) -> int:
    args = parser().parse_args(argv)
    try:
        return asyncio.run(run(args, Settings.from_env(env), out or sys.stdout))
    except InvalidInput as e:
        print(f"error: {e.code}" + (f" ({e.detail})" if e.detail else ""), file=sys.stderr)
    except RapportError as e:
        print(f"error: {e}", file=sys.stderr)
    return ERROR
