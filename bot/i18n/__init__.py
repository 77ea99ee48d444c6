"""Message catalog: one YAML file of keyed texts per language (see catalog.py)."""

from bot.i18n.catalog import DEFAULT_LANGUAGE, MESSAGES_DIR, Catalog, MissingParameter

__all__ = ["Catalog", "DEFAULT_LANGUAGE", "MESSAGES_DIR", "MissingParameter"]
