"""Every Prometheus metric Rapport exports, in one place (issue 14).

Each process (Rasa replica, action server, console, jobs) serves its own registry at
`/metrics` (the process's HTTP port; the jobs process on RAPPORT_JOBS_HTTP_PORT). The
metrics are defined here so that names, labels and buckets are the same in every
process and documented once (docs/OPERATIONS.md). Labels never carry personal data:
tenant ids, channels, outcomes and states only — never a guest, conversation or text.

Counters and histograms are updated where the work happens; the gauges that describe
shared state (queue depth, escalations waiting, DSR deadlines, audit inbox age) are
refreshed by a periodic task from MongoDB and Redis (`bot/jobs/metrics.py`), so any
process exporting them shows the same values — Prometheus takes `max()` across them.

Uses prometheus-client (the well-kept official client); no multiprocess mode: one
process, one registry, one endpoint (Rasa runs one Sanic worker per replica).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

# A turn from the guest's message to the reply (Rasa server, per channel).
TURN_SECONDS = Histogram(
    "rapport_turn_seconds",
    "Seconds from a guest message reaching Rasa to its replies being ready.",
    ["channel"],
    buckets=(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0),
    registry=REGISTRY,
)
# ok | error | duplicate (an inbound message already turned) | fenced (a stale lock holder's
# write refused) | busy (the conversation's lock could not be had in time)
TURNS = Counter(
    "rapport_turns_total", "Guest turns by channel and outcome.", ["channel", "outcome"], registry=REGISTRY
)
# The action server's pipeline (FeedbackService.handle), per outcome.
ACTION_SECONDS = Histogram(
    "rapport_action_seconds",
    "Seconds spent in action_feedback (the guest-turn pipeline).",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 5.0),
    registry=REGISTRY,
)
# The per-conversation lock (bot/rasa/lock_store.py).
LOCK_WAIT_SECONDS = Histogram(
    "rapport_conversation_lock_wait_seconds",
    "Seconds a turn waited for its conversation's lock.",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
INBOUND_QUEUE_DEPTH = Gauge(
    "rapport_inbound_queue_depth",
    "Inbound webhook turns pending (SMS, WhatsApp, e-mail) per tenant and channel.",
    ["tenant", "channel"],
    registry=REGISTRY,
)
INBOUND_QUEUE_AGE = Gauge(
    "rapport_inbound_queue_oldest_seconds",
    "Age of the oldest pending inbound turn, per tenant and channel (0 when none).",
    ["tenant", "channel"],
    registry=REGISTRY,
)
ESCALATIONS_WAITING = Gauge(
    "rapport_escalations_waiting",
    "Conversations waiting for staff, per tenant.",
    ["tenant"],
    registry=REGISTRY,
)
ESCALATIONS_OLDEST = Gauge(
    "rapport_escalations_oldest_waiting_seconds",
    "How long the longest-waiting escalation has waited, per tenant (0 when none).",
    ["tenant"],
    registry=REGISTRY,
)
OUTBOX_SENDS = Counter(
    "rapport_outbox_sends_total",
    "Messages the outbox handed to a transport or held back, by channel and status "
    "(sent, failed, suppressed, rate_limited).",
    ["channel", "status"],
    registry=REGISTRY,
)
DSR_REQUESTS = Gauge(
    "rapport_dsr_requests",
    "Data-subject requests by tenant and state.",
    ["tenant", "state"],
    registry=REGISTRY,
)
DSR_NEAREST_DEADLINE = Gauge(
    "rapport_dsr_nearest_deadline_seconds",
    "Seconds until the nearest open data-subject request's legal deadline (negative: overdue).",
    ["tenant"],
    registry=REGISTRY,
)
AUDIT_INBOX_AGE = Gauge(
    "rapport_audit_inbox_oldest_seconds",
    "Age of the oldest audit record not yet chained, per tenant (0 when none).",
    ["tenant"],
    registry=REGISTRY,
)
