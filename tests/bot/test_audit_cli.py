"""The operator CLI's skeleton and the subprocessor register (pure parts)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.base.errors import ConfigError
from bot.i18n import Catalog
from bot.privacy import cli
from bot.privacy.subprocessors import describe, diff, notice
from bot.tenants.registry import Subprocessor, Tenants

TWILIO = Subprocessor("Twilio Ireland Ltd.", "SMS", "EU (Ireland)")
MAIL = Subprocessor("Mailgun", "e-mail", "EU (Germany)")


def test_every_group_registers_its_commands_and_each_command_has_a_handler():
    p = cli.parser()
    for argv in (
        ["audit", "verify"],
        ["audit", "verify", "--tenant", "alpenhof"],
        ["audit", "verify", "--control"],
        ["audit", "export", "--tenant", "alpenhof"],
        ["keys", "rotate"],
        ["subprocessors", "notify"],
        ["subprocessors", "diff"],
        ["subprocessors", "list"],
    ):
        args = p.parse_args(argv)
        assert callable(args.run), argv


def test_destructive_commands_are_dry_runs_unless_confirmed():
    p = cli.parser()
    assert p.parse_args(["keys", "rotate"]).confirm is False
    assert p.parse_args(["keys", "rotate", "--confirm"]).confirm is True
    assert p.parse_args(["subprocessors", "notify"]).confirm is False


def test_verify_takes_a_tenant_or_control_not_both(capsys):
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["audit", "verify", "--tenant", "alpenhof", "--control"])


def test_a_group_module_needs_only_register(monkeypatch, tmp_path):
    import sys
    import types

    module = types.ModuleType("bot_privacy_test_group")

    async def hello(ctx, args):  # noqa: ANN001, ANN202
        return cli.OK

    def register(subparsers: argparse._SubParsersAction) -> None:
        subparsers.add_parser("hello").set_defaults(run=hello)

    module.register = register
    monkeypatch.setitem(sys.modules, "bot_privacy_test_group", module)
    monkeypatch.setattr(cli, "GROUPS", (*cli.GROUPS, "bot_privacy_test_group"))
    assert cli.parser().parse_args(["hello"]).run is hello


def test_diff_matches_by_name_and_sees_region_changes():
    moved = Subprocessor("mailgun", "e-mail", "USA")
    change = diff([TWILIO, MAIL], [moved, Subprocessor("Host", "servers", "EU")])
    assert [s.name for s in change.added] == ["Host"] and change.removed == (TWILIO,)
    assert change.changed == ((MAIL, moved),) and change.counts() == {"added": 1, "removed": 1, "changed": 1}
    assert not diff([TWILIO, MAIL], [MAIL, TWILIO])
    assert any("was: e-mail, EU (Germany)" in line for line in describe(change))


def test_the_notice_names_the_change_and_the_whole_register(tmp_path):
    tenants = Tenants.load(Path("config/tenants.yml"), Catalog.load().languages)
    tenant = tenants.get("alpenhof")
    msg = notice(tenant, diff([], tenant.subprocessors[:1]), "admin@hotel.example", "https://console.example")
    body = msg.get_content()
    assert msg["To"] == "admin@hotel.example" and tenant.name in msg["Subject"]
    assert f"added: {tenant.subprocessors[0].name}" in body
    assert all(s.region in body for s in tenant.subprocessors)
    assert "https://console.example/t/alpenhof/" in body and msg["Message-ID"]


def test_demo_tenants_have_a_register_with_regions():
    for t in Tenants.load(Path("config/tenants.yml"), Catalog.load().languages):
        assert t.subprocessors and all(s.region for s in t.subprocessors)


@pytest.mark.parametrize(
    "register",
    [
        "nope",
        [{"name": "X", "purpose": "y"}],
        [{"name": "X", "purpose": "y", "region": ""}],
        [{"name": "X", "purpose": "y", "region": "EU"}, {"name": "x", "purpose": "z", "region": "EU"}],
    ],
)
def test_bad_registers_are_refused(tmp_path, register):
    import yaml

    raw = yaml.safe_load(Path("config/tenants.yml").read_text())
    raw["tenants"][0]["subprocessors"] = register
    path = tmp_path / "t.yml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="subprocessor"):
        Tenants.load(path, Catalog.load().languages)
