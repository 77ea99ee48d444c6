"""Pure parts of retention: stored times in every shape, and the per-tenant period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.base.errors import ConfigError
from bot.privacy.retention import epoch
from bot.tenants.registry import _retention


def test_stored_times_parse_whatever_the_server_made_of_them():
    at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert epoch(at) == at.timestamp()
    assert epoch(at.timestamp()) == at.timestamp()
    assert epoch("2024-05-01T12:00:00+00:00") == at.timestamp()  # a datetime $set on nx-27017
    assert epoch("2024-05-01 12:00:00Z") == at.timestamp()
    assert epoch(True) is None and epoch("soon") is None and epoch(None) is None


@pytest.mark.parametrize("days", [0, -1, 3651, "30", 1.5, True, None])
def test_retention_days_must_be_whole_days_in_range(days):
    with pytest.raises(ConfigError):
        _retention("alpenhof", days)


def test_retention_days_accepted():
    assert _retention("alpenhof", 1) == 1 and _retention("alpenhof", 3650) == 3650
