"""Rasa NLU component: markup is removed before the tokenizer (first in config.yml).

A guest's "I want to talk to a person now <script>…</script>" was classified by its tag
tokens (as an objection); with the tags, comments and script/style contents removed
(bot/nlu/clean.py) it is classified as what it says. Text without markup is untouched,
so training data and ordinary messages are featurised exactly as before. The text as the
guest wrote it goes on in the parse data under `AS_WRITTEN` (bot/nlu/clean.py): the action
server stores and shows that, never the cleaned text (a message of markup alone would
otherwise be stored empty).

Not trainable.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.clean import AS_WRITTEN, strip_markup


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MarkupFilter(GraphComponent):
    """Replaces a message's text by the text without markup, keeping the original."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MarkupFilter:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and "<" in text:
                cleaned = strip_markup(text)
                if cleaned != text:
                    message.set(AS_WRITTEN, text, add_to_output=True)
                    message.set(TEXT, cleaned)
        return messages
