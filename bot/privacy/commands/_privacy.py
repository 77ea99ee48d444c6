"""Shared by the tenant, retention and dsr data commands: a PrivacyContext for one command."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from bot.privacy.cli import Context
from bot.privacy.stores import PrivacyContext


@contextlib.asynccontextmanager
async def privacy_context(ctx: Context) -> AsyncIterator[PrivacyContext]:
    privacy = await PrivacyContext.open(ctx.settings)
    try:
        yield privacy
    finally:
        await privacy.close()


def show(ctx: Context, document: dict[str, Any]) -> None:
    ctx.print(json.dumps(document, indent=2, sort_keys=True, default=str, ensure_ascii=False))
