"""What the guest is told when a turn escalates (pure parts of bot/handover/flow.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.base.turn import Reply, StepResult, Turn
from bot.handover.flow import escalation, lowest_rating, resume_state, when_open
from bot.i18n import Catalog
from bot.tenants.registry import Tenants

CATALOG = Catalog.load()
TENANTS = Tenants.load(Path("config/tenants.yml"), CATALOG.languages)
ALPENHOF = TENANTS.get("alpenhof")  # staffed 07:00-22:00 Europe/Berlin, every day
OPEN = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 11:00 in Berlin
CLOSED = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # Tuesday 00:00 in Berlin


def _result(replies, events=(), misses=0):
    return StepResult({"misses": misses}, tuple(Reply(k) for k in replies), (), tuple(events))


def test_low_rating_keeps_the_follow_up_and_adds_the_notice():
    esc = escalation(ALPENHOF, Turn("2"), _result(["followup.low_score"], ["low_score"]), "en", lambda: OPEN)
    assert esc.reason == "low_rating"
    assert [r.key for r in esc.replies] == ["followup.low_score", "handover.notice"]


def test_outside_staffed_hours_the_guest_is_told_when_in_their_language():
    esc = escalation(
        ALPENHOF, Turn("a person please", "request_human"), _result(["human.requested"]), "de", lambda: CLOSED
    )
    assert [r.key for r in esc.replies] == ["handover.notice_later"]
    assert esc.replies[0].params["when"] == "Dienstag, 07:00"
    assert when_open(ALPENHOF, "fr", CLOSED) == "mardi, 07:00"
    assert when_open(ALPENHOF, "en", OPEN) is None


def test_urgent_replaces_everything_with_the_urgent_notice():
    esc = escalation(
        ALPENHOF,
        Turn("there is smoke in my room"),
        _result(["ack.comment", "question.recommend"]),
        "en",
        lambda: CLOSED,
    )
    assert [r.key for r in esc.replies] == ["handover.urgent"]


def test_no_trigger_no_escalation():
    assert escalation(ALPENHOF, Turn("4", "rate"), _result(["question.room"]), "en", lambda: OPEN) is None


@pytest.mark.parametrize("lang", CATALOG.languages)
def test_every_handover_text_exists_in_every_language(lang):
    for key in ("handover.notice", "handover.urgent", "handover.resumed", "satisfaction.question"):
        assert CATALOG.render(lang, key)
    assert "Montag" in CATALOG.render("de", "handover.notice_later", when="Montag, 07:00")


def test_lowest_rating_is_normalised_across_scales():
    state = {"answers": {"overall": 4, "recommend": 2, "comment": "nice"}}
    rating, score = lowest_rating(ALPENHOF, state)
    assert rating == {"question": "recommend", "value": 2, "score": 0.2} and score == 0.2


def test_resuming_drops_the_follow_up_and_the_stale_question():
    state = resume_state({"followup": "breakfast", "asked": "room", "misses": 2, "lang": "en"})
    assert state == {"followup": None, "asked": None, "misses": 0, "lang": "en"}


def test_a_complaint_keeps_the_thanks_but_asks_no_further_question():
    turn = Turn("The staff were rude and the room was dirty", "comment")
    esc = escalation(ALPENHOF, turn, _result(["ack.comment", "question.recommend"]), "en", lambda: OPEN)
    assert esc.reason == "complaint"
    assert [r.key for r in esc.replies] == ["ack.comment", "handover.notice"]


def test_misunderstandings_get_only_the_notice():
    esc = escalation(
        ALPENHOF, Turn("purple"), _result(["reask.rating", "question.overall"], misses=3), "en", lambda: OPEN
    )
    assert [r.key for r in esc.replies] == ["handover.notice"]
