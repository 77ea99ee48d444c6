"""The fake SMTP relay: real SMTP in, JSON out; served on loopback and driven with
aiosmtplib and plain aiohttp, the way a sender (and curl) would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest
from aiohttp import ClientSession

from bot.stack import pick_free_port
from devtools.fake_smtp import FakeSmtp, FakeSmtpState, running_fake_smtp
from tests.devtools.util import wait_until_serving

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSmtp]:
    async with running_fake_smtp() as f:
        yield f


def mail(subject: str = "Hello", message_id: str = "<m1@hotel.example>") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "desk@hotel.example"
    msg["To"] = "guest@mail.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["In-Reply-To"] = "<p@mail.example>"
    msg["References"] = "<r@mail.example> <p@mail.example>"
    msg.set_content("Grüße aus dem Hotel")
    return msg


async def test_records_envelope_headers_and_raw(fake):
    await aiosmtplib.send(mail(), hostname=fake.host, port=fake.smtp_port)
    [got] = await fake.messages()
    assert got["mail_from"] == "desk@hotel.example"
    assert got["rcpt_tos"] == ["guest@mail.example"]
    assert got["subject"] == "Hello"
    assert got["message_id"] == "<m1@hotel.example>"
    assert got["in_reply_to"] == "<p@mail.example>"
    assert got["references"] == "<r@mail.example> <p@mail.example>"
    assert "Subject: Hello" in got["raw"]


async def test_envelope_differs_from_headers_and_bad_bytes_are_replaced(fake):
    raw = b"Subject: raw\r\n\r\nbad byte \xff here\r\n"
    await aiosmtplib.send(
        raw,
        sender="bounce@hotel.example",
        recipients=["a@x.example", "b@y.example"],
        hostname=fake.host,
        port=fake.smtp_port,
    )
    [got] = await fake.messages()
    assert got["mail_from"] == "bounce@hotel.example"
    assert got["rcpt_tos"] == ["a@x.example", "b@y.example"]
    assert "bad byte \ufffd here" in got["raw"]
    assert got["message_id"] is None and got["in_reply_to"] is None


async def test_delete_forgets_mail(fake):
    await aiosmtplib.send(mail(), hostname=fake.host, port=fake.smtp_port)
    async with ClientSession() as http, http.delete(f"{fake.http_url}/_fake/mail") as resp:
        assert resp.status == 204
    assert await fake.messages() == []


async def test_faults_reject_then_clear(fake):
    async with ClientSession() as http:
        async with http.post(f"{fake.http_url}/_fake/faults", json={"code": 550, "count": 2}) as resp:
            assert resp.status == 201
            assert await resp.json() == {"pending": 2}
        with pytest.raises(aiosmtplib.SMTPDataError) as err:
            await aiosmtplib.send(mail(), hostname=fake.host, port=fake.smtp_port)
        assert err.value.code == 550
        async with http.delete(f"{fake.http_url}/_fake/faults") as resp:
            assert resp.status == 204
    await aiosmtplib.send(mail(), hostname=fake.host, port=fake.smtp_port)
    assert len(await fake.messages()) == 1


async def test_rcpt_fault(fake):
    await fake.fault(450, stage="rcpt")
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as err:
        await aiosmtplib.send(mail(), hostname=fake.host, port=fake.smtp_port)
    assert [r.code for r in err.value.recipients] == [450]
    assert await fake.messages() == []


@pytest.mark.parametrize(
    "spec",
    [{"code": 250}, {"code": "x"}, {"code": 550, "stage": "helo"}, {"count": 0}, {"delay": -1}, [1]],
)
async def test_bad_fault_specs_are_400(fake, spec):
    async with ClientSession() as http, http.post(f"{fake.http_url}/_fake/faults", json=spec) as resp:
        assert resp.status == 400
    assert fake.state.faults == []


def test_state_validates_faults():
    state = FakeSmtpState()
    with pytest.raises(ValueError):
        state.add_fault(200)
    state.add_fault(None, stage="rcpt", delay=0.1)
    assert state.take_fault("data") is None
    assert state.take_fault("rcpt") is not None
    assert state.take_fault("rcpt") is None


async def test_cli_serves_smtp_and_http():
    smtp_port, http_port = pick_free_port(), pick_free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.fake_smtp",
            "--host",
            "127.0.0.1",
            "--smtp-port",
            str(smtp_port),
            "--http-port",
            str(http_port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{http_port}"
        async with ClientSession() as http:
            await wait_until_serving(http, f"{url}/_fake/mail")
            await aiosmtplib.send(mail("Via CLI"), hostname="127.0.0.1", port=smtp_port)
            async with http.get(f"{url}/_fake/mail") as resp:
                [got] = await resp.json()
            assert got["subject"] == "Via CLI"
            async with http.post(f"{url}/_fake/faults", json={"code": 554}) as resp:
                assert resp.status == 201
            with pytest.raises(aiosmtplib.SMTPDataError):
                await aiosmtplib.send(mail(), hostname="127.0.0.1", port=smtp_port)
            async with http.delete(f"{url}/_fake/mail") as resp:
                assert resp.status == 204
            async with http.get(f"{url}/_fake/mail") as resp:
                assert await resp.json() == []
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) is not None


async def test_starttls_and_auth_are_offered_and_auth_is_required():
    async with running_fake_smtp(starttls=True, credentials=("u", "p")) as fake:
        assert fake.ca_file is not None and fake.ca_file.read_bytes().startswith(b"-----BEGIN CERTIFICATE")
        client = aiosmtplib.SMTP(hostname=fake.host, port=fake.smtp_port, start_tls=False)
        async with client:
            await client.ehlo()
            assert client.supports_extension("starttls")
            with pytest.raises(aiosmtplib.SMTPException):
                await client.login("u", "p")  # AUTH is only offered after STARTTLS
        with pytest.raises(aiosmtplib.SMTPResponseException) as err:
            await aiosmtplib.send(
                mail(), hostname=fake.host, port=fake.smtp_port, start_tls=True, cert_bundle=str(fake.ca_file)
            )
        assert err.value.code == 530  # no AUTH, no mail
        await aiosmtplib.send(
            mail(),
            hostname=fake.host,
            port=fake.smtp_port,
            start_tls=True,
            cert_bundle=str(fake.ca_file),
            username="u",
            password="p",
        )
        [got] = await fake.messages()
        assert got["tls"] is True and got["login"] == "u"
