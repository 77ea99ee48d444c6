"""Data-subject requests: the register and one-time verification codes.

A guest asks, inside the conversation, to erase, see, correct, restrict or stop the
processing of their data. Each request is a document in the tenant database's
`dsr_requests` collection, and a line in the control database's `dsr_register` (the
cross-tenant register of the processor: keyed hash of the guest, no contact data):

    _id           "r_" + 16 hex
    type          erasure | access | rectification | restriction | objection
    status        received -> verification_pending -> verified -> awaiting_approval
                  -> done | rejected
    guest_ref     the guest's keyed hash (erased guests keep only this hash)
    channel       sms | email | webchat | rest
    language      the conversation language (receipts and links in it)
    created_at, deadline_at (created + 30 days, GDPR Art. 12(3)), extended_until and
    extension_reason (recorded when the deadline is extended), updated_at
    code_hash     HMAC of the current one-time code; code_expires_at (10 minutes);
    attempts      wrong codes for the current code (3, then a new code is sent)
    details       sealed JSON of what the request carries (a corrected address ...)
    acted_by      who approved / executed / rejected ("system", a staff id, "cli:<uid>")
    outcome       evidence without personal data (counts, scan result) once done

Times are epoch seconds (they survive every MongoDB-wire server's update operators).
Every status change is a conditional update on the current status; the history is an
inserted document per change in `dsr_history`.

Before a request exists the guest is asked to confirm it (bot/privacy/dsr_flow.py): the
question waits in `dsr_questions`, one per guest (`_id` = `guest_ref`), with the type,
channel, language, sealed details and `expires_at` (10 minutes). An explicit yes takes
it (an atomic find-and-delete) and only then is the request created; any other answer
drops it. It is guest data until then (bot/privacy/stores.py erases it with the guest).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import PyMongoError

from bot.base.errors import InvalidInput, RapportError, StorageError
from bot.base.names import DSR_HISTORY, DSR_QUESTIONS, DSR_REGISTER, DSR_REQUESTS
from bot.base.settings import Secret
from bot.base.states import DsrStatus, DsrType
from bot.storage.documents import DsrQuestionDoc, DsrRequestDoc
from bot.storage.mongo import DURABLE, MongoStore

TYPES = tuple(DsrType)
RECEIVED, PENDING, VERIFIED, AWAITING, DONE, REJECTED = DsrStatus
STATUSES = tuple(DsrStatus)
OPEN = (RECEIVED, PENDING, VERIFIED, AWAITING)
CODE_DIGITS = 6
CODE_TTL = 600.0  # ten minutes
MAX_ATTEMPTS = 3
DEADLINE = 30 * 86_400.0  # one month
QUESTION_TTL = 600.0  # a confirmation question is answered within ten minutes


class RequestConflict(RapportError):
    """The request is not in a status that allows this."""


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    reason: str  # "verified" | "wrong" | "expired" | "exhausted" | "no_code"
    attempts_left: int = 0


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def code_hash(key: Secret, request_id: str, code: str) -> str:
    return hmac.new(key.value.encode(), f"dsr-code|{request_id}|{code}".encode(), hashlib.sha256).hexdigest()


class DsrStore:
    def __init__(self, mongo: MongoStore, tenant_id: str, key: Secret, control_db: str | None = None) -> None:
        db = mongo.database(tenant_id)
        self.tenant_id = tenant_id
        self.key = key
        self.requests = db.get_collection(DSR_REQUESTS, write_concern=DURABLE)
        self.history = db.get_collection(DSR_HISTORY, write_concern=DURABLE)
        self.questions = db.get_collection(DSR_QUESTIONS, write_concern=DURABLE)
        self.register = (
            mongo.client[control_db].get_collection(DSR_REGISTER, write_concern=DURABLE)
            if control_db
            else None
        )

    # ---- reads ----------------------------------------------------------------------

    async def get(self, request_id: str) -> DsrRequestDoc | None:
        return await self.requests.find_one({"_id": request_id})

    async def open_for(self, guest_ref: str) -> DsrRequestDoc | None:
        """The guest's newest open request, if any."""
        cursor = self.requests.find({"guest_ref": guest_ref, "status": {"$in": list(OPEN)}}).sort(
            "created_at", -1
        )
        docs = await cursor.limit(1).to_list(1)
        return docs[0] if docs else None

    async def list(self, status: str | None = None, limit: int = 200) -> list[DsrRequestDoc]:
        query = {"status": status} if status else {}
        return await self.requests.find(query).sort("created_at", -1).limit(limit).to_list(limit)

    async def due(self, statuses: tuple[str, ...] = (VERIFIED,), limit: int = 50) -> list[DsrRequestDoc]:
        return (
            await self.requests.find({"status": {"$in": list(statuses)}}).sort("created_at", 1).to_list(limit)
        )

    # ---- the confirmation question (before a request exists) ---------------------------

    async def ask(
        self, *, type_: str, guest_ref: str, channel: str, language: str, details: str | None = None
    ) -> float:
        """Record that the guest was asked to confirm a `type_` request (replacing an
        earlier question); returns when the question expires."""
        if type_ not in TYPES:
            raise InvalidInput("dsr_type", "unknown request type")
        now = time.time()
        doc: DsrQuestionDoc = {
            "_id": guest_ref,
            "guest_ref": guest_ref,
            "type": type_,
            "channel": channel,
            "language": language,
            "details": details,
            "asked_at": now,
            "expires_at": now + QUESTION_TTL,
        }
        try:
            await self.questions.replace_one({"_id": guest_ref}, doc, upsert=True)
        except PyMongoError as e:
            raise StorageError("recording the question failed") from e
        return doc["expires_at"]

    async def take_question(self, guest_ref: str, now: float | None = None) -> DsrQuestionDoc | None:
        """The guest's open question, removed in the same step (so one yes registers one
        request), or None when there is none or it has expired."""
        doc = await self.questions.find_one_and_delete({"_id": guest_ref})
        now = time.time() if now is None else now
        if doc is None or float(doc.get("expires_at") or 0) < now:
            return None
        return doc

    async def drop_question(self, guest_ref: str) -> None:
        await self.questions.delete_one({"_id": guest_ref})

    # ---- lifecycle ------------------------------------------------------------------

    async def create(
        self, *, type_: str, guest_ref: str, channel: str, language: str, details: str | None = None
    ) -> DsrRequestDoc:
        if type_ not in TYPES:
            raise InvalidInput("dsr_type", "unknown request type")
        now = time.time()
        doc: DsrRequestDoc = {
            "_id": "r_" + secrets.token_hex(8),
            "type": type_,
            "status": RECEIVED,
            "guest_ref": guest_ref,
            "channel": channel,
            "language": language,
            "created_at": now,
            "deadline_at": now + DEADLINE,
            "updated_at": now,
            "attempts": 0,
            "codes_sent": 0,
            "details": details,
            "acted_by": None,
            "tenant_informed": False,
        }
        try:
            await self.requests.insert_one(doc)
            await self._history(doc["_id"], RECEIVED, "guest", now)
            if self.register is not None:
                await self.register.insert_one(
                    {
                        "_id": f"{self.tenant_id}:{doc['_id']}",
                        "tenant": self.tenant_id,
                        "request": doc["_id"],
                        "type": type_,
                        "guest_hash": guest_ref,
                        "created_at": now,
                        "deadline_at": doc["deadline_at"],
                        "status": RECEIVED,
                    }
                )
        except PyMongoError as e:
            raise StorageError("recording the request failed") from e
        return doc

    async def issue_code(self, request_id: str) -> str:
        """A new one-time code for the request (valid 10 minutes, 3 attempts); the
        plain code is returned to be sent, only its HMAC is stored."""
        code = new_code()
        now = time.time()
        doc = await self.requests.find_one_and_update(
            {"_id": request_id, "status": {"$in": [RECEIVED, PENDING]}},
            {
                "$set": {
                    "status": PENDING,
                    "code_hash": code_hash(self.key, request_id, code),
                    "code_expires_at": now + CODE_TTL,
                    "attempts": 0,
                    "updated_at": now,
                },
                "$inc": {"codes_sent": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            raise RequestConflict("no code for a request in this status")
        await self._history(request_id, PENDING, "system", now)
        return code

    async def check_code(self, request_id: str, code: str, now: float | None = None) -> CodeCheck:
        now = time.time() if now is None else now
        doc = await self.get(request_id)
        if doc is None or doc.get("status") != PENDING or not doc.get("code_hash"):
            return CodeCheck(False, "no_code")
        if float(doc.get("code_expires_at") or 0) < now:
            return CodeCheck(False, "expired")
        if int(doc.get("attempts") or 0) >= MAX_ATTEMPTS:
            return CodeCheck(False, "exhausted")
        if hmac.compare_digest(doc["code_hash"], code_hash(self.key, request_id, code)):
            verified = await self.transition(request_id, PENDING, VERIFIED, "guest", unset=("code_hash",))
            return CodeCheck(verified is not None, "verified" if verified is not None else "no_code")
        after = await self.requests.find_one_and_update(
            {"_id": request_id, "status": PENDING},
            {"$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER,
        )
        left = MAX_ATTEMPTS - int((after or {}).get("attempts") or MAX_ATTEMPTS)
        return CodeCheck(False, "exhausted" if left <= 0 else "wrong", max(0, left))

    async def transition(
        self,
        request_id: str,
        from_: str | tuple[str, ...],
        to: str,
        actor: str,
        *,
        fields: dict[str, Any] | None = None,
        unset: tuple[str, ...] = (),
    ) -> DsrRequestDoc | None:
        """Move the request from one of `from_` to `to`; None when it was not there."""
        now = time.time()
        sources = [from_] if isinstance(from_, str) else list(from_)
        update: dict[str, Any] = {
            "$set": {"status": to, "updated_at": now, "acted_by": actor, **(fields or {})}
        }
        if unset:
            update["$unset"] = {name: "" for name in unset}
        doc = await self.requests.find_one_and_update(
            {"_id": request_id, "status": {"$in": sources}}, update, return_document=ReturnDocument.AFTER
        )
        if doc is not None:
            await self._history(request_id, to, actor, now)
            if self.register is not None:
                await self.register.update_one(
                    {"_id": f"{self.tenant_id}:{request_id}"}, {"$set": {"status": to, "updated_at": now}}
                )
        return doc

    async def extend(self, request_id: str, days: int, reason: str, actor: str) -> DsrRequestDoc:
        """Extend the deadline (GDPR allows two further months) with a recorded reason."""
        if not 1 <= days <= 60 or not reason.strip():
            raise InvalidInput("extension", "1-60 days and a reason")
        doc = await self.get(request_id)
        if doc is None or doc["status"] not in OPEN:
            raise RequestConflict("only an open request can be extended")
        until = float(doc["deadline_at"]) + days * 86_400.0
        await self.requests.update_one(
            {"_id": request_id},
            {
                "$set": {
                    "extended_until": until,
                    "extension_reason": reason.strip()[:500],
                    "updated_at": time.time(),
                }
            },
        )
        await self._history(request_id, "extended", actor, time.time(), reason=reason.strip()[:500])
        if self.register is not None:  # the processor's register shows the deadline that applies
            await self.register.update_one(
                {"_id": f"{self.tenant_id}:{request_id}"},
                {"$set": {"extended_until": until, "updated_at": time.time()}},
            )
        return await self.get(request_id) or doc

    async def forget_details(self, request_id: str) -> None:
        """After erasure the request keeps only its keyed hash, dates and outcome."""
        await self.requests.update_one({"_id": request_id}, {"$set": {"details": None}})

    async def _history(self, request_id: str, status: str, actor: str, at: float, **extra: Any) -> None:
        await self.history.insert_one(
            {"request": request_id, "status": status, "by": actor, "at": at, **extra}
        )
