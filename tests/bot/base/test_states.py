"""The StrEnums of states and channels stand for exactly the strings stored and sent
before they existed: equal, hashed, formatted and encoded as those strings."""

from __future__ import annotations

import json

import bson
import pytest
from sanic.response import json as sanic_json

from bot.base.states import (
    Author,
    Channel,
    ConversationStatus,
    DsrStatus,
    DsrType,
    HandoverState,
    JobState,
)
from bot.feedback.engine import ACTIVE, COMPLETED, STOPPED
from bot.handover.store import AUTHORS, BOT, HELD, RESOLVED, STATES, WAITING, WITH_STAFF
from bot.inbox.queue import DONE as JOB_DONE
from bot.inbox.queue import FAILED, PENDING
from bot.inbox.text import CHANNELS
from bot.privacy import requests

ENUMS = (Author, Channel, ConversationStatus, DsrStatus, DsrType, HandoverState, JobState)


def test_the_values_are_the_strings_stored_before():
    assert (BOT, WAITING, WITH_STAFF, RESOLVED) == ("bot", "waiting_for_staff", "with_staff", "resolved")
    assert STATES == ("bot", "waiting_for_staff", "with_staff", "resolved")
    assert HELD == ("waiting_for_staff", "with_staff")
    assert AUTHORS == ("guest", "bot", "staff", "note", "system")
    assert requests.TYPES == ("erasure", "access", "rectification", "restriction", "objection")
    assert requests.STATUSES == (
        "received",
        "verification_pending",
        "verified",
        "awaiting_approval",
        "done",
        "rejected",
    )
    assert requests.OPEN == ("received", "verification_pending", "verified", "awaiting_approval")
    assert set(CHANNELS) == {"rest", "webchat", "sms", "email", "whatsapp"}  # whatsapp: issue 12
    assert (PENDING, JOB_DONE, FAILED) == ("pending", "done", "failed")
    assert (ACTIVE, COMPLETED, STOPPED) == ("active", "completed", "stopped")


@pytest.mark.parametrize("member", [m for e in ENUMS for m in e], ids=str)
def test_a_member_behaves_as_its_string(member):
    value = member.value
    assert member == value and hash(member) == hash(value) and isinstance(member, str)
    assert str(member) == f"{member}" == "%s" % member == format(member, "") == value  # noqa: UP031 - logging formats with %
    assert f"dsr.{member}" == f"dsr.{value}" and "-".join([member]) == value
    assert {value: 1}[member] == 1 and member in {value} and value in {member}
    assert json.dumps({member: [member]}) == json.dumps({value: [value]})
    assert sanic_json({"v": member}).body == sanic_json({"v": value}).body
    decoded = bson.decode(bson.encode({"v": member, member: [member]}))
    assert decoded == {"v": value, value: [value]} and type(decoded["v"]) is str


def test_strings_read_back_find_their_member():
    assert HandoverState("waiting_for_staff") is HandoverState.WAITING
    assert "verification_pending" in requests.OPEN and "sms" in CHANNELS and "carrier pigeon" not in CHANNELS
