"""Demo pages for the web chat: an index of tenants and one chat page per tenant."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.tenants.registry import Tenant

_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/webhooks/webchat/static/widget.css">
</head><body class="rapport-demo">"""


def demo_index(tenants: Iterable[Tenant]) -> str:
    items = "\n".join(
        f'<li><a href="/webhooks/webchat/demo/{escape(t.widget_key)}">{escape(t.name)}</a>'
        f" — {escape(', '.join(t.languages))}</li>"
        for t in tenants
    )
    return (
        _HEAD.format(title="Rapport demo")
        + f'<main class="index"><h1>Rapport — demo hotels</h1><ul>{items}</ul></main></body></html>'
    )


def demo_page(tenant: Tenant) -> str:
    return (
        _HEAD.format(title=escape(tenant.name) + " — feedback")
        + f"""<main class="demo"><h1>{escape(tenant.name)}</h1>
<p class="hint">Guest feedback demo. Write in English, Deutsch, Français, Español or Italiano.</p>
<section id="rapport-chat" data-widget-key="{escape(tenant.widget_key, quote=True)}"></section>
</main>
<script src="/webhooks/webchat/static/socket.io.min.js"></script>
<script src="/webhooks/webchat/static/widget.js"></script>
</body></html>"""
    )


# The invitation link's pages (bot/channels/webchat/invite.py): the chat, or a refusal
# in the hotel's language that says no more than that the link does not work.
INVITE_TEXTS = {
    "en": {
        "title": "Your feedback",
        "expired": "This feedback link has expired.",
        "invalid": "This feedback link is not valid.",
        "gone": "This feedback link no longer works.",
        "hint": "Thank you for your interest. You can still reply to our message.",
    },
    "de": {
        "title": "Ihr Feedback",
        "expired": "Dieser Feedback-Link ist abgelaufen.",
        "invalid": "Dieser Feedback-Link ist ungültig.",
        "gone": "Dieser Feedback-Link funktioniert nicht mehr.",
        "hint": "Vielen Dank für Ihr Interesse. Sie können weiterhin auf unsere Nachricht antworten.",
    },
    "fr": {
        "title": "Votre avis",
        "expired": "Ce lien d'avis a expiré.",
        "invalid": "Ce lien d'avis n'est pas valide.",
        "gone": "Ce lien d'avis ne fonctionne plus.",
        "hint": "Merci de votre intérêt. Vous pouvez toujours répondre à notre message.",
    },
    "es": {
        "title": "Su opinión",
        "expired": "Este enlace para opinar ha caducado.",
        "invalid": "Este enlace para opinar no es válido.",
        "gone": "Este enlace para opinar ya no funciona.",
        "hint": "Gracias por su interés. Puede seguir respondiendo a nuestro mensaje.",
    },
    "it": {
        "title": "La sua opinione",
        "expired": "Questo link per il feedback è scaduto.",
        "invalid": "Questo link per il feedback non è valido.",
        "gone": "Questo link per il feedback non funziona più.",
        "hint": "Grazie per il suo interesse. Può sempre rispondere al nostro messaggio.",
    },
}
# the invitation page's headers: scripts and styles from this server only (no inline
# script, no eval), the socket.io connection to this server only, never framed; the
# link is a bearer link: it must not leak through a Referer nor stay in a cache
INVITE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def _invite_head(lang: str, title: str) -> str:
    return f"""<!doctype html>
<html lang="{escape(lang, quote=True)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/webhooks/webchat/static/widget.css">
</head><body class="rapport-demo rapport-invite">"""


def invite_page(tenant: Tenant, token: str) -> str:
    """The chat for the link's guest: the hotel's name and the widget, nothing of the stay."""
    lang = tenant.default_language if tenant.default_language in INVITE_TEXTS else "en"
    return (
        _invite_head(lang, f"{tenant.name} — {INVITE_TEXTS[lang]['title']}")
        + f"""<main class="demo"><h1>{escape(tenant.name)}</h1>
<section id="rapport-chat" data-widget-key="{escape(tenant.widget_key, quote=True)}"
 data-invite="{escape(token, quote=True)}"></section>
</main>
<script src="/webhooks/webchat/static/socket.io.min.js"></script>
<script src="/webhooks/webchat/static/widget.js"></script>
</body></html>"""
    )


def invite_refused(lang: str, kind: str, hotel: str | None = None) -> str:
    """A link that does not work ("expired", "invalid", "gone"): no reason beyond that."""
    texts = INVITE_TEXTS.get(lang) or INVITE_TEXTS["en"]
    heading = f"<h1>{escape(hotel)}</h1>" if hotel else ""
    return (
        _invite_head(lang if lang in INVITE_TEXTS else "en", texts["title"])
        + f"""<main class="demo refused">{heading}<p class="rapport-refused">{escape(texts[kind])}</p>
<p class="hint">{escape(texts["hint"])}</p></main></body></html>"""
    )
