"""Fixtures of the web chat tests: a MongoDB-wire server of its own (the outreach tests')."""

from tests.bot.outreach.conftest import mongo, mongo_env  # noqa: F401 - fixtures
