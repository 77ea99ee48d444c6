"""A guest turn as one explicit pipeline: the stages, in order, and what they pass on.

`FeedbackService.handle` (bot/feedback/service.py) runs the stages below top to bottom;
each stage is a small class in bot/feedback/stages/ with the name listed here, which
either passes the turn on (returns None, having filled in its part of the
`TurnContext`) or finishes it with a `TurnOutcome`.

    limits                the message as a Turn (text as written), tenant, guest
                          reference, conversation id; a message over max_message_chars
                          is marked too long: it is never a request nor an answer
                          (the engine answers `input.too_long`). Always first.
    data_subject_request  a request, its confirmation (yes) or its one-time code
                          (bot/privacy/dsr_flow.py): finishes the turn; anything else
                          drops an open confirmation question and goes on as feedback
    guest_state           the guest's flags and the conversation's handover state,
                          read together (one round trip for the next two stages)
    consent               the guest objected (bot/storage/flags.py): nothing is said
    staff_hold            staff hold the conversation (silent, transcript kept) or the
                          satisfaction question is answered (bot/handover/flow.py)
    questionnaire         handed back / a corrected language applied to the state; a
                          new conversation answering an invitation starts from it
                          (bot/outreach/opening.py); then the state machine
                          (bot/feedback/engine.py)
    escalation            hand over to staff? what the guest is told; replies rendered
    storage               ratings, the conversation, the transcript, the invitation
                          answered, the audit inbox
    handover              an escalating turn opens the handover (staff are alerted)
    reply                 the outcome: its texts go back to Rasa and the channel

Why a data-subject request comes before consent and the staff hold: a guest who
objected keeps every other right (access, erasure), and a request is answered by the
bot even while staff hold the conversation (bot/privacy/dsr_flow.py). The SMS
STOP/START keywords are consent too, but handled before Rasa (below).

Before the pipeline, in the channels (they stay there: carriers require STOP to be
honoured by the SMS channel itself):
- SMS STOP/START/HELP keywords, any supported language: bot/channels/sms/channel.py
  `SmsChannel.run_turn` (bot/channels/sms/keywords.py); an opted-out number's messages
  never reach Rasa.
- size limits: the webhook bodies (MAX_BODY_BYTES in each channel's channel.py), an SMS
  Body (bot/channels/sms/inbound.py MAX_BODY_CHARS), an e-mail's text part
  (bot/channels/email/message.py MAX_TEXT_CHARS), REST (bot/inbox/text.py
  HARD_MAX_CHARS) and the widget (bot/channels/webchat/session.py, max_message_chars).
- normalisation: bot/inbox/text.py `clean_text` (control characters, lone surrogates)
  and `guest_text` (a "/" text is never a Rasa intent payload); the NLU pipeline's
  MarkupFilter (bot/nlu/markup.py) keeps the text as written under `text_as_written`,
  which the limits stage reads back (`as_written`).

The walk of a guest SMS from webhook to stored rating and reply:
1. Twilio POSTs /webhooks/sms/inbound: bot/channels/sms/channel.py `inbound` checks the
   size and the signature, parses (bot/channels/sms/inbound.py `parse_twilio_form`) and
   finds the tenant by the number it was sent to.
2. bot/channels/base.py `WebhookChannel.accept_turn` stores it as a job (sealed) in the
   TurnQueue (bot/inbox/queue.py `TurnQueue.accept`, once per MessageSid) and spawns
   `attempt`; the webhook answers empty TwiML at once.
3. bot/channels/sms/channel.py `SmsChannel.run_turn`: keywords, opt-out, the guest's
   contact stored (sealed), then Rasa's `on_new_message` with
   `UserMessage(guest_text(body), CollectingOutputChannel(), "<tenant>~<guest>")`.
4. Rasa: the NLU pipeline (config.yml), the rules (data/rules/feedback.yml) predict
   `action_feedback`, called on the action server (endpoints.yml `action_endpoint`).
5. actions/server.py `webhook` -> rasa-sdk's executor -> actions/feedback.py
   `ActionFeedback.run` -> actions/runtime.py `service()` -> bot/feedback/service.py
   `FeedbackService.handle(sender_id, latest_message, slot "rapport", tracker events)`.
6. The stages above; `storage` writes the ratings (bot/storage/mongo.py `ratings().save`,
   documents from bot/storage/documents.py) and the conversation state.
7. actions/feedback.py utters each of the outcome's texts and sets the slot `rapport`;
   Rasa saves the tracker (bot/rasa/tracker_store.py) and collects the utterances.
8. back in `SmsChannel.run_turn` the texts are joined and handed to the outbox:
   bot/outbox/outbox.py `Outbox.reply` -> `_sms` (split into segments,
   bot/outbox/segments.py; each part recorded, bot/outbox/sms_store.py) ->
   bot/channels/sms/transport.py `SmsTransport.transmit` ->
   bot/channels/sms/twilio.py `TwilioSender.send` (`client.messages.create_async`) ->
   Twilio, which texts the guest.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.audit.log import SystemAccess
from bot.base.logs import event
from bot.base.turn import Reply, StepResult, Turn
from bot.handover.flow import Before, Escalation
from bot.storage.flags import GuestFlags
from bot.tenants.registry import Tenant

STAGES = (
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

# every turn ends with one "feedback.turn.handled" line, under the logger it always had
turn_log = logging.getLogger("bot.feedback.service")


def handled(**fields: Any) -> None:
    """The turn's one log line (no personal data: ids, keys and counts only)."""
    event(turn_log, "feedback.turn.handled", **fields)


@dataclass(frozen=True)
class TurnOutcome:
    texts: tuple[str, ...]
    state: dict[str, Any]
    events: tuple[str, ...]


@dataclass
class TurnContext:
    """One turn on its way through the stages; each stage fills in its part."""

    # limits
    started: float  # time.perf_counter() when the turn began
    sender_id: str
    tenant: Tenant
    turn: Turn
    guest_ref: str
    conversation: str  # the state's, or derived from the opening message
    state: Mapping[str, Any] | None  # the conversation state (Rasa slot `rapport`)
    history: Sequence[Mapping[str, Any]]  # the tracker's events
    too_long: bool
    # guest_state
    flags: GuestFlags = field(default_factory=GuestFlags)
    before: Before = field(default_factory=Before)
    reads: list[SystemAccess] = field(default_factory=list)  # personal data read, for the audit
    writes: list[SystemAccess] = field(default_factory=list)  # personal data written, for the audit
    # questionnaire
    result: StepResult | None = None
    # escalation
    escalation: Escalation | None = None
    replies: list[Reply] = field(default_factory=list)
    texts: tuple[str, ...] = ()

    @property
    def lang(self) -> str:
        """The conversation's language: the engine's once it ran, else the state's."""
        if self.result is not None:
            return self.result.state["lang"]
        return (self.state or {}).get("lang") or self.tenant.default_language

    @property
    def step(self) -> StepResult:
        """The engine's result (set by the questionnaire stage)."""
        assert self.result is not None, "the questionnaire stage runs first"
        return self.result
