"""The names of every MongoDB collection and of the Redis keys spelled in more than one
place: one module to find where data lives and to rename it.

Tenant databases (`<db prefix>_<tenant>`, bot/storage/mongo.py) and the control
database (`Settings.control_db`) hold these collections; docs/SCHEMA.md describes
their documents. Tests may keep the literal names: they check what is stored.
"""

from __future__ import annotations

# ---- tenant databases -------------------------------------------------------------

RATINGS = "ratings"  # one per answered question (bot/storage/documents.py)
CONVERSATIONS = "conversations"  # one summary per conversation
RATING_AGGREGATES = "rating_aggregates"  # anonymous monthly sums (bot/privacy/retention.py)
HANDOVERS = "handovers"  # one per escalated conversation (bot/handover/store.py)
MESSAGES = "messages"  # the transcript staff see
MESSAGE_SEQ = "message_seq"  # the transcript's per-conversation counter
HANDOVER_HISTORY = "handover_history"  # one per handover transition
CONTACTS = "contacts"  # sealed guest addresses (bot/storage/contacts.py)
GUEST_FLAGS = "guest_flags"  # restriction / objection (bot/storage/flags.py)
SMS_INBOUND = "sms_inbound"  # queued SMS turns (bot/inbox/queue.py)
SMS_OUTBOUND = "sms_outbound"  # Twilio delivery records, SMS and WhatsApp (bot/outbox/sms_store.py)
SMS_CONSENT = "sms_consent"  # STOP / START (SMS and WhatsApp: one per number)
WHATSAPP_WINDOW = "whatsapp_window"  # last inbound WhatsApp message per guest (bot/outbox/whatsapp_window.py)
EMAIL_INBOUND = "email_inbound"  # queued e-mail turns
DSR_QUESTIONS = "dsr_questions"  # unconfirmed data-subject requests (bot/privacy/requests.py)
DSR_REQUESTS = "dsr_requests"  # data-subject requests
DSR_HISTORY = "dsr_history"  # one per request status change
DSR_EXPORTS = "dsr_exports"  # export download links (bot/privacy/links.py)
AUDIT = "audit"  # the hash-chained audit log (bot/audit/log.py), also in the control db
AUDIT_CHAIN = "audit_chain"  # the chain's head
AUDIT_INBOX = "audit_inbox"  # system accesses waiting to be folded into the chain
STAYS = "stays"  # the hotel's reservations, contacts sealed (bot/outreach/stays.py)
# issue 12 (outreach); each is added to TENANT_COLLECTIONS with its privacy registry entry
INVITATIONS = "invitations"  # the send schedule, one per (stay, journey, reminder) (outreach/invitations.py)
OUTREACH_SETTINGS = "outreach_settings"  # the admins' edited outreach policy (bot/outreach/settings.py)
API_TOKENS = "api_tokens"  # hashed stay-import API tokens (bot/outreach/tokens.py)
PMS_EVENTS = "pms_events"  # PMS webhook events seen, for replay protection (bot/outreach/pms/)
PMS_CURSORS = "pms_cursors"  # where each polling connector got to (bot/outreach/pms/)
OUTREACH_MAPPING = "outreach_mapping"  # the tenant's guest-list column names (bot/outreach/mapping.py)
# issue 13
DIGESTS = "digests"  # one per ISO week the weekly digest was claimed and sent (bot/jobs/digest.py)

TENANT_COLLECTIONS = frozenset(
    {
        RATINGS,
        CONVERSATIONS,
        RATING_AGGREGATES,
        HANDOVERS,
        MESSAGES,
        MESSAGE_SEQ,
        HANDOVER_HISTORY,
        CONTACTS,
        GUEST_FLAGS,
        SMS_INBOUND,
        SMS_OUTBOUND,
        SMS_CONSENT,
        WHATSAPP_WINDOW,
        EMAIL_INBOUND,
        DSR_QUESTIONS,
        DSR_REQUESTS,
        DSR_HISTORY,
        DSR_EXPORTS,
        AUDIT,
        AUDIT_CHAIN,
        AUDIT_INBOX,
        STAYS,
        PMS_EVENTS,
        PMS_CURSORS,
        INVITATIONS,
        API_TOKENS,
        OUTREACH_MAPPING,
        OUTREACH_SETTINGS,
        DIGESTS,
    }
)

# ---- the control database -----------------------------------------------------------

STAFF = "staff"  # staff accounts (bot/staff/accounts.py)
DSR_REGISTER = "dsr_register"  # the processor's cross-tenant register of requests
DELETION_CERTIFICATES = "deletion_certificates"  # one per offboarded tenant
SUBPROCESSOR_REGISTER = "subprocessor_register"  # sub-processor notices

# ---- Redis ------------------------------------------------------------------------------

# endpoints.yml `key_prefix` of the tracker and lock stores: the first segment of every
# Redis key of a conversation (trackers, locks, the audit inbox of tracker accesses)
REDIS_PREFIX = "rapport"
TRACKER = "tracker"  # <prefix>:tracker:<tenant>:<HMAC of the sender id> (bot/rasa/tracker_store.py)
LOCK = "lock"  # <prefix>:lock:<tenant>:<HMAC>:* (bot/rasa/lock_store.py); before it <prefix>:lock:<sender id>
CONSOLE = f"{REDIS_PREFIX}:console:"  # + tenant: the consoles' pub/sub channel (bot/handover/events.py)
CONSOLE_SESSION = f"{REDIS_PREFIX}:console:session:"  # + sha256: staff sessions (bot/staff/sessions.py)
LOGIN_FAILURES = f"{REDIS_PREFIX}:console:login_failures:"  # bot/console/login_limit.py
OUTBOX_RATE = f"{REDIS_PREFIX}:outbox:rate:"  # + medium:sender: send rate limits (bot/outbox)
# + tenant: a hash of stay id -> the digest its invitations were planned from, and the
# planner's cursor (bot/outreach/invitations.py plan_from_stays); keyed hashes only
OUTREACH_PLANNED = f"{REDIS_PREFIX}:outreach:planned:"
# + tenant:guest_ref: held while one invitation to the guest is checked and sent, so two
# processes cannot both pass the cap for one guest (bot/outreach/scheduler.py); seconds
OUTREACH_GUEST = f"{REDIS_PREFIX}:outreach:guest:"
MAILGUN_TOKEN = f"{REDIS_PREFIX}:mailgun:token:"  # + sha256: webhook tokens seen (replay guard)


def tracker_pattern(tenant: str, prefix: str = REDIS_PREFIX) -> str:
    """The SCAN pattern of every tracker key of a tenant."""
    return f"{prefix}:{TRACKER}:{tenant}:*"


def console_channel(tenant_id: str) -> str:
    """The Redis pub/sub channel of a tenant's consoles."""
    return CONSOLE + tenant_id
