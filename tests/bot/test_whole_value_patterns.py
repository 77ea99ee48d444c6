"""Identifiers are checked as whole values: `re.match` with `$` lets a trailing newline
through ("alpenhof\n" became a tenant name in an audit record; "adv-nl\n" a new guest),
so every check uses fullmatch. One case per place that validates an identifier."""

from __future__ import annotations

import pytest

from bot.base.errors import InvalidInput, UnknownTenant
from bot.privacy.links import split_token
from bot.staff import accounts as staff
from bot.storage.mongo import MongoStore

TOKEN = "alpenhof." + "A" * 43


def test_a_staff_contact_with_a_trailing_newline_is_refused():
    assert staff.check_contact("anna@alpenhof.example", "+4989123456") == (
        "anna@alpenhof.example",
        "+4989123456",
    )
    with pytest.raises(InvalidInput):
        staff.check_contact("anna@alpenhof.example\n", None)
    with pytest.raises(InvalidInput):
        staff.check_contact(None, "+4989123456\n")


def test_a_tenant_id_with_a_trailing_newline_names_no_database():
    store = MongoStore(client={"rapport_t_alpenhof": "db"})  # type: ignore[arg-type]
    assert store.database("alpenhof") == "db"
    with pytest.raises(UnknownTenant):
        store.database("alpenhof\n")


def test_an_export_link_with_a_trailing_newline_is_malformed():
    assert split_token(TOKEN) == ("alpenhof", TOKEN)
    assert split_token(TOKEN + "\n") is None
