"""Inbound email as a typed value, and raw MIME (from the SMTP receiver) parsed into it.

`text` is the guest's NEW text only: quoted history ("On ... wrote:", "Am ... schrieb",
"Le ... a écrit", "El ... escribió", "Il ... ha scritto", Outlook "From:/Sent:" blocks,
"> " lines) and signatures ("-- ", "Sent from my ...") are stripped with
`mail-parser-reply`, plus a small fallback of our own for what it misses. When a message
has no text/plain part, its HTML is converted to text with the stdlib `html.parser`
(blockquotes, i.e. quoted history, dropped).

Attachments are counted, their content types noted and their size estimated from the
encoded payload; they are never decoded or stored. Parsing a large message takes up to
about a second of CPU: the channel calls `parse_mime` / `parse_mailgun_form` off the
event loop (`asyncio.to_thread`).
Personal data: `from_address`, `subject` and `text` are never logged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from mailparser_reply import EmailMessage as ReplyParser

from bot.base.errors import InvalidInput
from bot.inbox.text import clean_text
from bot.language.priors import valid_hint

MAX_BYTES = 10_000_000
MAX_TEXT_CHARS = 100_000  # a text part beyond this is cut before reply parsing (regex cost)
LANGUAGES = ("en", "de", "fr", "es", "it")
# Headers kept on InboundEmail.headers (lower-case names): what autoreply/loop checks need.
KEPT_HEADERS = frozenset(
    {
        "auto-submitted",
        "precedence",
        "x-autoreply",
        "x-autorespond",
        "x-auto-response-suppress",
        "list-id",
        "list-unsubscribe",
        "return-path",
        "x-failed-recipients",
        "x-rapport-loop",
        # the guest's language, a weak prior (bot/language/priors.py): language_hint()
        "content-language",
        "accept-language",
    }
)
MESSAGE_ID = re.compile(r"<[^<>\s]{1,500}>")
ADDRESS = re.compile(r'[^\s@<>()\[\],;:"\\]{1,64}@[^\s@<>()\[\],;:"\\]{1,253}\.[^\s@<>()\[\],;:"\\.]{2,63}')
# Attribution lines mail-parser-reply misses (e.g. Spanish with a single space before
# "escribió", or a Gmail line wrapped after the address).
ATTRIBUTION = re.compile(
    r"^(?:> ?)*(?:On\s.{1,300}?\swrote:|Am\s.{1,300}?\sschrieb\s?.{0,300}?:|Le\s.{1,300}?\sa\sécrit\s?:"
    r"|El\s.{1,300}?\sescribió:|Il\s.{1,300}?\sha\sscritto:|-{3,}\s?(?:Original Message|Ursprüngliche "
    r"Nachricht|Message d'origine|Mensaje original|Messaggio originale)\s?-{3,})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
SIGNATURE_SEPARATOR = re.compile(r"^-- ?$", re.MULTILINE)
WHITESPACE = re.compile(r"\s+")
LONG_LINE = re.compile(r"^[^\n]{400,}$", re.MULTILINE)
PLACEHOLDER = re.compile(r"\ue000([0-9]+)\ue001")


@dataclass(frozen=True)
class InboundEmail:
    message_id: str  # "<...@...>"; synthetic "<sha256@rapport.invalid>" when the mail had none
    in_reply_to: str | None
    references: tuple[str, ...]
    from_address: str  # lower-cased bare address (personal data: never logged)
    to_address: str  # lower-cased bare address: the hotel's inbox
    subject: str
    text: str  # the new text only; "" when there is none
    headers: dict[str, str] = field(default_factory=dict)  # KEPT_HEADERS, lower-case names
    attachment_count: int = 0
    attachment_types: tuple[str, ...] = ()  # their content types (lower case)
    attachment_bytes: int = 0  # estimated decoded size of all attachments
    received_count: int = 0  # number of Received headers (loop detection)


def language_hint(headers: dict[str, str]) -> str | None:
    """The mail's Content-Language, else its Accept-Language ("fr-CH, fr;q=0.9"), when
    it is a well-formed language list of at most 100 characters; else None."""
    for name in ("content-language", "accept-language"):
        value = valid_hint(" ".join((headers.get(name) or "").split()))
        if value is not None:
            return value
    return None


def normalise_address(raw: str | None) -> str:
    """The single address in `raw` ('Guest <Guest@Example.com>'), lower-cased, or
    InvalidInput("bad_address")."""
    if not isinstance(raw, str) or not raw.strip() or "\n" in raw or "\r" in raw:
        raise InvalidInput("bad_address", "missing")
    if len([a for _, a in getaddresses([raw]) if a]) != 1:
        raise InvalidInput("bad_address", "expected exactly one address")
    _, address = parseaddr(raw)
    if not ADDRESS.fullmatch(address) or len(address) > 254:
        raise InvalidInput("bad_address", "not an email address")
    return address.lower()


def message_ids(raw: str | None) -> tuple[str, ...]:
    """Every "<id>" in a Message-ID / In-Reply-To / References value, in order."""
    return tuple(MESSAGE_ID.findall(raw or ""))


def synthetic_message_id(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part)
        digest.update(b"\0")
    return f"<{digest.hexdigest()}@rapport.invalid>"


class _HtmlText(HTMLParser):
    # Newlines a tag asks for around it: 1 ends a line, 2 leaves a blank line. Requests
    # do not add up (</div><div> is one line break), except consecutive <br>s.
    BREAKS = {"div": 1, "li": 1, "tr": 1, "dt": 1, "dd": 1, "p": 2, "ul": 2, "ol": 2, "table": 2}
    BREAKS |= {"h1": 2, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2, "hr": 2, "pre": 2}
    SKIP = frozenset({"script", "style", "head", "title", "blockquote", "template"})
    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []
        self.pending = 0

    def _break(self, n: int) -> None:
        if self.out:
            self.pending = max(self.pending, n)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag not in self.VOID:
                self.skipping.append(tag)
        elif tag in self.SKIP:
            self.skipping.append(tag)
        elif tag == "br":
            self.pending = min(self.pending + 1, 2) if self.out else 0
        elif tag in self.BREAKS:
            self._break(self.BREAKS[tag])

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:
                while self.skipping and self.skipping.pop() != tag:
                    pass
        elif tag in self.BREAKS:
            self._break(self.BREAKS[tag])

    def handle_data(self, data: str) -> None:
        if self.skipping or (not data.strip() and (self.pending or not self.out)):
            return
        if self.pending:
            self.out.append("\n" * self.pending)
            self.pending = 0
        self.out.append(WHITESPACE.sub(" ", data))  # HTML collapses source whitespace


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: tags removed, entities decoded, blocks on their own
    lines, script/style/head and blockquotes (quoted history) dropped."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def new_text(text: str) -> str:
    """The newest reply in a plain-text body: quoted history and signature removed."""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))[:MAX_TEXT_CHARS]
    text = text.replace("\ue000", "").replace("\ue001", "")  # our placeholder brackets
    if not text.strip():
        return ""
    # The library's patterns are quadratic in a line's length, and attribution lines are
    # short: long lines (a decoded paragraph) go to it as placeholders, restored after.
    long_lines: list[str] = []

    def park(match: re.Match[str]) -> str:
        long_lines.append(match.group())
        return f"\ue000{len(long_lines) - 1}\ue001"

    skeleton = LONG_LINE.sub(park, text)
    parsed = ReplyParser(text=skeleton, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    first = parsed.replies[0] if parsed.replies else None
    if first is None or first.headers:  # the body starts with quoted history: nothing new
        return ""
    body = PLACEHOLDER.sub(lambda m: long_lines[int(m.group(1))], first.body or first.full_body)
    match = ATTRIBUTION.search(body)
    if match:
        body = body[: match.start()]
    match = SIGNATURE_SEPARATOR.search(body)
    if match:
        body = body[: match.start()]
    lines = [line for line in body.split("\n") if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decoded_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, AssertionError):
        pass
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", errors="replace")


def _encoded_size(part: Message) -> int:
    payload = part.get_payload(decode=False)
    if not isinstance(payload, str):
        return 0
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
        data = "".join(payload.split())
        return len(data) * 3 // 4 - len(data) + len(data.rstrip("="))
    return len(payload)


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):  # a header the policy cannot parse
        value = None
    if value is None:
        return ""
    return " ".join(str(value).split())


def _body_parts(msg: Message) -> tuple[Message | None, Message | None, list[str], int]:
    plain = html = None
    types: list[str] = []
    size = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        ctype = part.get_content_type()
        if disposition == "attachment" or part.get_filename() or part.get_content_maintype() != "text":
            types.append(ctype)
            size += _encoded_size(part)
        elif ctype == "text/plain" and plain is None:
            plain = part
        elif ctype == "text/html" and html is None:
            html = part
    return plain, html, types, size


def parse_mime(raw: bytes, *, max_bytes: int = MAX_BYTES) -> InboundEmail:
    """A raw RFC 5322 message -> InboundEmail, or InvalidInput: "too_large" (over
    `max_bytes`), "unparseable_email" (not a message, or no usable From/To)."""
    if not isinstance(raw, bytes | bytearray):
        raise InvalidInput("unparseable_email", "expected bytes")
    if len(raw) > max_bytes:
        raise InvalidInput("too_large", f"message over {max_bytes} bytes")
    msg = message_from_bytes(bytes(raw), policy=policy.default)
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise InvalidInput("unparseable_email", "no headers")
    try:
        from_address = normalise_address(_header(msg, "From"))
        to_address = normalise_address(_first_address(_header(msg, "Delivered-To") or _header(msg, "To")))
    except InvalidInput as exc:
        raise InvalidInput("unparseable_email", exc.detail) from None
    plain, html, types, size = _body_parts(msg)
    if plain is not None:
        text = new_text(_decoded_text(plain))
    elif html is not None:
        text = new_text(html_to_text(_decoded_text(html)))
    else:
        text = ""
    ids = message_ids(_header(msg, "Message-ID"))
    in_reply_to = message_ids(_header(msg, "In-Reply-To"))
    headers = {name: _header(msg, name) for name in KEPT_HEADERS if msg.get(name) is not None}
    return InboundEmail(
        message_id=ids[0] if ids else synthetic_message_id(raw),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=message_ids(_header(msg, "References")),
        from_address=from_address,
        to_address=to_address,
        subject=_header(msg, "Subject"),
        text=text,
        headers=headers,
        attachment_count=len(types),
        attachment_types=tuple(types),
        attachment_bytes=size,
        received_count=len(msg.get_all("Received") or []),
    )


def _first_address(raw: str) -> str:
    """The first address of a To list (a guest may write to the hotel and cc others)."""
    addresses = [a for _, a in getaddresses([raw]) if a]
    return addresses[0] if addresses else ""
