"""Data-subject requests inside the conversation (called by FeedbackService first,
before the handover and the feedback engine, so it works in the middle of anything).

1. A message asks for a request only when it reads as one (bot/privacy/intake.py): the
   NLU intent (`dsr_erasure`, `dsr_access`, `dsr_rectification`, `dsr_restriction`,
   `dsr_objection`, five languages) with enough confidence and margin plus a lexical cue
   of the request, or the legal markers of a formal request; never junk, never markup,
   never a message over the length limit.
2. A request that names someone else's number or address (anything but the
   requester's own, except the new address of a rectification) is never executed
   and reveals nothing.
3. The guest is asked to confirm, in their request's words ("Do you want us to stop using
   your answers for statistics? Reply yes or no", `dsr.confirm.<type>`). The question waits
   in the register's store (DsrStore.ask, 10 minutes; the conversation state carries only
   its expiry, `QUESTION`). Only an explicit yes (intake.is_yes) registers the request;
   any other answer drops the question and is handled as ordinary feedback.
4. After the yes the request is registered (bot/privacy/requests.py) and the requester
   verified:
   - SMS and e-mail guests get a one-time code on the same number or address (a
     separate message), valid 10 minutes, 3 attempts, then a new code;
   - web-widget and REST guests are identified by their session (a signed, secret
     token only their browser holds), and the request concerns that session's data
     only, so they count as verified at once.
5. Verified requests are carried out by the privacy worker in the jobs process
   (bot/privacy/worker.py): at once or after staff approval (tenant policy), with a
   confirmation, receipt or download link on the guest's channel.

Every write to the register is listed in the turn's `DsrTurn.writes` (ids only); the
service audits them through the inbox (bot/audit/log.py `system_access`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from bot.audit.log import SystemAccess
from bot.base.logs import event
from bot.base.names import DSR_REGISTER
from bot.base.sealing import Cipher
from bot.base.states import Channel, DsrType
from bot.base.turn import Reply, Turn
from bot.i18n import Catalog
from bot.language import explicit_request
from bot.outbox import DeliveryFailed, Outbox
from bot.privacy.intake import INTENTS, is_yes, requested
from bot.privacy.requests import PENDING, RECEIVED, VERIFIED, DsrStore
from bot.storage.contacts import ContactStore
from bot.storage.documents import DsrRequestDoc
from bot.tenants.registry import Tenant

logger = logging.getLogger(__name__)

__all__ = ["INTENTS", "QUESTION", "DsrFlow", "DsrTurn"]

QUESTION = "dsr_question"  # conversation state: when the open confirmation question expires
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
PHONE_CANDIDATE = re.compile(r"\+?\d[\d\s./\-()]{6,}\d")
WITHDRAW = re.compile(
    r"\b(withdraw|remove|delete|zur[üu]ckziehen|l[öo]schen|retirer|supprimer|retirar|borrar|eliminar|"
    r"ritirare|cancellare|ritira)\b.*\b(ratings?|answers?|bewertung(en)?|antworten|notes?|r[ée]ponses|"
    r"valoraciones|respuestas|valutazioni|risposte|voti)\b",
    re.IGNORECASE | re.DOTALL,
)
VERIFIED_BY_SESSION = (Channel.WEBCHAT, Channel.REST)


@dataclass
class DsrTurn:
    replies: list[Reply] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    lang: str | None = None  # answer in the request's language (a bare code has none)
    writes: list[SystemAccess] = field(default_factory=list)  # the register writes, for the audit
    reads: list[SystemAccess] = field(default_factory=list)  # the contact opened, for the audit
    question: float | None = None  # a confirmation question is open until then (epoch seconds)


def find_code(text: str) -> str | None:
    m = CODE.search(text or "")
    return m.group(1) if m else None


def identifiers_in(text: str) -> tuple[set[str], set[str]]:
    """E-mail addresses (lower case) and phone numbers (E.164) named in the text."""
    emails = {m.group(0).lower() for m in EMAIL.finditer(text or "")}
    phones: set[str] = set()
    for m in PHONE_CANDIDATE.finditer(text or ""):
        raw = m.group(0)
        if not raw.lstrip().startswith("+"):
            continue
        try:
            number = phonenumbers.parse(raw, None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            phones.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return emails, phones


def rectification_details(text: str) -> dict[str, Any]:
    """What a rectification asks for: a new e-mail address or number, a language, or
    withdrawing the guest's ratings."""
    emails, phones = identifiers_in(text)
    details: dict[str, Any] = {}
    if emails:
        details["email"] = sorted(emails)[0]
    if phones:
        details["phone"] = sorted(phones)[0]
    lang = explicit_request(text)
    if lang:
        details["language"] = lang
    if WITHDRAW.search(text or ""):
        details["withdraw_ratings"] = True
    return details


def register_writes(tenant_id: str, request_id: str, what: str) -> list[SystemAccess]:
    """A request's document and its line in the processor's register (bot/privacy/requests.py)."""
    return [
        SystemAccess(f"dsr_request.{what}", "dsr_request", request_id),
        SystemAccess(f"dsr_register.{what}", DSR_REGISTER, f"{tenant_id}:{request_id}"),
    ]


class DsrFlow:
    def __init__(
        self,
        dsr: DsrStore,
        contacts: ContactStore,
        cipher: Cipher,
        outbox: Outbox | None,
        catalog: Catalog,
        max_chars: int = 2000,
    ) -> None:
        self.max_chars = max_chars
        self.dsr = dsr
        self.contacts = contacts
        self.cipher = cipher
        self.outbox = outbox
        self.catalog = catalog
        self.reads: list[SystemAccess] = []  # personal data this flow opened, for the audit

    @staticmethod
    def concerns(turn: Turn, state: Mapping[str, Any] | None = None) -> bool:
        """Whether this turn may be about a request: a request intent, something that looks
        like a one-time code, or an answer to the confirmation question (only then is the
        register read)."""
        return (
            (turn.intent or "").startswith("dsr_")
            or find_code(turn.text) is not None
            or bool((state or {}).get(QUESTION))
        )

    async def handle(
        self, tenant: Tenant, turn: Turn, guest_ref: str, channel: str, lang: str, asked: bool = False
    ) -> DsrTurn | None:
        """The replies when this turn is about a data-subject request, else None (the
        turn is then ordinary feedback). ``asked``: a confirmation question is open."""
        result = await self._handle(tenant, turn, guest_ref, channel, lang, asked)
        if result is not None:
            result.reads += self.reads
        return result

    async def _handle(
        self, tenant: Tenant, turn: Turn, guest_ref: str, channel: str, lang: str, asked: bool
    ) -> DsrTurn | None:
        if len(turn.text.strip()) > self.max_chars:  # the engine says it is too long
            if asked:
                await self.dsr.drop_question(guest_ref)
            return None
        open_request = await self.dsr.open_for(guest_ref)
        code = find_code(turn.text)
        if open_request is not None and open_request["status"] == PENDING and code:
            return await self._check(tenant, open_request, code, guest_ref, channel, lang)
        if asked:
            if is_yes(turn.text):
                question = await self.dsr.take_question(guest_ref)
                if question is not None:
                    return await self._register(tenant, question, guest_ref)
            else:  # anything but a yes: nothing is registered, the message is feedback
                await self.dsr.drop_question(guest_ref)
        type_ = requested(turn.text, turn.intent, turn.confidence, turn.runner_up)
        if type_ is None:
            return None
        if await self._names_someone_else(type_, turn.text, guest_ref, channel):
            event(logger, "dsr.refused", tenant=tenant.id, type=type_, reason="other_person")
            return DsrTurn([Reply("dsr.other_person")], ["dsr_refused"])
        same_open = open_request is not None and open_request["type"] == type_
        if same_open and open_request["status"] in (RECEIVED, PENDING):
            return DsrTurn([Reply("dsr.already_open")], ["dsr_already_open"])
        details = None
        if type_ == DsrType.RECTIFICATION:
            found = rectification_details(turn.text)
            details = self.cipher.seal(json.dumps(found), f"{tenant.id}|{guest_ref}|dsr")
        until = await self.dsr.ask(
            type_=type_, guest_ref=guest_ref, channel=channel, language=lang, details=details
        )
        event(logger, "dsr.asked", tenant=tenant.id, type=type_, channel=channel)
        ask = SystemAccess("dsr_question.create", "dsr_question", guest_ref)
        return DsrTurn([Reply(f"dsr.confirm.{type_}")], ["dsr_asked"], writes=[ask], question=until)

    async def _register(self, tenant: Tenant, question: Mapping[str, Any], guest_ref: str) -> DsrTurn:
        """The guest said yes: the request is registered and verified (session) or a
        code is sent (SMS, e-mail)."""
        type_, channel, lang = question["type"], question["channel"], question["language"]
        request = await self.dsr.create(
            type_=type_, guest_ref=guest_ref, channel=channel, language=lang, details=question.get("details")
        )
        rid = request["_id"]
        writes = [SystemAccess("dsr_question.delete", "dsr_question", guest_ref)]
        writes += register_writes(tenant.id, rid, "create")
        event(logger, "dsr.received", tenant=tenant.id, type=type_, request=rid, channel=channel)
        if channel in VERIFIED_BY_SESSION:
            if await self.dsr.transition(rid, RECEIVED, VERIFIED, "session") is not None:
                writes += register_writes(tenant.id, rid, "verify")
            replies = [Reply(f"dsr.received.{type_}"), self._verified(tenant)]
            return DsrTurn(replies, ["dsr_verified"], lang, writes=writes)
        sent = await self._send_code(tenant, rid, guest_ref, channel, lang)
        writes.append(SystemAccess("dsr_request.code", "dsr_request", rid))
        key = f"dsr.code_sent.{channel}" if sent else "dsr.code_unavailable"
        return DsrTurn(
            [Reply(f"dsr.received.{type_}"), Reply(key)],
            ["dsr_code_sent" if sent else "dsr_no_code"],
            lang,
            writes=writes,
        )

    async def _check(
        self, tenant: Tenant, request: DsrRequestDoc, code: str, guest_ref: str, channel: str, lang: str
    ) -> DsrTurn:
        result = await self.dsr.check_code(request["_id"], code)
        event(logger, "dsr.code_checked", tenant=tenant.id, request=request["_id"], result=result.reason)
        lang = request.get("language") or lang
        rid = request["_id"]
        if result.ok:
            return DsrTurn(
                [self._verified(tenant)], ["dsr_verified"], lang, register_writes(tenant.id, rid, "verify")
            )
        if result.reason == "wrong":  # the wrong attempt was counted
            wrong = Reply("dsr.code_wrong", {"left": result.attempts_left})
            attempt = SystemAccess("dsr_request.attempt", "dsr_request", rid)
            return DsrTurn([wrong], ["dsr_code_wrong"], lang, [attempt])
        await self._send_code(tenant, rid, guest_ref, channel, lang)  # expired or used up
        code = SystemAccess("dsr_request.code", "dsr_request", rid)
        return DsrTurn([Reply("dsr.code_resent")], ["dsr_code_resent"], lang, [code])

    def _verified(self, tenant: Tenant) -> Reply:
        if tenant.dsr_approval == "staff":
            return Reply("dsr.verified.staff")
        return Reply("dsr.verified.auto")

    async def _names_someone_else(self, type_: str, text: str, guest_ref: str, channel: str) -> bool:
        if type_ == DsrType.RECTIFICATION:
            return False  # the new address or number is theirs by definition
        emails, phones = identifiers_in(text)
        if not emails and not phones:
            return False
        own = (
            await self.contacts.get(guest_ref)
            if channel in (Channel.SMS, Channel.WHATSAPP, Channel.EMAIL)
            else None
        )
        if own is not None:
            self.reads.append(SystemAccess("contact.read", "contact", guest_ref))
        mine = {own.address.lower()} if own is not None else set()
        return bool((emails | phones) - mine)

    async def _send_code(
        self, tenant: Tenant, request_id: str, guest_ref: str, channel: str, lang: str
    ) -> bool:
        """A new code to the requester's own number or address, as its own message."""
        code = await self.dsr.issue_code(request_id)
        if self.outbox is None:
            return False
        text = self.catalog.render(lang, "dsr.code", hotel=tenant.name, code=code)
        message = {"_id": f"{request_id}:code", "text": text, "author": "system"}
        try:
            await self.outbox.to_guest(tenant.id, channel, guest_ref, message, essential=True)
        except DeliveryFailed as e:
            event(logger, "dsr.code_failed", logging.WARNING, tenant=tenant.id, reason=e.code)
            return False
        return True
