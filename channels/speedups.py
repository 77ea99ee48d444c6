"""A measured fix for Rasa 3.6's custom-action hot path, applied when Rasa loads our
channels (credentials.yml), i.e. only inside the Rasa server process.

`RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)`
on every action call. That function re-checks the (constant) schema against the
meta-schema before validating the result: profiling our stack under load (py-spy,
10 guests) put 60 % of the Rasa server's CPU there. Here the validator is built once
from the same schema and the result is validated exactly as before; invalid action
results still raise the same `ValidationError` with Rasa's explanatory message.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

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


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
