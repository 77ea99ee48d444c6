"""Rasa input/output channels, one module per medium, registered by dotted path in
credentials.yml. Each verifies, parses with a pure function from bot/channels, hands
the message to Rasa and answers."""

from bot.rasa import sanic_compat, speedups

speedups.apply()
sanic_compat.apply()  # websockets on Python 3.11 (socket.io's websocket transport)
