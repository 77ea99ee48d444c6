"""Outreach end to end on the running stack, as a hotel uses it: an admin's policy, a
guest list imported with the CLI, the invitation sent (by the jobs process or
`send-due`, whichever claims it: exactly one message), the guest's "4" answering its
first question in the stay's language, the invitation marked answered, and no reminder
for a guest who answered."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time

import pytest

from bot.audit.log import AuditLog
from bot.base.names import INVITATIONS, OUTREACH_SETTINGS
from bot.i18n import Catalog
from bot.outreach.settings import save_policy
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants
from tests.stack.client import conversation_ratings
from tests.stack.test_outreach_import import run, stay_doc
from tests.stack.test_sms import Phone

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()


def italian(key: str) -> str:
    return CATALOG.render("it", key, low=1, high=5, hotel="Hotel Alpenhof")


async def test_a_guest_list_becomes_one_invitation_whose_answer_opens_the_survey(stack, tmp_path):
    s = stack.settings
    mongo = MongoStore(connect(s.effective_mongodb_url.value), s.db_prefix)
    db = mongo.database("alpenhof")
    tenant = Tenants.load(s.tenants_file, CATALOG.languages).get("alpenhof")
    # the admin turns quiet hours off in the console, so the test sends at any hour
    policy = {k: v for k, v in tenant.outreach.public().items() if k != "quiet_hours"}
    audit = AuditLog.from_settings(mongo.client, s)
    await db[OUTREACH_SETTINGS].delete_many({})
    await save_policy(db, audit, tenant, policy, staff_id="st_e2e", username="e2e", version=0)
    phone = Phone(stack)
    reservation = "E2E-" + secrets.token_hex(4)
    now = dt.datetime.now(dt.UTC)
    checked_out = (now - dt.timedelta(hours=4)).isoformat(timespec="seconds")  # due an hour ago
    today = now.date()
    path = tmp_path / "guests.csv"
    row = [reservation, "checked_out", str(today - dt.timedelta(days=2)), str(today), "Giulia", phone.number]
    path.write_text(
        "reservation,status,arrival,departure,first_name,phone,email,language,checked_out_at\n"
        + ",".join([*row, "", "it", checked_out])
        + "\n",
        encoding="utf-8",
    )
    try:
        imported = await run(stack, "bot.outreach", "import", "--tenant", "alpenhof", "--file", str(path))
        assert imported.returncode == 0, imported.stdout + imported.stderr
        sent = await run(stack, "bot.outreach", "send-due", "--tenant", "alpenhof", "--json")
        assert sent.returncode == 0, sent.stdout + sent.stderr
        deadline = time.monotonic() + 30
        while not await phone.sent_to_me() and time.monotonic() < deadline:
            await run(stack, "bot.outreach", "send-due", "--tenant", "alpenhof")  # or the jobs' round
        messages = await phone.sent_to_me()
        assert len(messages) >= 1, sent.stdout
        text = await phone.text()
        assert text.startswith("Buongiorno Giulia! " + italian("invite.journey.post_stay"))
        assert italian("question.overall") in text and "/webhooks/webchat/i/" in text
        assert italian("invite.stop") in text
        assert "Giulia" not in sent.stdout + sent.stderr and phone.number[3:] not in sent.stdout

        stay = await stay_doc(stack, "alpenhof", reservation)
        invitation_id = "i_" + stay["_id"][2:] + "_post_stay"
        invitation = await db[INVITATIONS].find_one({"_id": invitation_id})
        assert invitation["status"] == "sent" and invitation["channel"] == "sms"
        assert invitation["tried"] == [["whatsapp", "outside_window"]] or invitation["tried"] == []

        # the guest answers the invitation's question with a bare number
        await phone.post(phone.form("4"))
        await phone.wait_for_text(italian("question.room"))
        ratings = await conversation_ratings(stack, "alpenhof", stay["guest_ref"])
        assert ratings["overall"]["value"] == 4 and "room" not in ratings
        invitation = await db[INVITATIONS].find_one({"_id": invitation_id})
        assert isinstance(invitation["answered_at"], float)
        count = len(await phone.sent_to_me())

        # three days later the reminder is due: a guest who answered gets none
        later = (now + dt.timedelta(days=3)).isoformat(timespec="seconds")
        again = await run(stack, "bot.outreach", "send-due", "--tenant", "alpenhof", "--now", later, "--json")
        assert again.returncode == 0, again.stdout + again.stderr
        reminder = await db[INVITATIONS].find_one({"_id": invitation_id + "_r"})
        assert reminder["status"] == "suppressed" and reminder["reason"] == "answered"
        assert len(await phone.sent_to_me()) == count
        assert json.loads(again.stdout)["alpenhof"].get("suppressed_answered", 0) >= 1
    finally:
        await db[OUTREACH_SETTINGS].delete_many({})  # back to config/tenants.yml for the others
        mongo.client.close()
