"""The feedback conversation as a pure state machine.

`step(state, turn, ctx)` takes the conversation state (a JSON-able dict kept in the
Rasa slot `rapport`), one guest message with its NLU intent, and the tenant context;
it returns the new state, the replies (catalog keys with parameters, rendered in the
guest's language by the caller) and the answers to store. It does no I/O, so every
path is a unit test.

Turn handling, in order:
1. language: an explicit request switches; otherwise confident detection over
   substantial text may (bot/language/resolve.py decides);
2. a finished conversation only answers politely;
3. meta intents: stop/goodbye end it, help explains, request_human is acknowledged;
4. a pending low-score follow-up takes the guest's explanation;
5. a text question (comment) takes the text; a rating question takes ratings parsed by
   bot/ratings (several at once, out of order, corrections), asks to clarify what is
   ambiguous, and never invents a score;
6. the next unanswered question is asked, or the conversation is closed — and then
   every guest, whatever their scores, is offered the hotel's review links once (no
   review gating: Google's and Tripadvisor's policies forbid asking only happy guests).

A conversation an invitation opened (`Context.opening`, bot/outreach/opening.py) starts
in the invitation's language (source "reservation": a one-word reply never flips it)
with the first question already asked and no second greeting, so the guest's first
reply ("4", "vier Sterne") answers it; the state keeps the invitation, stay and journey,
and the first guest message marks the invitation answered (event "invitation_answered").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.base.states import ConversationStatus
from bot.base.turn import Answer, Reply, StepResult, Turn
from bot.feedback import comments
from bot.language import LanguageChoice, LanguageDetector, initial_choice, opening_choice, update_choice
from bot.ratings import Rating, parse_answer
from bot.tenants.outreach_policy import ReviewLink
from bot.tenants.registry import Question, Tenant

STATE_VERSION = 1

ACTIVE, COMPLETED, STOPPED = ConversationStatus

# Intents that are about the conversation itself rather than an answer.
SKIP_INTENTS = frozenset({"skip", "deny"})
SOCIAL_INTENTS = frozenset({"greet", "start", "thanks", "affirm"})
# an NLU intent below this confidence does not stop a message that carries a comment
# from being kept as one ("???" is help at 0.91; an Arabic complaint at 0.36)
UNSURE = 0.6


@dataclass(frozen=True)
class Opening:
    """The invitation a new conversation answers (bot/outreach/opening.py): its id,
    stay, journey and language. `asked`: the invitation's first question is still
    open (False once the invitation was answered in another conversation: then only
    its language, stay and journey carry over and the bot greets as usual)."""

    invitation: str
    stay: str
    journey: str
    lang: str
    asked: bool = True


@dataclass(frozen=True)
class Context:
    tenant: Tenant
    detector: LanguageDetector
    language_names: Mapping[str, str]  # code -> the language's own name
    conversation_id: str  # used when this turn starts a conversation
    max_message_chars: int = 2000
    opening: Opening | None = None  # used when this turn starts a conversation
    # the hotel's review links in force (the console may have edited them); None: the
    # tenant's configured ones
    review_links: tuple[ReviewLink, ...] | None = None


@dataclass
class _Turn:
    """Mutable working copy of one step."""

    state: dict[str, Any]
    replies: list[Reply] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    clarifying: bool = False  # a clarifying question was asked: do not ask another

    def say(self, key: str, **params: Any) -> None:
        self.replies.append(Reply(key, params))

    def result(self) -> StepResult:
        return StepResult(self.state, tuple(self.replies), tuple(self.answers), tuple(self.events))


def starts(state: Mapping[str, Any] | None, tenant: Tenant) -> bool:
    """Whether a turn with this state starts a new conversation."""
    return not state or state.get("v") != STATE_VERSION or state.get("tenant") != tenant.id


def new_state(turn: Turn, ctx: Context) -> dict[str, Any]:
    tenant = ctx.tenant
    opening = ctx.opening
    choice = initial_choice(
        supported=tenant.languages,
        default=tenant.default_language,
        # the invitation was written in the stay's language: it is the reservation's
        reservation=opening.lang if opening is not None else turn.reservation_language,
        locale=turn.locale,
        phone_region=turn.phone_region,
        language_hint=turn.language_hint,
    )
    state: dict[str, Any] = {
        "v": STATE_VERSION,
        "tenant": tenant.id,
        "conversation": ctx.conversation_id,
        "channel": turn.channel,
        "lang": choice.lang,
        "lang_source": choice.source,
        "lang_opened": 0,  # 1 once the guest's first message was read (see _resolve_language)
        "status": ACTIVE,
        "asked": None,
        "answers": {},
        "followup": None,
        "last": None,
        "misses": 0,
    }
    if opening is not None:
        state["invitation"] = {"id": opening.invitation, "answered": 0}
        state["stay"], state["journey"] = opening.stay, opening.journey
        if opening.asked and tenant.questions:
            state["asked"] = tenant.questions[0].id  # the invitation asked it
    return state


def step(state: Mapping[str, Any] | None, turn: Turn, ctx: Context) -> StepResult:
    tenant = ctx.tenant
    starting = starts(state, tenant)
    t = _Turn(new_state(turn, ctx) if starting else dict(state))  # type: ignore[arg-type]
    t.state["answers"] = dict(t.state["answers"])
    text = turn.text.strip()
    # an invitation asked the first question: the guest's first reply answers it, no greeting
    invited = starting and t.state.get("invitation") is not None and t.state["asked"] is not None

    if len(text) > ctx.max_message_chars:
        t.say("input.too_long", limit=ctx.max_message_chars)
        return t.result()
    _note_reply(t, turn, text)

    switched_only = _resolve_language(t, text, ctx, turn.phone_region)

    if t.state["status"] != ACTIVE:
        _after_end(t, turn)
        return t.result()

    if starting:
        if not invited:
            t.say("greeting", hotel=tenant.name)
        t.events.append("started")

    if not text:
        if not starting:
            t.say("input.empty")
        _ask_next(t, ctx)
        return t.result()

    intent = turn.intent or ""
    if intent == "help" and _awaits_text(t.state, ctx) and len(text.split()) > 6:
        intent = "comment"  # a long message while we wait for free text is the text
    if intent == "help" and turn.confidence < UNSURE and _carries_comment(t, turn, text):
        intent = "comment"  # an unsure "help" (Arabic, say: the NLU knows five languages) that says something
    if intent == "stop" or (intent == "goodbye" and not starting):
        if comments.is_comment(text, t.state["lang"], declines=False, social=False):
            _store_comment(t, text, turn, t.state["asked"], tied=(t.state["asked"] or "",))
        t.state["status"] = STOPPED
        t.state["asked"] = None
        t.say("stop")
        t.events.append("stopped")
        return t.result()
    if intent == "help":
        t.say("help", hotel=tenant.name)
    elif intent == "request_human":
        t.say("human.requested")
        t.events.append("human_requested")
    elif not switched_only and not (intent or "").startswith("dsr_"):  # bot/privacy handles these
        _take_answer(t, text, intent, turn, ctx)

    _ask_next(t, ctx)
    return t.result()


def _note_reply(t: _Turn, turn: Turn, text: str) -> None:
    """The guest wrote back to the invitation that opened the conversation (the web
    chat's own "/start" on opening is not a reply)."""
    invitation = t.state.get("invitation")
    if not isinstance(invitation, Mapping) or invitation.get("answered"):
        return
    if not text or (turn.intent == "start" and text.startswith("/")):
        return
    t.state["invitation"] = {**invitation, "answered": 1}
    t.events.append("invitation_answered")


def _awaits_text(state: Mapping[str, Any], ctx: Context) -> bool:
    """True while a low-score explanation or a text question is pending."""
    if state.get("followup"):
        return True
    asked = state.get("asked")
    return bool(asked) and ctx.tenant.question(asked).kind == "text"


def _resolve_language(t: _Turn, text: str, ctx: Context, region: str | None = None) -> bool:
    """Apply explicit requests and detection; the guest's first message (however short:
    "Bonjour", "Grazie mille") decides when only a prior or the default is known
    (bot/language/resolve.py opening_choice). True when the message was only a
    language request (then it is not an answer)."""
    tenant = ctx.tenant
    before = LanguageChoice(t.state["lang"], t.state["lang_source"])
    choice, event = update_choice(before, text, supported=tenant.languages, detector=ctx.detector)
    # states from before openers lack the flag: their first message is long gone
    if not t.state.get("lang_opened", 1) and text and not text.startswith("/"):
        t.state["lang_opened"] = 1
        if event is None:
            choice = opening_choice(
                choice,
                text,
                supported=tenant.languages,
                detector=ctx.detector,
                ignore=tenant.name,
                region=region,
            )
    t.state["lang"], t.state["lang_source"] = choice.lang, choice.source
    if event == "switched":
        t.say("language.switched")
        t.events.append("language_switched")
        return True
    if event and event.startswith("unsupported"):
        names = ", ".join(ctx.language_names.get(code, code) for code in tenant.languages)
        t.say("language.unsupported", languages=names)
        t.events.append("language_unsupported")
        return True
    if choice.lang != before.lang:
        t.events.append("language_detected")
    return False


def _after_end(t: _Turn, turn: Turn) -> None:
    if any(r.key.startswith("language.") for r in t.replies):
        return
    text, intent = turn.text.strip(), turn.intent or ""
    social = _just_social(intent, turn, text) or intent.startswith("dsr_") or intent == "request_human"
    if comments.is_comment(text, t.state["lang"], declines=_declines(intent, text), social=social):
        _store_comment(t, text, turn, None, tied=())  # "oh, and the parking was expensive"
        t.say("ack.comment")
    elif turn.intent == "thanks":
        t.say("thanks.reply")
    elif t.state["status"] == COMPLETED:
        t.say("done_already")
    else:
        t.say("stopped_already")


def _take_answer(t: _Turn, text: str, intent: str, turn: Turn, ctx: Context) -> None:
    tenant = ctx.tenant
    state = t.state
    scales = tenant.rating_scales
    lang = state["lang"]
    declines = _declines(intent, text)
    said = comments.is_comment(text, lang, declines=declines, social=_just_social(intent, turn, text))
    if comments.nothing_more(text):
        state["nothing_more"] = 1
    extras = comments.unsolicited_ratings(text, lang, {q.id for q in tenant.questions})

    if state["followup"]:
        target = state["followup"]
        state["followup"] = None
        parsed = parse_answer(text, lang, scales, None)
        topical = tuple(r for r in parsed.ratings if r.topic)
        # the explanation: any words but a "no" — or, beside ratings, a comment
        explains = said or (not topical and not extras and not declines)
        if explains:  # one document: the follow-up's answer (kind "text")
            _store_text(t, f"{target}_followup", text, turn, tied=(target, *(r.topic for r in topical)))
        if topical:
            _store_ratings(t, topical, turn, ctx)
        _store_unsolicited(t, extras, turn)
        if explains:
            t.say("followup.thanks")
        return

    asked = state["asked"]
    question = tenant.question(asked) if asked else None

    if question is not None and question.kind == "text":
        parsed = parse_answer(text, lang, scales, None)
        topical = tuple(r for r in parsed.ratings if r.topic)
        if topical or extras:
            if said:
                _answer_text_question(t, asked, text, turn, rated=[r.topic or "" for r in topical])
            _store_ratings(t, topical, turn, ctx)
            _store_unsolicited(t, extras, turn)
        elif declines or comments.nothing_more(text):
            state["answers"][asked] = None
            t.say("ack.skip")
        elif not _just_social(intent, turn, text):
            _answer_text_question(t, asked, text, turn, rated=())
        return

    correcting = False
    current = asked
    parsed = parse_answer(text, lang, scales, current)
    if (parsed.correction or intent == "correct") and state["last"] and state["last"] in scales:
        current = state["last"]
        parsed = parse_answer(text, lang, scales, current)
        correcting = True  # (nothing to correct after a text answer: "9, volveremos…" is no correction)

    if said:  # kept whatever else the message holds: tied to its question and ratings
        rated = [r.topic or current or "" for r in parsed.ratings]
        _store_comment(t, text, turn, asked, tied=(asked or "", *rated))
    _store_unsolicited(t, extras, turn)
    in_words = parsed.ambiguous in ("qualitative", "emoji")  # no number at all
    if parsed.ambiguous and not (said and in_words):
        scale = scales.get(current) if current else None
        t.clarifying = True
        if scale is not None:
            t.say(f"clarify.{parsed.ambiguous}", low=_fmt(scale.low), high=_fmt(scale.high))
        return
    if parsed.ratings:
        low = _store_ratings(t, parsed.ratings, turn, ctx, current=current, correcting=correcting)
        if said:  # one short thanks for both (the team's, when it explained a low score)
            t.say("followup.thanks" if low and not state["followup"] else "ack.comment_noted")
        return
    if said or extras:
        scale = scales.get(asked) if asked else None
        if scale is not None and state["answers"].get(asked) is None:
            # the question still needs its number: thank, and ask only for the number
            t.clarifying = True
            t.say("reask.comment_then_rating", low=_fmt(scale.low), high=_fmt(scale.high))
        else:
            t.say("ack.comment" if said else "ack.saved")
        return
    if intent in SKIP_INTENTS and asked:
        state["answers"][asked] = None
        t.say("ack.skip")
        return
    if intent in SOCIAL_INTENTS or not asked:
        return
    state["misses"] += 1
    t.say("reask.rating")


def _carries_comment(t: _Turn, turn: Turn, text: str) -> bool:
    return comments.is_comment(text, t.state["lang"], declines=False, social=False)


def _declines(intent: str, text: str) -> bool:
    """ "skip", or a short "no"/"nothing" — but "no hot water" is a complaint."""
    return intent == "skip" or (intent == "deny" and len(text.split()) <= 2)


def _just_social(intent: str, turn: Turn, text: str) -> bool:
    """A confident short "hi"/"ok"/"thanks" is not an answer to a text question."""
    return intent in SOCIAL_INTENTS and turn.confidence >= 0.8 and len(text.split()) <= 3


def _answer_text_question(t: _Turn, qid: str, text: str, turn: Turn, *, rated: Sequence[str]) -> None:
    """The answer to the hotel's text question (kind "text", `<conv>:<qid>`)."""
    t.state["answers"][qid] = True  # the text itself is stored, not kept in the state
    t.state["last"] = qid
    _store_text(t, qid, text, turn, tied=tuple(rated))
    t.say("ack.comment")


def _store_text(t: _Turn, qid: str, text: str, turn: Turn, *, tied: Sequence[str]) -> None:
    """Free text answering a question (the text question, a follow-up), with its topics."""
    analysis = comments.analysed(text, t.state["lang"])
    _tie(t.state, comments.tied_to(analysis, tied))
    t.answers.append(
        Answer(
            qid,
            "text",
            raw=text,
            message_id=turn.message_id,
            topics=analysis.topics,
            polarity=analysis.polarity,
        )
    )


def _store_comment(t: _Turn, text: str, turn: Turn, asked: str | None, *, tied: Sequence[str]) -> None:
    """Free text given at any other point: kind "comment", tied to the question being
    asked ("general" when none) and to the topics it mentions."""
    state = t.state
    analysis = comments.analysed(text, state["lang"])
    _tie(state, comments.tied_to(analysis, tied))
    state["comments"] = int(state.get("comments") or 0) + 1
    t.answers.append(
        Answer(
            asked or "general",
            "comment",
            raw=text,
            message_id=turn.message_id,
            topics=analysis.topics,
            polarity=analysis.polarity,
            about=asked or "",
        )
    )
    t.events.append("comment")


def _tie(state: dict[str, Any], ids: set[str]) -> None:
    """Remember (ids only) what the guest has already said went wrong."""
    if ids:
        state["commented"] = sorted(set(state.get("commented") or ()) | ids)


def _store_unsolicited(t: _Turn, ratings: Sequence[Rating], turn: Turn) -> None:
    """Ratings of topics the hotel does not ask about: kept (kind "rating", unsolicited),
    never asked about, never followed up."""
    if not ratings:
        return
    given = dict(t.state.get("unsolicited") or {})
    scale = comments.UNSOLICITED_SCALE
    for r in ratings:
        topic = r.topic or ""
        already = topic in given
        given[topic] = r.value
        t.answers.append(
            Answer(
                topic,
                "rating",
                raw=r.raw,
                value=r.value,
                score=scale.normalise(r.value),
                scale=scale,
                source_scale=r.source,
                corrected=already,
                message_id=turn.message_id,
                unsolicited=True,
            )
        )
    t.state["unsolicited"] = given


def _store_ratings(
    t: _Turn,
    ratings: tuple[Rating, ...],
    turn: Turn,
    ctx: Context,
    *,
    current: str | None = None,
    correcting: bool = False,
) -> bool:
    """Store the ratings; the lowest at or below the threshold gets a follow-up unless the
    guest already said what went wrong about it (`state["commented"]`). True when a low
    score was given (the `low_score` event, for escalation, either way)."""
    tenant = ctx.tenant
    state = t.state
    lowest: tuple[float, str] | None = None
    explained = set(state.get("commented") or ())
    low = False
    for r in ratings:
        qid = r.topic or current
        if not qid:
            continue
        question: Question = tenant.question(qid)
        if question.scale is None:
            continue
        already = state["answers"].get(qid) is not None
        state["answers"][qid] = r.value
        state["last"] = qid
        score = question.scale.normalise(r.value)
        t.answers.append(
            Answer(
                qid,
                "rating",
                raw=r.raw,
                value=r.value,
                score=score,
                scale=question.scale,
                source_scale=r.source,
                corrected=already,
                message_id=turn.message_id,
            )
        )
        if already or correcting:
            t.say("ack.correction", topic=_topic(qid), value=_fmt(r.value))
        if score <= tenant.escalation_threshold:
            low = True
            if qid not in explained and (lowest is None or score < lowest[0]):
                lowest = (score, qid)
    state["misses"] = 0
    if low:
        t.events.append("low_score")
    if lowest is not None:
        state["followup"] = lowest[1]
    return low


def _ask_next(t: _Turn, ctx: Context) -> None:
    """Ask the pending follow-up, re-ask a clarification, or the next open question."""
    state = t.state
    if state["status"] != ACTIVE:
        return
    if state["followup"]:
        t.say("followup.low_score", topic=_topic(state["followup"]))
        return
    if t.clarifying:
        return
    tenant = ctx.tenant
    for q in tenant.questions:
        if q.id not in state["answers"]:
            if q.kind == "text" and state.get("nothing_more"):
                state["answers"][q.id] = None  # the guest said they have nothing to add
                continue
            state["asked"] = q.id
            params: dict[str, Any] = {"hotel": tenant.name}
            if q.scale is not None:
                params.update(low=_fmt(q.scale.low), high=_fmt(q.scale.high))
            key = f"question.{q.id}"
            if q.id == "comment" and state.get("comments"):
                key = "question.comment_more"  # they left comments: "anything else to add?"
            t.say(key, **params)
            return
    state["asked"] = None
    state["status"] = COMPLETED
    t.say("closing", hotel=tenant.name)
    t.events.append("completed")
    _offer_reviews(t, ctx)


def _offer_reviews(t: _Turn, ctx: Context) -> None:
    """The hotel's review links, once per conversation, to every guest whatever their
    scores (no review gating); nothing when the hotel configured none."""
    links = ctx.review_links if ctx.review_links is not None else ctx.tenant.outreach.review_links
    if not links or t.state.get("reviews_offered"):
        return
    t.state["reviews_offered"] = 1
    t.say("review.offer", links=review_links_text(links))
    t.events.append("reviews_offered")


def review_links_text(links: Sequence[ReviewLink]) -> str:
    """One "Site: URL" per line, on a line of its own: a URL followed by a comma is
    often cut wrongly by phones' link detection."""
    return "".join(f"\n{link.site}: {link.url}" for link in links)


def _topic(qid: str) -> str:
    """`topic` parameters carry a question id; the renderer shows `topic.<id>`."""
    return qid


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
