"""Building the mails we send.

- `build_reply`: to a guest (the bot's, staff's or the system's words), threaded,
  multipart text + HTML, UTF-8, marked as automatic (RFC 3834 `Auto-Submitted:
  auto-replied`) and with our loop marker (`LOOP_MARKER`, also what the inbound side
  recognises), so that other robots do not answer it and we recognise it if it ever
  comes back.
- `build_notice`: to staff or an admin, plain text, `Auto-Submitted: auto-generated`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, make_msgid

from bot.channels.email.message import MESSAGE_ID

LOOP_MARKER = "rapport"  # X-Rapport-Loop of every mail we send
MAX_REFERENCES = 20
REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|rif|r|rv|réf)\s?(?:\[\d+\])?\s?:\s*)+", re.IGNORECASE)


def reply_subject(subject: str) -> str:
    """'Re: ' + `subject` without stacking reply prefixes ("Re: AW: x" -> "Re: x")."""
    rest = REPLY_PREFIX.sub("", " ".join((subject or "").split()))
    return f"Re: {rest}" if rest else "Re:"


def text_to_html(text: str) -> str:
    """An HTML document of `text`: escaped, blank-line paragraphs as <p>, lines as <br>."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")) if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.split("\n")) + "</p>" for p in paragraphs
    )
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{body}\n</body></html>\n'


def thread_references(references: Sequence[str], in_reply_to: str | None) -> list[str]:
    """`references` + `in_reply_to`: well-formed ids only, deduplicated (first kept), the
    last MAX_REFERENCES."""
    seen: dict[str, None] = {}
    for ref in [*references, *([in_reply_to] if in_reply_to else [])]:
        for mid in MESSAGE_ID.findall(ref or ""):
            seen.setdefault(mid, None)
    return list(seen)[-MAX_REFERENCES:]


def _one_line(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or "\r" in value or "\n" in value:
        raise ValueError(f"{name} must be a single non-empty line")
    return value.strip()


def build_reply(
    *,
    from_address: str,
    to_address: str,
    subject: str,
    text: str,
    html_text: str | None,
    in_reply_to: str | None,
    references: Sequence[str],
    domain: str,
    loop_marker: str,
    date: datetime | None = None,
) -> EmailMessage:
    """A reply ready for the SMTP sender. `html_text` is a ready HTML body from our own
    templates; None builds it from `text`. `date` (aware) defaults to now."""
    msg = EmailMessage()
    msg["From"] = _one_line(from_address, "from_address")
    msg["To"] = _one_line(to_address, "to_address")
    msg["Subject"] = reply_subject(subject)
    msg["Date"] = format_datetime(date) if date is not None else formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=_one_line(domain, "domain"))
    parent = MESSAGE_ID.findall(in_reply_to or "")
    if parent:
        msg["In-Reply-To"] = parent[0]
    refs = thread_references(references, parent[0] if parent else None)
    if refs:
        msg["References"] = " ".join(refs)
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"  # asks Exchange not to answer us with an OOF
    msg["X-Rapport-Loop"] = _one_line(loop_marker, "loop_marker")
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(
        html_text if html_text is not None else text_to_html(text),
        subtype="html",
        charset="utf-8",
        cte="quoted-printable",
    )
    return msg


def build_notice(*, from_address: str, to_address: str, subject: str, text: str) -> EmailMessage:
    """A notice to staff: plain text, auto-generated (RFC 3834: no auto-replies to it),
    its Message-ID in the sender's domain."""
    msg = EmailMessage()
    msg["From"] = from_address
    msg["To"] = to_address
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=from_address.split("@", 1)[1])
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    return msg
