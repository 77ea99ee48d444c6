"""Measured fixes for Rasa 3.6's hot path, applied when Rasa loads our channels
(credentials.yml) or tracker store (endpoints.yml), i.e. only in the Rasa server.

1. Action-result validation.

`RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)`
on every action call. That function re-checks the (constant) schema against the
meta-schema before validating the result: profiling our stack under load (py-spy,
10 guests) put 60 % of the Rasa server's CPU there. Here the validator is built once
from the same schema and the result is validated exactly as before; invalid action
results still raise the same `ValidationError` with Rasa's explanatory message.

2. Event type lookup. `Event.resolve_by_type` walks every Event subclass (with
`inspect.isabstract` on each) for every event it deserialises — 8 % of the Rasa
server's CPU under load, since the tracker is read back every turn. The name -> class
map is cached; unknown names still go through Rasa's own function (same errors and
defaults).
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_validator = None


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    global _validator
    if _validator is None:
        schema = self.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    try:
        _validator.validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


_original_resolve_by_type = Event.resolve_by_type
_events_by_name: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    cached = _events_by_name.get(type_name)
    if cached is not None:
        return cached
    for cls in all_subclasses(Event):
        if cls.type_name == type_name:
            _events_by_name[type_name] = cls
            return cls
    return _original_resolve_by_type(type_name, default)


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]
