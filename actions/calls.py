"""An action call (what the Rasa server posts to /webhook), checked before rasa-sdk
sees it: rasa-sdk's own endpoint answers 500 to a JSON array, a missing tracker or one
of the wrong type, and echoes an unknown action's name in its 404 body and its log.

    {"next_action": str, "tracker": {"sender_id": str, "slots"?: {}, "latest_message"?: {},
     "events"?: [], ...}, "domain"?: {}, "version"?: str, "sender_id"?: str}

Errors are InvalidInput with a code only (never a value from the request):
"bad_json", "bad_action", "unknown_action", "bad_tracker", "bad_domain".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from bot.base.errors import InvalidInput

# the tracker's fields the actions read, and the type each must have when present
TRACKER_FIELDS: dict[str, type | tuple[type, ...]] = {
    "slots": Mapping,
    "latest_message": (Mapping, type(None)),
    "events": list,
    "active_loop": (Mapping, type(None)),
    "followup_action": (str, type(None)),
    "latest_action_name": (str, type(None)),
}


def parse_action_call(body: Any, actions: Collection[str]) -> dict[str, Any]:
    """`body` -> the action call to run (`actions`: the registered action names)."""
    if not isinstance(body, Mapping):
        raise InvalidInput("bad_json", "an action call is a JSON object")
    name = body.get("next_action")
    if not isinstance(name, str) or not name:
        raise InvalidInput("bad_action", "next_action must be an action name")
    if name not in actions:
        raise InvalidInput("unknown_action", "no such action")
    tracker = body.get("tracker")
    if not isinstance(tracker, Mapping) or not isinstance(tracker.get("sender_id"), str):
        raise InvalidInput("bad_tracker", "tracker must be an object with a sender_id")
    for field, kind in TRACKER_FIELDS.items():
        if field in tracker and not isinstance(tracker[field], kind):
            raise InvalidInput("bad_tracker", f"tracker.{field} has the wrong type")
    latest = tracker.get("latest_message") or {}
    for field in ("text", "message_id"):
        if not isinstance(latest.get(field), (str, type(None))):
            raise InvalidInput("bad_tracker", f"tracker.latest_message.{field} must be a string")
    events = tracker.get("events") or []
    if not all(isinstance(e, Mapping) for e in events):
        raise InvalidInput("bad_tracker", "tracker.events must be objects")
    domain = body.get("domain")
    if domain is not None and not isinstance(domain, Mapping):
        raise InvalidInput("bad_domain", "domain must be an object")
    return {"next_action": name, "tracker": dict(tracker), "domain": dict(domain or {})}
