"""A guest's reply to an invitation through the whole pipeline (FeedbackService.handle)
against a real MongoDB-wire server of its own (no Rasa, no Redis): the reply answers the
invitation's first question, the next question comes in the invitation's language, the
conversation names the stay and journey, and the invitation is marked answered once."""

from __future__ import annotations

import tempfile
import time

import pytest

from bot.base.names import CONVERSATIONS, INVITATIONS, RATINGS
from bot.base.refs import channel_guest_id, guest_ref, make_sender
from bot.base.settings import PROJECT_ROOT, Settings
from bot.feedback.service import FeedbackService
from bot.i18n import Catalog
from bot.language import make_detector
from bot.stack import Stack
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants
from tests.conftest import free_port

CATALOG = Catalog.load()
TENANTS = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", CATALOG.languages)
SETTINGS = Settings.from_env({"RAPPORT_DATA_DIR": tempfile.mkdtemp(prefix="rapport-invited-")})
RATE = {"name": "rate", "confidence": 0.9}


@pytest.fixture(scope="module")
def mongo_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("invited")
    settings = Settings.from_env({"RAPPORT_DATA_DIR": str(data), "RAPPORT_MONGO_PORT": str(free_port())})
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    yield settings.effective_mongodb_url.value
    stack.stop()


@pytest.fixture()
async def service(mongo_url):
    s = FeedbackService(
        SETTINGS,
        TENANTS,
        CATALOG,
        make_detector("lingua", CATALOG.languages),
        MongoStore(connect(mongo_url), SETTINGS.db_prefix),
    )
    yield s
    s.close()


def sms_guest(number: str) -> tuple[str, str]:
    """The sender id and keyed reference the SMS channel gives `number` (as the stay holds)."""
    guest = channel_guest_id(SETTINGS.guest_key, "alpenhof", "sms", number)
    return make_sender("alpenhof", guest), guest_ref(SETTINGS.guest_key, "alpenhof", guest)


async def invite(service, gref: str, *, lang: str = "it", sent_ago: float = 3600, **more) -> str:
    now = time.time()
    stay = f"s_{time.time_ns()}"
    inv = {
        "_id": f"i_{stay[2:]}_post_stay",
        "stay": stay,
        "journey": "post_stay",
        "reminder": 0,
        "guest_ref": gref,
        "guest_refs": [gref, "g_" + "0" * 32],
        "lang": lang,
        "due": now - sent_ago,
        "status": "sent",
        "attempts": 1,
        "channel": "sms",
        "tried": [],
        "sent_at": now - sent_ago,
        "created_at": now - sent_ago - 60,
        "updated_at": now - sent_ago,
        **more,
    }
    await service.store.database("alpenhof")[INVITATIONS].insert_one(inv)
    return inv["_id"]


def question(lang: str, qid: str) -> str:
    return CATALOG.render(lang, f"question.{qid}", low=1, high=5)


async def test_the_reply_answers_the_first_question_and_the_second_comes_in_italian(service):
    sender, gref = sms_guest(f"+39347{time.time_ns() % 10**7:07d}")
    inv_id = await invite(service, gref)
    first = await service.handle(
        sender, {"text": "4", "intent": RATE, "message_id": "m1", "metadata": {"channel": "sms"}}, None
    )
    assert first.texts == (question("it", "room"),)
    assert "invitation_answered" in first.events
    db = service.store.database("alpenhof")
    stored = await db[RATINGS].find({"guest_ref": gref}).to_list(None)
    assert [(d["question"], d["value"], d["language"]) for d in stored] == [("overall", 4, "it")]
    conv = await db[CONVERSATIONS].find_one({"_id": first.state["conversation"]})
    assert (conv["invitation"], conv["journey"], conv["stay"].startswith("s_")) == (inv_id, "post_stay", True)
    assert (conv["language"], conv["language_source"]) == ("it", "reservation")
    answered_at = (await db[INVITATIONS].find_one({"_id": inv_id}))["answered_at"]
    assert isinstance(answered_at, float) and abs(answered_at - time.time()) < 60

    second = await service.handle(sender, {"text": "5", "intent": RATE}, first.state)
    third = TENANTS.get("alpenhof").questions[2].id
    assert second.texts == (question("it", third),) and "invitation_answered" not in second.events
    assert (await db[INVITATIONS].find_one({"_id": inv_id}))["answered_at"] == answered_at


async def test_a_reply_from_the_stay_s_other_reference_finds_it_too(service):
    _, phone_ref = sms_guest(f"+49151{time.time_ns() % 10**8:08d}")
    sender, mail_ref = (
        make_sender("alpenhof", "email-x"),
        guest_ref(SETTINGS.guest_key, "alpenhof", "email-x"),
    )
    await invite(service, phone_ref, lang="en", guest_refs=[phone_ref, mail_ref], channel="email")
    first = await service.handle(sender, {"text": "four stars", "intent": RATE, "message_id": "m1"}, None)
    assert first.texts == (question("en", "room"),)


async def test_an_old_or_unsent_invitation_opens_nothing(service):
    sender, gref = sms_guest(f"+49152{time.time_ns() % 10**8:08d}")
    await invite(service, gref, sent_ago=15 * 86_400)
    await invite(service, gref, status="failed")
    first = await service.handle(sender, {"text": "4", "intent": RATE, "message_id": "m1"}, None)
    assert first.texts[0] == CATALOG.render("de", "greeting", hotel="Hotel Alpenhof")
    assert first.state["answers"] == {} and "invitation" not in first.state


async def test_an_answered_invitation_gives_a_new_conversation_its_language_only(service):
    sender, gref = sms_guest(f"+49153{time.time_ns() % 10**8:08d}")
    await invite(service, gref, lang="fr", answered_at=time.time() - 60)
    first = await service.handle(sender, {"text": "4", "intent": RATE, "message_id": "m1"}, None)
    assert first.texts == (
        CATALOG.render("fr", "greeting", hotel="Hotel Alpenhof"),
        question("fr", "overall"),
    )
