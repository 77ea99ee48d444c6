"""Recognising mail no human wrote (out-of-office notes, auto-responders, bounces,
mailing lists) and mail loops, so the bot never answers a machine.

Follows RFC 3834 (Auto-Submitted), the de-facto Precedence / X-Autoreply /
X-Auto-Response-Suppress headers (Exchange, Gmail), RFC 2369/2919 list headers, the null
Return-Path of bounces (RFC 5321) and the subjects of common clients in our languages.
Header names are matched case-insensitively. The reasons returned are stable codes that
may be logged (they carry no personal data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

LOOP_HEADER = "x-rapport-loop"
MAX_RECEIVED = 20

SYSTEM_SENDER = re.compile(
    r"(?:mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?)(?:[+\-_.][^@]*)?@",
    re.IGNORECASE,
)
REPLY_PREFIX = r"^\s*(?:(?:re|aw|sv|antw|rif|r|rv|fw|fwd|wg|tr|i)\s?:\s*)*"
AUTO_SUBJECT = re.compile(
    REPLY_PREFIX
    + r"(?:out\s+of\s+(?:the\s+)?office|automatic\s+reply|auto[-\s]?reply|autoreply|auto[-\s]?response"
    r"|abwesenheitsnotiz|abwesenheit|automatische\s+antwort|abwesend"
    r"|r[ée]ponse\s+automatique|absente?(?:\s+du\s+bureau)?|absence(?:\s+du\s+bureau)?"
    r"|respuesta\s+autom[áa]tica|fuera\s+de\s+la\s+oficina|ausente"
    r"|risposta\s+automatica|fuori\s+(?:sede|ufficio))"
    r"\s*(?:[:\-–—(\[]|$)",
    re.IGNORECASE,
)
PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
SUPPRESS = frozenset({"oof", "all", "autoreply"})


def _lower(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in items:
        out.setdefault(str(name).strip().lower(), " ".join(str(value).split()))
    return out


def is_automatic(headers: Mapping[str, str], from_address: str, *, subject: str | None = None) -> str | None:
    """Why this mail was sent by a machine ("auto_submitted", "precedence", "x_autoreply",
    "x_autorespond", "auto_response_suppress", "mailing_list", "null_return_path",
    "failed_recipients", "system_sender", "auto_subject"), or None for a person's mail.
    `subject` defaults to headers["Subject"]."""
    h = _lower(headers)
    auto_submitted = h.get("auto-submitted")
    if auto_submitted is not None and auto_submitted.split(";")[0].strip().lower() != "no":
        return "auto_submitted"
    if h.get("precedence", "").strip().lower() in PRECEDENCE:
        return "precedence"
    if "x-autoreply" in h:
        return "x_autoreply"
    if "x-autorespond" in h:
        return "x_autorespond"
    suppress = {v.strip().lower() for v in h.get("x-auto-response-suppress", "").split(",")}
    if suppress & SUPPRESS:
        return "auto_response_suppress"
    if "list-id" in h or "list-unsubscribe" in h:
        return "mailing_list"
    if "return-path" in h and h["return-path"].replace(" ", "") == "<>":
        return "null_return_path"
    if "x-failed-recipients" in h:
        return "failed_recipients"
    if SYSTEM_SENDER.match(from_address or ""):
        return "system_sender"
    if AUTO_SUBJECT.match(subject if subject is not None else h.get("subject", "")):
        return "auto_subject"
    return None


def is_loop(
    headers: Mapping[str, str] | Iterable[tuple[str, str]], our_marker: str, *, received_count: int = 0
) -> bool:
    """True when the mail carries our own `X-Rapport-Loop: <our_marker>` (we are reading
    our own reply) or has passed more than MAX_RECEIVED relays. Received headers are
    counted from `headers` when it is a list of (name, value) pairs, else taken from
    `received_count` (InboundEmail.received_count)."""
    if not our_marker:
        raise ValueError("our_marker must not be empty")
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    received = max(received_count, sum(1 for n, _ in pairs if str(n).strip().lower() == "received"))
    if received > MAX_RECEIVED:
        return True
    return any(str(n).strip().lower() == LOOP_HEADER and our_marker in str(v).split() for n, v in pairs)
