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
