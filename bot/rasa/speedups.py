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

3. Kept-alive connections to the action server. `EndpointConfig.request` opens a new
`aiohttp.ClientSession` — a new TCP connection — for every action call and closes it
(issue 14's profile: 11 % of the Rasa server's CPU in the call, a third of it
connecting). `EndpointConfig.session()` now hands out one session per endpoint and
event loop whose connections are kept alive for 2 s (below Sanic's 5 s keep-alive
on the action server, so the client always closes an idle connection first and never
sends on one the server is closing); `async with` around it no longer closes it.
Same headers, authentication and timeout as Rasa's own session; a dead server's
connections are dropped by aiohttp when they close, so a restarted action server is
reached again on the next call.

4. The graph runner without Dask. Every message runs two graphs (NLU, then the
policies) through `DaskGraphRunner.run`, which builds a Dask graph and schedules it
with Dask's synchronous scheduler: about 10 % of the Rasa server's CPU in Dask's own
bookkeeping (ordering, task state) for a dozen nodes run one after another anyway.
`run` now evaluates the same minimal graph (cached per target list) depth-first in
the same process and thread: each needed node runs once with its dependencies'
results in the order its schema lists them, inputs are added exactly as before (a
name clash raises the same `GraphRunError`), and a `RuntimeError` from a node becomes
`GraphRunError` as with Dask.

5. The intent classifier's input. `LogisticRegressionClassifier._create_X` asks each
message for its combined sparse features, which stacks the per-token sequence
features of every featurizer (thrown away) as well as the sentence features it uses,
then stacks those with an empty dense part. With no dense features (our pipeline) the
sentence features are now stacked directly into the same CSR matrix (same values,
same column order, indices sorted as scipy's conversion sorts them): identical
probabilities; with dense features Rasa's own method runs.

6. `Domain.is_empty` (asked for every parsed message) built a new empty Domain from a
dict each time to compare with (4 % of the Rasa server's CPU); the empty domain's
dict is now built once and compared the same way.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import TEXT
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

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


KEEPALIVE_SECONDS = 2.0  # below the action server's (Sanic's) 5 s keep-alive timeout


class _Shared:
    """`async with` over a kept session: hands it out and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        return None


def _kept_session(self: EndpointConfig) -> _Shared:
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_rapport_session")
    if kept is None or kept[0] is not loop or kept[1].closed:
        basic = self.basic_auth
        auth = aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        kept = self.__dict__["_rapport_session"] = (loop, session)
    return _Shared(kept[1])


def _graph_for(self: DaskGraphRunner, targets: tuple[str, ...]) -> dict[str, Any]:
    cache = self.__dict__.setdefault("_rapport_graphs", {})
    graph = cache.get(targets)
    if graph is None:
        schema = self._graph_schema.minimal_graph_schema(list(targets))
        graph = cache[targets] = self._build_dask_graph(schema)
    return graph


def run_graph(
    self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
) -> dict[str, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    graph = dict(_graph_for(self, tuple(run_targets)))
    if inputs:
        self._add_inputs_to_graph(inputs, graph)
    done: dict[str, Any] = {}

    def value(key: str) -> Any:
        if key in done:
            return done[key]
        task = graph[key]
        if callable(task[0]):
            args = [value(a) if isinstance(a, str) and a in graph else a for a in task[1:]]
            result = task[0](*args)
        else:  # an input: (name, value), as Dask returns it
            result = task
        done[key] = result
        return result

    try:
        return dict(value(t) for t in run_targets)
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


_original_create_X = LogisticRegressionClassifier._create_X


def _create_X(self: LogisticRegressionClassifier, messages: list[Any]) -> Any:
    from scipy.sparse import csr_matrix, hstack, vstack

    rows = []
    for message in messages:
        _, sentence = message._filter_sparse_features(TEXT, [])
        if not sentence or message.get_dense_features(attribute=TEXT)[1] is not None:
            return _original_create_X(self, messages)
        parts = [f.features for f in sentence]
        rows.append(hstack(parts, format="csr") if len(parts) > 1 else csr_matrix(parts[0]))
    return rows[0] if len(rows) == 1 else vstack(rows, format="csr")


_empty_domain: dict[str, Any] | None = None


def is_empty(self: Domain) -> bool:
    global _empty_domain
    if _empty_domain is None:
        _empty_domain = Domain.empty().as_dict()
    return self.as_dict() == _empty_domain


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]
    EndpointConfig.session = _kept_session  # type: ignore[method-assign,assignment]
    DaskGraphRunner.run = run_graph  # type: ignore[method-assign]
    LogisticRegressionClassifier._create_X = _create_X  # type: ignore[method-assign]
    Domain.is_empty = is_empty  # type: ignore[method-assign]
