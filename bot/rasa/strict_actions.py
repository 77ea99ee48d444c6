"""A failed call to the action server fails the turn (issue 14, a `make faults` finding).

Rasa 3.6's `MessageProcessor._run_action` catches every exception an action raises,
logs "Bot will continue, but the actions events are lost" and carries on; the turn
then saves the tracker with the guest's message and no reply. With an action server
killed mid-call (or unreachable, or answering 5xx through the proxy) the guest got no
answer, nothing was stored, and because the turn "succeeded" neither the SMS/e-mail
turn queue nor a REST client retried it: 2-3 answers lost per `make faults` run with
an action server killed under load.

Here the failure of a `RemoteAction` (our `action_feedback` and any other custom
action) propagates out of `_run_action` as `ActionCallFailed`, before anything is
saved, so the turn fails as a whole and leaves the tracker as it was: the webhook
queue retries it (bot/inbox/queue.py), REST answers 503 `processing_failed` and its
client resends with the same `message_id` (bot/rasa/lock_store.py makes that
exactly once), the web chat gets its error event. Rasa's own actions, and a custom
action that rejects itself (`ActionExecutionRejection`), keep Rasa's behaviour.

The failure is carried from `RemoteAction.run` to `_run_action` in a context
variable: both run in the turn's task, one awaiting the other.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.processor import MessageProcessor

_failure: ContextVar[BaseException | None] = ContextVar("rapport_action_failure", default=None)


class ActionCallFailed(RuntimeError):
    """The action server did not run the turn's action; nothing of the turn is kept."""


_original_run = RemoteAction.run
_original_run_action = MessageProcessor._run_action


async def _remote_run(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
    try:
        return await _original_run(self, *args, **kwargs)
    except ActionExecutionRejection:
        raise
    except Exception as e:
        _failure.set(e)
        raise


async def _run_action(self: MessageProcessor, action: Any, *args: Any, **kwargs: Any) -> bool:
    token = _failure.set(None)
    try:
        result = await _original_run_action(self, action, *args, **kwargs)
        failure = _failure.get()
        if failure is not None:
            raise ActionCallFailed(f"action {action.name()!r} failed: {type(failure).__name__}") from failure
        return result
    finally:
        _failure.reset(token)


def apply() -> None:
    RemoteAction.run = _remote_run  # type: ignore[method-assign]
    MessageProcessor._run_action = _run_action  # type: ignore[method-assign]
