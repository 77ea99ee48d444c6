"""Rasa input/output channels, one module per medium, registered by dotted path in
credentials.yml. Each verifies, parses with a pure function from bot/channels, hands
the message to Rasa and answers."""

from bot.rasa import speedups

speedups.apply()
