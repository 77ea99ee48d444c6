"""What every Rapport channel shares: settings and tenants, loaded once when Rasa
builds the channel from credentials.yml."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.i18n import Catalog
from bot.settings import Settings
from bot.storage.mongo import MongoStore, connect
from bot.tenants import Tenants


class TenantChannel(InputChannel):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Settings.from_env())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tenants = Tenants.load(settings.tenants_file, Catalog.load().languages)


class WebhookChannel(TenantChannel):
    """A provider webhook that acknowledges at once and runs the turn afterwards:
    background turns (named tasks, drained on shutdown) and a MongoDB store created on
    first use inside the server's loop."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._mongo: MongoStore | None = None
        self.tasks: set[asyncio.Task] = set()

    def mongo(self) -> MongoStore:
        if self._mongo is None:
            s = self.settings
            self._mongo = MongoStore(connect(s.effective_mongodb_url.value), s.db_prefix)
        return self._mongo

    def spawn(self, turn: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(turn, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def close(self) -> None:
        """Release per-process clients (subclasses add theirs)."""
        if self._mongo is not None:
            self._mongo.client.close()

    def new_blueprint(self, name: str) -> Blueprint:
        bp = Blueprint(name, type(self).__module__)
        apply_server_limits(bp)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.listener("before_server_stop")
        async def drain(app: Any, _loop: Any) -> None:
            """Let turns already acknowledged to the provider finish and reply."""
            if self.tasks:
                await asyncio.wait(set(self.tasks), timeout=20)
            await self.close()

        return bp


def form_dict(request: Request) -> dict[str, str]:
    """The posted form with blank values kept (a signed `Body=` of a picture-only MMS
    must survive; Sanic's `request.form` drops it). First value of each parameter."""
    try:
        pairs = parse_qsl((request.body or b"").decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return {}
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form


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
