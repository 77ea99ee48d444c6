"""Twilio message statuses and the order they move in.

Outbound: accepted < scheduled < queued < sending < sent < delivered | undelivered | failed
| canceled | partially_delivered, and read after delivered (WhatsApp/RCS read receipts).
Inbound: receiving < received. Status callbacks can arrive out of order or twice
("delivered" before "sent"), so a record's status only ever moves forward: `advances`
says whether a callback's status should replace the stored one.
"""

from __future__ import annotations

# Rank within a direction; a higher rank replaces a lower one.
OUTBOUND: dict[str, int] = {
    "accepted": 0,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "partially_delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "canceled": 5,
    "read": 6,
}
INBOUND: dict[str, int] = {"receiving": 0, "received": 1}
STATUSES = frozenset(OUTBOUND) | frozenset(INBOUND)
# Nothing replaces these. "delivered" is final for SMS, but a read receipt may follow it.
TERMINAL = frozenset({"undelivered", "failed", "canceled", "read", "received"})


def advances(current: str | None, new: str) -> bool:
    """True when `new` should replace `current` (None or an unknown value: nothing recorded
    yet). Unknown `new` statuses, repeats, moves backwards or sideways (delivered ->
    failed), anything after a terminal status and inbound/outbound mixes give False."""
    if new not in STATUSES:
        return False
    if current is None or current not in STATUSES:
        return True
    if current in TERMINAL:
        return False
    ranks = OUTBOUND if new in OUTBOUND else INBOUND
    return current in ranks and ranks[new] > ranks[current]
