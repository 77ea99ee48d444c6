"""Sanic 21.12 websockets on Python 3.11.

Rasa 3.6 pins Sanic 21.12, whose websocket `recv()` and `recv_burst()`
(sanic/server/websockets/impl.py) call

    asyncio.wait((self.recv_cancel, self.assembler.get(timeout)), ...)

with a bare coroutine. Python 3.11 refuses coroutines in `asyncio.wait()`
("Passing coroutines is forbidden, use tasks explicitly"), so every `recv()` raises
TypeError and the connection drops as soon as the server reads from it: no websocket
route of a Sanic 21.12 app works here, and socket.io falls back to long-polling.
`Blueprint.event()` (sanic/blueprints.py) has the same bug.

Sanic fixed it upstream (issue sanic-org/sanic#2377, pull request #2383, in the
releases after 21.12) by wrapping the coroutine: `asyncio.ensure_future(self.assembler.get(timeout))`.
This module does exactly that without copying Sanic's methods: in those two modules
the name `asyncio` is replaced by a proxy of the real module whose only difference
is that `wait()` passes every awaitable through `asyncio.ensure_future` first. A
future or task is returned unchanged by `ensure_future`, so Sanic's identity checks
(`done_task is self.recv_cancel`) and cancellation of the pending task still hold.

`apply()` is idempotent and does nothing on a Sanic that is not 21.x (fixed there).
It runs in the Rasa server through `channels/__init__.py` (with the speedups); any
other Sanic app of ours (the staff console) calls `apply()` before serving.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Iterable
from typing import Any

import sanic
import sanic.blueprints
import sanic.server.websockets.impl

PATCHED_MODULES = (sanic.server.websockets.impl, sanic.blueprints)


async def wait(fs: Iterable[Awaitable[Any]], **kwargs: Any) -> tuple[set, set]:
    """`asyncio.wait` that accepts coroutines again, by making tasks of them."""
    return await asyncio.wait([asyncio.ensure_future(f) for f in fs], **kwargs)


class _Asyncio(types.ModuleType):
    """The `asyncio` module, with `wait` accepting coroutines."""

    wait = staticmethod(wait)

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


def needed() -> bool:
    return sanic.__version__.startswith("21.")


def apply() -> None:
    if not needed():
        return
    for module in PATCHED_MODULES:
        if not isinstance(module.asyncio, _Asyncio):
            module.asyncio = _Asyncio("asyncio")  # type: ignore[attr-defined]


def applied() -> bool:
    return all(isinstance(module.asyncio, _Asyncio) for module in PATCHED_MODULES)
