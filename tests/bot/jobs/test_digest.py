"""The weekly digest e-mail (bot/jobs/digest.py, bot/reports/digest.py) against a real
nx-27017 and the SMTP stand-in: what it says (figures, topics, trend, link; no comment
text, small groups hidden), in the hotel's language and time zone, exactly once per
hotel and week with two jobs processes racing, after downtime, and after a failed send."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.base.settings import Settings
from bot.channels.transports import build_outbox
from bot.i18n import Catalog
from bot.jobs.digest import Digests, due, week_of
from bot.reports.digest import trend
from bot.stack import Stack
from bot.staff.accounts import StaffStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants
from devtools.fake_smtp import FakeSmtp, running_fake_smtp
from tests.conftest import free_port

CATALOG = Catalog.load()
TENANTS = Tenants.load(Path("config/tenants.yml"), CATALOG.languages)
ROME = TENANTS.get("laguna")  # Europe/Rome, Italian
BERLIN = TENANTS.get("alpenhof")  # Europe/Berlin, German
SECRET = "Zebulon-Quartermaine"  # in every comment's text and words: never in a mail
MONDAY_0800_ROME = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)  # 08:00 in Rome (CET)
LAST_WEEK = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # Wednesday of the reported week
WEEK_BEFORE = LAST_WEEK - dt.timedelta(days=7)


@pytest.fixture(scope="module")
def mongo_server(tmp_path_factory):
    settings = Settings.from_env(
        {"RAPPORT_DATA_DIR": str(tmp_path_factory.mktemp("digest")), "RAPPORT_MONGO_PORT": str(free_port())}
    )
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    yield stack
    stack.stop()


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSmtp]:
    async with running_fake_smtp() as fake:
        yield fake


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at.timestamp()

    def __call__(self) -> float:
        return self.at

    def set(self, at: dt.datetime) -> None:
        self.at = at.timestamp()


class World:
    """Settings on a fresh database prefix, and a way to make jobs processes."""

    def __init__(self, mongo_server: Stack, smtp: FakeSmtp) -> None:
        self.settings = Settings.from_env(
            {
                "RAPPORT_DATA_DIR": str(mongo_server.settings.data_dir),
                "RAPPORT_MONGO_PORT": str(mongo_server.settings.mongo_port),
                "RAPPORT_DB_PREFIX": f"rapport_digest_{secrets.token_hex(4)}_",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.smtp_port),
                "RAPPORT_CONSOLE_URL": "https://console.example",
            }
        )
        self.smtp = smtp
        self.clock = Clock(MONDAY_0800_ROME)
        self._close: list = []

    def process(self) -> Digests:
        """One jobs process: its own MongoDB client and outbox."""
        client = connect(self.settings.effective_mongodb_url.value)
        mongo = MongoStore(client, self.settings.db_prefix)
        outbox = build_outbox(self.settings, mongo)
        self._close += [outbox.close, client.close]
        staff = StaffStore(client[self.settings.control_db])
        return Digests(self.settings, mongo, staff, TENANTS, CATALOG, outbox, clock=self.clock)

    async def close(self) -> None:
        for close in self._close:
            result = close()
            if asyncio.iscoroutine(result):
                await result

    def db(self, tenant: str):
        client = connect(self.settings.effective_mongodb_url.value)
        self._close.append(client.close)
        return client[self.settings.db_prefix + tenant]

    async def staff(self, tenant: str, role: str, *, digest: bool = True, email: bool = True):
        client = connect(self.settings.effective_mongodb_url.value)
        self._close.append(client.close)
        store = StaffStore(client[self.settings.control_db])
        name = f"s{secrets.token_hex(5)}"
        account = await store.add(
            username=name,
            password_hash="x",
            tenant_id=tenant,
            role=role,
            email=f"{name}@{tenant}.example" if email else None,
        )
        if digest:
            await store.set_digest(account.id, tenant, True)
        return account

    def mails(self, address: str | None = None) -> list[email.message.EmailMessage]:
        out = []
        for m in self.smtp.state.snapshot():
            if address is None or address in m["rcpt_tos"]:
                out.append(email.message_from_string(m["raw"], policy=email.policy.default))
        return out


@pytest.fixture
async def world(mongo_server, smtp) -> AsyncIterator[World]:
    w = World(mongo_server, smtp)
    yield w
    await w.close()


def rating(conv: str, question: str, value: float, at: dt.datetime) -> dict:
    return {
        "_id": f"{conv}:{question}",
        "conversation_id": conv,
        "guest_ref": "g_" + conv,
        "question": question,
        "kind": "rating",
        "value": value,
        "score": value / 5,
        "channel": "sms",
        "language": "it",
        "answered_at": at,
        "raw": str(value),
    }


def comment(conv: str, mentions: list[tuple[str, str]], at: dt.datetime) -> dict:
    text = f"{SECRET} says: " + ", ".join(f"{t} {p}" for t, p in mentions)
    return {
        "_id": f"{conv}:general:comment:{secrets.token_hex(6)}",
        "conversation_id": conv,
        "guest_ref": "g_" + conv,
        "question": "general",
        "kind": "comment",
        "value": None,
        "score": None,
        "channel": "sms",
        "language": "it",
        "answered_at": at,
        "raw": text,
        "about": "",
        "polarity": "mixed",
        "topics": [
            {"topic": t, "polarity": p, "words": [SECRET.lower(), t], "sentence": i}
            for i, (t, p) in enumerate(mentions)
        ],
    }


async def seed(world: World, tenant: str = "laguna") -> None:
    """Last week: 12 conversations rating the room; breakfast mentioned by all 12 (5
    negative), staff by 5 (all positive), parking by 2 (a small group). The week before:
    breakfast by 5, all negative."""
    db = world.db(tenant)
    docs = []
    for i in range(12):
        conv = f"conv-{i}"
        docs.append(rating(conv, "room", 4 if i % 2 else 5, LAST_WEEK))
        mentions = []
        mentions.append(("breakfast", "negative" if i < 5 else "positive"))
        if i < 5:
            mentions.append(("staff", "positive"))
        if i < 2:
            mentions.append(("parking", "negative"))
        docs.append(comment(conv, mentions, LAST_WEEK))
    for i in range(5):
        docs.append(comment(f"old{i}", [("breakfast", "negative")], WEEK_BEFORE))
    # outside the week (this Monday, hotel time): not counted
    docs.append(comment("late", [("noise", "negative")], MONDAY_0800_ROME - dt.timedelta(minutes=30)))
    await db.ratings.insert_many(docs)


# ---- when ---------------------------------------------------------------------------


def test_the_digest_is_due_from_monday_0800_in_the_hotels_time_zone():
    assert due(MONDAY_0800_ROME - dt.timedelta(minutes=1), "Europe/Rome") is None
    week = due(MONDAY_0800_ROME, "Europe/Rome")
    assert week is not None and week.key == "2026-W50"
    assert (week.first, week.last) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert week.start == dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC)  # Monday 00:00 Rome
    # 08:00 Rome is 02:00 in New York: a New York hotel's digest is not due yet
    assert due(MONDAY_0800_ROME, "America/New_York") is None
    assert due(dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC), "America/New_York").key == "2026-W50"
    # summer time: 08:00 Rome is 06:00 UTC
    assert due(dt.datetime(2026, 6, 1, 5, 59, tzinfo=dt.UTC), "Europe/Rome") is None
    assert due(dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC), "Europe/Rome") is not None


def test_a_week_stays_due_until_the_next_monday():
    sunday = dt.datetime(2026, 12, 13, 22, 0, tzinfo=dt.UTC)  # 23:00 Rome
    assert due(sunday, "Europe/Rome").key == "2026-W50"
    assert week_of(sunday + dt.timedelta(hours=1), "Europe/Rome").key == "2026-W51"


def test_trend_compares_the_negative_share():
    assert trend({"negative": 0.2}, {"negative": 0.8}) == "better"
    assert trend({"negative": 0.8}, {"negative": 0.2}) == "worse"
    assert trend({"negative": 0.5}, {"negative": 0.52}) == "steady"
    assert trend({"negative": 0.5}, None) == "new"
    assert trend({"negative": None}, {"negative": 0.2}) == "unknown"


# ---- what it says ---------------------------------------------------------------------


async def test_the_digest_has_figures_topics_trend_and_link_in_the_hotels_language(world):
    await seed(world)
    admin = await world.staff("laguna", "admin")
    assert await world.process().run_once() == 1
    (mail,) = world.mails(admin.email)
    body = mail.get_content()
    assert mail["Subject"] == "Albergo Laguna: opinioni degli ospiti, settimana dal 30 novembre 2026"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert "Conversazioni: 12" in body
    assert "Risposte: 12" in body and "Commenti: 12" in body
    assert "Camera: 4,5 / 5" in body  # the room's average, Italian decimals
    # breakfast: 6 guests, 4 positive / 2 negative mentions (33 %), the week before 80 % negative
    lines = body.replace("\xa0", " ").splitlines()
    # breakfast: 12 guests, 7 positive / 5 negative mentions; the week before all negative
    assert "- Colazione e cibo: 58% positive, 42% negative, meglio (12 ospiti)" in lines
    assert "- Personale: 100% positive, 0% negative, nuovo (5 ospiti)" in lines
    assert "https://console.example/t/laguna/#/reports" in body
    # parking: two guests only; noise: after the week
    assert "Parcheggio" not in body and "Rumore" not in body
    assert "Altri 1 argomenti" in body


async def test_no_comment_text_and_no_guest_in_the_mail(world):
    await seed(world)
    admin = await world.staff("laguna", "admin")
    await world.process().run_once()
    (mail,) = world.mails(admin.email)
    raw = mail.as_string()
    assert SECRET not in raw and SECRET.lower() not in raw
    body = mail.get_content()
    assert "conv-" not in raw and "g_conv" not in raw and "conv-" not in body and "g_" not in body


async def test_small_groups_are_hidden(world):
    db = world.db("laguna")
    await db.ratings.insert_many([comment(f"s{i}", [("room", "negative")], LAST_WEEK) for i in range(3)])
    admin = await world.staff("laguna", "admin")
    await world.process().run_once()
    (mail,) = world.mails(admin.email)
    body = mail.get_content()
    assert "Meno di 5 ospiti" in body
    assert "Conversazioni" not in body and "Camera" not in body


async def test_a_polarity_share_on_few_mentions_is_hidden(world):
    db = world.db("alpenhof")
    docs = [comment(f"w{i}", [("wifi", "negative" if i < 2 else "positive")], LAST_WEEK) for i in range(6)]
    await db.ratings.insert_many(docs)
    admin = await world.staff("alpenhof", "admin")
    await world.process().run_once()
    (mail,) = world.mails(admin.email)
    body = mail.get_content()
    line = next(x for x in body.splitlines() if x.startswith("- WLAN"))
    assert line.count("verborgen") == 2, line  # 2 negative: hidden, and so the positive share
    assert "Gästefeedback" in mail["Subject"]  # German for the Berlin hotel


async def test_a_week_without_feedback_says_so(world):
    admin = await world.staff("laguna", "admin")
    await world.process().run_once()
    (mail,) = world.mails(admin.email)
    assert "Nessun ospite" in mail.get_content()


# ---- to whom ---------------------------------------------------------------------------


async def test_only_subscribed_admins_of_the_hotel_with_an_address_get_it(world):
    await seed(world)
    admin = await world.staff("laguna", "admin")
    unsubscribed = await world.staff("laguna", "admin", digest=False)
    agent = await world.staff("laguna", "agent")  # subscribed in the data, but not an admin
    other = await world.staff("alpenhof", "admin")
    await world.staff("laguna", "admin", email=False)
    await world.process().run_once()
    assert len(world.mails(admin.email)) == 1
    assert world.mails(unsubscribed.email) == [] and world.mails(agent.email) == []
    # the other hotel's admin gets that hotel's digest only
    assert [m["Subject"].split(":")[0] for m in world.mails(other.email)] == ["Hotel Alpenhof"]


async def test_nothing_is_claimed_while_nobody_is_subscribed(world):
    assert await world.process().run_once() == 0
    assert await world.db("laguna").digests.count_documents({}) == 0
    late = await world.staff("laguna", "admin")  # subscribes on Tuesday: still gets this week's
    world.clock.set(MONDAY_0800_ROME + dt.timedelta(days=1))
    assert await world.process().run_once() >= 1
    assert len(world.mails(late.email)) == 1


# ---- exactly once ------------------------------------------------------------------------


async def test_not_before_0800_hotel_time(world):
    admin = await world.staff("laguna", "admin")
    world.clock.set(MONDAY_0800_ROME - dt.timedelta(minutes=1))
    await world.process().run_once()
    assert world.mails(admin.email) == []


async def test_exactly_once_with_two_jobs_processes_racing(world):
    await seed(world)
    admins = [await world.staff("laguna", "admin") for _ in range(2)]
    a, b = world.process(), world.process()
    claimed = 0
    for _ in range(3):
        claimed += sum(await asyncio.gather(*(p.run_once() for p in (a, b, a, b))))
        world.clock.set(dt.datetime.fromtimestamp(world.clock() + 120, dt.UTC))
    assert claimed == 1  # laguna's week, once (alpenhof has no subscriber)
    for admin in admins:
        assert len(world.mails(admin.email)) == 1
    (doc,) = await world.db("laguna").digests.find().to_list(None)
    assert doc["_id"] == "2026-W50" and doc["status"] == "sent"


async def test_catch_up_after_downtime_and_never_twice(world):
    admin = await world.staff("laguna", "admin")
    world.clock.set(MONDAY_0800_ROME + dt.timedelta(days=2, hours=5))  # back on Wednesday
    assert await world.process().run_once() == 1
    assert len(world.mails(admin.email)) == 1
    world.clock.set(MONDAY_0800_ROME + dt.timedelta(days=3))  # a restart on Thursday
    assert await world.process().run_once() == 0
    world.clock.set(MONDAY_0800_ROME + dt.timedelta(days=7))  # the next Monday: the next week
    assert await world.process().run_once() == 1
    assert len(world.mails(admin.email)) == 2


async def test_a_failed_send_is_retried_and_nobody_gets_it_twice(world):
    first = await world.staff("laguna", "admin")
    second = await world.staff("laguna", "admin")
    world.smtp.state.add_fault(451, stage="data", count=1)  # the first mail: try again later
    jobs = world.process()
    assert await jobs.run_once() == 1
    assert len(world.mails()) == 1  # one of the two went out
    (doc,) = await world.db("laguna").digests.find().to_list(None)
    assert doc["status"] == "retry" and doc["attempts"] == 1
    assert await jobs.run_once() == 0  # not before its back-off
    world.clock.set(dt.datetime.fromtimestamp(world.clock() + 61, dt.UTC))
    assert await world.process().run_once() == 1
    assert len(world.mails(first.email)) == 1 and len(world.mails(second.email)) == 1
    (doc,) = await world.db("laguna").digests.find().to_list(None)
    assert doc["status"] == "sent" and doc["attempts"] == 2


async def test_a_dead_holders_claim_is_taken_over_after_its_lease(world):
    admin = await world.staff("laguna", "admin")
    claims = world.db("laguna").digests
    await claims.insert_one({"_id": "2026-W50", "status": "sending", "claim_until": world.clock() + 300})
    assert await world.process().run_once() == 0
    world.clock.set(dt.datetime.fromtimestamp(world.clock() + 301, dt.UTC))
    assert await world.process().run_once() == 1
    assert len(world.mails(admin.email)) == 1


async def test_preview_sends_nothing_and_send_now_claims_the_week(world):
    await seed(world)
    admin = await world.staff("laguna", "admin")
    jobs = world.process()
    mail = await jobs.preview(ROME)
    assert "Conversazioni: 12" in mail.body and world.mails() == []
    assert await jobs.send_now(ROME) == 1
    assert await jobs.run_once() == 0
    assert len(world.mails(admin.email)) == 1


# ---- the CLI ------------------------------------------------------------------------------


async def test_the_cli_previews_without_sending_and_sends_once(world, monkeypatch, capsys):
    from bot.jobs.__main__ import digest as cli_digest
    from bot.jobs.__main__ import main

    await seed(world)
    admin = await world.staff("laguna", "admin")
    # an unknown hotel: a clear error, exit 2
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(world.settings.data_dir))
    assert await asyncio.to_thread(main, ["digest", "--tenant", "nohotel", "--preview"]) == 2
    assert capsys.readouterr().err == "error: unknown tenant\n"
    # this week (the clock of the CLI is the real one): the preview prints, sends nothing
    assert await cli_digest(world.settings, "laguna", send=False) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Subject: Albergo Laguna: opinioni degli ospiti")
    assert SECRET not in printed and world.mails() == []
    assert await cli_digest(world.settings, "laguna", send=True) == 0
    assert await cli_digest(world.settings, "laguna", send=True) == 0
    assert "already sent this week" in capsys.readouterr().out
    assert len(world.mails(admin.email)) == 1
