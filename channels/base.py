"""What every Rapport channel shares: settings and tenants, loaded once when Rasa
builds the channel from credentials.yml."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel

from bot.i18n import Catalog
from bot.settings import Settings
from bot.tenants import Tenants


class TenantChannel(InputChannel):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Settings.from_env())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tenants = Tenants.load(settings.tenants_file, Catalog.load().languages)
