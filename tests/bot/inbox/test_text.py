"""Inbound parsing: guest text never reaches Rasa as an intent payload, patterns match
whole values, odd JSON types are refused by type."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.base.errors import InvalidInput
from bot.base.settings import PROJECT_ROOT
from bot.channels.rest.parse import parse_rest_payload
from bot.channels.webchat.session import parse_user_message
from bot.i18n import Catalog
from bot.inbox.text import (
    NOT_A_PAYLOAD,
    WIDGET_PAYLOADS,
    as_written,
    clean_text,
    guest_text,
)
from bot.tenants.registry import Tenants

TENANTS = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", Catalog.load().languages)


def rasa_reads_as_payload(text: str) -> bool:
    """What Rasa 3.6 itself does with a text: UserMessage strips it, then
    RegexMessageHandler unpacks it when it starts with "/"."""
    message = Message.build(text=text.strip())
    return YAMLStoryReader.unpack_regex_message(message) is not message or text.strip().startswith("/")


@pytest.mark.parametrize(
    "text",
    [
        "/dsr_erasure",
        "/request_human",
        "/start",
        "  /dsr_erasure",
        "\n\t/stop",
        "\u3000/request_human",  # ideographic space: str.strip removes it, so Rasa would too
        "\u00a0/dsr_access",
        '/PRIVSMS-XYZ my room 12 {"a": 1}',
        "/PRIVSMS-XYZ my room 12 {",
        "/",
        "/@0.9",
        "/rate@1{}",
    ],
)
def test_guest_text_starting_with_a_slash_is_not_a_payload(text):
    assert rasa_reads_as_payload(text), "the case is one Rasa would unpack"
    safe = guest_text(text)
    assert not rasa_reads_as_payload(safe)
    assert safe.startswith(NOT_A_PAYLOAD)
    assert as_written(safe) == text.strip()


@given(st.text(max_size=60))
def test_no_guest_text_is_ever_a_payload(text):
    safe = guest_text(clean_text(text))
    assert not safe.strip().startswith("/")
    assert not rasa_reads_as_payload(safe)


@given(st.text(max_size=60).filter(lambda t: not t.strip().startswith("/")))
def test_other_texts_are_unchanged(text):
    assert guest_text(text) == text
    assert as_written(text) == text


@pytest.mark.parametrize("text", ["/start", " /start ", "/start\n"])
def test_the_widget_payload_passes_only_where_allowed(text):
    assert guest_text(text, WIDGET_PAYLOADS) == text  # unchanged: Rasa reads it as /start
    assert guest_text(text).startswith(NOT_A_PAYLOAD)  # REST, SMS, e-mail: just text
    assert guest_text("/start{}", WIDGET_PAYLOADS).startswith(NOT_A_PAYLOAD)
    assert guest_text("/start_over", WIDGET_PAYLOADS).startswith(NOT_A_PAYLOAD)


@pytest.mark.parametrize("text", ["1/5", "4 / 5", "／start", "∕start", "\\start", "⁄start", "http://x"])
def test_slash_like_characters_rasa_does_not_check_are_left_alone(text):
    assert not rasa_reads_as_payload(text)
    assert guest_text(text) == text


def test_every_channel_parser_neutralises_a_slash():
    rest = parse_rest_payload(
        {"sender": "g1", "message": " /dsr_erasure", "metadata": {"tenant": "alpenhof"}}, TENANTS
    )
    assert not rasa_reads_as_payload(rest.text) and as_written(rest.text) == "/dsr_erasure"
    text, _ = parse_user_message({"message": "/request_human"}, 2000)
    assert not rasa_reads_as_payload(text)
    text, _ = parse_user_message({"message": "/start"}, 2000)
    assert text == "/start"


def test_lone_surrogates_are_replaced():
    assert clean_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    clean_text("a\ud800").encode("utf-8")


def test_a_webchat_locale_with_a_newline_is_ignored():
    assert parse_user_message({"message": "hi", "locale": "de\n"}, 2000)[1] == {"channel": "webchat"}
    assert parse_user_message({"message": "hi", "locale": "de"}, 2000)[1]["locale"] == "de"


ODD = [[], ["sms"], {}, {"a": 1}, 5, 1.5, True, [["x"]]]


@pytest.mark.parametrize("value", ODD + [None], ids=repr)
def test_odd_webchat_payloads_are_refused(value):
    with pytest.raises(InvalidInput):
        parse_user_message({"message": value}, 2000)
    with pytest.raises(InvalidInput):
        parse_user_message(value, 2000)
    assert parse_user_message({"message": "hi", "locale": value}, 2000)[1] == {"channel": "webchat"}


def test_patterns_are_used_whole():
    for path in ("bot/inbox/text.py", "bot/channels/rest/parse.py", "bot/channels/webchat/session.py"):
        source = (PROJECT_ROOT / path).read_text()
        assert not re.search(r"(GUEST_ID|LANG_TAG)\.match\(", source)
