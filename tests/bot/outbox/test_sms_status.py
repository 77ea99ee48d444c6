"""`advances`: one row per transition rule, then callbacks replayed in every order."""

from __future__ import annotations

from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.outbox.sms_status import STATUSES, advances

ROWS = [
    # (current, new, advances?)
    (None, "queued", True),  # first callback
    (None, "delivered", True),  # first callback is already final
    (None, "received", True),
    (None, "bogus", False),  # unknown status
    ("queued", "Delivered", False),  # statuses are lower-case; anything else is unknown
    ("queued", "", False),
    ("legacy-value", "sent", True),  # an unknown stored value counts as nothing
    ("accepted", "queued", True),
    ("scheduled", "queued", True),
    ("scheduled", "canceled", True),
    ("queued", "sending", True),
    ("sending", "sent", True),
    ("sent", "delivered", True),
    ("queued", "delivered", True),  # skipping steps is fine
    ("sent", "undelivered", True),
    ("sending", "failed", True),
    ("delivered", "read", True),  # read receipt after delivery
    ("sent", "partially_delivered", True),
    ("receiving", "received", True),
    ("queued", "queued", False),  # duplicate callback
    ("delivered", "delivered", False),
    ("delivered", "sent", False),  # out of order: "sent" arrives late
    ("sent", "queued", False),
    ("sent", "accepted", False),
    ("delivered", "undelivered", False),  # sideways between outcomes
    ("delivered", "failed", False),
    ("failed", "delivered", False),  # terminal
    ("undelivered", "delivered", False),
    ("undelivered", "read", False),
    ("canceled", "queued", False),
    ("read", "delivered", False),
    ("received", "receiving", False),
    ("queued", "received", False),  # directions never mix
    ("receiving", "sent", False),
]


@pytest.mark.parametrize(("current", "new", "expected"), ROWS)
def test_advances(current, new, expected):
    assert advances(current, new) is expected


def replay(callbacks: tuple[str, ...]) -> str | None:
    current = None
    for status in callbacks:
        if advances(current, status):
            current = status
    return current


@pytest.mark.parametrize(
    ("callbacks", "final"),
    [
        (("queued", "sending", "sent", "delivered"), "delivered"),
        (("queued", "sending", "sent", "undelivered"), "undelivered"),
        (("accepted", "queued", "sent", "failed"), "failed"),
        (("queued", "sent", "delivered", "read"), "read"),
    ],
)
def test_any_arrival_order_ends_in_the_same_status(callbacks, final):
    for order in permutations(callbacks):
        assert replay(order) == final, order


@given(st.sampled_from(sorted(STATUSES)), st.sampled_from(sorted(STATUSES)))
def test_never_both_ways(a, b):
    assert not (advances(a, b) and advances(b, a))
    assert not advances(a, a)
