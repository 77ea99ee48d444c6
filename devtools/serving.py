"""Serving a stand-in's aiohttp app on loopback for the duration of a block (a free port
by default): the HTTP stand-ins (fake_twilio, fake_apaleo, fake_mews) share this."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import ClientSession, ClientTimeout, web


@asynccontextmanager
async def serving(
    app: web.Application, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 30, shutdown: float = 2
) -> AsyncIterator[tuple[str, ClientSession]]:
    """Yields the app's base URL and a client session for the stand-in's handle."""
    runner = web.AppRunner(app, shutdown_timeout=shutdown)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]
        async with ClientSession(timeout=ClientTimeout(total=timeout)) as session:
            yield f"http://{host}:{bound}", session
    finally:
        await runner.cleanup()
