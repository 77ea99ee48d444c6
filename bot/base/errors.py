"""Errors raised by Rapport's core, and how the edges map them.

    RapportError                  base; never raised itself
    ├── ConfigError               configuration (settings, tenants file) is invalid
    ├── UnknownTenant             a request names a tenant (id or widget key) that does not exist
    ├── InvalidInput              a request or message is malformed; .code says what (for clients)
    └── StorageError              a store did not accept or return data

Edges (channels, the action server) map them to HTTP: UnknownTenant -> 404,
InvalidInput -> 400 (413 for "too_large"), everything else -> 500 with no details.
Messages never contain guest data (text, phone numbers, names).
"""

from __future__ import annotations


class RapportError(Exception):
    """Base class of all errors raised by the bot package."""


class ConfigError(RapportError):
    """The configuration is invalid."""


class UnknownTenant(RapportError):
    """No tenant matches the given id or widget key."""


class InvalidInput(RapportError):
    """Input rejected before processing. `code` is a stable machine-readable reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class StorageError(RapportError):
    """A store failed."""
