"""Rasa NLU component: formal data-subject requests recognised by their legal markers.

Placed after LogisticRegressionClassifier and before FallbackClassifier (config.yml). For
each message it asks bot/nlu/legal.py whether the text names a GDPR right by article or
by the right's legal name; if so (see legal.decide for when), the intent becomes the
matching ``dsr_*`` intent and the ranking is re-weighted so that confidences stay a
probability ranking (legal.reweigh). Messages without markers pass unchanged.

Not trainable: the markers are the regulation's vocabulary, not learnt from data.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.base.logs import event
from bot.nlu.legal import decide, reweigh

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LegalRequestClassifier(GraphComponent, IntentClassifier):
    """Sets a ``dsr_*`` intent when a message names a GDPR right by its legal markers."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # a short message keeps an intent outside the requests held with this confidence
            "protect_confidence": 0.5,
            # share of the probability moved onto the request named by a strong marker ...
            "strong_weight": 0.9,
            # ... and by weak markers only (long messages)
            "weak_weight": 0.75,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LegalRequestClassifier:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        predicted = message.get(INTENT) or {}
        before = predicted.get(INTENT_NAME_KEY)
        override = decide(
            text,
            before,
            float(predicted.get(PREDICTED_CONFIDENCE_KEY) or 0.0),
            protect_confidence=self.component_config["protect_confidence"],
            strong_weight=self.component_config["strong_weight"],
            weak_weight=self.component_config["weak_weight"],
        )
        if override is None:
            return
        ranking = reweigh(list(message.get(INTENT_RANKING_KEY) or []), override.intent, override.weight)
        top = next(entry for entry in ranking if entry[INTENT_NAME_KEY] == override.intent)
        message.set(INTENT, dict(top), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        event(
            logger,
            "nlu.legal_request.intent_set",
            logging.DEBUG,
            intent=override.intent,
            before=before,
            markers=len(override.finding.markers),
            strong=override.finding.strong,
            long=override.finding.long,
        )
