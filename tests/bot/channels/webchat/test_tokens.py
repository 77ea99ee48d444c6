"""Web chat session tokens: issue, verify, expiry, tampering."""

from __future__ import annotations

import pytest

from bot.base.settings import Secret
from bot.channels.webchat.session import CLOCK_SKEW, DAY, issue_session, resume_session

KEY = Secret("k" * 32)
NOW = 1_800_000_000.0


def test_issued_token_resumes_its_session_for_its_tenant():
    sid, token = issue_session(KEY, "alpenhof", now=NOW)
    assert len(sid) == 32 and token.split(".") == [sid, str(int(NOW)), token.split(".")[2]]
    assert resume_session(KEY, "alpenhof", token, now=NOW) == sid
    assert resume_session(KEY, "alpenhof", token, now=NOW + 29 * DAY) == sid


def test_new_sessions_differ():
    assert issue_session(KEY, "a", now=NOW) != issue_session(KEY, "a", now=NOW)


@pytest.mark.parametrize("days, ok", [(30, True), (30.001, False), (31, False), (365, False)])
def test_token_older_than_the_max_age_is_refused(days, ok):
    sid, token = issue_session(KEY, "alpenhof", now=NOW)
    assert (resume_session(KEY, "alpenhof", token, now=NOW + days * DAY) == sid) is ok


def test_max_age_is_configurable():
    sid, token = issue_session(KEY, "alpenhof", now=NOW)
    assert resume_session(KEY, "alpenhof", token, max_age_days=1, now=NOW + DAY - 1) == sid
    assert resume_session(KEY, "alpenhof", token, max_age_days=1, now=NOW + DAY + 1) is None


@pytest.mark.parametrize("ahead, ok", [(1, True), (CLOCK_SKEW, True), (CLOCK_SKEW + 1, False), (DAY, False)])
def test_token_from_the_future_is_refused(ahead, ok):
    sid, token = issue_session(KEY, "alpenhof", now=NOW + ahead)
    assert (resume_session(KEY, "alpenhof", token, now=NOW) == sid) is ok


def _parts(token: str) -> list[str]:
    return token.split(".")


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda t: ".".join([_parts(t)[0], str(int(_parts(t)[1]) + DAY), _parts(t)[2]]), id="later-date"
        ),
        pytest.param(
            lambda t: ".".join([_parts(t)[0], str(int(_parts(t)[1]) - 1), _parts(t)[2]]), id="earlier-date"
        ),
        pytest.param(lambda t: ".".join([_parts(t)[0], "0" + _parts(t)[1], _parts(t)[2]]), id="leading-zero"),
        pytest.param(lambda t: ".".join(["0" * 32, *_parts(t)[1:]]), id="other-session"),
        pytest.param(lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), id="signature-bit"),
        pytest.param(lambda t: t.upper(), id="upper-case"),
        pytest.param(lambda t: f"{_parts(t)[0]}.{_parts(t)[2]}", id="old-format-no-date"),
        pytest.param(lambda t: t + ".x", id="extra-part"),
        pytest.param(lambda t: _parts(t)[0], id="session-id-only"),
        pytest.param(lambda t: " " + t, id="leading-space"),
        pytest.param(lambda t: "", id="empty"),
        pytest.param(lambda t: "." * 3000, id="long"),
        pytest.param(lambda t: None, id="none"),
        pytest.param(lambda t: 12345, id="number"),
        pytest.param(lambda t: {"$gt": ""}, id="operator"),
        pytest.param(lambda t: [t], id="list"),
    ],
)
def test_tampered_token_is_refused(tamper):
    _, token = issue_session(KEY, "alpenhof", now=NOW)
    assert resume_session(KEY, "alpenhof", tamper(token), now=NOW + 10) is None


def test_token_of_another_tenant_or_key_is_refused():
    _, token = issue_session(KEY, "alpenhof", now=NOW)
    assert resume_session(KEY, "laguna", token, now=NOW) is None
    assert resume_session(Secret("other"), "alpenhof", token, now=NOW) is None
