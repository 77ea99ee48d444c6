"""A throw-away tenant for privacy tests that tamper with or rotate a tenant's data: a
copy of the stack's tenants file with one more tenant, and the environment naming it."""

from __future__ import annotations

import copy
import uuid
from pathlib import Path
from typing import Any

import yaml

from bot.stack import Stack


def scratch_tenant(stack: Stack, tmp_path: Path, **overrides: Any) -> tuple[str, dict[str, str], Path]:
    """(tenant id, child environment whose RAPPORT_TENANTS includes it, tenants file)."""
    raw = yaml.safe_load(stack.settings.tenants_file.read_text(encoding="utf-8"))
    tenant_id = "scratch_" + uuid.uuid4().hex[:10]
    extra = copy.deepcopy(raw["tenants"][0])
    extra.update(id=tenant_id, name=f"Scratch {tenant_id}", widget_key="wk_" + tenant_id)
    for key in ("sms_numbers", "whatsapp_numbers", "email_addresses", "widget_origins"):
        extra.pop(key, None)
    extra.update(overrides)
    raw["tenants"].append(extra)
    path = tmp_path / f"tenants-{tenant_id}.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return tenant_id, {**stack.child_env(), "RAPPORT_TENANTS": str(path)}, path


def rewrite_tenant(path: Path, tenant_id: str, **changes: Any) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for t in raw["tenants"]:
        if t["id"] == tenant_id:
            t.update(changes)
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
