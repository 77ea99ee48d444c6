"""Raw MIME as the SMTP receiver gets it -> InboundEmail. Fixtures are written the way
real clients send them (Gmail, Outlook, Apple Mail, Japanese webmail), inline."""

from __future__ import annotations

import base64
import email.message
import quopri
import time

import pytest

from bot.base.errors import InvalidInput
from bot.channels.email.message import html_to_text, new_text, normalise_address, parse_mime

HEAD = (
    "Return-Path: <guest@example.com>\r\n"
    "Received: from mail.example.com by mx.hotel-aurora.example; Tue, 3 Mar 2026 10:05:00 +0000\r\n"
    "From: {sender}\r\n"
    "To: Hotel Aurora <feedback@hotel-aurora.example>\r\n"
    "Subject: {subject}\r\n"
    "Date: Tue, 3 Mar 2026 10:05:00 +0100\r\n"
    "Message-ID: <20260303100500.1@mail.example.com>\r\n"
    "In-Reply-To: <rapport.1.2@hotel-aurora.example>\r\n"
    "References: <rapport.1.1@hotel-aurora.example>\r\n <rapport.1.2@hotel-aurora.example>\r\n"
    "MIME-Version: 1.0\r\n"
)


def plain(body: bytes, *, charset: str, cte: str, sender: str = "Guest <guest@example.com>") -> bytes:
    head = HEAD.format(sender=sender, subject="Re: Your stay")
    return (
        head + f'Content-Type: text/plain; charset="{charset}"\r\nContent-Transfer-Encoding: {cte}\r\n\r\n'
    ).encode("ascii") + body


def qp(text: str, charset: str) -> bytes:
    return quopri.encodestring(text.encode(charset))


def b64(text: str, charset: str) -> bytes:
    return base64.encodebytes(text.encode(charset))


SJIS = "部屋はとても清潔でした。朝食も美味しかったです。"
EIGHT_BIT = str.encode
CHARSETS = [
    # id, text, declared charset, Content-Transfer-Encoding, codec, encoder
    ("iso_8859_1_8bit", "Très bien, merci ! À bientôt", "iso-8859-1", "8bit", "iso-8859-1", EIGHT_BIT),
    ("iso_8859_1_qp", "Das Frühstück war großartig.", "ISO-8859-1", "quoted-printable", "iso-8859-1", qp),
    ("shift_jis_base64", SJIS, "Shift_JIS", "base64", "shift_jis", b64),
    ("shift_jis_8bit", SJIS, "shift_jis", "8bit", "shift_jis", EIGHT_BIT),
    ("windows_1252", "The “view” was great – 10€ well spent", "windows-1252", "8bit", "cp1252", EIGHT_BIT),
    ("utf8_base64", "¡Muy bien! 😀", "utf-8", "base64", "utf-8", b64),
    ("utf8_qp", "Camera splendida, però rumorosa.", "utf-8", "quoted-printable", "utf-8", qp),
    ("unknown_charset", "Room was fine", "x-unknown-8bit", "7bit", "ascii", EIGHT_BIT),
]


@pytest.mark.parametrize(
    "text,charset,cte,codec,encode", [c[1:] for c in CHARSETS], ids=[c[0] for c in CHARSETS]
)
def test_charsets(text, charset, cte, codec, encode):
    assert parse_mime(plain(encode(text, codec), charset=charset, cte=cte)).text == text


def test_headers_and_threading():
    mail = parse_mime(
        plain(b"Fine", charset="us-ascii", cte="7bit", sender='"Guest, A." <Guest@Example.COM>')
    )
    assert mail.message_id == "<20260303100500.1@mail.example.com>"
    assert mail.in_reply_to == "<rapport.1.2@hotel-aurora.example>"
    assert mail.references == ("<rapport.1.1@hotel-aurora.example>", "<rapport.1.2@hotel-aurora.example>")
    assert mail.from_address == "guest@example.com"
    assert mail.to_address == "feedback@hotel-aurora.example"
    assert mail.subject == "Re: Your stay"
    assert mail.headers == {"return-path": "<guest@example.com>"}
    assert mail.received_count == 1
    assert mail.attachment_count == 0


def test_encoded_subject_and_sender_name():
    head = HEAD.format(
        sender="=?iso-8859-1?q?J=FCrgen_M=FCller?= <juergen@example.de>",
        subject="=?utf-8?b?UmU6IElociBBdWZlbnRoYWx0IGluIE3DvG5jaGVu?=",
    )
    raw = (head + "Content-Type: text/plain; charset=utf-8\r\n\r\nGut").encode()
    mail = parse_mime(raw)
    assert (mail.subject, mail.from_address, mail.text) == (
        "Re: Ihr Aufenthalt in München",
        "juergen@example.de",
        "Gut",
    )


HTML_ONLY = (
    HEAD.format(sender="Guest <guest@example.com>", subject="Re: Your stay")
    + 'Content-Type: text/html; charset="UTF-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
).encode() + qp(
    "<html><head><style>p{color:red}</style><title>x</title></head><body>"
    '<div dir="ltr"><p>The spa was <b>excellent</b> &amp; the staff friendly.</p>'
    "<p>Room 12 was noisy.<br>5/10 for sleep.</p><script>alert(1)</script></div>"
    '<div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Mar 2026 at 10:00, Hotel Aurora '
    "&lt;feedback@hotel-aurora.example&gt; wrote:<br></div>"
    "<blockquote>How was your stay?</blockquote></div></body></html>",
    "utf-8",
)


def test_html_only():
    assert parse_mime(HTML_ONLY).text == (
        "The spa was excellent & the staff friendly.\n\nRoom 12 was noisy.\n5/10 for sleep."
    )


def alternative(text: str, html: str) -> bytes:
    head = HEAD.format(sender="Guest <guest@example.com>", subject="Re: Your stay")
    return (
        head + 'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--b1--\r\n"
    ).encode()


def test_plain_part_preferred_over_html():
    assert parse_mime(alternative("plain words", "<p>html words</p>")).text == "plain words"


QUOTED_CHAINS = [
    (
        "en",
        "The room was lovely, 5 stars.\r\n\r\n"
        "On Mon, 3 Mar 2026 at 10:00, Hotel Aurora <feedback@hotel-aurora.example> wrote:\r\n"
        "> How was your stay?\r\n>\r\n"
        "> On Sun, 2 Mar 2026 at 09:00, Guest <guest@example.com> wrote:\r\n"
        ">> Can I check in early?\r\n>>\r\n"
        ">> On Sat, 1 Mar 2026 at 08:00, Hotel Aurora <feedback@hotel-aurora.example> wrote:\r\n"
        ">>> Welcome!\r\n",
        "The room was lovely, 5 stars.",
    ),
    (
        "de",
        "Das Zimmer war sehr schön.\r\nDas Frühstück auch.\r\n\r\n"
        "Am Mo., 3. März 2026 um 10:00 schrieb Hotel <x@y.example>:\r\n"
        "> Wie war Ihr Aufenthalt?\r\n>\r\n"
        "> Am So., 2. März 2026 um 09:00 schrieb Gast <guest@example.com>:\r\n"
        ">> Kann ich früher einchecken?\r\n",
        "Das Zimmer war sehr schön.\nDas Frühstück auch.",
    ),
    (
        "fr",
        "La chambre était parfaite.\r\n\r\n"
        "Le lun. 3 mars 2026 à 10:00, Hôtel Aurora <feedback@hotel-aurora.example> a écrit :\r\n"
        "> Comment s'est passé votre séjour ?\r\n>\r\n"
        "> Le dim. 2 mars 2026 à 09:00, Client <guest@example.com> a écrit :\r\n"
        ">> Puis-je arriver plus tôt ?\r\n",
        "La chambre était parfaite.",
    ),
    (
        "es",
        "La habitación estaba muy limpia.\r\n\r\n"
        "El lun, 3 mar 2026 a las 10:00, Hotel Aurora (<feedback@hotel-aurora.example>) escribió:\r\n"
        "> ¿Qué tal su estancia?\r\n>\r\n"
        "> El dom, 2 mar 2026 a las 9:00, Cliente (<guest@example.com>) escribió:\r\n"
        ">> ¿Puedo llegar antes?\r\n",
        "La habitación estaba muy limpia.",
    ),
    (
        "it",
        "La camera era splendida.\r\n\r\n"
        "Il giorno lun 3 mar 2026 alle ore 10:00 Hotel Aurora <feedback@hotel-aurora.example> ha scritto:\r\n"
        "> Com'è andato il soggiorno?\r\n>\r\n"
        "> Il giorno dom 2 mar 2026 alle ore 09:00 Ospite <guest@example.com> ha scritto:\r\n"
        ">> Posso arrivare prima?\r\n",
        "La camera era splendida.",
    ),
    (
        "outlook_de",
        "Sehr gut, danke.\r\n\r\n"
        "________________________________\r\n"
        "Von: Hotel Aurora <feedback@hotel-aurora.example>\r\n"
        "Gesendet: Montag, 3. März 2026 10:00\r\n"
        "An: Gast <guest@example.com>\r\n"
        "Betreff: Ihr Aufenthalt\r\n\r\nWie war es?\r\n",
        "Sehr gut, danke.",
    ),
    (
        "signature_dash_dash",
        "Great breakfast!\r\n- eggs\r\n- coffee\r\n\r\n-- \r\nAnna Müller\r\nMünchen\r\n",
        "Great breakfast!\n- eggs\n- coffee",
    ),
    ("sent_from_phone", "All fine.\r\n\r\nSent from my iPhone\r\n", "All fine."),
    (
        "nothing_new",
        "On Mon, 3 Mar 2026 at 10:00, Hotel <x@y.example> wrote:\r\n> How was it?\r\n",
        "",
    ),
]


@pytest.mark.parametrize("body,text", [q[1:] for q in QUOTED_CHAINS], ids=[q[0] for q in QUOTED_CHAINS])
def test_quoted_history_and_signatures_stripped(body, text):
    assert parse_mime(plain(body.encode(), charset="utf-8", cte="8bit")).text == text


def with_attachment(size: int) -> bytes:
    head = HEAD.format(sender="Guest <guest@example.com>", subject="Invoice question")
    data = base64.encodebytes(b"%PDF-1.7\n" + b"\x00" * (size - 9)).decode()
    return (
        head + 'Content-Type: multipart/mixed; boundary="m1"\r\n\r\n'
        "--m1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease see the invoice.\r\n"
        '--m1\r\nContent-Type: application/pdf; name="invoice.pdf"\r\n'
        'Content-Disposition: attachment; filename="invoice.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + data + "--m1--\r\n"
    ).encode()


def test_large_attachment_counted_not_decoded(monkeypatch):
    decoded: list[str] = []
    original = email.message.Message.get_payload

    def spy(self, i=None, decode=False):
        if decode:
            decoded.append(self.get_content_type())
        return original(self, i, decode)

    monkeypatch.setattr(email.message.Message, "get_payload", spy)
    mail = parse_mime(with_attachment(5_000_000))
    assert mail.text == "Please see the invoice."
    assert mail.attachment_count == 1
    assert mail.attachment_types == ("application/pdf",)
    assert 4_900_000 < mail.attachment_bytes <= 5_000_000
    assert "application/pdf" not in decoded


@pytest.mark.parametrize(
    "raw,max_bytes,code",
    [
        (with_attachment(2_000), 1_000, "too_large"),
        (b"", 1_000, "unparseable_email"),
        (b"just some bytes, no headers", 1_000, "unparseable_email"),
        (plain(b"x", charset="utf-8", cte="7bit", sender="Guest"), 10_000, "unparseable_email"),
        ((HEAD.format(sender="guest@example.com", subject="s").replace("To: ", "X-To: ") + "\r\nx").encode(),
         10_000, "unparseable_email"),
    ],
    ids=["too_large", "empty", "no_headers", "from_without_address", "no_recipient"],
)  # fmt: skip
def test_parse_mime_rejects(raw, max_bytes, code):
    with pytest.raises(InvalidInput) as info:
        parse_mime(raw, max_bytes=max_bytes)
    assert info.value.code == code


def test_missing_message_id_gets_stable_synthetic_one():
    raw = plain(b"Fine", charset="utf-8", cte="7bit").replace(b"Message-ID:", b"X-Old-ID:")
    assert parse_mime(raw).message_id == parse_mime(raw).message_id
    assert parse_mime(raw).message_id.endswith("@rapport.invalid>")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Anna <Anna@Example.DE>", "anna@example.de"),
        ("anna@example.de", "anna@example.de"),
        ("anna", None),
        ("anna@localhost", None),
        ("a@example.de, b@example.de", None),
        ("", None),
        ("anna@example.de\nBcc: x@example.de", None),
    ],
)
def test_normalise_address(raw, expected):
    if expected is None:
        with pytest.raises(InvalidInput):
            normalise_address(raw)
    else:
        assert normalise_address(raw) == expected


def test_html_to_text_entities_and_lists():
    assert html_to_text("<ul><li>Caf&eacute;</li><li>Spa &lt;3</li></ul>") == "Café\nSpa <3"


def test_hyphen_lists_are_not_taken_for_signatures():
    assert new_text("Two things:\n- the bed\n- the shower") == "Two things:\n- the bed\n- the shower"


def test_long_lines_survive_and_quotes_after_them_are_cut():
    paragraph = "Das Zimmer war sehr schön und ruhig. " * 40  # one 1,480-character line
    body = paragraph + "\n\nAm Mo., 3. März 2026 um 10:00 schrieb Hotel <x@y.example>:\n> Wie war es?\n"
    assert new_text(body) == paragraph.strip()


@pytest.mark.parametrize(
    "body",
    ["On " * 60_000, "Am " * 60_000 + "schrieb", ("From: a\nSent: b\nTo: c\n") * 5_000, "> " * 60_000],
    ids=["on_on_on", "am_am_am", "outlook_headers", "quote_marks"],
)
def test_pathological_bodies_finish_quickly(body):
    started = time.perf_counter()
    new_text(body)
    assert time.perf_counter() - started < 3
