"""rapport_outbox_sends_total counts every outcome of a hand-off to a transport, by
channel and status: sent, failed (the provider's error), suppressed (objection, STOP)."""

from __future__ import annotations

import pytest

from bot.base.metrics import REGISTRY
from bot.outbox import DeliveryFailed
from bot.outbox.sms_store import SmsStore
from bot.storage.flags import FlagStore
from tests.bot.outbox.test_outbox import (  # noqa: F401 - fixtures
    TENANT,
    message,
    mongo_server,
    outbox,
    sms_guest,
    smtp,
    twilio,
)


def sends(channel: str, status: str) -> float:
    return (
        REGISTRY.get_sample_value("rapport_outbox_sends_total", {"channel": channel, "status": status}) or 0.0
    )


async def test_every_outcome_is_counted(outbox, twilio):  # noqa: F811
    counts = {s: sends("sms", s) for s in ("sent", "failed", "suppressed")}
    gref = await sms_guest(outbox)
    await outbox.to_guest(TENANT, "sms", gref, message())
    assert sends("sms", "sent") == counts["sent"] + 1

    await twilio.fault(503)
    with pytest.raises(DeliveryFailed):
        await outbox.to_guest(TENANT, "sms", gref, message())
    assert sends("sms", "failed") == counts["failed"] + 1

    await FlagStore(outbox.mongo, TENANT).set(gref, objected=True)
    with pytest.raises(DeliveryFailed):
        await outbox.to_guest(TENANT, "sms", gref, message())
    other = await sms_guest(outbox)
    await SmsStore(outbox.mongo, TENANT).set_consent(other, opted_out=True, keyword="stop")
    with pytest.raises(DeliveryFailed):
        await outbox.to_guest(TENANT, "sms", other, message())
    assert sends("sms", "suppressed") == counts["suppressed"] + 2
    assert sends("sms", "sent") == counts["sent"] + 1  # nothing else went out
