"""Rasa's own lines that quote a message's text are withheld in the Rasa process."""

from __future__ import annotations

import logging
import warnings

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.base.logs import RASA_TEXT_LOGGER, withhold_rasa_message_text

SECRET = "Quetzalcoatl room 12"


def _unpack(text: str) -> None:
    domain = Domain.from_dict({"intents": ["greet"]})
    YAMLStoryReader.unpack_regex_message(Message.build(text=text), domain)


def test_rasa_warnings_quoting_a_payload_are_dropped():
    texts = [
        f"/PRIVSMS-XYZ {SECRET} {{",
        f"/greet{{{SECRET}}}",
        f'/greet{{"{SECRET}": 1}}',
        f"/greet@x {SECRET}",
    ]
    with warnings.catch_warnings(record=True) as before:
        warnings.simplefilter("always")
        for text in texts:
            _unpack(text)
    assert any(SECRET in str(w.message) for w in before), "Rasa quotes the text without the filter"
    with warnings.catch_warnings(record=True) as after:
        warnings.simplefilter("always")
        withhold_rasa_message_text()
        for text in texts:
            _unpack(text)
    assert not [str(w.message) for w in after if SECRET in str(w.message)]


def test_rasa_parsing_failed_log_line_is_reworded(caplog):
    withhold_rasa_message_text()
    withhold_rasa_message_text()  # idempotent: one filter
    logger = logging.getLogger(RASA_TEXT_LOGGER)
    assert len(logger.filters) == 1
    with caplog.at_level(logging.WARNING, logger=RASA_TEXT_LOGGER):
        # the line Rasa's structlog configuration renders to this logger
        logger.warning('{"user_text": "/%s", "event": "message.parsing.failed"}', SECRET)
    assert caplog.records and "message.parsing.failed" in caplog.text
    assert SECRET not in caplog.text
