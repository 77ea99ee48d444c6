"""The console's HTML pages. Every value put into a page is escaped; pages hold no
inline script or style (the CSP forbids both): behaviour is in static/*.js, which
reads what it needs from data- attributes and <meta> tags."""

from __future__ import annotations

from html import escape

LOGIN_ERROR = "invalid username or password"
TOO_MANY = "too many failed logins from this address; try again in a few minutes"


def _page(title: str, body: str, *, script: str, meta: str = "") -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta}<title>{escape(title)} · Rapport console</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/{escape(script)}" defer></script>
</head>
<body>
{body}
</body>
</html>
"""


def login_page(login_csrf: str, error: str | None = None) -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = f"""<main class="login">
<h1>Rapport console</h1>
{message}<form id="login" method="post" action="/login">
<input type="hidden" name="csrf" value="{escape(login_csrf)}">
<label>Username <input name="username" autocomplete="username" required maxlength="64"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required
 maxlength="1024"></label>
<button type="submit">Log in</button>
<p class="error" id="login-error" role="alert" hidden></p>
</form>
</main>"""
    return _page("Log in", body, script="login.js")


def tenant_list_page(username: str, csrf: str, tenants: list[tuple[str, str, str]]) -> str:
    """`tenants`: (id, display name, role) of the tenants the staff member may open."""
    items = "\n".join(
        f'<li><a href="/t/{escape(tid)}/">{escape(name)}</a> <span class="role">{escape(role)}</span></li>'
        for tid, name, role in tenants
    )
    body = f"""<header><span>{escape(username)}</span>{_logout(csrf)}</header>
<main><h1>Your hotels</h1><ul class="tenants">{items or "<li>No hotel yet.</li>"}</ul></main>"""
    return _page("Hotels", body, script="shell.js", meta=_csrf_meta(csrf))


def shell_page(*, tenant_id: str, tenant_name: str, username: str, role: str, csrf: str) -> str:
    body = f"""<header>
<strong>{escape(tenant_name)}</strong>
<span class="who">{escape(username)} <span class="role">{escape(role)}</span></span>
<span id="live-status" class="live-status" data-state="connecting">connecting…</span>
{_logout(csrf)}
</header>
<main id="console" data-tenant="{escape(tenant_id)}" data-role="{escape(role)}">
<section id="inbox" aria-live="polite"><h1>Inbox</h1><p class="empty">No conversations yet.</p></section>
<section id="events"><h2>Live events</h2><ol id="event-log"></ol></section>
</main>"""
    return _page(tenant_name, body, script="shell.js", meta=_csrf_meta(csrf))


def _csrf_meta(csrf: str) -> str:
    return f'<meta name="csrf-token" content="{escape(csrf)}">\n'


def _logout(csrf: str) -> str:
    return f"""<form id="logout" method="post" action="/logout">
<input type="hidden" name="csrf" value="{escape(csrf)}"><button type="submit">Log out</button></form>"""
