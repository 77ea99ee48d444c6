"""The topic table, the unsolicited ratings and the comments behind a figure, against a
real nx-27017 (tests/bot/conftest.py `mongo`): documents stored as the engine stores them
(tests/bot/reports/seed.py), restricted guests left out, small groups hidden."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.reports import build_report, parse_period
from bot.reports.comments import check, topic_comments
from bot.reports.topics import previous_period
from bot.storage.flags import FlagStore
from tests.bot.reports.seed import TENANT, alpenhof, comment, rating

NOW = dt.date(2026, 6, 30)
PERIOD = parse_period("2026-06-01", "2026-06-30", NOW)  # previous: 2026-05-02 .. 2026-05-31
IN = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)
BEFORE = dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC)
EGGS = ("eggs", "cold")


def topic_row(report, topic):
    return next(t for t in report["topics"]["topics"] if t["topic"] == topic)


async def seed(mongo, docs):
    await mongo.database(TENANT).ratings.insert_many(docs)


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    prev = previous_period(PERIOD)
    assert (prev.first, prev.last, prev.days) == (dt.date(2026, 5, 2), dt.date(2026, 5, 31), 30)


async def test_topic_shares_trend_and_small_groups(mongo):
    docs = []
    # June: breakfast by 6 guests, 4 negative and 2 positive mentions (+1 neutral sentence)
    docs += [comment("The eggs were cold.", [("breakfast", "negative", EGGS)], IN) for _ in range(4)]
    docs.append(comment("Great breakfast.", [("breakfast", "positive", ("great", "breakfast"))], IN))
    docs.append(
        comment(
            "Breakfast was lovely. We had breakfast at 8.",
            [("breakfast", "positive", ("breakfast", "lovely")), ("breakfast", "neutral", ("breakfast",))],
            IN,
            kind="text",
        )
    )
    # staff: two guests only -> hidden
    docs += [comment("Friendly staff.", [("staff", "positive", ("friendly", "staff"))], IN) for _ in range(2)]
    # May: breakfast by 5 guests, 1 negative of 5
    docs += [comment("Nice breakfast.", [("breakfast", "positive", ("nice",))], BEFORE) for _ in range(4)]
    docs.append(comment("Cold coffee.", [("breakfast", "negative", ("cold", "coffee"))], BEFORE))
    await seed(mongo, docs)

    report = await build_report(mongo.database(TENANT), alpenhof(), PERIOD)
    breakfast = topic_row(report, "breakfast")
    assert breakfast["suppressed"] is False
    assert breakfast["mentions"] == 7
    assert breakfast["negative_share"] == round(4 / 7, 4)
    assert breakfast["positive_share"] == round(2 / 7, 4)
    assert breakfast["trend"] == {
        "mentions": 7 - 5,
        "negative_share": round(round(4 / 7, 4) - 0.2, 4),
        "suppressed": False,
    }
    staff = topic_row(report, "staff")
    assert staff["suppressed"] is True and staff["mentions"] is None and staff["negative_share"] is None
    assert topic_row(report, "parking") == {
        "topic": "parking",
        "mentions": 0,
        "positive_share": None,
        "negative_share": None,
        "suppressed": False,
        "trend": {"mentions": 0, "negative_share": None, "suppressed": False},
    }
    assert report["topics"]["previous_period"] == {"from": "2026-05-02", "to": "2026-05-31", "days": 30}


async def test_comments_and_unsolicited_ratings_are_not_answers_to_a_configured_question(mongo):
    docs = [rating("room", 4.0, IN) for _ in range(5)]
    # comments written while "room" was being asked: question "room", kind "comment"
    docs += [
        comment("Room was noisy.", [("noise", "negative", ("noisy",))], IN, about="room") for _ in range(5)
    ]
    # "parking 2" at a hotel without a parking question: 6 guests; "wifi 1": 2 guests
    docs += [rating("parking", 2.0, IN, unsolicited=True) for _ in range(6)]
    docs += [rating("wifi", 1.0, IN, unsolicited=True) for _ in range(2)]
    # and one unsolicited "room" rating must not change the configured room figures
    docs.append(rating("room", 1.0, IN, unsolicited=True) | {"_id": "c_x:room:unsolicited"})
    await seed(mongo, docs)

    report = await build_report(mongo.database(TENANT), alpenhof(), PERIOD)
    room = next(q for q in report["questions"] if q["id"] == "room")
    assert room["count"] == 5 and room["mean_value"] == 4.0
    assert report["responses"] == 5
    assert {q["id"] for q in report["questions"]} == {q.id for q in alpenhof().questions}
    unsolicited = {u["topic"]: u for u in report["topics"]["unsolicited"]}
    assert unsolicited["parking"] == {"topic": "parking", "count": 6, "mean_value": 2.0, "suppressed": False}
    assert unsolicited["wifi"] == {"topic": "wifi", "count": None, "mean_value": None, "suppressed": True}
    assert unsolicited["room"]["suppressed"] is True


async def test_restricted_guests_are_left_out_of_topics_and_comments(mongo):
    guests = [f"g_restricted_{i}" for i in range(3)]
    docs = [comment("Dirty bathroom.", [("bathroom", "negative", ("dirty",))], IN, guest=g) for g in guests]
    docs += [comment("Clean bathroom.", [("bathroom", "positive", ("clean",))], IN) for _ in range(3)]
    await seed(mongo, docs)
    db = mongo.database(TENANT)
    before = topic_row(await build_report(db, alpenhof(), PERIOD), "bathroom")
    assert before["mentions"] == 6 and before["negative_share"] == 0.5

    flags = FlagStore(mongo, TENANT)
    for g in guests:
        await flags.set(g, restricted=True)
    after = topic_row(await build_report(db, alpenhof(), PERIOD), "bathroom")
    assert after["suppressed"] is True  # three guests left: below 5
    found = await topic_comments(db, PERIOD, "bathroom", None, k=3)
    assert found.public["count"] == 3
    assert {c["text"] for c in found.public["comments"]} == {"Clean bathroom."}
    assert await topic_comments(db, PERIOD, "bathroom", "negative", k=1) is not None
    assert (await topic_comments(db, PERIOD, "bathroom", "negative", k=1)).public["comments"] == []


async def test_the_comments_behind_a_figure(mongo):
    docs = [
        comment(
            f"The eggs were cold, day {i}.",
            [("breakfast", "negative", EGGS), ("staff", "positive", ("kind",))],
            IN + dt.timedelta(days=i),
            channel="whatsapp",
            language="de" if i % 2 else "en",
        )
        for i in range(5)
    ]
    docs.append(comment("Breakfast was great.", [("breakfast", "positive", ("great",))], IN))
    docs.append(comment("Outside the period.", [("breakfast", "negative", ("cold",))], BEFORE))
    # the server picks documents by one element matching topic and polarity together
    mixed = [("room", "negative", ("dirty",)), ("breakfast", "positive", ("great",))]
    docs += [comment("Dirty room, great breakfast.", mixed, IN - dt.timedelta(days=1)) for _ in range(4)]
    await seed(mongo, docs)
    db = mongo.database(TENANT)

    found = await topic_comments(db, PERIOD, "breakfast", "negative")
    public = found.public
    assert public["suppressed"] is False and public["count"] == 5
    assert [c["day"] for c in public["comments"]] == [
        "2026-06-14",
        "2026-06-13",
        "2026-06-12",
        "2026-06-11",
        "2026-06-10",
    ]
    first = public["comments"][0]
    assert first == {
        "text": "The eggs were cold, day 4.",
        "day": "2026-06-14",
        "channel": "whatsapp",
        "language": "en",
        "kind": "comment",
        "question": "room",
        "polarity": "negative",
        "words": ["eggs", "cold"],
    }
    assert len(found.conversations) == 5
    assert "guest_ref" not in str(public) and "g_" not in str(public)
    positive = (await topic_comments(db, PERIOD, "breakfast", "positive")).public
    assert positive["count"] == 5 and {c["polarity"] for c in positive["comments"]} == {"positive"}
    assert (await topic_comments(db, PERIOD, "room", "negative")).public["suppressed"] is True  # 4 guests
    assert (await topic_comments(db, PERIOD, "room", "positive", k=1)).public["comments"] == []
    every = await topic_comments(db, PERIOD, "breakfast", None)
    assert every.public["count"] == 10
    assert (await topic_comments(db, PERIOD, "breakfast", None, limit=2)).public["shown"] == 2


@pytest.mark.parametrize(
    ("topic", "polarity", "code"),
    [
        (None, None, "topic_invalid"),
        ("Breakfast", None, "topic_invalid"),
        ("breakfast;", None, "topic_invalid"),
        ("x" * 5000, None, "topic_invalid"),
        ("breakfast", "mixed", "polarity_invalid"),
        ("breakfast", "NEGATIVE", "polarity_invalid"),
    ],
)
def test_a_bad_topic_or_polarity_is_refused(topic, polarity, code):
    from bot.base.errors import InvalidInput

    with pytest.raises(InvalidInput) as e:
        check(topic, polarity)
    assert e.value.code == code
