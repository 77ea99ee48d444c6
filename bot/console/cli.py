"""Staff accounts from the command line (the first admin of a tenant is made here).

    python -m bot.console.cli staff add --tenant alpenhof --role admin --username anna
        [--email anna@hotel.example] [--phone +4989123456]
    python -m bot.console.cli staff list [--tenant alpenhof]
    python -m bot.console.cli staff disable --username anna     (--enable to undo)
    python -m bot.console.cli staff passwd --username anna

Passwords are read from standard input (first line) when it is not a terminal, else
prompted for twice; never from the command line (it would be in the shell history and
the process list). Account changes are audited in the control database (actor "cli").
Uses MONGODB_URL, or the embedded server of a running `make run`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import TextIO

from bot.audit.log import AuditLog, AuditRecord
from bot.base.errors import InvalidInput, RapportError
from bot.base.settings import Settings
from bot.i18n import Catalog
from bot.staff.accounts import ROLES, StaffStore, UsernameTaken, check_contact, normalise_username
from bot.staff.passwords import check_new_password, hash_password
from bot.storage.mongo import connect
from bot.tenants.registry import Tenants


def read_password(stdin: TextIO = sys.stdin) -> str:
    if not stdin.isatty():
        password = stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password (12 characters or more): ")
        if getpass.getpass("Again: ") != password:
            raise InvalidInput("password_mismatch", "the passwords differ")
    check_new_password(password)
    return password


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.console.cli", description=__doc__.split("\n\n")[0])
    groups = p.add_subparsers(dest="group", required=True)
    staff = groups.add_parser("staff", help="staff accounts").add_subparsers(dest="command", required=True)
    add = staff.add_parser("add", help="create an account with a role in one tenant")
    add.add_argument("--tenant", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--username", required=True)
    add.add_argument("--email")
    add.add_argument("--phone", help="E.164, for notifications")
    ls = staff.add_parser("list", help="list accounts (ids, usernames, roles)")
    ls.add_argument("--tenant")
    disable = staff.add_parser("disable", help="disable an account (ends its sessions)")
    disable.add_argument("--username", required=True)
    disable.add_argument("--enable", action="store_true", help="enable it again instead")
    passwd = staff.add_parser("passwd", help="set a new password (ends the account's sessions)")
    passwd.add_argument("--username", required=True)
    duty = staff.add_parser("duty", help="put an account on duty (notified of escalations) or off")
    duty.add_argument("--username", required=True)
    duty.add_argument("state", choices=("on", "off"))
    return p


async def run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    client = connect(settings.effective_mongodb_url.value)
    try:
        store = StaffStore(client[settings.control_db])
        await store.ensure_indexes()
        audit = AuditLog.from_settings(client, settings)
        tenants = Tenants.load(settings.tenants_file, Catalog.load().languages)
        if args.command == "add":
            tenants.get(args.tenant)
            username = normalise_username(args.username)
            email, phone = check_contact(args.email, args.phone)
            password_hash = await asyncio.to_thread(hash_password, read_password())
            staff = await store.add(
                username=username,
                password_hash=password_hash,
                tenant_id=args.tenant,
                role=args.role,
                email=email,
                phone=phone,
            )
            record = AuditRecord("cli", "staff.create", "staff", staff.id, "allowed", tenant=args.tenant)
            await audit.tenant(args.tenant, record)
            await audit.control(record)
            print(f"created {staff.id} ({args.role} of {args.tenant})", file=out)
        elif args.command == "list":
            if args.tenant:
                tenants.get(args.tenant)
            for s in await store.list(args.tenant):
                roles = ",".join(f"{t}:{r}" for t, r in sorted(s.roles.items()))
                state = "disabled" if s.disabled else "active"
                print(f"{s.id}\t{s.username}\t{roles}\t{state}", file=out)
        else:
            staff = await store.by_username(args.username)
            if staff is None:
                print("no such account", file=sys.stderr)
                return 1
            if args.command == "disable":
                await store.set_disabled(staff.id, not args.enable)
                action = "staff.enable" if args.enable else "staff.disable"
            elif args.command == "duty":
                await store.set_on_duty(staff.id, args.state == "on")
                action = f"staff.duty_{args.state}"
            else:
                new_hash = await asyncio.to_thread(hash_password, read_password())
                await store.set_password_hash(staff.id, new_hash, end_sessions=True)
                action = "staff.passwd"
            record = AuditRecord("cli", action, "staff", staff.id, "allowed")
            for tenant_id in staff.roles:
                await audit.tenant(tenant_id, record)
            await audit.control(record)
            print(f"{action.split('.')[1]}: {staff.id}", file=out)
        return 0
    finally:
        client.close()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return asyncio.run(run(args, Settings.from_env(), sys.stdout))
    except UsernameTaken:
        print("error: that username is taken", file=sys.stderr)
    except InvalidInput as e:
        print(f"error: {e.code}" + (f" ({e.detail})" if e.detail else ""), file=sys.stderr)
    except RapportError as e:
        print(f"error: {e}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
