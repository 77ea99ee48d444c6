"""The webhook form parser (bot/channels/base.py: parse_form) on both encodings Mailgun
posts: URL-encoded for a mail without attachments, multipart/form-data with file parts
`attachment-1`, ... for one with attachments. Bodies are built by aiohttp's encoder (as
the stack tests post them) or written out by hand as Mailgun's documentation shows."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.base.errors import InvalidInput
from bot.channels.base import MAX_FORM_PARTS, Upload, parse_form


class _Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, chunk: bytes) -> None:
        self.data += chunk


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes, str]]) -> tuple[str, bytes]:
    """(content type, body) of a multipart/form-data post, encoded by aiohttp."""
    with aiohttp.MultipartWriter("form-data") as writer:
        for name, value in fields.items():
            writer.append(value).set_content_disposition("form-data", name=name)
        for name, filename, content, ctype in files:
            part = writer.append(content, {"Content-Type": ctype})
            part.set_content_disposition("form-data", name=name, filename=filename)
    sink = _Sink()
    asyncio.run(writer.write(sink))
    return writer.content_type, bytes(sink.data)


FIELDS = {
    "timestamp": "1772532000",
    "token": "3c8ff5e4a3f6b1e0d9c2a7b8e5f4d3c2b1a0f9e8d7c6b5a4f3",
    "signature": "0" * 64,
    "subject": "Grüße aus Zimmer 12 — 素晴らしい",
    "body-plain": "",
    "attachment-count": "2",
}
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\r\n--not-the-boundary\r\n" * 500
FILES = [
    ("attachment-1", "foto.png", PHOTO, "image/png"),
    ("attachment-2", "Rechnung ü.pdf", b"%PDF-1.7", "application/pdf"),
]


def test_urlencoded_keeps_blank_values_and_first_of_each_name():
    body = urlencode([("Body", ""), ("token", "t1"), ("token", "t2")]).encode()
    assert parse_form("application/x-www-form-urlencoded", body) == ({"Body": "", "token": "t1"}, ())


def test_multipart_gives_every_field_and_the_file_parts_without_their_content():
    ctype, body = multipart(FIELDS, FILES)
    fields, uploads = parse_form(ctype, body)
    assert fields == FIELDS  # the signature fields too, and the blank body-plain
    assert uploads == (
        Upload("attachment-1", "image/png", len(PHOTO)),
        Upload("attachment-2", "application/pdf", 8),
    )


def test_a_part_in_its_declared_charset_is_decoded():
    b = b"b0undary"
    body = (
        b'--b0undary\r\nContent-Disposition: form-data; name="body-plain"\r\n'
        b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nS\xe9jour tr\xe8s agr\xe9able\r\n"
        b'--b0undary\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc\r\n--b0undary--\r\n'
    )
    fields, uploads = parse_form("multipart/form-data; boundary=" + b.decode(), body)
    assert fields == {"body-plain": "Séjour très agréable", "token": "abc"}
    assert uploads == ()


@pytest.mark.parametrize(
    "ctype, body",
    [
        ("application/x-www-form-urlencoded", b"token=\xff\xfe"),
        ("multipart/form-data", b"--x\r\n"),  # no boundary parameter
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition form-data; name="a"\r\n\r\n1\r\n--x--',
        ),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="\xff"\r\n\r\n1\r\n--x--',
        ),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="a"\r\nContent-Type: text/plain; charset=nope\r\n'
            b"\r\n1\r\n--x--",
        ),
    ],
    ids=["urlencoded_not_utf8", "no_boundary", "header_without_colon", "header_not_utf8", "unknown_charset"],
)
def test_a_body_that_does_not_parse_is_bad_form(ctype, body):
    with pytest.raises(InvalidInput) as info:
        parse_form(ctype, body)
    assert info.value.code == "bad_form"


def test_too_many_parts_is_too_large():
    fields = {f"f{i}": "x" for i in range(MAX_FORM_PARTS + 1)}
    ctype, body = multipart(fields, [])
    with pytest.raises(InvalidInput) as info:
        parse_form(ctype, body)
    assert info.value.code == "too_large"
    ctype, body = multipart(dict(list(fields.items())[:MAX_FORM_PARTS]), [])
    assert len(parse_form(ctype, body)[0]) == MAX_FORM_PARTS


VALID_CTYPE, VALID_BODY = multipart(FIELDS, FILES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, len(VALID_BODY) - 1), st.integers(0, 255)), max_size=8),
    cut=st.integers(0, len(VALID_BODY)),
)
def test_a_damaged_multipart_body_parses_or_is_bad_form(edits, cut):
    body = bytearray(VALID_BODY)
    for index, value in edits:
        body[index] = value
    try:
        parse_form(VALID_CTYPE, bytes(body[:cut]))
    except InvalidInput as e:
        assert e.code == "bad_form"
