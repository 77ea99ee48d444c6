"""The connectors by kind, and building a tenant's from its `pms:` section.

A third PMS is one module here: it defines `NAME`, `SECRETS` (the names of its
credentials, read from RAPPORT_PMS_<TENANT>_<NAME>), a `PmsConnector` subclass
(bot/outreach/pms/base.py) and `build(tenant_id, hotel, options, secret, http)`, and is
added to `MODULES` below. Webhooks (events.py), polling (poller.py), the CLI and the
jobs' round then serve it without change.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

from bot.base.errors import ConfigError
from bot.base.settings import Secret, Settings
from bot.outreach.pms.base import DEFAULT_BACKOFF, Backoff, Counters, Hotel, Http, PmsConnector
from bot.tenants.registry import Tenant

MODULES = {
    "apaleo": "bot.outreach.pms.apaleo",
    "mews": "bot.outreach.pms.mews",
    "signed": "bot.outreach.pms.signed",  # a generic HMAC-signed webhook (Impala's event shape)
}


def module(kind: str) -> ModuleType:
    try:
        return importlib.import_module(MODULES[kind])
    except KeyError:
        raise ConfigError(f"unknown PMS connector {kind!r} (known: {', '.join(sorted(MODULES))})") from None


def hotel_of(tenant: Tenant) -> Hotel:
    return Hotel(country=tenant.country, timezone=tenant.timezone, languages=tenant.languages)


def secrets_of(settings: Settings, tenant: Tenant) -> Callable[[str], Secret | None]:
    return lambda name: settings.pms_secret(tenant.id, name)


def connector_for(
    settings: Settings,
    tenant: Tenant,
    *,
    counters: Counters | None = None,
    timeout: float = 15.0,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable | None = None,
) -> PmsConnector:
    """The tenant's connector (raises ConfigError when it has none or it is misconfigured)."""
    if tenant.pms is None:
        raise ConfigError(f"tenant {tenant.id} has no pms: section")
    mod = module(tenant.pms.kind)
    kwargs = {"sleep": sleep} if sleep is not None else {}
    http = Http(counters or Counters(), timeout=timeout, backoff=backoff, **kwargs)
    return mod.build(
        tenant.id, hotel_of(tenant), dict(tenant.pms.options), secrets_of(settings, tenant), http
    )
