"""Which invitation a guest's first message answers, and `answered_at` set once
(bot/outreach/opening.py), against the real embedded MongoDB-wire server."""

from __future__ import annotations

import asyncio

from bot.base.names import INVITATIONS
from bot.outreach.opening import mark_answered, open_invitation

NOW = 1_800_000_000.0
DAY = 86_400.0


def invitation(stay: str, journey: str, *, status: str = "sent", sent_at: float = NOW - 3600, **more):
    doc = {
        "_id": f"i_{stay}_{journey}",
        "stay": f"s_{stay}",
        "journey": journey,
        "reminder": 0,
        "guest_ref": "g_phone_" + stay,
        "guest_refs": ["g_phone_" + stay, "g_mail_" + stay],
        "lang": "it",
        "due": sent_at - 10,
        "status": status,
        "attempts": 1,
        "channel": "sms",
        "tried": [],
        "created_at": sent_at - 100,
        "updated_at": sent_at,
    }
    if status == "sent":
        doc["sent_at"] = sent_at
    doc.update(more)
    return doc


async def _insert(mongo, *docs):
    await mongo.database("alpenhof")[INVITATIONS].insert_many(list(docs))


async def test_the_newest_sent_invitation_of_either_reference_is_found(mongo):
    await _insert(
        mongo,
        invitation("a", "pre_arrival", sent_at=NOW - 5 * DAY),
        invitation("a", "post_stay", sent_at=NOW - 2 * DAY),
        invitation("a", "in_stay", status="planned"),
        invitation("a", "other", status="failed", reason="no_channel"),
    )
    by_phone = await open_invitation(mongo, "alpenhof", "g_phone_a", NOW)
    by_mail = await open_invitation(mongo, "alpenhof", "g_mail_a", NOW)
    assert by_phone is not None and by_phone["_id"] == "i_a_post_stay"
    assert by_mail is not None and by_mail["_id"] == "i_a_post_stay"


async def test_nothing_for_an_old_invitation_another_guest_or_another_tenant(mongo):
    await _insert(mongo, invitation("b", "post_stay", sent_at=NOW - 15 * DAY))
    assert await open_invitation(mongo, "alpenhof", "g_phone_b", NOW) is None
    assert await open_invitation(mongo, "alpenhof", "g_phone_nobody", NOW) is None
    await _insert(mongo, invitation("c", "post_stay"))
    assert await open_invitation(mongo, "seeblick", "g_phone_c", NOW) is None
    assert await open_invitation(mongo, "alpenhof", "", NOW) is None


async def test_answered_at_is_set_once_even_by_concurrent_turns(mongo):
    await _insert(mongo, invitation("d", "post_stay"), invitation("e", "post_stay"))
    results = await asyncio.gather(
        *(mark_answered(mongo, "alpenhof", "i_d_post_stay", NOW + i) for i in range(5))
    )
    assert sorted(results) == [False] * 4 + [True]
    coll = mongo.database("alpenhof")[INVITATIONS]
    doc = await coll.find_one({"_id": "i_d_post_stay"})
    assert isinstance(doc["answered_at"], float) and NOW <= doc["answered_at"] < NOW + 5
    assert not await mark_answered(mongo, "alpenhof", "i_d_post_stay", NOW + 100)
    assert (await coll.find_one({"_id": "i_d_post_stay"}))["answered_at"] == doc["answered_at"]
    assert "answered_at" not in await coll.find_one({"_id": "i_e_post_stay"})  # only that one
    assert not await mark_answered(mongo, "alpenhof", "i_missing", NOW)
