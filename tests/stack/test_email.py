"""E-mail end to end: Mailgun-style signed webhooks into the running stack, replies out
over SMTP to the local SMTP stand-in, threaded."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import aiohttp
import pytest

from bot.i18n import Catalog

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
INBOX = "feedback@alpenhof.example"


def sign(key: str, timestamp: str, token: str) -> str:
    """As Mailgun documents it: HMAC-SHA256(signing key, timestamp + token), hex."""
    return hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


def mailgun_multipart(fields: dict[str, str], files: list[Attachment]) -> aiohttp.MultipartWriter:
    """Mailgun's multipart/form-data post of a mail with attachments: one part per field,
    then the files as `attachment-1`, `attachment-2`, ... (documented "receive-http")."""
    writer = aiohttp.MultipartWriter("form-data")
    for name, value in fields.items():
        writer.append(value).set_content_disposition("form-data", name=name)
    for n, f in enumerate(files, start=1):
        part = writer.append(f.content, {"Content-Type": f.content_type})
        part.set_content_disposition("form-data", name=f"attachment-{n}", filename=f.filename)
    return writer


class Mailbox:
    def __init__(self, stack, address: str | None = None) -> None:
        self.stack = stack
        self.fake = stack.fake_email
        assert self.fake is not None, "the stack runs the SMTP stand-in"
        self.address = address or f"guest-{secrets.token_hex(4)}@example.org"

    def form(
        self,
        text: str,
        *,
        message_id: str | None = None,
        subject: str = "My stay",
        headers: list[tuple[str, str]] | None = None,
        timestamp: float | None = None,
        token: str | None = None,
        key: str | None = None,
    ) -> dict[str, str]:
        import json

        ts = str(int(timestamp if timestamp is not None else time.time()))
        token = token or secrets.token_hex(25)
        message_id = message_id or f"<{secrets.token_hex(8)}@example.org>"
        return {
            "sender": self.address,
            "from": f"Guest <{self.address}>",
            "recipient": INBOX,
            "subject": subject,
            "body-plain": text,
            "stripped-text": text,
            "Message-Id": message_id,
            "message-headers": json.dumps([["Message-Id", message_id], *(headers or [])]),
            "attachment-count": "0",
            "timestamp": ts,
            "token": token,
            "signature": sign(key or self.fake.signing_key, ts, token),
        }

    async def post(self, form: dict[str, str], files: list[Attachment] | None = None) -> int:
        """Post as Mailgun does: URL-encoded, or multipart/form-data when `files` is
        given (even empty), with file parts `attachment-1`, ... and `attachment-count`."""
        return (await self.post_json(form, files))[0]

    async def post_json(
        self, form: dict[str, str], files: list[Attachment] | None = None
    ) -> tuple[int, dict]:
        url = self.stack.settings.public_url + "/webhooks/email/mailgun"
        data: aiohttp.MultipartWriter | dict[str, str] = form
        if files is not None:
            data = mailgun_multipart({**form, "attachment-count": str(len(files))}, files)
        async with aiohttp.ClientSession() as session, session.post(url, data=data) as r:
            return r.status, await r.json(content_type=None)

    async def received(self) -> list[dict]:
        async with aiohttp.ClientSession() as session, session.get(self.fake.http_url + "/_fake/mail") as r:
            mail = await r.json()
        return [m for m in mail if self.address in m["rcpt_tos"]]

    async def wait_for(self, count: int, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = await self.received()
            if len(got) >= count:
                return got
            await asyncio.sleep(0.1)
        return await self.received()


HELLO = "Hello, I would like to tell you about my stay at your hotel."


async def test_signed_mail_gets_a_threaded_reply_in_the_guests_language(stack):
    box = Mailbox(stack)
    form = box.form(HELLO, message_id="<first-1@example.org>")
    assert await box.post(form) == 200
    mail = await box.wait_for(1)
    assert len(mail) == 1
    reply = mail[0]
    assert reply["in_reply_to"] == "<first-1@example.org>"
    assert "<first-1@example.org>" in reply["references"]
    assert reply["subject"] == "Re: My stay"
    assert CATALOG.render("en", "question.overall", low=1, high=5) in reply["raw"].replace("=\r\n", "")


@pytest.mark.parametrize("case", ["wrong_key", "stale", "future", "missing"])
async def test_bad_signatures_are_refused(stack, case):
    box = Mailbox(stack)
    if case == "wrong_key":
        form = box.form(HELLO, key="not-the-key")
    elif case == "stale":
        form = box.form(HELLO, timestamp=time.time() - 3600)
    elif case == "future":
        form = box.form(HELLO, timestamp=time.time() + 3600)
    else:
        form = box.form(HELLO)
        del form["signature"]
    assert await box.post(form) == 403
    await asyncio.sleep(0.5)
    assert await box.received() == []


async def test_replayed_token_is_refused(stack):
    box = Mailbox(stack)
    form = box.form(HELLO)
    assert await box.post(form) == 200
    await asyncio.sleep(1)
    assert await box.post(form) == 403
    await box.wait_for(1)
    await asyncio.sleep(0.5)
    assert len(await box.received()) == 1


async def test_same_message_id_with_a_fresh_token_is_processed_once(stack):
    box = Mailbox(stack)
    assert await box.post(box.form(HELLO, message_id="<dup-1@example.org>")) == 200
    assert await box.post(box.form(HELLO, message_id="<dup-1@example.org>")) == 200
    await box.wait_for(1)
    await asyncio.sleep(1)
    assert len(await box.received()) == 1


async def test_unparseable_mail_gets_406_so_mailgun_stops(stack):
    box = Mailbox(stack)
    form = box.form(HELLO)
    form["sender"] = form["from"] = "not an address"
    assert await box.post(form) == 406


@pytest.mark.parametrize("files", [None, [Attachment("ooo.ics", b"BEGIN:VCALENDAR", "text/calendar")]])
@pytest.mark.parametrize(
    "headers, subject",
    [
        ([["Auto-Submitted", "auto-replied"]], "My stay"),
        ([["Precedence", "bulk"]], "My stay"),
        ([], "Abwesenheitsnotiz: My stay"),
        ([["X-Rapport-Loop", "rapport"]], "Re: My stay"),
        ([["Received", "by relay"]] * 21, "My stay"),
    ],
)
async def test_auto_replies_and_loops_are_never_answered(stack, headers, subject, files):
    box = Mailbox(stack)
    form = box.form(HELLO, headers=headers, subject=subject)
    assert await box.post_json(form, files) == (200, {"status": "ignored"})  # acknowledged, dropped
    await asyncio.sleep(1.5)
    assert await box.received() == []


async def test_no_address_or_text_in_any_log(stack):
    box = Mailbox(stack, address="zanzibar.quill@example.org")
    assert await box.post(box.form("Hello, Mrs Zanzibar-Quill writing about my stay at your hotel.")) == 200
    await box.wait_for(1)
    logs = {p.name: p.read_text(errors="replace") for p in (stack.settings.data_dir / "logs").glob("*.log")}
    assert {"rasa.log", "fake-smtp.log"} <= set(logs)
    for name, text in logs.items():
        for needle in ("zanzibar", "Zanzibar"):
            assert needle not in text, f"{needle!r} in {name}"


async def test_webhook_survives_a_redis_restart(stack):
    """The replay guard's pooled connection dies with Redis; the next mail still works."""
    import signal

    from tests.stack.test_faults import _restart

    if stack.settings.redis_url is not None:
        pytest.skip("uses the embedded Valkey")
    box = Mailbox(stack)
    assert await box.post(box.form(HELLO)) == 200  # the guard's connection is now pooled
    _restart(stack, "redis", signal.SIGTERM)
    assert await box.post(box.form(HELLO, message_id="<after-restart@example.org>")) == 200
