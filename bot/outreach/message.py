"""What an invitation says, in the stay's language: a greeting (with the guest's first
name when the hotel gave one), the journey's sentence, the questionnaire's first
question — so the guest's first reply ("4", "vier Sterne") answers it — and, when
given, the signed link to the web chat. SMS and WhatsApp add how to opt out; e-mail gets
a subject. WhatsApp's pre-approved templates get the same values as content variables.

Pure: no I/O. The scheduler (bot/outreach/scheduler.py) calls `compose` and hands the
result to the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import Catalog
from bot.tenants.registry import Tenant

KNOWN_JOURNEYS = ("pre_arrival", "in_stay", "post_stay")


@dataclass(frozen=True)
class InviteMessage:
    lang: str
    text: str  # the whole message for SMS and WhatsApp (within the 24-hour window)
    email_text: str  # the e-mail body (no STOP line)
    subject: str  # the e-mail subject
    first_question: str  # the question id the guest's first reply answers
    # WhatsApp template variables ("1": first name or "", "2": hotel, "3": link or "")
    template_variables: dict[str, str] = field(default_factory=dict)


def language_of(tenant: Tenant, stay_language: str | None) -> str:
    """The stay's language when the hotel speaks it, else the hotel's default."""
    if stay_language and stay_language in tenant.languages:
        return stay_language
    if stay_language and stay_language.split("-")[0] in tenant.languages:
        return stay_language.split("-")[0]
    return tenant.default_language


def first_question_text(catalog: Catalog, tenant: Tenant, lang: str) -> tuple[str, str]:
    question = tenant.questions[0]
    params: dict[str, str] = {"hotel": tenant.name}
    if question.scale is not None:
        params.update(low=_fmt(question.scale.low), high=_fmt(question.scale.high))
    return question.id, catalog.render(lang, f"question.{question.id}", **params)


def compose(
    catalog: Catalog,
    tenant: Tenant,
    journey: str,
    *,
    language: str | None,
    first_name: str | None = None,
    link: str | None = None,
    reminder: bool = False,
) -> InviteMessage:
    lang = language_of(tenant, language)
    hotel = tenant.name
    name = (first_name or "").strip()
    hello = (
        catalog.render(lang, "invite.hello", name=name)
        if name
        else catalog.render(lang, "invite.hello_anonymous")
    )
    key = (
        "invite.reminder"
        if reminder
        else f"invite.journey.{journey if journey in KNOWN_JOURNEYS else 'other'}"
    )
    qid, question = first_question_text(catalog, tenant, lang)
    lines = [f"{hello} {catalog.render(lang, key, hotel=hotel)}", question]
    if link:
        lines.append(catalog.render(lang, "invite.link", link=link))
    body = "\n\n".join(lines)
    return InviteMessage(
        lang=lang,
        text=f"{body}\n\n{catalog.render(lang, 'invite.stop')}",
        email_text=body,
        subject=catalog.render(lang, "invite.subject", hotel=hotel),
        first_question=qid,
        template_variables={"1": name, "2": hotel, "3": link or ""},
    )


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
