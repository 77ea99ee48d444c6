"""scripts/guest.py: a developer talks to a local run over SMS and e-mail."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bot.base.settings import PROJECT_ROOT
from bot.i18n import Catalog

pytestmark = pytest.mark.stack

QUESTION = Catalog.load().render("en", "question.overall", low=1, high=5)


def _guest(stack, *args: str) -> str:
    s = stack.settings
    env = {
        **os.environ,
        "RAPPORT_DATA_DIR": str(s.data_dir),
        "RAPPORT_RASA_PORT": str(s.rasa_port),
        "RAPPORT_PUBLIC_URL": s.public_url,
        "RAPPORT_FAKE_TWILIO_PORT": str(s.fake_twilio_port),
        "RAPPORT_FAKE_SMTP_PORT": str(s.fake_smtp_port),
        "RAPPORT_FAKE_SMTP_HTTP_PORT": str(s.fake_smtp_http_port),
    }
    done = subprocess.run(
        [sys.executable, "scripts/guest.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "channel, who",
    [("sms", "+4915199887766"), ("email", "cli-guest@example.org")],
)
def test_guest_cli_sends_signed_messages_and_shows_the_replies(stack, channel, who):
    out = _guest(stack, channel, who, "Hello, I would like to give some feedback about my stay")
    assert "webhook answered 200" in out
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        outbox = _guest(stack, "outbox")
        if who in outbox:
            break
        time.sleep(0.3)
    line = [x for x in outbox.splitlines() if who in x]
    assert line, outbox
    if channel == "sms":
        assert QUESTION in "".join(x.split(": ", 1)[1] for x in line)
    else:
        assert "Re: My stay" in line[0]
