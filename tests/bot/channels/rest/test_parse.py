"""The REST channel's body parser: patterns match whole values, odd JSON types are
refused by type (bot/channels/rest/parse.py)."""

from __future__ import annotations

import pytest

from bot.base.errors import InvalidInput
from bot.base.settings import PROJECT_ROOT
from bot.channels.rest.parse import parse_metadata, parse_rest_payload
from bot.i18n import Catalog
from bot.tenants.registry import Tenants

TENANTS = Tenants.load(PROJECT_ROOT / "config" / "tenants.yml", Catalog.load().languages)
ODD = [[], ["sms"], {}, {"a": 1}, 5, 1.5, True, [["x"]]]


def _body(**metadata) -> dict:
    return {"sender": "adv-nl", "message": "hi", "metadata": {"tenant": "alpenhof", **metadata}}


@pytest.mark.parametrize("sender", ["adv-nl\n", "adv-nl\r\n", "\nadv-nl", "adv\nnl"])
def test_a_sender_with_a_newline_is_refused(sender):
    with pytest.raises(InvalidInput) as e:
        parse_rest_payload({**_body(), "sender": sender}, TENANTS)
    assert e.value.code == "bad_sender"


@pytest.mark.parametrize("key", ["locale", "reservation_language"])
@pytest.mark.parametrize("value", ["de\n", "fr-CH\n", "en\r\n"])
def test_a_language_tag_with_a_newline_is_refused(key, value):
    with pytest.raises(InvalidInput) as e:
        parse_metadata({key: value}, default_channel="rest")
    assert e.value.code == "bad_metadata"


@pytest.mark.parametrize("value", ODD, ids=repr)
@pytest.mark.parametrize("field", ["channel", "locale", "reservation_language"])
def test_odd_metadata_types_are_refused(field, value):
    with pytest.raises(InvalidInput) as e:
        parse_rest_payload(_body(**{field: value}), TENANTS)
    assert e.value.code == "bad_metadata"


@pytest.mark.parametrize("value", ODD, ids=repr)
@pytest.mark.parametrize("field", ["tenant", "widget_key"])
def test_odd_tenant_fields_are_refused(field, value):
    body = {"sender": "g1", "message": "hi", "metadata": {field: value}}
    with pytest.raises(InvalidInput) as e:
        parse_rest_payload(body, TENANTS)
    assert e.value.code == "bad_metadata"


@pytest.mark.parametrize("value", ODD + [None], ids=repr)
@pytest.mark.parametrize("field, code", [("sender", "bad_sender"), ("message", "bad_message")])
def test_odd_sender_and_message_types_are_refused(field, code, value):
    with pytest.raises(InvalidInput) as e:
        parse_rest_payload({**_body(), field: value}, TENANTS)
    assert e.value.code == code


def test_a_message_id_is_optional_and_kept():
    assert parse_rest_payload(_body(), TENANTS).message_id is None
    assert parse_rest_payload({**_body(), "message_id": "m-1:a@b"}, TENANTS).message_id == "m-1:a@b"


@pytest.mark.parametrize("value", [*ODD, "", "a b", "x" * 129, "id\n"], ids=repr)
def test_odd_message_ids_are_refused(value):
    with pytest.raises(InvalidInput) as e:
        parse_rest_payload({**_body(), "message_id": value}, TENANTS)
    assert e.value.code == "bad_message_id"
