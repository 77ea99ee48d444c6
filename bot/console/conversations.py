"""Inbox and conversation JSON API on top of `bot.handover.store.HandoverStore`.

    GET  /t/<tenant>/api/conversations?view=waiting|mine|all|resolved
    GET  /t/<tenant>/api/conversations/<conversation>?since=<seq>   state + transcript
    POST /t/<tenant>/api/conversations/<conversation>/take
    POST /t/<tenant>/api/conversations/<conversation>/hand_back
    POST /t/<tenant>/api/conversations/<conversation>/resolve     {ask_satisfaction?}
    POST /t/<tenant>/api/conversations/<conversation>/notes       {text}
    POST /t/<tenant>/api/conversations/<conversation>/replies     {text}
    GET  /t/<tenant>/api/canned?lang=<language>                   canned.* texts

Each handler passes `access()` first (audited) and builds the tenant's store from
what it returns. Unknown conversations are 404, a lost race (another agent took it)
409. Text goes out as JSON data; the page inserts it as text, never as HTML.

Each guest message of a transcript carries `mentions`: the topics bot.insights finds in
it (`[{topic, polarity, words}]`, analysed in the conversation's language on every read,
under a millisecond each), which the page marks in the text.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.console.access import Access, NotVisible, access
from bot.console.routes import json_body
from bot.handover.store import RESOLVED, WAITING, Conflict, HandoverStore, NotFound
from bot.insights import analyse
from bot.outbox import DeliveryFailed
from bot.storage.mongo import MongoStore

logger = logging.getLogger(__name__)

CONVERSATION_ROUTES = (
    ("GET", "/t/<tenant>/api/conversations", "conversations"),
    ("GET", "/t/<tenant>/api/conversations/<conversation>", "conversation"),
    ("POST", "/t/<tenant>/api/conversations/<conversation>/take", "take"),
    ("POST", "/t/<tenant>/api/conversations/<conversation>/hand_back", "hand_back"),
    ("POST", "/t/<tenant>/api/conversations/<conversation>/resolve", "resolve"),
    ("POST", "/t/<tenant>/api/conversations/<conversation>/notes", "note"),
    ("POST", "/t/<tenant>/api/conversations/<conversation>/replies", "reply"),
    ("GET", "/t/<tenant>/api/canned", "canned"),
)
VIEWS = ("waiting", "mine", "all", "resolved")
MAX_ID = 200
SEQ = re.compile(r"[0-9]{1,15}")  # a message number (MongoDB holds 64-bit integers)


def register(app: Sanic) -> None:
    handlers = {
        "conversations": inbox,
        "conversation": conversation,
        "take": take,
        "hand_back": hand_back,
        "resolve": resolve,
        "note": note,
        "reply": reply,
        "canned": canned,
    }
    for method, path, name in CONVERSATION_ROUTES:
        app.add_route(handlers[name], path, methods=[method], name=name)


def store(request: Request, grant: Access) -> HandoverStore:
    ctx = request.app.ctx
    mongo = MongoStore(ctx.mongo, ctx.settings.db_prefix)
    return HandoverStore(mongo, grant.tenant_id, ctx.publisher, ctx.delivery)


def plain(doc: Any) -> Any:
    """A stored document as JSON data (datetimes as ISO 8601 strings)."""
    if isinstance(doc, dict):
        return {("id" if k == "_id" else k): plain(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [plain(v) for v in doc]
    if isinstance(doc, dt.datetime):
        return doc.isoformat()
    return doc


def _conversation_id(raw: str) -> str:
    if not raw or len(raw) > MAX_ID:
        raise NotVisible("not found")
    return raw


async def inbox(request: Request, tenant: str) -> HTTPResponse:
    view = request.args.get("view", "waiting")
    if view not in VIEWS:
        raise InvalidInput("view_invalid", "view is waiting, mine, all or resolved")
    grant = await access(request, tenant, action="conversation.list", resource_type="conversation")
    query: dict[str, Any] = {
        "waiting": {"state": WAITING},
        "mine": {"assigned_to": grant.staff.id},
        "all": {},
        "resolved": {"state": RESOLVED},
    }[view]
    items = await store(request, grant).list(**query)
    return response.json({"view": view, "conversations": [plain(i) for i in items]})


async def conversation(request: Request, tenant: str, conversation: str) -> HTTPResponse:
    cid = _conversation_id(conversation)
    since = request.args.get("since", "0")
    if not SEQ.fullmatch(since):  # not isdigit(): "²" and "99999999999999999999" passed it
        raise InvalidInput("since_invalid", "since is a message number")
    grant = await access(
        request, tenant, action="conversation.read", resource_type="conversation", resource_id=cid
    )
    handovers = store(request, grant)
    doc = await handovers.get(cid)
    if doc is None:
        raise NotVisible("not found")
    transcript = await handovers.transcript(cid, since_seq=int(since))
    keep = ("seq", "at", "author", "text", "staff", "delivered")
    lang = doc.get("language") if isinstance(doc.get("language"), str) else ""
    messages = [{k: plain(m[k]) for k in keep if k in m} for m in transcript]
    for m in messages:
        if m.get("author") == "guest" and isinstance(m.get("text"), str):
            m["mentions"] = mentions(m["text"], lang)
    return response.json({"conversation": plain(doc), "messages": messages})


def mentions(text: str, lang: str) -> list[dict[str, Any]]:
    """The topics of one guest message, for the page to mark (bot/insights)."""
    return [m.as_json() for m in analyse(text, lang).topics]


async def _change(
    request: Request, tenant: str, conversation: str, action: str
) -> tuple[Access, HandoverStore, str]:
    cid = _conversation_id(conversation)
    grant = await access(
        request, tenant, action=f"conversation.{action}", resource_type="conversation", resource_id=cid
    )
    return grant, store(request, grant), cid


async def _run(call: Any) -> HTTPResponse:
    try:
        result = await call
    except NotFound:
        return response.json({"error": "not_found"}, status=404)
    except Conflict:
        return response.json({"error": "conflict"}, status=409)
    return response.json(plain(result))


async def take(request: Request, tenant: str, conversation: str) -> HTTPResponse:
    grant, handovers, cid = await _change(request, tenant, conversation, "take")
    return await _run(handovers.take(cid, grant.staff.id))


async def hand_back(request: Request, tenant: str, conversation: str) -> HTTPResponse:
    grant, handovers, cid = await _change(request, tenant, conversation, "hand_back")
    return await _run(handovers.hand_back(cid, grant.staff.id))


async def resolve(request: Request, tenant: str, conversation: str) -> HTTPResponse:
    grant, handovers, cid = await _change(request, tenant, conversation, "resolve")
    ask = json_body(request).get("ask_satisfaction", True) if request.body else True
    if not isinstance(ask, bool):
        raise InvalidInput("ask_satisfaction_invalid", "true or false")
    result = await _run(handovers.resolve(cid, grant.staff.id, ask_satisfaction=ask))
    if ask and result.status == 200:
        # the one short question about the handling, in the guest's language, on their channel
        doc = await handovers.require(cid)
        catalog = request.app.ctx.catalog
        text = catalog.render(doc.get("language") or "en", "satisfaction.question")
        try:
            await handovers.system_message(cid, text, deliver=True)
        except DeliveryFailed as e:  # resolved all the same; the question stays in the transcript
            event(logger, "console.satisfaction_not_delivered", logging.WARNING, reason=e.code)
    return result


async def note(request: Request, tenant: str, conversation: str) -> HTTPResponse:
    grant, handovers, cid = await _change(request, tenant, conversation, "note")
    return await _run(handovers.add_note(cid, grant.staff.id, json_body(request).get("text")))


async def reply(request: Request, tenant: str, conversation: str) -> HTTPResponse:
    grant, handovers, cid = await _change(request, tenant, conversation, "reply")
    return await _run(handovers.staff_reply(cid, grant.staff.id, json_body(request).get("text")))


async def canned(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(request, tenant, action="canned.read", resource_type="catalog")
    catalog = request.app.ctx.catalog
    lang = catalog.resolve(
        request.args.get("lang") or request.app.ctx.tenants.get(grant.tenant_id).default_language
    )
    texts = {k: catalog.text(lang, k) for k in sorted(catalog.keys(lang)) if k.startswith("canned.")}
    return response.json({"language": lang, "canned": texts})
