"""Rasa input/output channels, one module per medium, registered by dotted path in
credentials.yml. Each verifies, parses with a pure function from bot/channels, hands
the message to Rasa and answers."""

from bot.logs import withhold_rasa_message_text
from bot.rasa import sanic_compat, speedups

withhold_rasa_message_text()  # Rasa's lines quoting a message's text (a "/" payload)
speedups.apply()
sanic_compat.apply()  # websockets on Python 3.11 (socket.io's websocket transport)
