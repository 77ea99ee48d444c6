"""What every Rapport channel shares: settings and tenants, loaded once when Rasa
builds the channel from credentials.yml, and the outbox every reply leaves by."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pymongo.errors import PyMongoError
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.headers import parse_content_header
from sanic.request import Request, parse_multipart_form
from sanic.response import HTTPResponse

from bot.audit.log import AuditLog, SystemAccess
from bot.base.errors import InvalidInput, StorageError
from bot.base.logs import event, withhold_rasa_message_text
from bot.base.sealing import Cipher
from bot.base.settings import Settings
from bot.channels.transports import build_transports
from bot.i18n import Catalog
from bot.inbox.queue import Job, RetryPolicy, TurnQueue
from bot.outbox import Outbox, Transport
from bot.rasa import sanic_compat, speedups, strict_actions
from bot.rasa.lock_store import DuplicateMessage
from bot.rasa.lock_store import inbound as turn_of
from bot.storage.contacts import Contact, ContactStore
from bot.storage.mongo import DURABLE, MongoStore, connect
from bot.tenants.registry import Tenant, Tenants

# Applied when Rasa loads the first channel from credentials.yml, i.e. only in the Rasa server:
withhold_rasa_message_text()  # Rasa's lines quoting a message's text (a "/" payload)
speedups.apply()
strict_actions.apply()  # a failed action call fails the turn (retried), not a silent loss
sanic_compat.apply()  # websockets on Python 3.11 (socket.io's websocket transport)

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TenantChannel(InputChannel):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Settings.from_env())

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tenants = Tenants.load(settings.tenants_file, Catalog.load().languages)
        self._mongo: MongoStore | None = None
        self._outbox: Outbox | None = None

    def mongo(self) -> MongoStore:
        """MongoDB, connected on first use inside the server's loop."""
        if self._mongo is None:
            s = self.settings
            self._mongo = MongoStore(connect(s.effective_mongodb_url.value), s.db_prefix)
        return self._mongo

    def transports(self) -> dict[str, Transport]:
        return build_transports(self.settings)

    def outbox(self) -> Outbox:
        """Where the bot's replies leave (bot/outbox), made on first use inside the loop."""
        if self._outbox is None:
            self._outbox = Outbox(self.settings, self.mongo(), self.transports())
        return self._outbox

    async def close_outbox(self) -> None:
        outbox, self._outbox = self._outbox, None
        if outbox is not None:
            await outbox.close()


class WebhookChannel(TenantChannel):
    """A provider webhook that acknowledges at once and runs the turn afterwards.

    The inbound record is a durable job (bot/inbox/queue.py): `accept_turn` stores
    it and runs the turn; a turn that raises is retried with backoff by a sweeper in
    every server process, which also picks up turns of a process that died mid-turn.
    Subclasses name their inbound collection (`INBOUND`) and implement `run_turn`,
    which must raise when the turn should be tried again. The job id is the turn's
    inbound message id for the lock store (bot/rasa/lock_store.py): a job run twice
    (its lease ran out mid-turn) turns once. Background turns are named
    tasks, drained on shutdown; MongoDB is connected on first use inside the server's
    loop."""

    INBOUND = ""  # the collection of inbound jobs, e.g. "sms_inbound"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.tasks: set[asyncio.Task] = set()
        self.on_new_message: OnNewMessage | None = None
        self.retry = RetryPolicy(base=settings.turn_retry_base, lease=settings.turn_lease)
        self._indexed: set[str] = set()
        self._sweeper: asyncio.Task | None = None
        self._audit: AuditLog | None = None
        self.cipher = Cipher(settings.data_keys)

    def contacts(self, tenant: Tenant) -> ContactStore:
        """Where staff replies find the guest again (sealed at rest)."""
        return ContactStore(self.mongo(), tenant.id, self.cipher)

    async def remember(self, tenant: Tenant, contact: Contact) -> None:
        """Store the guest's contact, audited through the inbox alongside (bot/audit/log.py)."""
        write = SystemAccess("contact.store", "contact", contact.guest_ref)  # the contact's _id
        await self.audited(tenant, [write], self.contacts(tenant).remember(contact))

    async def audited(self, tenant: Tenant, writes: list[SystemAccess], work: Awaitable[Any]) -> None:
        """A write of personal data and its record in the audit inbox, concurrently."""
        if self._audit is None:
            self._audit = AuditLog.from_settings(self.mongo().client, self.settings)
        await asyncio.gather(work, self._audit.system_access(tenant.id, writes))

    def spawn(self, turn: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(turn, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def queue(self, tenant: Tenant) -> TurnQueue:
        collection = self.mongo().database(tenant.id).get_collection(self.INBOUND, write_concern=DURABLE)
        if tenant.id not in self._indexed:
            await collection.create_index([("state", 1), ("due_at", 1)])
            self._indexed.add(tenant.id)
        return TurnQueue(collection, self.retry, self.cipher, tenant.id)

    async def accept_turn(self, tenant: Tenant, job_id: str, payload: dict[str, Any], **fields: Any) -> bool:
        """Store the inbound message as a job and start its turn. False for a message
        seen before. Raises StorageError when it could not be stored (answer 503 so the
        provider retries). The payload is sealed at rest (bot/inbox/queue.py); `job_id`
        and `fields` are stored as they are, so they must hold no personal data (a
        provider's message id, the guest's keyed reference)."""
        try:
            queue = await self.queue(tenant)
        except PyMongoError as e:
            raise StorageError("the inbound queue is unavailable") from e
        job = await queue.accept(job_id, payload, **fields)
        if job is None:
            return False
        self.spawn(self.attempt(tenant, job), name=f"{self.name()}-turn")
        return True

    async def run_turn(self, tenant: Tenant, payload: dict[str, Any]) -> None:
        raise NotImplementedError

    async def keep_lease(self, tenant: Tenant, job: Job) -> None:
        """Renew the job's lease every third of it while its turn runs (cancelled when
        the attempt ends): a sweeper retries only a job whose process died."""
        every = max(0.5, self.retry.lease / 3)
        while True:
            await asyncio.sleep(every)
            try:
                await (await self.queue(tenant)).renew(job)
            except Exception as e:  # noqa: BLE001 - MongoDB may be restarting; try again
                error = type(e).__name__
                event(logger, "turn.lease_not_renewed", logging.WARNING, channel=self.name(), error=error)

    async def turned_before(self, tenant: Tenant, job: Job) -> bool:
        """Whether a retried job's message already turned (its user event is in the
        tracker). Channels that stamp their turns with the job id answer it; raising
        fails the attempt (retried later)."""
        return False

    async def attempt(self, tenant: Tenant, job: Job) -> None:
        """One try of a job's turn; a failure schedules the next try. A job whose
        payload no configured key opens is given up at once (nothing to retry with)."""
        if job.payload is None:
            with contextlib.suppress(Exception):  # the lease runs out; the sweeper meets it again
                await (await self.queue(tenant)).give_up(job)
            event(logger, "turn.unreadable", logging.ERROR, channel=self.name(), tenant=tenant.id)
            return
        renewer = asyncio.create_task(self.keep_lease(tenant, job), name=f"{self.name()}-lease")
        try:
            try:
                if job.attempts > 1 and await self.turned_before(tenant, job):
                    # a retry of a turn that ran: its process died between saving the
                    # tracker and recording the job done (kill -9, OOM); running it again
                    # would answer twice and take the message as the next question's answer
                    event(logger, "turn.already_ran", logging.WARNING, channel=self.name(), tenant=tenant.id)
                else:
                    # the job id (the provider's message id) is the turn's inbound id: a
                    # run of a job whose turn another replica saved meanwhile (checked
                    # under the conversation's lock, bot/rasa/lock_store.py) runs no turn
                    with turn_of(self.name(), job.id):
                        await self.run_turn(tenant, job.payload)
            finally:
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer
        except DuplicateMessage:
            event(logger, "turn.duplicate", channel=self.name(), tenant=tenant.id)
        except Exception as e:  # noqa: BLE001 - every failure is retried, then given up loudly
            try:
                last = await (await self.queue(tenant)).failed(job)
            except Exception:  # noqa: BLE001 - the lease runs out and a sweeper retries
                last = False
            event(
                logger,
                "turn.abandoned" if last else "turn.retry_scheduled",
                logging.ERROR if last else logging.WARNING,
                channel=self.name(),
                tenant=tenant.id,
                attempt=job.attempts,
                error=type(e).__name__,
            )
            return
        try:
            await (await self.queue(tenant)).done(job)
        except Exception as e:  # noqa: BLE001 - answered; a retry after the lease would repeat it
            event(logger, "turn.done_unrecorded", logging.ERROR, channel=self.name(), error=type(e).__name__)

    async def sweep_once(self) -> int:
        """Start every due job of every tenant; how many were started."""
        started = 0
        for tenant in self.tenants:
            queue = await self.queue(tenant)
            while (job := await queue.claim_due()) is not None:
                event(logger, "turn.retrying", channel=self.name(), tenant=tenant.id, attempt=job.attempts)
                self.spawn(self.attempt(tenant, job), name=f"{self.name()}-retry")
                started += 1
        return started

    async def sweep(self) -> None:
        while True:
            await asyncio.sleep(self.settings.turn_sweep_interval)
            try:
                await self.sweep_once()
            except Exception as e:  # noqa: BLE001 - the store may be down; try again later
                event(
                    logger, "turn.sweep_failed", logging.WARNING, channel=self.name(), error=type(e).__name__
                )

    async def close(self) -> None:
        """Release per-process clients (subclasses add theirs)."""
        await self.close_outbox()
        if self._mongo is not None:
            self._mongo.client.close()

    def new_blueprint(self, name: str, on_new_message: OnNewMessage | None = None) -> Blueprint:
        self.on_new_message = on_new_message
        bp = Blueprint(name, type(self).__module__)
        apply_server_limits(bp)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.listener("after_server_start")
        async def start_sweeper(app: Any, _loop: Any) -> None:
            if self.INBOUND:
                self._sweeper = asyncio.create_task(self.sweep(), name=f"{self.name()}-sweeper")

        @bp.listener("before_server_stop")
        async def drain(app: Any, _loop: Any) -> None:
            """Let turns already acknowledged to the provider finish and reply."""
            if self._sweeper is not None:
                self._sweeper.cancel()
            if self.tasks:
                await asyncio.wait(set(self.tasks), timeout=20)
            await self.close()

        return bp


def turned(stored_tracker: str | bytes | None, message_id: str) -> bool:
    """Whether a stored Rasa tracker (its JSON, or None) holds the user event of
    `message_id`: Rasa stamps each user event with its UserMessage's message_id."""
    return turn_replies(stored_tracker, message_id) is not None


def turn_replies(stored_tracker: str | bytes | None, message_id: str) -> list[str] | None:
    """The bot's texts of the turn of `message_id` in a stored Rasa tracker (the `bot`
    events after its user event, up to the next user event), or None when it did not
    turn."""
    if not stored_tracker or not message_id:
        return None
    try:
        events = json.loads(stored_tracker).get("events") or []
    except (ValueError, AttributeError):
        return None
    texts: list[str] | None = None
    for e in events:
        if not isinstance(e, dict):
            continue
        if e.get("event") == "user":
            if texts is not None:
                break
            if e.get("message_id") == message_id:
                texts = []
        elif texts is not None and e.get("event") == "bot" and e.get("text"):
            texts.append(e["text"])
    return texts


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart form, reduced to what may be kept: its field name
    (e.g. "attachment-1"), declared content type and size. Never its content."""

    field: str
    content_type: str
    size: int


def posted_form(request: Request) -> tuple[dict[str, str], tuple[Upload, ...]]:
    """The request's form (see `parse_form`)."""
    return parse_form(request.headers.get("content-type", ""), request.body or b"")


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], tuple[Upload, ...]]:
    """A posted form, `multipart/form-data` (parsed by Sanic's own multipart parser) or
    URL-encoded (any other content type, as Twilio and Mailgun without attachments
    post): its fields, first value of each name with blank values kept (a signed `Body=`
    of a picture-only MMS must survive; Sanic's `request.form` drops it), and its file
    parts as `Upload`s. Raises InvalidInput("bad_form") for a body that does not parse
    (not UTF-8, no boundary, a broken part) and InvalidInput("too_large") beyond
    MAX_FORM_PARTS parts."""
    media_type, params = parse_content_header(content_type)
    if media_type.lower() != "multipart/form-data":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("bad_form", "not a URL-encoded UTF-8 form") from None
        form: dict[str, str] = {}
        for key, value in pairs:
            form.setdefault(key, value)
        return form, ()
    boundary = params.get("boundary", "").encode("utf-8", "replace")
    if not boundary:
        raise InvalidInput("bad_form", "multipart without a boundary")
    if body.count(b"--" + boundary) > MAX_FORM_PARTS + 1:
        raise InvalidInput("too_large", f"more than {MAX_FORM_PARTS} parts")
    try:
        fields, files = parse_multipart_form(body, boundary)
    except (ValueError, LookupError, IndexError):  # UnicodeError is a ValueError
        raise InvalidInput("bad_form", "a part does not parse") from None
    uploads = tuple(
        Upload(name, f.type or "application/octet-stream", len(f.body))
        for name, fs in files.items()
        for f in fs
    )
    return {name: values[0] for name, values in fields.items()}, uploads


def form_dict(request: Request) -> dict[str, str]:
    """The posted form's fields (see `posted_form`), {} when it does not parse."""
    try:
        return posted_form(request)[0]
    except InvalidInput:
        return {}


# Whole-server HTTP limits (Sanic's defaults: 100 MB bodies, 60 s to send them).
# No channel needs more than a Mailgun post of a mail with its attachments (Mailgun
# takes messages up to 25 MB).
REQUEST_MAX_SIZE = 25 * 1024 * 1024
MAX_FORM_PARTS = 1000  # fields and files of one multipart form
# Seconds for a client to send the request head (slow senders get 408). A body that
# trickles in after complete headers is bounded by Sanic 21.12's RESPONSE_TIMEOUT
# (60 s, then 503), because the body is read in the handler stage.
REQUEST_TIMEOUT = 10


def apply_server_limits(bp: Blueprint) -> None:
    """Set on the Rasa server's Sanic app when it starts (every channel calls this)."""

    @bp.listener("before_server_start")
    async def limits(app: Any, _loop: Any) -> None:
        app.config.REQUEST_MAX_SIZE = min(app.config.REQUEST_MAX_SIZE, REQUEST_MAX_SIZE)
        app.config.REQUEST_TIMEOUT = min(app.config.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
