"""The console's HTML pages. Every value put into a page is escaped; pages hold no
inline script or style (the CSP forbids both): behaviour is in static/*.js, which
reads what it needs from data- attributes and <meta> tags."""

from __future__ import annotations

from html import escape

from bot.base.states import DsrStatus
from bot.handover.store import MAX_STAFF_TEXT

LOGIN_ERROR = "invalid username or password"
TOO_MANY = "too many login attempts; try again in a few minutes"
VIEWS = (("waiting", "Waiting"), ("mine", "Mine"), ("all", "All"), ("resolved", "Resolved"))
MAX_TEXT = MAX_STAFF_TEXT
DSR_STATUSES = (
    ("", "All"),
    (DsrStatus.RECEIVED, "Received"),
    (DsrStatus.PENDING, "Verification pending"),
    (DsrStatus.VERIFIED, "Verified"),
    (DsrStatus.AWAITING, "Awaiting approval"),
    (DsrStatus.DONE, "Done"),
    (DsrStatus.REJECTED, "Rejected"),
)
_COUNT = ' <span class="count" id="waiting-count"></span>'


def _page(title: str, body: str, *, script: str, meta: str = "", more: tuple[str, ...] = ()) -> str:
    """dom.js (what every page script shares), `script`, then each of `more` (static/),
    deferred: they run in this order."""
    extra = "".join(f'<script src="/static/{escape(name)}" defer></script>\n' for name in more)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta}<title>{escape(title)} · Rapport console</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/dom.js" defer></script>
<script src="/static/{escape(script)}" defer></script>
{extra}</head>
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


def shell_page(
    *, tenant_id: str, tenant_name: str, username: str, role: str, csrf: str, on_duty: bool = False
) -> str:
    """The inbox and the conversation view. static/shell.js fills both from the JSON
    API (as text, never HTML) and keeps them live over the websocket. The header holds
    the staff member's on/off-duty switch (`POST /api/me/duty`)."""
    tabs = "".join(
        f'<button type="button" role="tab" id="tab-{view}" data-view="{view}" aria-controls="inbox-panel"'
        f' aria-selected="{"true" if view == "waiting" else "false"}"'
        f' tabindex="{"0" if view == "waiting" else "-1"}">{label}'
        f"{_COUNT if view == 'waiting' else ''}</button>"
        for view, label in VIEWS
    )
    body = f"""<header>
<strong>{escape(tenant_name)}</strong>
<span class="who">{escape(username)} <span class="role">{escape(role)}</span></span>
{_duty_switch(on_duty)}
<span id="live-status" class="live-status" data-state="connecting" role="status">connecting…</span>
{_digest_switch() if role == "admin" else ""}{_admin_nav() if role == "admin" else ""}{_logout(csrf)}
</header>
<main id="console" data-tenant="{escape(tenant_id)}" data-role="{escape(role)}" data-open="">
<section id="inbox" aria-labelledby="inbox-title">
<h1 id="inbox-title">Inbox</h1>
<div role="tablist" aria-label="Conversations" id="inbox-tabs">{tabs}</div>
<p id="inbox-error" class="error" role="alert" hidden></p>
<div id="inbox-panel" role="tabpanel" aria-labelledby="tab-waiting">
<ul id="inbox-list" class="inbox-list" aria-busy="true"></ul>
<p id="inbox-empty" class="empty" hidden>No conversations here.</p>
</div>
</section>
<section id="conversation" aria-labelledby="conversation-title" hidden>
<p class="back"><a href="#" id="back-to-inbox">← Inbox</a></p>
<h2 id="conversation-title" tabindex="-1">Conversation</h2>
<dl id="conversation-facts" class="facts"></dl>
<div class="actions">
<button type="button" id="take">Take over</button>
<button type="button" id="hand-back">Hand back to the bot</button>
<span class="resolve">
<button type="button" id="resolve">Resolve</button>
<label><input type="checkbox" id="ask-satisfaction" checked> Ask the guest about the handling</label>
</span>
</div>
<p id="assignment" class="hint"></p>
<p id="conversation-error" class="error" role="alert" hidden></p>
<h3 id="transcript-title">Transcript</h3>
<ol id="transcript" class="transcript" aria-labelledby="transcript-title" aria-live="polite"
 aria-relevant="additions" tabindex="0"></ol>
<form id="reply-form" class="compose">
<label for="reply-text">Reply to the guest</label>
<textarea id="reply-text" name="text" rows="3" maxlength="{MAX_TEXT}" required
 aria-describedby="reply-help reply-count"></textarea>
<p class="help"><span id="reply-help">Enter sends, Shift+Enter starts a new line.</span>
<span id="reply-count" class="counter">0 / {MAX_TEXT}</span></p>
<details id="canned">
<summary>Canned replies</summary>
<ul id="canned-list" class="canned"></ul>
</details>
<button type="submit" id="reply-send">Send reply</button>
</form>
<form id="note-form" class="compose note">
<label for="note-text">Private note (staff only, never sent to the guest)</label>
<textarea id="note-text" name="text" rows="2" maxlength="{MAX_TEXT}" required
 aria-describedby="note-help"></textarea>
<p class="help"><span id="note-help">Enter adds the note, Shift+Enter starts a new line.</span></p>
<button type="submit" id="note-add">Add note</button>
</form>
</section>
{_requests_section() if role == "admin" else ""}</main>"""
    # journeys.js: the Journeys view (outreach policy, previews, send log), which shell.js routes to
    # digest.js: an admin's weekly-digest switch (GET/POST /api/me/digest)
    more = ("journeys.js", "digest.js") if role == "admin" else ("journeys.js",)
    return _page(tenant_name, body, script="shell.js", meta=_csrf_meta(csrf), more=more)


def _digest_switch() -> str:
    """Admins: the weekly digest e-mail of this hotel, for themselves (bot/jobs/digest.py).
    static/digest.js reads the state and toggles it through the API."""
    return """<span class="duty digest">
<button type="button" id="digest-switch" class="switch" role="switch" aria-checked="false"
 aria-describedby="digest-help" data-state="off" disabled>Weekly digest
<span class="switch-state" aria-hidden="true">off</span></button>
<span id="digest-help" hidden>Every Monday at 08:00 (hotel time): last week's figures and topics
by e-mail to your account's address.</span>
<span id="digest-error" class="error" role="alert" hidden></span></span>"""


def _duty_switch(on_duty: bool) -> str:
    """On duty: told of escalations by e-mail/SMS (bot/handover/notify.py). The state is
    the switch's aria-checked; static/shell.js toggles it through the API."""
    state = "on" if on_duty else "off"
    return f"""<span class="duty">
<button type="button" id="duty-switch" class="switch" role="switch" aria-checked="{str(on_duty).lower()}"
 aria-describedby="duty-help" data-state="{state}">On duty
<span class="switch-state" aria-hidden="true">{state}</span></button>
<span id="duty-help" hidden>Staff on duty are notified of guests waiting, in every hotel.</span>
<span id="duty-error" class="error" role="alert" hidden></span></span>"""


def _admin_nav() -> str:
    return """<nav class="admin-nav" aria-label="Administration">
<a href="#/requests" id="nav-requests">Requests</a> <a href="outreach" id="nav-outreach">Guest lists</a>
<a href="#" id="nav-inbox">Inbox</a></nav>
"""


def _requests_section() -> str:
    """Admins only: data-subject requests (no guest data) and the subprocessors.
    static/shell.js fills both from /api/dsr and /api/subprocessors."""
    options = "".join(f'<option value="{value}">{label}</option>' for value, label in DSR_STATUSES)
    return f"""<section id="requests" aria-labelledby="requests-title" hidden>
<h1 id="requests-title" tabindex="-1">Data-subject requests</h1>
<p><label>Status <select id="dsr-status">{options}</select></label></p>
<p id="dsr-error" class="error" role="alert" hidden></p>
<p id="dsr-message" class="hint" role="status"></p>
<div class="table-wrap">
<table id="dsr-table" class="dsr">
<thead><tr><th scope="col">Request</th><th scope="col">Type</th><th scope="col">Status</th>
<th scope="col">Created</th><th scope="col">Deadline</th><th scope="col">Channel</th>
<th scope="col">Language</th><th scope="col">Actions</th></tr></thead>
<tbody id="dsr-list" aria-busy="true"></tbody>
</table>
</div>
<p id="dsr-empty" class="empty" hidden>No requests here.</p>
<form id="dsr-reject-form" class="compose" hidden>
<label for="dsr-reject-reason">Reason for rejecting <span id="dsr-reject-id"></span>
 (the guest is told)</label>
<textarea id="dsr-reject-reason" rows="2" maxlength="500" required></textarea>
<p class="actions"><button type="submit" id="dsr-reject-confirm">Reject request</button>
<button type="button" id="dsr-reject-cancel">Cancel</button></p>
</form>
<form id="dsr-extend-form" class="compose" novalidate hidden>
<h2 id="dsr-extend-title">Extend the deadline of <span id="dsr-extend-id"></span></h2>
<p class="hint" id="dsr-extend-help">GDPR Art. 12(3): by up to two further months, for complex or numerous
 requests. The guest is told the new date and the reason.</p>
<label for="dsr-extend-days">Days after the original deadline (1-60)</label>
<input id="dsr-extend-days" type="number" min="1" max="60" step="1" value="30" required
 aria-describedby="dsr-extend-until">
<p class="hint" id="dsr-extend-until" aria-live="polite"></p>
<label for="dsr-extend-reason">Reason for the extension (recorded; the guest is told)</label>
<textarea id="dsr-extend-reason" rows="2" maxlength="500" required></textarea>
<p id="dsr-extend-error" class="error" role="alert" hidden></p>
<p class="actions"><button type="submit" id="dsr-extend-confirm">Extend deadline</button>
<button type="button" id="dsr-extend-cancel">Cancel</button></p>
</form>
<h2 id="subprocessors-title">Subprocessors</h2>
<p id="subprocessors-error" class="error" role="alert" hidden></p>
<table id="subprocessors" class="dsr" aria-labelledby="subprocessors-title">
<thead><tr><th scope="col">Name</th><th scope="col">Purpose</th><th scope="col">Region</th></tr></thead>
<tbody id="subprocessors-list"></tbody>
</table>
</section>
"""


def _csrf_meta(csrf: str) -> str:
    return f'<meta name="csrf-token" content="{escape(csrf)}">\n'


def _logout(csrf: str) -> str:
    return f"""<form id="logout" method="post" action="/logout">
<input type="hidden" name="csrf" value="{escape(csrf)}"><button type="submit">Log out</button></form>"""
