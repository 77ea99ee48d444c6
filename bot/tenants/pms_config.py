"""A tenant's PMS connector (config/tenants.yml, `pms:`): which property-management
system feeds its stays, and the connector's plain settings. Credentials never live
here: they come from the environment (`RAPPORT_PMS_<TENANT>_<NAME>`, bot/base/settings.py
`pms_secret`), so tenants.yml can be committed and reviewed.

    pms:
      kind: apaleo                 # a module of bot/outreach/pms/ (apaleo, mews, ...)
      client_id: ABCD-AC-RAPPORT   # the connector's own options (its module validates them)
      property_id: MUC

Only `kind` is checked here (a known-looking name); the connector module checks its
options when it is built (bot/outreach/pms/registry.py). An option whose name suggests a
credential (secret, token, password, key) is refused, so a secret pasted into the file
fails loudly instead of being committed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.base.errors import ConfigError

KIND = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
SECRET_WORDS = ("secret", "token", "password", "passwd", "key", "credential")


@dataclass(frozen=True)
class PmsConfig:
    kind: str
    options: Mapping[str, str | int | float | bool] = field(default_factory=lambda: MappingProxyType({}))


def parse_pms(tid: str, raw: Any) -> PmsConfig | None:
    """`pms:` of a tenant -> PmsConfig (None when absent)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(f"tenant {tid}: pms must be a mapping with a kind")
    kind = raw.get("kind")
    if not isinstance(kind, str) or not KIND.fullmatch(kind):
        raise ConfigError(f"tenant {tid}: pms.kind must name a connector (apaleo, mews, ...)")
    options: dict[str, str | int | float | bool] = {}
    for name, value in raw.items():
        if name == "kind":
            continue
        if not isinstance(name, str) or not KIND.fullmatch(name):
            raise ConfigError(f"tenant {tid}: pms option {name!r} is not a plain name")
        if any(word in name.lower() for word in SECRET_WORDS):
            raise ConfigError(
                f"tenant {tid}: pms.{name} looks like a credential: set it in the environment as "
                f"RAPPORT_PMS_{tid.upper()}_{name.upper()}, not in tenants.yml"
            )
        if not isinstance(value, str | int | float | bool):
            raise ConfigError(f"tenant {tid}: pms.{name} must be a plain value")
        options[name] = value
    return PmsConfig(kind, MappingProxyType(options))
