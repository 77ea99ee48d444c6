"""Mailgun's multipart/form-data posts (a mail with attachments) and the webhook's other
hard cases, end to end: signed as Mailgun signs them, posted to the running stack,
replies read back from the local SMTP stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from email import message_from_string, policy

import aiohttp
import pytest

from bot.i18n import Catalog
from tests.stack.test_email import HELLO, Attachment, Mailbox

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
BONJOUR = "Bonjour, je voudrais donner mon avis sur mon séjour à l'hôtel."


def reply_text(reply: dict) -> str:
    msg = message_from_string(reply["raw"], policy=policy.default)
    return msg.get_body(("plain",)).get_content()


def photo(marker: bytes, size: int = 200_000) -> Attachment:
    return Attachment("IMG_2041.jpg", b"\xff\xd8\xff\xe0" + marker + os.urandom(size), "image/jpeg")


async def test_mail_with_attachments_gets_a_reply_and_the_attachments_are_kept_nowhere(stack):
    """Mailgun posts multipart/form-data for a mail with attachments; the signature
    fields are parts of it (the old parser read only URL-encoded bodies: 403)."""
    box = Mailbox(stack)
    marker = os.urandom(16).hex().encode()
    files = [
        photo(b"PHOTO-" + marker),
        Attachment("Rechnung.pdf", b"%PDF-1.7 PDF-" + marker, "application/pdf"),
    ]
    assert await box.post(box.form(HELLO, message_id="<multi-1@example.org>"), files) == 200
    [reply] = await box.wait_for(1)
    assert reply["in_reply_to"] == "<multi-1@example.org>"
    assert CATALOG.render("en", "question.overall", low=1, high=5) in reply_text(reply)
    kept = [p for p in stack.settings.data_dir.rglob("*") if p.is_file() and marker in p.read_bytes()]
    assert kept == [], "attachment content written to disk"


def _latin1_body(box: Mailbox, form: dict[str, str]) -> aiohttp.MultipartWriter:
    writer = aiohttp.MultipartWriter("form-data")
    for name, value in {**form, "attachment-count": "1"}.items():
        if name in ("body-plain", "stripped-text"):
            part = writer.append(
                value.encode("iso-8859-1"), {"Content-Type": "text/plain; charset=iso-8859-1"}
            )
        else:
            part = writer.append(value)
        part.set_content_disposition("form-data", name=name)
    f = photo(b"x", 1000)
    part = writer.append(f.content, {"Content-Type": f.content_type})
    part.set_content_disposition("form-data", name="attachment-1", filename=f.filename)
    return writer


@pytest.mark.parametrize(
    "case", ["html_only", "french_utf8", "french_latin1_part", "japanese", "large_attachment"]
)
async def test_hard_mail_with_attachments_is_parsed_and_answered(stack, case):
    box = Mailbox(stack)
    files = [photo(b"p")]
    language, text = "fr", BONJOUR
    if case == "html_only":
        language, text = "en", HELLO
        form = box.form("")
        form["body-html"] = f"<html><body><div dir='ltr'><b>{HELLO}</b></div></body></html>"
        del form["stripped-text"]
    elif case == "japanese":  # a Shift-JIS mail: Mailgun posts its fields in UTF-8
        language, text = None, "ホテルの滞在についてお話ししたいです。部屋はとても綺麗でした。"
        form = box.form(text)
    elif case == "large_attachment":
        language, text = "en", HELLO
        form = box.form(text)
        files = [photo(b"big", 12 * 1024 * 1024)]
    else:
        form = box.form(text)
    if case == "french_latin1_part":  # a part in its own charset, as multipart allows
        url = stack.settings.public_url + "/webhooks/email/mailgun"
        async with aiohttp.ClientSession() as session, session.post(url, data=_latin1_body(box, form)) as r:
            assert r.status == 200
    else:
        assert await box.post(form, files) == 200
    [reply] = await box.wait_for(1, timeout=30)
    if language is not None:
        assert CATALOG.render(language, "question.overall", low=1, high=5) in reply_text(reply)


@pytest.mark.parametrize("files", [None, []], ids=["urlencoded", "multipart"])
async def test_deeply_nested_headers_are_406_and_never_spend_the_token(stack, files):
    """Nested JSON in message-headers was a 500 after the token was used, so Mailgun's
    retry got 403 "replayed" and the mail was lost. It can never be parsed: 406, which
    makes Mailgun stop, and the same request again is still judged on its content."""
    box = Mailbox(stack)
    form = box.form(HELLO)
    form["message-headers"] = "[" * 50_000 + "]" * 50_000
    for _ in range(2):
        status, body = await box.post_json(form, files)
        assert (status, body.get("error")) == (406, "unparseable_email")
    await asyncio.sleep(1)
    assert await box.received() == []


@pytest.mark.parametrize(
    "sender",
    [
        "Hotel Alpenhof <Feedback@Alpenhof.EXAMPLE>",
        "feedback@alpenhof.example",
        '"Laguna" <FEEDBACK@laguna.example>',
    ],
    ids=["display_name_upper_case", "bare", "another_hotels_inbox"],
)
@pytest.mark.parametrize(
    "files", [None, [Attachment("a.txt", b"hi", "text/plain")]], ids=["urlencoded", "multipart"]
)
async def test_mail_from_a_hotels_own_inbound_address_is_never_answered(stack, sender, files):
    address = sender.rsplit("<", 1)[-1].rstrip(">").lower()
    box = Mailbox(stack, address=address)
    form = box.form(HELLO)
    form["from"] = form["sender"] = sender
    log = stack.settings.data_dir / "logs" / "rasa.log"
    before = log.read_text(errors="replace").count("reason=own_address")
    assert await box.post_json(form, files) == (200, {"status": "ignored"})  # acknowledged, dropped
    await asyncio.sleep(1.5)
    assert await box.received() == []
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if "reason=own_address" in ln]
    assert len(lines) == before + 1
    assert "@" not in lines[-1]


@pytest.mark.parametrize("files", [None, [photo(b"503")]], ids=["urlencoded", "multipart"])
async def test_a_mail_not_stored_is_503_and_mailguns_retry_with_the_same_token_is_taken(stack, files):
    if stack.settings.mongodb_url is not None:
        pytest.skip("uses the embedded nx-27017")
    box = Mailbox(stack)
    form = box.form(HELLO)
    child = next(c for c in stack.children if c.name == "mongo")
    os.kill(child.process.pid, signal.SIGKILL)  # a dead server: the insert cannot land later
    child.process.wait(timeout=20)
    try:
        started = time.monotonic()
        status, body = await box.post_json(form, files)
        assert (status, body.get("error")) == (503, "unavailable")
        assert time.monotonic() - started < 25
    finally:
        index = stack.children.index(child)
        stack._start_mongo(lambda m: None)
        stack.children.insert(index, stack.children.pop())
    assert await box.post(form, files) == 200  # Mailgun's retry: the very same request
    [reply] = await box.wait_for(1, timeout=30)
    assert reply["in_reply_to"] == form["Message-Id"]
    assert await box.post(form, files) == 403  # and now it is spent


@pytest.mark.parametrize(
    "headers, body, status, code",
    [
        (
            {"Content-Type": "multipart/form-data; boundary=b0"},
            b"--b0\r\nbroken part\r\n\r\nx\r\n--b0--\r\n",
            400,
            "bad_form",
        ),
        ({"Content-Type": "multipart/form-data"}, b"--b0\r\n", 400, "bad_form"),
        (
            {"Content-Type": "multipart/form-data; boundary=b0"},
            b"".join(
                b'--b0\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % i for i in range(1001)
            )
            + b"--b0--\r\n",
            413,
            "too_large",
        ),
    ],
    ids=["broken_part", "no_boundary", "too_many_parts"],
)
async def test_a_form_that_does_not_parse_gets_a_clear_4xx(stack, headers, body, status, code):
    url = stack.settings.public_url + "/webhooks/email/mailgun"
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as r:
        assert (r.status, (await r.json()).get("error")) == (status, code)
