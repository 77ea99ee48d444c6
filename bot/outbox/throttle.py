"""Send rates per sending number (or address), shared by every process through Redis.

A long code sends about one SMS per second; Twilio queues or refuses (429) what comes
faster. The outbox takes `n` slots (an SMS's parts) from the sender's bucket before it
hands a message to the provider. One Lua script per take, so two processes (two
schedulers, the channels) can never both take the same slot:

    key   OUTBOX_RATE + "<medium>:<sender>"   (bot/base/names.py; the hotel's number or
          address, not personal data) -> the "theoretical arrival time" in microseconds
          of Redis's own clock (TIME: one clock for every process)

Generic cell rate (GCRA) without burst: a take succeeds when the bucket's time is not
ahead of now, and moves it to max(now, time) + n / rate; otherwise it answers how long
to wait. `penalize` pushes the bucket forward after the provider answered 429, so every
process backs off, not just the one that was refused.
"""

from __future__ import annotations

from typing import Any

from bot.base.names import OUTBOX_RATE

# KEYS[1] bucket; ARGV: interval per slot (us), slots, extra delay (us, penalize only)
# returns 0 when taken, else microseconds to wait
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local interval = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local extra = tonumber(ARGV[3])
if extra > 0 then
  local pushed = math.max(tat, now + extra)
  redis.call('SET', KEYS[1], string.format('%d', pushed), 'PX', math.ceil((pushed - now) / 1000) + 1000)
  return 0
end
if tat > now then
  return tat - now
end
local new = now + interval * n
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000) + 1000)
return 0
"""


class Throttle:
    def __init__(self, redis: Any, prefix: str = OUTBOX_RATE) -> None:
        self.redis = redis
        self.prefix = prefix
        self._script = redis.register_script(_TAKE)

    def key(self, medium: str, sender: str) -> str:
        return f"{self.prefix}{medium}:{sender}"

    async def take(self, medium: str, sender: str, rate: float, n: int = 1) -> float:
        """Take `n` slots at `rate` per second: 0.0 when taken, else the seconds to wait
        before trying again (nothing taken)."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        interval = round(1_000_000 / rate)
        wait = await self._script(keys=[self.key(medium, sender)], args=[interval, max(1, int(n)), 0])
        return int(wait) / 1_000_000

    async def penalize(self, medium: str, sender: str, seconds: float) -> None:
        """No slot for `sender` for `seconds` from now (the provider said 429)."""
        await self._script(keys=[self.key(medium, sender)], args=[1, 1, max(1, round(seconds * 1_000_000))])
