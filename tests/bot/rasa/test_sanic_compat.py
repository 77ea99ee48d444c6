"""Sanic 21.12 websockets on Python 3.11 with bot/rasa/sanic_compat.py: a tiny Sanic
app on loopback and a real `websockets` client."""

from __future__ import annotations

import asyncio

import pytest
import websockets
from sanic import Sanic

from bot.rasa import sanic_compat
from tests.conftest import free_port


def test_python_refuses_coroutines_in_asyncio_wait():
    """Why the patch exists: what Sanic 21.12's recv() does fails on this Python."""

    async def main() -> None:
        coro = asyncio.sleep(0)
        try:
            with pytest.raises(TypeError, match="coroutines is forbidden"):
                await asyncio.wait((coro,))
        finally:
            coro.close()

    asyncio.run(main())


def test_the_rasa_server_applies_it_with_the_channels():
    import bot.channels.base  # noqa: F401  (every channel in credentials.yml imports it)

    assert sanic_compat.needed() and sanic_compat.applied()


async def test_websocket_send_receive_timeout_and_close():
    """Several messages, a burst, a large non-ASCII frame, recv with a timeout and a
    close, over a real connection. (One Sanic app per test process: Sanic 21.12's
    start-up "touchup" fails for a second app in the same process.)"""
    sanic_compat.apply()
    app = Sanic("rapport_ws_test")
    ended: list[str] = []

    @app.websocket("/echo")
    async def echo(request, ws) -> None:
        """Echoes every message; says "timeout" when nothing came within 0.3 s."""
        try:
            while True:
                message = await ws.recv(timeout=0.3)
                await ws.send("timeout" if message is None else f"echo:{message}")
        except websockets.ConnectionClosed:
            ended.append("closed")
        except asyncio.CancelledError:  # Sanic 21.12: recv() is cancelled when the peer closes
            ended.append("closed")
            raise

    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    await server.start_serving()
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/echo") as ws:
            for i in range(20):
                await ws.send(f"m{i}")
                assert await asyncio.wait_for(ws.recv(), 5) == f"echo:m{i}"
            await ws.send("ü" * 10_000)
            assert await asyncio.wait_for(ws.recv(), 5) == "echo:" + "ü" * 10_000
            # nothing sent: the server's recv(timeout=0.3) returns None, the connection stays
            assert await asyncio.wait_for(ws.recv(), 5) == "timeout"
            for i in range(100):  # a burst, read back in order
                await ws.send(str(i))
            replies = [await asyncio.wait_for(ws.recv(), 5) for _ in range(100)]
            assert [r for r in replies if r != "timeout"] == [f"echo:{i}" for i in range(100)]
        for _ in range(50):
            if ended:
                break
            await asyncio.sleep(0.05)
        assert ended == ["closed"]  # the client's close ended the handler
    finally:
        server.close()
        await server.wait_closed()


async def test_apply_is_idempotent():
    sanic_compat.apply()
    proxy = sanic_compat.PATCHED_MODULES[0].asyncio
    sanic_compat.apply()
    assert sanic_compat.PATCHED_MODULES[0].asyncio is proxy
    assert proxy.Future is asyncio.Future  # everything else is the real module
