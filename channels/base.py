"""What every Rapport channel shares: settings and tenants, loaded once when Rasa
builds the channel from credentials.yml."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint

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


# Whole-server HTTP limits (Sanic's defaults: 100 MB bodies, 60 s to send them).
# No channel needs more than a Mailgun post with attachment metadata.
REQUEST_MAX_SIZE = 25 * 1024 * 1024
# Seconds for a client to send the request head (slow senders get 408). A body that
# trickles in after complete headers is bounded by Sanic 21.12's RESPONSE_TIMEOUT
# (60 s, then 503), because the body is read in the handler stage.
REQUEST_TIMEOUT = 10


def apply_server_limits(bp: Blueprint) -> None:
    """Set on the Rasa server's Sanic app when it starts (every channel calls this)."""

    @bp.listener("before_server_start")
    async def limits(app: Any, _loop: Any) -> None:
        app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, REQUEST_MAX_SIZE)
        app.config.REQUEST_TIMEOUT = min(app.config.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
