"""Guest text as every channel hands it to Rasa: control characters and lone surrogates
removed, never an intent payload; and what the guest wrote, read back (`as_written`)."""

from __future__ import annotations

import re

from bot.base.states import Channel

# Used with fullmatch: `$` would also accept a trailing newline ("de\n").
LANG_TAG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}")
CHANNELS = frozenset(Channel)
HARD_MAX_CHARS = 20_000  # beyond this a request is refused outright (413)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
# Rasa reads a message whose text, stripped with str.strip(), starts with "/" as an
# intent payload `/intent@confidence{entities}` and skips NLU (RegexMessageHandler ->
# YAMLStoryReader.unpack_regex_message; UserMessage strips the text as well); a
# malformed one is logged verbatim. Guest text is never a payload: it gets this
# invisible prefix (WORD JOINER: not whitespace, so Rasa's strip keeps it).
PAYLOAD_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX
NOT_A_PAYLOAD = "\u2060"
# the web chat's widget (bot/channels/webchat/static/widget.js) says it when it opens a session
WIDGET_PAYLOADS = frozenset({"/start"})


def clean_text(text: str) -> str:
    """Control characters (except newline and tab) are removed, lone UTF-16 surrogates
    (possible in JSON strings, not storable as UTF-8) replaced; the rest is kept as is."""
    return SURROGATE.sub("\ufffd", CONTROL.sub("", text))


def guest_text(text: str, payloads: frozenset[str] = frozenset()) -> str:
    """The text to hand to Rasa for what a guest wrote: unchanged unless Rasa would read
    it as an intent payload, then prefixed with NOT_A_PAYLOAD (stripped, as Rasa would).
    Only texts in `payloads` (ones the product itself sends) pass as intents."""
    stripped = text.strip()
    if not stripped.startswith(PAYLOAD_PREFIX) or stripped in payloads:
        return text
    return NOT_A_PAYLOAD + stripped


def as_written(text: str) -> str:
    """What the guest wrote, from a text `guest_text` may have prefixed (the action
    server stores and shows this)."""
    if text.startswith(NOT_A_PAYLOAD + PAYLOAD_PREFIX):
        return text[len(NOT_A_PAYLOAD) :]
    return text
