"""Shared by the stand-ins' CLI tests."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import ClientSession


async def wait_until_serving(http: ClientSession, url: str, tries: int = 200) -> None:
    """Poll a stand-in's listing endpoint until it answers with an empty list."""
    for _ in range(tries):
        try:
            async with http.get(url) as resp:
                assert await resp.json() == []
                return
        except OSError:
            await asyncio.sleep(0.05)
    pytest.fail("the fake did not start")
