"""The turn pipeline (bot/feedback/pipeline.py): its stages run in the listed order,
the pure stages do what they say, and the order's consequences hold against a real
MongoDB-wire server of its own (no Rasa, no Redis): a data-subject request is answered
before consent and the staff hold, and never when the message is over the length limit."""

from __future__ import annotations

import ast
import inspect
import tempfile
import textwrap
import time

import pytest

from bot.base.refs import guest_ref, make_sender
from bot.base.settings import PROJECT_ROOT, Settings
from bot.base.turn import Reply, StepResult, Turn
from bot.feedback.pipeline import STAGES, TurnContext
from bot.feedback.service import FeedbackService
from bot.feedback.stages.escalation import Escalation
from bot.feedback.stages.limits import Limits
from bot.feedback.stages.reply import Respond
from bot.handover.flow import Before
from bot.handover.store import HandoverStore
from bot.i18n import Catalog
from bot.language import make_detector
from bot.stack import Stack
from bot.storage.flags import FlagStore
from bot.storage.mongo import MongoStore, connect
from bot.tenants.registry import Tenants
from tests.conftest import free_port

CATALOG = Catalog.load()
TENANTS = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", CATALOG.languages)
ALPENHOF = TENANTS.get("alpenhof")
SETTINGS = Settings.from_env({"RAPPORT_DATA_DIR": tempfile.mkdtemp(prefix="rapport-pipeline-")})
ERASURE = {
    "text": "Please delete all the data you have stored about me",
    "intent": {"name": "dsr_erasure", "confidence": 0.95},
}


# ---- the order -----------------------------------------------------------------------------


def test_the_pipeline_lists_its_stages_in_order():
    assert STAGES == (
        "limits",
        "data_subject_request",
        "guest_state",
        "consent",
        "staff_hold",
        "questionnaire",
        "escalation",
        "storage",
        "handover",
        "reply",
    )


def test_handle_runs_the_stages_in_the_listed_order_and_nothing_else():
    tree = ast.parse(textwrap.dedent(inspect.getsource(FeedbackService.handle)))
    calls = sorted(
        (n.lineno, n.col_offset, n.func.attr)
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "self"
    )
    assert tuple(name for _, _, name in calls) == STAGES


def test_every_stage_carries_its_name():
    service = FeedbackService(
        SETTINGS,
        TENANTS,
        CATALOG,
        make_detector("langdetect", CATALOG.languages),
        _store("mongodb://127.0.0.1:9"),
    )
    try:
        assert [getattr(service, name).name for name in STAGES] == list(STAGES)
    finally:
        service.close()


def test_feedback_is_called_by_nobody_below_it():
    """Stages call down into handover, privacy, storage and audit; nothing there imports feedback."""
    offenders = []
    for package in ("base", "storage", "audit", "tenants", "inbox", "handover", "channels", "privacy"):
        for path in (PROJECT_ROOT / "bot" / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(n == "bot.feedback" or n.startswith("bot.feedback.") for n in names):
                    offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


# ---- the pure stages ------------------------------------------------------------------------


def test_limits_marks_an_over_long_message_and_keeps_the_conversation_of_the_state():
    limits = Limits(SETTINGS, TENANTS)
    sender = make_sender("alpenhof", "guest-1")
    long_text = " " + "x" * SETTINGS.max_message_chars + " "  # the limit counts the stripped text
    t = limits(sender, {"text": long_text}, {"conversation": "c_known"}, None, ())
    assert not t.too_long and t.conversation == "c_known" and t.tenant is ALPENHOF
    assert t.guest_ref == guest_ref(SETTINGS.guest_key, "alpenhof", "guest-1")
    assert limits(sender, {"text": long_text + "x"}, None, "m1", ()).too_long
    assert limits(sender, {"text": "4"}, None, "m1", ()).conversation.startswith("c_")


def _context(result: StepResult, before: Before | None = None) -> TurnContext:
    t = TurnContext(
        started=time.perf_counter(),
        sender_id="alpenhof~guest-1",
        tenant=ALPENHOF,
        turn=Turn("I need a person", "request_human"),
        guest_ref="g_1",
        conversation="c_1",
        state=None,
        history=(),
        too_long=False,
    )
    t.before = before or Before()
    t.result = result
    return t


def test_escalation_replaces_the_replies_by_the_notice_after_the_hand_back_prefix():
    result = StepResult(
        {"lang": "en", "misses": 0, "conversation": "c_1"},
        (Reply("human.requested"), Reply("question.room")),
        (),
        ("human_requested",),
    )
    t = _context(result, Before(prefix=[Reply("handover.resumed")]))
    Escalation(lambda lang, r: f"{lang}:{r.key}")(t)
    assert t.escalation is not None and t.escalation.reason == "request"
    assert t.replies[0].key == "handover.resumed"
    assert t.replies[1].key.startswith("handover.notice")
    assert t.texts == tuple(f"en:{r.key}" for r in t.replies)
    outcome = Respond(SETTINGS)(t)
    assert outcome.events == ("human_requested", "escalated") and outcome.texts == t.texts


def test_without_a_trigger_the_engine_s_replies_are_said():
    result = StepResult({"lang": "de", "misses": 0, "conversation": "c_1"}, (Reply("question.room"),), (), ())
    t = _context(result)
    t.turn = Turn("4", "rate")
    Escalation(lambda lang, r: f"{lang}:{r.key}")(t)
    assert t.escalation is None and t.texts == ("de:question.room",)
    assert Respond(SETTINGS)(t).events == ()


# ---- the order's consequences, against a real MongoDB-wire server --------------------------


def _store(url: str) -> MongoStore:
    return MongoStore(connect(url), SETTINGS.db_prefix)


@pytest.fixture(scope="module")
def mongo_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("pipeline")
    settings = Settings.from_env({"RAPPORT_DATA_DIR": str(data), "RAPPORT_MONGO_PORT": str(free_port())})
    stack = Stack(settings, progress=lambda m: None)
    stack._start_mongo(lambda m: None)
    yield settings.effective_mongodb_url.value
    stack.stop()


@pytest.fixture()
async def service(mongo_url):
    s = FeedbackService(
        SETTINGS, TENANTS, CATALOG, make_detector("lingua", CATALOG.languages), _store(mongo_url)
    )
    yield s
    s.close()


def _guest(name: str) -> tuple[str, str]:
    return make_sender("alpenhof", name), guest_ref(SETTINGS.guest_key, "alpenhof", name)


def _confirm(lang: str = "en") -> str:
    return CATALOG.render(lang, "dsr.confirm.erasure")


async def test_an_objected_guest_hears_nothing_but_a_request_is_still_answered(service):
    sender, gref = _guest(f"objected-{time.time_ns()}")
    first = await service.handle(sender, {"text": "hello", "message_id": "m1"}, None)
    await FlagStore(service.store, "alpenhof").set(gref, objected=True)
    silent = await service.handle(
        sender, {"text": "4", "intent": {"name": "rate", "confidence": 0.9}}, first.state
    )
    assert silent.texts == () and silent.events == ("objected",) and silent.state == first.state
    asked = await service.handle(sender, ERASURE, first.state)
    assert asked.texts == (_confirm(),) and asked.events == ("dsr_asked",)


async def test_while_staff_hold_it_the_bot_is_silent_but_answers_a_request(service):
    sender, gref = _guest(f"held-{time.time_ns()}")
    first = await service.handle(sender, {"text": "hello", "message_id": "m1"}, None)
    conv = first.state["conversation"]
    await HandoverStore(service.store, "alpenhof").escalate(
        conv, reason="request", guest_ref=gref, channel="rest", language="en"
    )
    held = await service.handle(sender, {"text": "the shower is cold"}, first.state)
    assert held.texts == () and held.events == ("held_by_staff",)
    asked = await service.handle(sender, ERASURE, first.state)
    assert asked.texts == (_confirm(),) and asked.events == ("dsr_asked",)
    said = [m["text"] for m in await HandoverStore(service.store, "alpenhof").messages.find({}).to_list(None)]
    assert "the shower is cold" in said and _confirm() in said


async def test_an_over_long_request_is_answered_by_the_length_limit_only(service):
    sender, _ = _guest(f"long-{time.time_ns()}")
    text = (ERASURE["text"] + ". ") * (SETTINGS.max_message_chars // 40)
    assert len(text) > SETTINGS.max_message_chars
    outcome = await service.handle(sender, {**ERASURE, "text": text, "message_id": "m1"}, None)
    assert outcome.texts == (
        CATALOG.render(ALPENHOF.default_language, "input.too_long", limit=SETTINGS.max_message_chars),
    )
    assert not any(e.startswith("dsr_") for e in outcome.events)


async def test_a_rating_is_stored_with_the_turn(service):
    sender, gref = _guest(f"rates-{time.time_ns()}")
    first = await service.handle(sender, {"text": "hello", "message_id": "m1"}, None)
    asked = first.state["asked"]
    second = await service.handle(
        sender, {"text": "4", "intent": {"name": "rate", "confidence": 0.9}}, first.state
    )
    assert second.state["answers"][asked] == 4
    stored = await service.store.ratings("alpenhof").collection.find({"guest_ref": gref}).to_list(None)
    assert [(d["question"], d["value"]) for d in stored] == [(asked, 4)]


def test_the_walk_in_the_pipeline_docstring_names_files_that_exist():
    import bot.feedback.pipeline as pipeline

    doc = pipeline.__doc__ or ""
    paths = {w.strip("(),.`") for w in doc.split() if "/" in w and w.strip("(),.`").endswith((".py", ".yml"))}
    assert paths and all((PROJECT_ROOT / p).exists() for p in paths), sorted(
        p for p in paths if not (PROJECT_ROOT / p).exists()
    )
